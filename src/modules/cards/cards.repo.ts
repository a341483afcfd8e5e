import { type Queryable, type Tx, createdAtPage } from '../../platform/db/index.ts';
import type { PageRequest } from '../../platform/http/index.ts';
import type { Card, CardClosureReason, CardKind, CardOrder, CardOrderStatus, CardStatus, ShippingAddress } from './cards.domain.ts';

/**
 * SQL of cards (`cards`) and physical card orders (`card_orders`). Writers take the caller's
 * transaction. The encrypted PAN, CVV and PIN are read only by `findCardSecrets`.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the card issuer's authorization needs of a card (see index.ts). */
export interface CardForAuthorizationRow {
  readonly cardId: string;
  readonly tenantId: string;
  readonly pocketId: string;
  readonly customerId: string;
  readonly status: CardStatus;
  readonly kind: CardKind;
  readonly last4: string;
  readonly expiresOn: string;
}

/** The tenant's card with this id for an authorization decision, or undefined (no row lock). */
export async function findCardForAuthorization(q: Queryable, tenantId: string, cardId: string): Promise<CardForAuthorizationRow | undefined> {
  if (!UUID.test(cardId)) return undefined;
  const rows = await q.query<{ id: string; partner_id: string; pocket_id: string; customer_id: string; status: CardStatus; kind: CardKind; last4: string; expires_on: string }>(
    `SELECT id, partner_id, pocket_id, customer_id, status, kind, last4, expires_on::text AS expires_on
       FROM cards WHERE partner_id = $1 AND id = $2`,
    [tenantId, cardId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    cardId: row.id, tenantId: row.partner_id, pocketId: row.pocket_id, customerId: row.customer_id,
    status: row.status, kind: row.kind, last4: row.last4, expiresOn: row.expires_on,
  };
}

interface CardRow {
  id: string;
  partner_id: string;
  pocket_id: string;
  customer_id: string;
  kind: CardKind;
  status: CardStatus;
  name: string;
  last4: string;
  expires_on: string;
  pin_set: boolean;
  card_order_id: string | null;
  closure_reason: CardClosureReason | null;
  lost_stolen_date: string | null;
  created_at: Date;
  closed_at: Date | null;
}

const CARD_COLUMNS = `id, partner_id, pocket_id, customer_id, kind, status, name, last4, expires_on::text AS expires_on,
  (pin_encrypted IS NOT NULL) AS pin_set, card_order_id, closure_reason, lost_stolen_date::text AS lost_stolen_date, created_at, closed_at`;

function toCard(row: CardRow): Card {
  return {
    id: row.id, tenantId: row.partner_id, pocketId: row.pocket_id, customerId: row.customer_id, kind: row.kind, status: row.status,
    name: row.name, last4: row.last4, expiresOn: row.expires_on, pinSet: row.pin_set, cardOrderId: row.card_order_id,
    closureReason: row.closure_reason, lostStolenDate: row.lost_stolen_date, createdAt: row.created_at, closedAt: row.closed_at,
  };
}

/** A new card's row, its PAN and CVV already sealed. */
export interface NewCardRow {
  readonly id: string;
  readonly tenantId: string;
  readonly pocketId: string;
  readonly customerId: string;
  readonly kind: CardKind;
  readonly status: CardStatus;
  readonly name: string;
  readonly last4: string;
  readonly expiresOn: string;
  readonly panEncrypted: string;
  readonly cvvEncrypted: string;
  readonly panFingerprint: string;
  readonly cardOrderId: string | null;
  readonly at: Date;
}

/**
 * Inserts a card. @returns it, or undefined when its PAN's fingerprint is taken (the caller draws
 * another PAN; the statement changes nothing then).
 */
export async function insertCard(tx: Tx, c: NewCardRow): Promise<Card | undefined> {
  const rows = await tx.query<CardRow>(
    `INSERT INTO cards (id, partner_id, pocket_id, customer_id, kind, status, name, last4, expires_on, pan_encrypted, cvv_encrypted,
                        pan_fingerprint, card_order_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
     ON CONFLICT (pan_fingerprint) DO NOTHING
     RETURNING ${CARD_COLUMNS}`,
    [c.id, c.tenantId, c.pocketId, c.customerId, c.kind, c.status, c.name, c.last4, c.expiresOn, c.panEncrypted, c.cvvEncrypted,
      c.panFingerprint, c.cardOrderId, c.at],
  );
  return rows[0] ? toCard(rows[0]) : undefined;
}

/** The tenant's card, or undefined; locked for update when `lock`. */
export async function findCard(q: Queryable, tenantId: string, cardId: string, lock = false): Promise<Card | undefined> {
  const rows = await q.query<CardRow>(
    `SELECT ${CARD_COLUMNS} FROM cards WHERE partner_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, cardId],
  );
  return rows[0] ? toCard(rows[0]) : undefined;
}

/** The sealed PAN and CVV of the tenant's card (for a reveal), or undefined. */
export async function findCardSecrets(q: Queryable, tenantId: string, cardId: string): Promise<{ panEncrypted: string; cvvEncrypted: string } | undefined> {
  const rows = await q.query<{ pan_encrypted: string; cvv_encrypted: string }>(
    'SELECT pan_encrypted, cvv_encrypted FROM cards WHERE partner_id = $1 AND id = $2',
    [tenantId, cardId],
  );
  return rows[0] ? { panEncrypted: rows[0].pan_encrypted, cvvEncrypted: rows[0].cvv_encrypted } : undefined;
}

/** A page of the pocket's cards, oldest first, of `statuses` (all when empty). */
export async function listCards(
  q: Queryable, tenantId: string, pocketId: string, statuses: readonly CardStatus[], page: PageRequest,
): Promise<{ card: Card; key: (string | number)[] }[]> {
  const params: unknown[] = [tenantId, pocketId];
  let filter = '';
  if (statuses.length > 0) {
    params.push([...statuses]);
    filter = ` AND status = ANY($${params.length}::text[])`;
  }
  const keyset = createdAtPage(params, page);
  const rows = await q.query<CardRow>(
    `SELECT ${CARD_COLUMNS} FROM cards WHERE partner_id = $1 AND pocket_id = $2${filter}${keyset.after ? ` AND ${keyset.after}` : ''} ${keyset.orderLimit}`,
    params,
  );
  return rows.map((row) => ({ card: toCard(row), key: [row.created_at.toISOString(), row.id] }));
}

/** Sets the card's status (and its activation time when `activated`). @returns the card as changed. */
export async function setCardStatus(tx: Tx, tenantId: string, cardId: string, status: CardStatus, at: Date, activated: boolean): Promise<Card> {
  const rows = await tx.query<CardRow>(
    `UPDATE cards SET status = $3, updated_at = $4${activated ? ', activated_at = $4' : ''}
      WHERE partner_id = $1 AND id = $2 RETURNING ${CARD_COLUMNS}`,
    [tenantId, cardId, status, at],
  );
  return toCard(rows[0]!);
}

/** Stores the card's sealed PIN. */
export async function setCardPin(tx: Tx, tenantId: string, cardId: string, pinEncrypted: string, at: Date): Promise<void> {
  await tx.query('UPDATE cards SET pin_encrypted = $3, pin_set_at = $4, updated_at = $4 WHERE partner_id = $1 AND id = $2', [tenantId, cardId, pinEncrypted, at]);
}

/** Closes the card for `reason`. @returns the card as changed. */
export async function closeCardRow(tx: Tx, tenantId: string, cardId: string, reason: CardClosureReason | null, lostStolenDate: string | null, at: Date): Promise<Card> {
  const rows = await tx.query<CardRow>(
    `UPDATE cards SET status = 'CLOSED', closure_reason = $3, lost_stolen_date = $4, closed_at = $5, updated_at = $5
      WHERE partner_id = $1 AND id = $2 RETURNING ${CARD_COLUMNS}`,
    [tenantId, cardId, reason, lostStolenDate, at],
  );
  return toCard(rows[0]!);
}

/**
 * Closes every card of the pocket that is not CLOSED yet (the pocket closed), for `reason`.
 * @returns the cards as changed, by id.
 */
export async function closePocketCards(tx: Tx, tenantId: string, pocketId: string, reason: CardClosureReason, at: Date): Promise<Card[]> {
  const rows = await tx.query<CardRow>(
    `UPDATE cards SET status = 'CLOSED', closure_reason = $3, lost_stolen_date = NULL, closed_at = $4, updated_at = $4
      WHERE partner_id = $1 AND pocket_id = $2 AND status <> 'CLOSED' RETURNING ${CARD_COLUMNS}`,
    [tenantId, pocketId, reason, at],
  );
  return rows.map(toCard).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

interface OrderRow {
  id: string;
  partner_id: string;
  pocket_id: string;
  customer_id: string;
  status: CardOrderStatus;
  name_on_card: string;
  street_address: string;
  street_address2: string | null;
  city: string;
  postal_code: string;
  state: string;
  country: string;
  card_id: string | null;
  next_step_at: Date | null;
  created_at: Date;
}

const ORDER_COLUMNS = `id, partner_id, pocket_id, customer_id, status, name_on_card, street_address, street_address2, city, postal_code, state,
  country, card_id, next_step_at, created_at`;

function toOrder(row: OrderRow): CardOrder {
  return {
    id: row.id, tenantId: row.partner_id, pocketId: row.pocket_id, customerId: row.customer_id, status: row.status, nameOnCard: row.name_on_card,
    shippingAddress: {
      streetAddress: row.street_address, streetAddress2: row.street_address2, city: row.city, postalCode: row.postal_code, state: row.state, country: row.country,
    },
    cardId: row.card_id, nextStepAt: row.next_step_at, createdAt: row.created_at,
  };
}

/** Inserts an INITIAL order whose first step is due at `nextStepAt`. */
export async function insertOrder(
  tx: Tx, o: { id: string; tenantId: string; pocketId: string; customerId: string; nameOnCard: string; address: ShippingAddress; nextStepAt: Date; at: Date },
): Promise<CardOrder> {
  const a = o.address;
  const rows = await tx.query<OrderRow>(
    `INSERT INTO card_orders (id, partner_id, pocket_id, customer_id, status, name_on_card, street_address, street_address2, city, postal_code,
                              state, country, next_step_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'INITIAL', $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING ${ORDER_COLUMNS}`,
    [o.id, o.tenantId, o.pocketId, o.customerId, o.nameOnCard, a.streetAddress, a.streetAddress2, a.city, a.postalCode, a.state, a.country, o.nextStepAt, o.at],
  );
  return toOrder(rows[0]!);
}

/** The tenant's card order, or undefined; locked for update when `lock`. */
export async function findOrder(q: Queryable, tenantId: string, orderId: string, lock = false): Promise<CardOrder | undefined> {
  const rows = await q.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM card_orders WHERE partner_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, orderId],
  );
  return rows[0] ? toOrder(rows[0]) : undefined;
}

/** A page of the pocket's card orders, oldest first. */
export async function listOrders(q: Queryable, tenantId: string, pocketId: string, page: PageRequest): Promise<{ order: CardOrder; key: (string | number)[] }[]> {
  const params: unknown[] = [tenantId, pocketId];
  const keyset = createdAtPage(params, page);
  const rows = await q.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM card_orders WHERE partner_id = $1 AND pocket_id = $2${keyset.after ? ` AND ${keyset.after}` : ''} ${keyset.orderLimit}`,
    params,
  );
  return rows.map((row) => ({ order: toOrder(row), key: [row.created_at.toISOString(), row.id] }));
}

/** Locks up to `limit` of the tenant's orders whose next step is due at `now` (stopped ones never), oldest first. */
export async function lockDueOrders(tx: Tx, tenantId: string, now: Date, limit: number): Promise<CardOrder[]> {
  const rows = await tx.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM card_orders WHERE partner_id = $1 AND next_step_at <= $2 AND stopped_at IS NULL
      ORDER BY next_step_at, id LIMIT $3 FOR UPDATE`,
    [tenantId, now, limit],
  );
  return rows.map(toOrder);
}

/** Moves an order to `status` (with its card, once made), its next step due at `nextStepAt` (null: none). */
export async function advanceOrder(
  tx: Tx, tenantId: string, orderId: string, status: CardOrderStatus, cardId: string | null, nextStepAt: Date | null, at: Date,
): Promise<CardOrder> {
  const rows = await tx.query<OrderRow>(
    `UPDATE card_orders SET status = $3, card_id = COALESCE(card_id, $4), next_step_at = $5, updated_at = $6
      WHERE partner_id = $1 AND id = $2 RETURNING ${ORDER_COLUMNS}`,
    [tenantId, orderId, status, cardId, nextStepAt, at],
  );
  return toOrder(rows[0]!);
}

/**
 * Stops the pocket's orders that still have a step to make (the pocket closed): they keep their
 * status and `next_step_at`, and `stopped_at` keeps the orders task from ever moving them again.
 * @returns how many orders stopped.
 */
export async function stopPocketOrders(tx: Tx, tenantId: string, pocketId: string, at: Date): Promise<number> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE card_orders SET stopped_at = $3, updated_at = $3
      WHERE partner_id = $1 AND pocket_id = $2 AND next_step_at IS NOT NULL AND stopped_at IS NULL RETURNING id`,
    [tenantId, pocketId, at],
  );
  return rows.length;
}
