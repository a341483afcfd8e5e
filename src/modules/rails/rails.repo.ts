import type { Queryable, Tx } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import {
  type AmountType,
  type OnUsTransfer,
  type OnUsTransferStatus,
  type OnUsTransferType,
  PORTAL_ROUTING_NUMBER,
  type Portal,
  type TransferStateReason,
  newPortalAccountNumber,
} from './rails.domain.ts';

/** SQL of portals, bank transactions and on-us transfers. Writers take the caller's transaction. */

/** Attempts at drawing a fresh account number before giving up (collisions are ~1e-12 each). */
const ACCOUNT_NUMBER_ATTEMPTS_MAX = 5;

interface PortalRow {
  id: string;
  pocket_id: string;
  name: string;
  routing_number: string;
  account_number: string;
  status: 'OPEN' | 'CLOSED';
  created_at: Date;
}

function toPortal(row: PortalRow): Portal {
  return {
    id: row.id,
    pocketId: row.pocket_id,
    name: row.name,
    routingNumber: row.routing_number,
    accountNumber: row.account_number,
    status: row.status,
    createdAt: row.created_at,
  };
}

/** Gives a pocket a portal: pocketbook's routing number and a new unique account number. */
export async function createPortal(tx: Tx, partnerId: string, pocketId: string, name: string, at: Date): Promise<Portal> {
  for (let attempt = 1; ; attempt++) {
    const id = newId();
    const rows = await tx.query<PortalRow>(
      `INSERT INTO portals (id, partner_id, pocket_id, name, routing_number, account_number, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7)
       ON CONFLICT (routing_number, account_number) DO NOTHING
       RETURNING id, pocket_id, name, routing_number, account_number, status, created_at`,
      [id, partnerId, pocketId, name, PORTAL_ROUTING_NUMBER, newPortalAccountNumber(), at],
    );
    if (rows[0]) return toPortal(rows[0]);
    if (attempt >= ACCOUNT_NUMBER_ATTEMPTS_MAX) throw new Error('could not draw a unique portal account number');
  }
}

/** The pocket's portals, oldest first. */
export async function listPortals(q: Queryable, partnerId: string, pocketId: string): Promise<Portal[]> {
  const rows = await q.query<PortalRow>(
    `SELECT id, pocket_id, name, routing_number, account_number, status, created_at FROM portals
      WHERE partner_id = $1 AND pocket_id = $2 ORDER BY created_at, id`,
    [partnerId, pocketId],
  );
  return rows.map(toPortal);
}

/** What every bank transaction says: whose pocket, which way, how much, and how it is titled. */
export interface BankTransactionFields {
  readonly pocketId: string;
  readonly customerId: string | null;
  readonly type: 'ACH' | 'ON_US';
  readonly direction: 'CREDIT' | 'DEBIT';
  /** Always positive, in cents; `direction` says which way it moved. */
  readonly amountCents: bigint;
  readonly description: string;
  readonly title: string;
}

/** A movement on the bank side of a pocket (Jiko's Transaction), to record. */
export interface NewBankTransaction extends BankTransactionFields {
  readonly partnerId: string;
  /** Booked and settled at once when `settledAt` is given. */
  readonly bookedAt: Date;
  readonly settledAt: Date | null;
  readonly bookDate: string;
  readonly portalId?: string | null;
  readonly onUsTransferId?: string | null;
  readonly achCompanyName?: string | null;
  readonly achTraceNumber?: string | null;
  readonly ledgerEntryId: string;
}

/** @returns the new transaction's id. */
export async function insertBankTransaction(tx: Tx, t: NewBankTransaction, id: string = newId()): Promise<string> {
  await tx.query(
    `INSERT INTO bank_transactions (id, partner_id, pocket_id, customer_id, type, direction, amount_cents, description, title, status,
       time_booked, time_settled, book_date, portal_id, on_us_transfer_id, ach_company_name, ach_trace_number, ledger_entry_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [
      id, t.partnerId, t.pocketId, t.customerId, t.type, t.direction, t.amountCents, t.description, t.title,
      t.settledAt ? 'SETTLED' : 'BOOKED', t.bookedAt, t.settledAt, t.bookDate, t.portalId ?? null, t.onUsTransferId ?? null,
      t.achCompanyName ?? null, t.achTraceNumber ?? null, t.ledgerEntryId,
    ],
  );
  return id;
}

/**
 * Net money moved into each pocket (credits minus debits, cents) with a book date in
 * (`afterDate`, `throughDate`]; either bound may be omitted.
 */
export async function netFlows(
  q: Queryable,
  partnerId: string,
  pocketIds: readonly string[],
  range: { afterDate?: string; throughDate?: string } = {},
): Promise<Map<string, bigint>> {
  const result = new Map<string, bigint>(pocketIds.map((id) => [id, 0n] as const));
  if (pocketIds.length === 0) return result;
  const rows = await q.query<{ pocket_id: string; net: string }>(
    `SELECT pocket_id, sum(CASE direction WHEN 'CREDIT' THEN amount_cents ELSE -amount_cents END)::text AS net
       FROM bank_transactions
      WHERE partner_id = $1 AND pocket_id = ANY($2::uuid[])
        AND ($3::date IS NULL OR book_date > $3::date) AND ($4::date IS NULL OR book_date <= $4::date)
      GROUP BY pocket_id`,
    [partnerId, pocketIds, range.afterDate ?? null, range.throughDate ?? null],
  );
  for (const row of rows) result.set(row.pocket_id, BigInt(row.net));
  return result;
}

interface OnUsRow {
  id: string;
  partner_id: string;
  transfer_id: string;
  type: OnUsTransferType;
  status: OnUsTransferStatus;
  reason: TransferStateReason | null;
  from_pocket_id: string;
  to_pocket_id: string;
  amount_type: AmountType;
  requested_amount_cents: bigint | null;
  amount_cents: bigint | null;
  description: string | null;
  source: string | null;
  target: string | null;
  created_at: Date;
  completed_at: Date | null;
}

function toOnUs(row: OnUsRow): OnUsTransfer {
  return {
    id: row.id,
    partnerId: row.partner_id,
    transferId: row.transfer_id,
    type: row.type,
    status: row.status,
    reason: row.reason,
    fromPocketId: row.from_pocket_id,
    toPocketId: row.to_pocket_id,
    amountType: row.amount_type,
    requestedAmountCents: row.requested_amount_cents,
    amountCents: row.amount_cents,
    description: row.description,
    source: row.source,
    target: row.target,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

const ON_US_COLUMNS = `id, partner_id, transfer_id, type, status, reason, from_pocket_id, to_pocket_id, amount_type,
  requested_amount_cents, amount_cents, description, source, target, created_at, completed_at`;

/** The tenant's transfer with this id or this client transfer_id, or undefined. */
export async function findOnUsTransfer(q: Queryable, partnerId: string, idOrTransferId: string): Promise<OnUsTransfer | undefined> {
  const rows = await q.query<OnUsRow>(
    `SELECT ${ON_US_COLUMNS} FROM on_us_transfers WHERE partner_id = $1 AND (id = $2 OR transfer_id = $2) ORDER BY (id = $2) DESC LIMIT 1`,
    [partnerId, idOrTransferId],
  );
  return rows[0] ? toOnUs(rows[0]) : undefined;
}

/**
 * Records a new PENDING transfer; does nothing when the tenant already has one with this
 * `transferId` (idempotency, backed by a unique index).
 * @returns true when inserted.
 */
export async function insertOnUsTransfer(
  tx: Tx,
  t: {
    id: string; partnerId: string; transferId: string; type: OnUsTransferType; fromPocketId: string; toPocketId: string;
    amountType: AmountType; requestedAmountCents: bigint | null; description: string | null; source: string | null; target: string | null; at: Date;
  },
): Promise<boolean> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO on_us_transfers (id, partner_id, transfer_id, type, status, from_pocket_id, to_pocket_id, amount_type, requested_amount_cents,
       description, source, target, created_at)
     VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (partner_id, transfer_id) DO NOTHING RETURNING id`,
    [t.id, t.partnerId, t.transferId, t.type, t.fromPocketId, t.toPocketId, t.amountType, t.requestedAmountCents, t.description, t.source, t.target, t.at],
  );
  return rows.length === 1;
}

export async function completeOnUsTransfer(tx: Tx, id: string, amountCents: bigint, at: Date): Promise<void> {
  await tx.query(`UPDATE on_us_transfers SET status = 'COMPLETED', amount_cents = $2, completed_at = $3 WHERE id = $1`, [id, amountCents, at]);
}

export async function rejectOnUsTransfer(tx: Tx, id: string, reason: TransferStateReason, at: Date): Promise<void> {
  await tx.query(`UPDATE on_us_transfers SET status = 'REJECTED', reason = $2, completed_at = $3 WHERE id = $1`, [id, reason, at]);
}
