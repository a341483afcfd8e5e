import { type CardForAuthorization, cardForAuthorization } from '../../cards/index.ts';
import { pendingDebitsOfType, settleEntries } from '../../ledger/index.ts';
import type { MarketService } from '../../market/index.ts';
import type { Movement, MovementPocket, Movements } from '../../movements/index.ts';
import type { Scheduler } from '../../scheduler/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Db, Queryable, Tx } from '../../../platform/db/index.ts';
import { exactlyOnce } from '../../../platform/exactly-once.ts';
import { money } from '../../../money/index.ts';
import { isUuid, newId } from '../../../platform/ids.ts';
import { type CardBook, createCardBook } from './card.book.ts';
import {
  type CardLimits,
  type CardMessageKind,
  type Decision,
  decide,
  heldAfterReversal,
  holdExpiresAt,
  settlementDateOf,
} from './card.domain.ts';
import { CardRailErrors } from './card.errors.ts';
import * as repo from './card.repo.ts';
import { cardTasks } from './card.tasks.ts';

/** A sandbox card swipe in domain terms (Jiko's CardSwipe plus pocketbook's network message fields). */
export interface SwipeInput {
  readonly cardId: string;
  /** Cents, above zero: what the message asks to hold, release, refund or post. */
  readonly amountCents: bigint;
  /** Default `authorization`. */
  readonly kind?: CardMessageKind | undefined;
  /** Default `Sandbox Merchant`. */
  readonly merchantName?: string | undefined;
  /** ISO 18245 merchant category code; default 5999 (miscellaneous retail). */
  readonly mcc?: string | undefined;
  /** The authorization an incremental or a reversal changes, or a refund returns money of. */
  readonly authorizationId?: string | undefined;
  /** An authorization's final amount at clearing (cents), when it differs from the amount held. */
  readonly settlementAmountCents?: bigint | undefined;
  /** An authorization: the clearing arrives with the next settlement (default), or never (false). */
  readonly capture?: boolean | undefined;
}

/** A swipe's outcome: the message as recorded, and the authorization it changed (incremental, reversal). */
export interface SwipeResult {
  readonly message: repo.CardAuthorization;
  readonly authorization: repo.CardAuthorization | null;
}

/** The default merchant of a sandbox swipe. */
export const SANDBOX_MERCHANT = 'Sandbox Merchant';
/** ISO 18245 5999: miscellaneous and specialty retail stores. */
export const SANDBOX_MCC = '5999';

/** Checks the shape of a swipe that the schema cannot see: which fields go with which kind. */
function checkInput(input: SwipeInput): CardMessageKind {
  const kind = input.kind ?? 'authorization';
  if ((kind === 'incremental' || kind === 'reversal') && input.authorizationId === undefined) throw CardRailErrors.authorizationRequired(kind);
  if ((kind === 'authorization' || kind === 'force_post') && input.authorizationId !== undefined) throw CardRailErrors.authorizationNotAllowed(kind);
  if (kind !== 'authorization' && input.settlementAmountCents !== undefined) throw CardRailErrors.settlementOnlyForAuthorization();
  if (kind !== 'authorization' && input.capture !== undefined) throw CardRailErrors.captureOnlyForAuthorization();
  return kind;
}

/** What a message handler works with. */
interface Swipe {
  readonly tx: Tx;
  readonly m: Movement;
  readonly pocket: MovementPocket;
  readonly card: CardForAuthorization;
  readonly input: SwipeInput;
  readonly message: repo.CardAuthorization;
}

/**
 * The card issuer (docs/CARDS.md "Authorization and settlement"): the sandbox swipe runs the
 * decision at once in one transaction with the pocket locked, holds approved amounts (selling
 * bills when cash is short), and records every message; its scheduler task settles holds at the
 * network's settlement and expires uncaptured ones (card.tasks.ts).
 */
export function createCardRail(deps: { db: Db; movements: Movements; market: MarketService; scheduler: Scheduler; limits: CardLimits }) {
  const { db, movements, market, limits } = deps;
  const book: CardBook = createCardBook({ market, movements });
  for (const task of cardTasks({ movements, book })) deps.scheduler.register(task);

  /** The issuer's decision on holding `amountCents` more on the card today. */
  async function decision(s: Swipe, amountCents: bigint, counts: boolean): Promise<Decision> {
    const funds = await book.funds(s.tx, s.m, s.pocket);
    return decide({
      cardStatus: s.card.status, cardExpiresOn: s.card.expiresOn, today: s.m.time.bookDate, pocketStatus: s.pocket.status, amountCents, counts,
      usage: await repo.dayUsage(s.tx, s.m.ctx.tenantId, s.card.cardId, s.m.time.bookDate), limits, availableCents: funds.cashCents + funds.billsCents,
    });
  }

  function event(s: Swipe, type: 'card.transaction.approved' | 'card.transaction.rejected' | 'card.transaction.reversed' | 'card.transaction.refunded' | 'card.transaction.settled', objectId: string, amountCents: bigint): void {
    movements.event(s.m, {
      eventType: type, objectType: 'CardTransaction', objectId, customerId: s.pocket.customerId,
      payload: { card_id: s.card.cardId, amount: money(amountCents).value, account_id: s.pocket.id },
    });
  }

  function declined(s: Swipe, reason: Exclude<Decision, { approved: true }>['reason']): SwipeResult {
    event(s, 'card.transaction.rejected', s.message.authorizationId ?? s.message.id, s.message.amountCents);
    return { message: { ...s.message, status: 'DECLINED', declineReason: reason, closedAt: s.m.time.at }, authorization: null };
  }

  async function authorize(s: Swipe): Promise<SwipeResult> {
    const verdict = await decision(s, s.message.amountCents, true);
    if (!verdict.approved) return declined(s, verdict.reason);
    const { sweptCents, soldCents } = await book.bringToBank(s.tx, s.m, s.pocket, s.message.amountCents, false, s.message);
    if (sweptCents !== s.message.amountCents) return declined(s, 'insufficient_funds');
    const entryId = book.holdEntry(s.m, s.pocket, s.message.amountCents, s.message.id, s.message.merchantName);
    event(s, 'card.transaction.approved', s.message.id, s.message.amountCents);
    const capture = s.input.capture ?? true;
    return {
      message: {
        ...s.message, status: 'PENDING', heldCents: s.message.amountCents, ledgerEntryId: entryId, soldCents, capture,
        settlementAmountCents: s.input.settlementAmountCents ?? null, settleOn: capture ? settlementDateOf(market.calendar, s.m.time.bookDate) : null,
        expiresAt: holdExpiresAt(s.m.time.at),
      },
      authorization: null,
    };
  }

  /** The PENDING authorization of this card a message refers to, locked. */
  async function pendingParent(s: Swipe): Promise<repo.CardAuthorization> {
    const parent = await lockParent(s);
    if (parent.kind !== 'authorization' || parent.status !== 'PENDING') throw CardRailErrors.notPending(parent.status);
    return parent;
  }

  async function lockParent(s: Swipe): Promise<repo.CardAuthorization> {
    const id = s.input.authorizationId!;
    const parent = isUuid(id) ? await repo.lockAuthorization(s.tx, s.m.ctx.tenantId, id) : undefined;
    if (!parent) throw CardRailErrors.authorizationNotFound();
    if (parent.cardId !== s.card.cardId) throw CardRailErrors.otherCard();
    return parent;
  }

  async function increment(s: Swipe): Promise<SwipeResult> {
    const parent = await pendingParent(s);
    const verdict = await decision(s, s.message.amountCents, false);
    if (!verdict.approved) return declined(s, verdict.reason);
    const { sweptCents, soldCents } = await book.bringToBank(s.tx, s.m, s.pocket, s.message.amountCents, false, parent);
    if (sweptCents !== s.message.amountCents) return declined(s, 'insufficient_funds');
    await settleEntries(s.tx, s.m.ctx.tenantId, [parent.ledgerEntryId!], 'voided', s.m.time.at);
    const heldCents = parent.heldCents + s.message.amountCents;
    const entryId = book.holdEntry(s.m, s.pocket, heldCents, parent.id, parent.merchantName);
    event(s, 'card.transaction.approved', parent.id, s.message.amountCents);
    return {
      message: { ...s.message, status: 'APPROVED', soldCents, closedAt: s.m.time.at },
      authorization: { ...parent, heldCents, ledgerEntryId: entryId, soldCents: parent.soldCents + soldCents },
    };
  }

  async function reverse(s: Swipe): Promise<SwipeResult> {
    const parent = await pendingParent(s);
    const heldCents = heldAfterReversal(parent.heldCents, s.message.amountCents);
    const releasedCents = parent.heldCents - heldCents;
    await settleEntries(s.tx, s.m.ctx.tenantId, [parent.ledgerEntryId!], 'voided', s.m.time.at);
    const entryId = heldCents > 0n ? book.holdEntry(s.m, s.pocket, heldCents, parent.id, parent.merchantName) : parent.ledgerEntryId;
    book.sweep(s.m, s.pocket, releasedCents, 'to_brokerage', parent.id);
    if (s.pocket.status === 'OPEN') movements.invest(s.m, s.pocket, null);
    event(s, 'card.transaction.reversed', parent.id, releasedCents);
    return {
      message: { ...s.message, status: 'APPROVED', closedAt: s.m.time.at },
      authorization: { ...parent, heldCents, ledgerEntryId: entryId, status: heldCents > 0n ? 'PENDING' : 'REVERSED', closedAt: heldCents > 0n ? null : s.m.time.at },
    };
  }

  async function refund(s: Swipe): Promise<SwipeResult> {
    if (s.input.authorizationId !== undefined) await lockParent(s);
    if (s.pocket.status !== 'OPEN' && s.pocket.status !== 'FROZEN') return declined(s, 'account_disabled');
    const entryId = book.refundEntry(s.m, s.pocket, s.message.amountCents, s.message.id, s.message.merchantName);
    movements.record(s.m, s.pocket, 'CREDIT', s.message.amountCents, book.leg(s.card, s.message.merchantName, s.message.mcc, false, true), entryId);
    if (s.pocket.status === 'OPEN') movements.invest(s.m, s.pocket, null);
    event(s, 'card.transaction.refunded', s.message.id, s.message.amountCents);
    return { message: { ...s.message, status: 'SETTLED', ledgerEntryId: entryId, settledCents: s.message.amountCents, closedAt: s.m.time.at }, authorization: null };
  }

  /** A capture with no authorization: it must post (wires-cards.md B1); what the pocket cannot cover is the shortfall. */
  async function forcePost(s: Swipe): Promise<SwipeResult> {
    const { sweptCents, soldCents } = await book.bringToBank(s.tx, s.m, s.pocket, s.message.amountCents, true, s.message);
    const entryId = sweptCents > 0n ? book.postEntry(s.m, s.pocket, sweptCents, s.message.id, s.message.merchantName) : null;
    if (entryId) movements.record(s.m, s.pocket, 'DEBIT', sweptCents, book.leg(s.card, s.message.merchantName, s.message.mcc, false, false), entryId);
    event(s, 'card.transaction.settled', s.message.id, sweptCents);
    return {
      message: {
        ...s.message, status: 'SETTLED', ledgerEntryId: entryId, soldCents, settledCents: sweptCents, shortfallCents: s.message.amountCents - sweptCents,
        closedAt: s.m.time.at,
      },
      authorization: null,
    };
  }

  const handlers: Record<CardMessageKind, (s: Swipe) => Promise<SwipeResult>> = {
    authorization: authorize, incremental: increment, reversal: reverse, refund, force_post: forcePost,
  };

  return {
    /**
     * Sandbox: a card network message for the card, decided and booked at once, exactly once.
     * Declines are outcomes (status DECLINED with a reason, nothing held or sold), not errors.
     * @throws DomainError not_found for an unknown card or authorization (or another tenant's);
     *   invalid for fields that do not go with the kind, an authorization of another card;
     *   conflict for an incremental or reversal of an authorization no longer PENDING.
     */
    async swipe(ctx: RequestContext, input: SwipeInput): Promise<SwipeResult> {
      const kind = checkInput(input);
      return exactlyOnce(db, ctx, async (tx) => {
        const card = isUuid(input.cardId) ? await cardForAuthorization(tx, ctx.tenantId, input.cardId) : undefined;
        if (!card) throw CardRailErrors.cardNotFound();
        const m = await movements.begin(tx, ctx, [card.pocketId]);
        const pocket = m.pockets.get(card.pocketId);
        if (!pocket) throw CardRailErrors.cardNotFound();
        const message: repo.CardAuthorization = {
          id: newId(), cardId: card.cardId, pocketId: pocket.id, customerId: pocket.customerId, kind, authorizationId: input.authorizationId ?? null,
          amountCents: input.amountCents, status: 'DECLINED', declineReason: null, merchantName: input.merchantName ?? SANDBOX_MERCHANT,
          mcc: input.mcc ?? SANDBOX_MCC, heldCents: 0n, settlementAmountCents: null, capture: false, settleOn: null, expiresAt: null,
          ledgerEntryId: null, soldCents: 0n, settledCents: null, shortfallCents: 0n, bookDate: m.time.bookDate, createdAt: m.time.at, closedAt: null,
        };
        const result = await handlers[kind]({ tx, m, pocket, card, input, message });
        await movements.commit(tx, m);
        repo.insertAuthorization(tx, ctx.tenantId, result.message);
        if (result.authorization) repo.updateAuthorization(tx, ctx.tenantId, result.authorization.id, result.authorization);
        return result;
      });
    },

    /** @throws DomainError not_found for an unknown id or another tenant's. */
    async get(ctx: RequestContext, id: string): Promise<repo.CardAuthorization> {
      const found = isUuid(id) ? await repo.findAuthorization(db, ctx.tenantId, id) : undefined;
      if (!found) throw CardRailErrors.authorizationNotFound();
      return found;
    },

    /** The card's messages, oldest first (at most 1 000). */
    async listOfCard(ctx: RequestContext, cardId: string): Promise<repo.CardAuthorization[]> {
      return isUuid(cardId) ? repo.listOfCard(db, ctx.tenantId, cardId, 1_000) : [];
    },

    /**
     * Violations of the issuer's invariant for a tenant: the cents its PENDING authorizations hold
     * equal the debits its pending CARD_AUTHORIZATION entries hold. Empty when sound.
     */
    async checkInvariants(q: Queryable, tenantId: string): Promise<string[]> {
      const held = await repo.heldTotal(q, tenantId);
      const pending = await pendingDebitsOfType(q, tenantId, 'CARD_AUTHORIZATION');
      return held === pending ? [] : [`card authorizations hold ${held} cents but pending CARD_AUTHORIZATION entries hold ${pending}`];
    },
  };
}

export type CardRail = ReturnType<typeof createCardRail>;
