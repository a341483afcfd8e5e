import { type EventType, emitEvents, type NewEvent } from '../events/index.ts';
import type { ScheduledTask } from '../scheduler/index.ts';
import { isIsoDate, marketDate } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import { exactlyOnce } from '../../platform/exactly-once.ts';
import { type CursorList, type PageRequest, cursorList } from '../../platform/http/index.ts';
import { newId } from '../../platform/ids.ts';
import {
  type Card, type CardClosureReason, type CardKind, type CardOrder, type CardStatus, type SettableCardStatus, type ShippingAddress,
  CARD_CVV_LENGTH, CARD_PAN_LENGTH, CARD_TEST_BIN, VIRTUAL_CARD_NAME, closureNeedsDate, expiryOf, nextOrderStep, panOf, printedExpiry,
  statusChangeRefusal,
} from './cards.domain.ts';
import {
  type CardKeySource, type CardKeys, clientPublicKey, decryptPin, encryptFor, loadCardKeys, panFingerprint, randomDigits, seal, unseal,
} from './cards.crypto.ts';
import { CardErrors } from './cards.errors.ts';
import * as repo from './cards.repo.ts';

/** What cards need of a pocket. */
export interface CardPocket {
  readonly status: 'PENDING' | 'OPEN' | 'FROZEN' | 'CLOSED';
  readonly customerId: string | null;
}

/** How cards reach pockets; the composition root passes the pockets module's implementation. */
export interface CardPockets {
  /** The tenant's pocket. @throws DomainError not_found for an unknown or another tenant's pocket. */
  get(ctx: RequestContext, pocketId: string): Promise<CardPocket>;
  /** Locks the tenant's pockets (ascending id); missing ids are absent from the map. */
  lock(tx: Tx, tenantId: string, pocketIds: readonly string[]): Promise<ReadonlyMap<string, CardPocket>>;
}

/** Dependencies of the cards service. */
export interface CardsDeps {
  readonly db: Db;
  readonly pockets: CardPockets;
  /** Config.cards: where the card data key and the `set_pin` key come from. */
  readonly keys: CardKeySource;
}

/** Jiko's VirtualCardResponse before rendering: the details encrypted with the client's key. */
export interface EncryptedCardDetails {
  readonly cardId: string;
  /** base64 RSA-OAEP-SHA-256 of the 16-digit PAN. */
  readonly encryptedPan: string;
  /** base64 RSA-OAEP-SHA-256 of the 3-digit CVV. */
  readonly encryptedCvv: string;
  /** base64 RSA-OAEP-SHA-256 of the expiry, `MM/YY`. */
  readonly encryptedExpiration: string;
}

/** Jiko's CloseCardRequest in domain terms. */
export interface CloseCardInput {
  readonly closureReason?: CardClosureReason | undefined;
  /** YYYY-MM-DD; required for LOST and STOLEN. */
  readonly lostStolenDate?: string | undefined;
}

/** Jiko's PhysicalCardOrder in domain terms. */
export interface NewCardOrder {
  readonly nameOnCard: string;
  readonly shippingAddress: ShippingAddress;
}

/** Orders one scheduler run moves at most; the rest move on the next run. */
export const CARD_ORDERS_PER_RUN_MAX = 500;
/** When the card-order task runs: 09:00 New York, each business day. */
export const CARD_ORDERS_AT_MINUTES = 9 * 60;
const DAY_MS = 86_400_000;
/** Draws of a fresh PAN before giving up (a collision among 10^9 numbers per BIN is rare). */
const PAN_DRAWS_MAX = 5;

const STATUS_EVENTS: Partial<Record<CardStatus, EventType>> = {
  OPEN: 'card.status.open', LOCKED: 'card.status.locked', CLOSED: 'card.status.closed', FROZEN: 'card.status.frozen',
};

function statusEvent(card: Card, at: Date): NewEvent[] {
  const eventType = STATUS_EVENTS[card.status];
  if (!eventType) return [];
  return [{
    partnerId: card.tenantId, eventType, objectType: 'Card', objectId: card.id, customerId: card.customerId,
    payload: { card_id: card.id, status: card.status }, occurredAt: at,
  } as NewEvent];
}

function orderEvent(order: CardOrder, at: Date): NewEvent {
  return {
    partnerId: order.tenantId, eventType: 'card.order.updated', objectType: 'CardOrder', objectId: order.id, customerId: order.customerId,
    payload: { card_order_id: order.id, account_id: order.pocketId, status: order.status, ...(order.cardId ? { card_id: order.cardId } : {}) },
    occurredAt: at,
  };
}

/**
 * Cards: virtual cards (created OPEN; details revealed encrypted with the caller's key), physical
 * cards (made for an order, NOT_ACTIVATED until their PIN is set and they are activated), status
 * changes, closing, and physical card orders moving on the tenant's clock (docs/CARDS.md). Every
 * path checks the tenant and that the card or order is the path's pocket's: anything else is 404.
 */
export function createCards(deps: CardsDeps) {
  const { db, pockets } = deps;
  let keysLoaded: Promise<CardKeys | undefined> | undefined;

  /** The card keys, loaded once (a failed load is tried again next time); undefined when none are configured. */
  function loadedKeys(): Promise<CardKeys | undefined> {
    keysLoaded ??= loadCardKeys(deps.keys).catch((error: unknown) => {
      keysLoaded = undefined;
      throw error;
    });
    return keysLoaded;
  }

  /** The card keys. @throws DomainError unavailable when none are configured. */
  async function keys(): Promise<CardKeys> {
    const loaded = await loadedKeys();
    if (!loaded) throw CardErrors.keysNotConfigured();
    return loaded;
  }

  /** The pocket's card (or not_found), read in `q`, locked when `lock`. */
  async function cardOf(q: Db | Tx, ctx: RequestContext, pocketId: string, cardId: string, lock = false): Promise<Card> {
    const card = await repo.findCard(q, ctx.tenantId, cardId, lock);
    if (!card || card.pocketId !== pocketId) throw CardErrors.notFound();
    return card;
  }

  /** Locks the tenant's pocket for a new card or order: an OPEN customer pocket. @returns its customer. */
  async function lockOpenPocket(tx: Tx, ctx: RequestContext, pocketId: string): Promise<string> {
    const pocket = (await pockets.lock(tx, ctx.tenantId, [pocketId])).get(pocketId);
    if (!pocket) throw CardErrors.pocketNotFound();
    if (pocket.customerId === null) throw CardErrors.notCustomerPocket();
    if (pocket.status !== 'OPEN') throw CardErrors.pocketNotOpen();
    return pocket.customerId;
  }

  /** Issues a card with fresh card data (PAN of the test BIN, CVV, expiry from today). */
  async function issueCard(
    tx: Tx, k: CardKeys, c: { tenantId: string; pocketId: string; customerId: string; kind: CardKind; status: CardStatus; name: string; cardOrderId: string | null; at: Date },
  ): Promise<Card> {
    const { expiresOn } = expiryOf(marketDate(c.at));
    for (let draw = 0; draw < PAN_DRAWS_MAX; draw += 1) {
      const id = newId();
      const pan = panOf(randomDigits(CARD_PAN_LENGTH - CARD_TEST_BIN.length - 1));
      const card = await repo.insertCard(tx, {
        ...c, id, last4: pan.slice(-4), expiresOn, panEncrypted: seal(k, `${id}:pan`, pan),
        cvvEncrypted: seal(k, `${id}:cvv`, randomDigits(CARD_CVV_LENGTH)), panFingerprint: panFingerprint(k, pan),
      });
      if (card) return card;
    }
    throw new Error('no free PAN after several draws');
  }

  /** The card's details, encrypted for the holder of `publicKeyPem`. */
  async function detailsFor(k: CardKeys, q: Db | Tx, card: Card, publicKeyPem: string): Promise<EncryptedCardDetails> {
    const key = clientPublicKey(publicKeyPem);
    const secrets = await repo.findCardSecrets(q, card.tenantId, card.id);
    if (!secrets) throw CardErrors.notFound();
    return {
      cardId: card.id,
      encryptedPan: encryptFor(key, unseal(k, `${card.id}:pan`, secrets.panEncrypted)),
      encryptedCvv: encryptFor(key, unseal(k, `${card.id}:cvv`, secrets.cvvEncrypted)),
      encryptedExpiration: encryptFor(key, printedExpiry(card.expiresOn)),
    };
  }

  /** Makes the physical card of `order` and moves the order to CARD_CREATED. */
  async function makeOrderCard(tx: Tx, k: CardKeys, order: CardOrder, at: Date): Promise<{ order: CardOrder; events: NewEvent[] }> {
    const card = await issueCard(tx, k, {
      tenantId: order.tenantId, pocketId: order.pocketId, customerId: order.customerId, kind: 'PHYSICAL', status: 'NOT_ACTIVATED',
      name: order.nameOnCard, cardOrderId: order.id, at,
    });
    const step = nextOrderStep('INITIAL')!;
    const moved = await repo.advanceOrder(tx, order.tenantId, order.id, step.to, card.id, new Date(at.getTime() + step.waitDays! * DAY_MS), at);
    return { order: moved, events: [cardCreatedEvent(card, at), orderEvent(moved, at)] };
  }

  return {
    /** Jiko's EncryptionKeysResponse: the `set_pin` public key (SPKI PEM), '' when no keys are configured. */
    async publicKeys(): Promise<{ readonly setPin: string }> {
      return { setPin: (await loadedKeys())?.pinPublicKeyPem ?? '' };
    },

    /**
     * A new OPEN virtual card on the pocket; its details come back encrypted with `publicKeyPem`.
     * Exactly once per idempotency key.
     * @throws DomainError not_found (pocket); invalid (funding pocket, pocket not open, bad public key).
     */
    async createVirtual(ctx: RequestContext, pocketId: string, publicKeyPem: string): Promise<EncryptedCardDetails> {
      const k = await keys();
      clientPublicKey(publicKeyPem);
      return exactlyOnce(db, ctx, async (tx) => {
        const customerId = await lockOpenPocket(tx, ctx, pocketId);
        const card = await issueCard(tx, k, {
          tenantId: ctx.tenantId, pocketId, customerId, kind: 'VIRTUAL', status: 'OPEN', name: VIRTUAL_CARD_NAME, cardOrderId: null, at: ctx.now,
        });
        await emitEvents(tx, [cardCreatedEvent(card, ctx.now), ...statusEvent(card, ctx.now)]);
        return detailsFor(k, tx, card, publicKeyPem);
      });
    },

    /**
     * The virtual card's PAN, CVV and expiry, encrypted with `publicKeyPem` (Jiko's Get Virtual
     * Card). Changes nothing. @throws not_found; invalid (physical card, closed card, bad key).
     */
    async reveal(ctx: RequestContext, pocketId: string, cardId: string, publicKeyPem: string): Promise<EncryptedCardDetails> {
      const k = await keys();
      const card = await cardOf(db, ctx, pocketId, cardId);
      if (card.kind !== 'VIRTUAL') throw CardErrors.wrongKind('VIRTUAL');
      if (card.status === 'CLOSED') throw CardErrors.closed();
      return detailsFor(k, db, card, publicKeyPem);
    },

    /** A page of the pocket's cards (no PAN, CVV or expiry), oldest first. @throws not_found (pocket); invalid (cursor). */
    async list(ctx: RequestContext, pocketId: string, statuses: readonly CardStatus[], page: PageRequest): Promise<CursorList<Card>> {
      if (!isCreatedAtKey(page)) throw CardErrors.cursorInvalid();
      await pockets.get(ctx, pocketId);
      const rows = await repo.listCards(db, ctx.tenantId, pocketId, statuses, page);
      return cursorList(page, rows, (row) => row.key, (row) => row.card);
    },

    /** The pocket's card. @throws not_found. */
    async get(ctx: RequestContext, pocketId: string, cardId: string): Promise<Card> {
      return cardOf(db, ctx, pocketId, cardId);
    },

    setStatus: (ctx: RequestContext, pocketId: string, cardId: string, status: SettableCardStatus | undefined) => setStatus(ctx, pocketId, cardId, status),
    setPin: (ctx: RequestContext, pocketId: string, cardId: string, encryptedPin: string) => setPin(ctx, pocketId, cardId, encryptedPin),
    close: (ctx: RequestContext, pocketId: string, cardId: string, input: CloseCardInput, kind?: CardKind) => close(ctx, pocketId, cardId, input, kind),

    /**
     * A new INITIAL physical card order; the card is made on the next business-day run (or by the
     * sandbox's generate-card). Exactly once. @throws not_found (pocket); invalid (funding pocket, not open).
     */
    async createOrder(ctx: RequestContext, pocketId: string, input: NewCardOrder): Promise<CardOrder> {
      return exactlyOnce(db, ctx, async (tx) => {
        const customerId = await lockOpenPocket(tx, ctx, pocketId);
        const order = await repo.insertOrder(tx, {
          id: newId(), tenantId: ctx.tenantId, pocketId, customerId, nameOnCard: input.nameOnCard, address: input.shippingAddress, nextStepAt: ctx.now, at: ctx.now,
        });
        await emitEvents(tx, [orderEvent(order, ctx.now)]);
        return order;
      });
    },

    /** A page of the pocket's card orders, oldest first. @throws not_found (pocket); invalid (cursor). */
    async listOrders(ctx: RequestContext, pocketId: string, page: PageRequest): Promise<CursorList<CardOrder>> {
      if (!isCreatedAtKey(page)) throw CardErrors.cursorInvalid();
      await pockets.get(ctx, pocketId);
      const rows = await repo.listOrders(db, ctx.tenantId, pocketId, page);
      return cursorList(page, rows, (row) => row.key, (row) => row.order);
    },

    /** The pocket's card order. @throws not_found. */
    async getOrder(ctx: RequestContext, pocketId: string, orderId: string): Promise<CardOrder> {
      const order = await repo.findOrder(db, ctx.tenantId, orderId);
      if (!order || order.pocketId !== pocketId) throw CardErrors.orderNotFound();
      return order;
    },

    /**
     * Sandbox: makes the card of an INITIAL order now (NOT_ACTIVATED), moving the order to
     * CARD_CREATED. @throws not_found (order); invalid `cards.already_generated`, `cards.order_stopped`
     * (its pocket closed).
     */
    async generateCard(ctx: RequestContext, orderId: string): Promise<CardOrder> {
      const k = await keys();
      return exactlyOnce(db, ctx, async (tx) => {
        const found = await repo.findOrder(tx, ctx.tenantId, orderId);
        if (!found) throw CardErrors.orderNotFound();
        // The pocket first, as its closing does (it then stops the order): an order of a closed
        // pocket stopped with it, and no card is made for it.
        const pocket = (await pockets.lock(tx, ctx.tenantId, [found.pocketId])).get(found.pocketId);
        if (pocket?.status === 'CLOSED') throw CardErrors.orderStopped();
        const order = (await repo.findOrder(tx, ctx.tenantId, orderId, true))!;
        if (order.cardId !== null) throw CardErrors.cardAlreadyGenerated();
        const made = await makeOrderCard(tx, k, order, ctx.now);
        await emitEvents(tx, made.events);
        return made.order;
      });
    },

    /**
     * For pockets, in the transaction that closes the pocket (PocketCloseHooks): every card of the
     * pocket not CLOSED yet becomes CLOSED (closure reason CANCELED, event `card.status.closed`),
     * and the pocket's orders still moving stop where they are (Jiko's order statuses have no
     * cancelled one: the order keeps its status and the orders task skips it). docs/CARDS.md.
     */
    async pocketClosed(tx: Tx, ctx: RequestContext, pocketId: string): Promise<void> {
      const closed = await repo.closePocketCards(tx, ctx.tenantId, pocketId, 'CANCELED', ctx.now);
      await repo.stopPocketOrders(tx, ctx.tenantId, pocketId, ctx.now);
      if (closed.length > 0) await emitEvents(tx, closed.flatMap((card) => statusEvent(card, ctx.now)));
    },

    /** The business-day task that moves due card orders one status on (docs/CARDS.md). */
    task(): ScheduledTask {
      return {
        name: 'cards.orders',
        atMinutes: CARD_ORDERS_AT_MINUTES,
        async run(tx, ctx) {
          const due = await repo.lockDueOrders(tx, ctx.tenantId, ctx.now, CARD_ORDERS_PER_RUN_MAX);
          if (due.length === 0) return;
          const events: NewEvent[] = [];
          for (const order of due) {
            if (order.status === 'INITIAL') {
              const made = await makeOrderCard(tx, await keys(), order, ctx.now);
              events.push(...made.events);
              continue;
            }
            const step = nextOrderStep(order.status);
            if (!step) continue;
            const next = step.waitDays === null ? null : new Date(ctx.now.getTime() + step.waitDays * DAY_MS);
            events.push(orderEvent(await repo.advanceOrder(tx, ctx.tenantId, order.id, step.to, null, next, ctx.now), ctx.now));
          }
          await emitEvents(tx, events);
        },
      };
    },
  };

  /**
   * Jiko's Set Card Status: OPEN or LOCKED. Activating a NOT_ACTIVATED physical card is setting it
   * OPEN once its PIN is set and its order received. The same status again changes nothing.
   * @throws not_found; invalid (missing status, closed, frozen, not activated, PIN not set, not received).
   */
  async function setStatus(ctx: RequestContext, pocketId: string, cardId: string, status: SettableCardStatus | undefined): Promise<Card> {
    if (status === undefined) throw CardErrors.statusMissing();
    return exactlyOnce(db, ctx, async (tx) => {
      const card = await cardOf(tx, ctx, pocketId, cardId, true);
      const order = card.cardOrderId ? await repo.findOrder(tx, ctx.tenantId, card.cardOrderId) : undefined;
      const refusal = statusChangeRefusal(card, status, order?.status === 'RECEIVED');
      if (refusal) throw REFUSALS[refusal]();
      if (card.status === status) return card;
      const changed = await repo.setCardStatus(tx, ctx.tenantId, cardId, status, ctx.now, card.status === 'NOT_ACTIVATED');
      await emitEvents(tx, statusEvent(changed, ctx.now));
      return changed;
    });
  }

  /**
   * Jiko's Set Card PIN: a physical card's PIN, before activation, given only encrypted under the
   * `set_pin` key; kept sealed. @throws not_found; invalid (virtual, closed, activated, not encrypted).
   */
  async function setPin(ctx: RequestContext, pocketId: string, cardId: string, encryptedPin: string): Promise<{ readonly success: true }> {
    const k = await keys();
    const pin = decryptPin(k, encryptedPin);
    return exactlyOnce(db, ctx, async (tx) => {
      const card = await cardOf(tx, ctx, pocketId, cardId, true);
      if (card.kind !== 'PHYSICAL') throw CardErrors.wrongKind('PHYSICAL');
      if (card.status === 'CLOSED') throw CardErrors.closed();
      if (card.status !== 'NOT_ACTIVATED') throw CardErrors.pinAfterActivation();
      await repo.setCardPin(tx, ctx.tenantId, cardId, seal(k, `${cardId}:pin`, pin), ctx.now);
      return { success: true } as const;
    });
  }

  /**
   * Closes a card for good (Jiko's Close Card; Close Virtual Card with kind VIRTUAL and reason
   * CANCELED). Physical cards need a reason; LOST and STOLEN need `lostStolenDate`, not after today.
   * @throws not_found; invalid (missing reason or date, date in the future, wrong kind, closed already).
   */
  async function close(ctx: RequestContext, pocketId: string, cardId: string, input: CloseCardInput, kind?: CardKind): Promise<Card> {
    const reason = input.closureReason;
    if (reason && closureNeedsDate(reason)) {
      if (input.lostStolenDate === undefined) throw CardErrors.lostStolenDateMissing();
      if (!isIsoDate(input.lostStolenDate)) throw CardErrors.lostStolenDateInvalid();
      if (input.lostStolenDate > marketDate(ctx.now)) throw CardErrors.lostStolenDateInFuture();
    }
    return exactlyOnce(db, ctx, async (tx) => {
      const card = await cardOf(tx, ctx, pocketId, cardId, true);
      if (kind && card.kind !== kind) throw CardErrors.wrongKind(kind);
      if (card.kind === 'PHYSICAL' && !reason) throw CardErrors.closureReasonMissing();
      if (card.status === 'CLOSED') throw CardErrors.closed();
      const closed = await repo.closeCardRow(tx, ctx.tenantId, cardId, reason ?? 'CANCELED', reason && closureNeedsDate(reason) ? input.lostStolenDate! : null, ctx.now);
      await emitEvents(tx, statusEvent(closed, ctx.now));
      return closed;
    });
  }
}

const REFUSALS = {
  closed: CardErrors.closed,
  frozen: CardErrors.frozen,
  not_activated: CardErrors.notActivated,
  pin_not_set: CardErrors.pinNotSet,
  not_received: CardErrors.notReceived,
} as const;

function cardCreatedEvent(card: Card, at: Date): NewEvent {
  return {
    partnerId: card.tenantId, eventType: 'card.created', objectType: 'Card', objectId: card.id, customerId: card.customerId,
    payload: { card_id: card.id, account_id: card.pocketId, type: card.kind, status: card.status === 'OPEN' ? 'OPEN' : 'NOT_ACTIVATED' }, occurredAt: at,
  };
}

const KEY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when the page's cursor key is one of ours: [created_at ISO, id]. */
function isCreatedAtKey(page: PageRequest): boolean {
  if (page.after === undefined) return true;
  const [time, id, ...rest] = page.after;
  return rest.length === 0 && typeof time === 'string' && KEY_TIME.test(time) && !Number.isNaN(Date.parse(time)) && typeof id === 'string' && UUID.test(id);
}

export type Cards = ReturnType<typeof createCards>;
