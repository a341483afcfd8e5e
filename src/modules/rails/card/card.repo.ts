import type { Queryable, Tx } from '../../../platform/db/index.ts';
import type { CardAuthorizationStatus, CardDayUsage, CardMessageKind, DeclineReason } from './card.domain.ts';

/**
 * SQL of the card issuer (table `card_authorizations`, migration 0048): one row per card network
 * message, the hold of an authorization on it. Rows are locked (FOR UPDATE) only after the pocket
 * they draw on, so the lock order is always pocket, then authorization.
 */

/** A card network message as stored. */
export interface CardAuthorization {
  readonly id: string;
  readonly cardId: string;
  readonly pocketId: string;
  readonly customerId: string | null;
  readonly kind: CardMessageKind;
  readonly authorizationId: string | null;
  readonly amountCents: bigint;
  readonly status: CardAuthorizationStatus;
  readonly declineReason: DeclineReason | null;
  readonly merchantName: string;
  readonly mcc: string;
  readonly heldCents: bigint;
  readonly settlementAmountCents: bigint | null;
  readonly capture: boolean;
  readonly settleOn: string | null;
  readonly expiresAt: Date | null;
  readonly ledgerEntryId: string | null;
  readonly soldCents: bigint;
  readonly settledCents: bigint | null;
  readonly shortfallCents: bigint;
  readonly bookDate: string;
  readonly createdAt: Date;
  readonly closedAt: Date | null;
}

interface Row {
  id: string;
  card_id: string;
  pocket_id: string;
  customer_id: string | null;
  kind: CardMessageKind;
  authorization_id: string | null;
  amount_cents: bigint;
  status: CardAuthorizationStatus;
  decline_reason: DeclineReason | null;
  merchant_name: string;
  mcc: string;
  held_cents: bigint;
  settlement_amount_cents: bigint | null;
  capture: boolean;
  settle_on: string | null;
  expires_at: Date | null;
  ledger_entry_id: string | null;
  sold_cents: bigint;
  settled_cents: bigint | null;
  shortfall_cents: bigint;
  book_date: string;
  created_at: Date;
  closed_at: Date | null;
}

const COLUMNS = `id, card_id, pocket_id, customer_id, kind, authorization_id, amount_cents, status, decline_reason, merchant_name, mcc,
  held_cents, settlement_amount_cents, capture, to_char(settle_on, 'YYYY-MM-DD') AS settle_on, expires_at, ledger_entry_id, sold_cents,
  settled_cents, shortfall_cents, to_char(book_date, 'YYYY-MM-DD') AS book_date, created_at, closed_at`;

function toAuthorization(row: Row): CardAuthorization {
  return {
    id: row.id, cardId: row.card_id, pocketId: row.pocket_id, customerId: row.customer_id, kind: row.kind, authorizationId: row.authorization_id,
    amountCents: BigInt(row.amount_cents), status: row.status, declineReason: row.decline_reason, merchantName: row.merchant_name, mcc: row.mcc,
    heldCents: BigInt(row.held_cents), settlementAmountCents: row.settlement_amount_cents === null ? null : BigInt(row.settlement_amount_cents),
    capture: row.capture, settleOn: row.settle_on, expiresAt: row.expires_at, ledgerEntryId: row.ledger_entry_id, soldCents: BigInt(row.sold_cents),
    settledCents: row.settled_cents === null ? null : BigInt(row.settled_cents), shortfallCents: BigInt(row.shortfall_cents),
    bookDate: row.book_date, createdAt: row.created_at, closedAt: row.closed_at,
  };
}

/** Records a message (deferred: sent with the transaction's next query or commit). */
export function insertAuthorization(tx: Tx, partnerId: string, a: CardAuthorization): void {
  tx.defer(
    `INSERT INTO card_authorizations (id, partner_id, card_id, pocket_id, customer_id, kind, authorization_id, amount_cents, status, decline_reason,
       merchant_name, mcc, held_cents, settlement_amount_cents, capture, settle_on, expires_at, ledger_entry_id, sold_cents, settled_cents,
       shortfall_cents, book_date, created_at, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
    [a.id, partnerId, a.cardId, a.pocketId, a.customerId, a.kind, a.authorizationId, a.amountCents, a.status, a.declineReason, a.merchantName,
      a.mcc, a.heldCents, a.settlementAmountCents, a.capture, a.settleOn, a.expiresAt, a.ledgerEntryId, a.soldCents, a.settledCents,
      a.shortfallCents, a.bookDate, a.createdAt, a.closedAt],
  );
}

/** What changes on an authorization: its status, hold, entry, and what its clearing did. */
export interface AuthorizationChange {
  readonly status: CardAuthorizationStatus;
  readonly heldCents: bigint;
  readonly ledgerEntryId: string | null;
  readonly soldCents?: bigint;
  readonly settledCents?: bigint | null;
  readonly shortfallCents?: bigint;
  readonly settlementAmountCents?: bigint | null;
  readonly closedAt?: Date | null;
}

/** Updates an authorization (deferred). */
export function updateAuthorization(tx: Tx, partnerId: string, id: string, change: AuthorizationChange): void {
  tx.defer(
    `UPDATE card_authorizations
        SET status = $3, held_cents = $4, ledger_entry_id = $5, sold_cents = coalesce($6, sold_cents), settled_cents = coalesce($7, settled_cents),
            shortfall_cents = coalesce($8, shortfall_cents), settlement_amount_cents = CASE WHEN $9 THEN $10 ELSE settlement_amount_cents END,
            closed_at = coalesce($11, closed_at)
      WHERE partner_id = $1 AND id = $2`,
    [partnerId, id, change.status, change.heldCents, change.ledgerEntryId, change.soldCents ?? null, change.settledCents ?? null,
      change.shortfallCents ?? null, change.settlementAmountCents !== undefined, change.settlementAmountCents ?? null, change.closedAt ?? null],
  );
}

/** The tenant's message, locked (FOR UPDATE), or undefined. Lock its pocket first. */
export async function lockAuthorization(tx: Tx, partnerId: string, id: string): Promise<CardAuthorization | undefined> {
  const rows = await tx.query<Row>(`SELECT ${COLUMNS} FROM card_authorizations WHERE partner_id = $1 AND id = $2 FOR UPDATE`, [partnerId, id]);
  return rows[0] ? toAuthorization(rows[0]) : undefined;
}

/** The tenant's message, unlocked, or undefined. */
export async function findAuthorization(q: Queryable, partnerId: string, id: string): Promise<CardAuthorization | undefined> {
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM card_authorizations WHERE partner_id = $1 AND id = $2`, [partnerId, id]);
  return rows[0] ? toAuthorization(rows[0]) : undefined;
}

/**
 * What a card has used on New York day `date`: the amounts approved (authorizations, increments,
 * force posts) and the number of approved authorizations and force posts.
 */
export async function dayUsage(q: Queryable, partnerId: string, cardId: string, date: string): Promise<CardDayUsage> {
  const rows = await q.query<{ amount: string; n: string }>(
    `SELECT coalesce(sum(amount_cents), 0)::text AS amount,
            count(*) FILTER (WHERE kind IN ('authorization', 'force_post'))::text AS n
       FROM card_authorizations
      WHERE partner_id = $1 AND card_id = $2 AND book_date = $3::date AND status <> 'DECLINED'
        AND kind IN ('authorization', 'incremental', 'force_post')`,
    [partnerId, cardId, date],
  );
  return { amountCents: BigInt(rows[0]?.amount ?? '0'), count: Number(rows[0]?.n ?? '0') };
}

/** The pocket ids of holds due now: captured ones settling by `date`, or any expired by `now`. */
export async function duePockets(q: Queryable, partnerId: string, date: string, now: Date): Promise<string[]> {
  const rows = await q.query<{ pocket_id: string }>(
    `SELECT DISTINCT pocket_id FROM card_authorizations
      WHERE partner_id = $1 AND status = 'PENDING' AND ((capture AND settle_on <= $2::date) OR expires_at <= $3)
      ORDER BY pocket_id`,
    [partnerId, date, now],
  );
  return rows.map((row) => row.pocket_id);
}

/** The holds due now (see duePockets), locked, oldest first. Lock their pockets first. */
export async function lockDue(tx: Tx, partnerId: string, date: string, now: Date): Promise<CardAuthorization[]> {
  const rows = await tx.query<Row>(
    `SELECT ${COLUMNS} FROM card_authorizations
      WHERE partner_id = $1 AND status = 'PENDING' AND ((capture AND settle_on <= $2::date) OR expires_at <= $3)
      ORDER BY created_at, id FOR UPDATE`,
    [partnerId, date, now],
  );
  return rows.map(toAuthorization);
}

/** Cents held by the tenant's PENDING authorizations (for the invariant check). */
export async function heldTotal(q: Queryable, partnerId: string): Promise<bigint> {
  const rows = await q.query<{ total: string }>(
    `SELECT coalesce(sum(held_cents), 0)::text AS total FROM card_authorizations WHERE partner_id = $1 AND status = 'PENDING'`,
    [partnerId],
  );
  return BigInt(rows[0]?.total ?? '0');
}

/** The tenant's messages of a card, oldest first (at most `limit`). */
export async function listOfCard(q: Queryable, partnerId: string, cardId: string, limit: number): Promise<CardAuthorization[]> {
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM card_authorizations WHERE partner_id = $1 AND card_id = $2 ORDER BY created_at, id LIMIT $3`,
    [partnerId, cardId, limit],
  );
  return rows.map(toAuthorization);
}
