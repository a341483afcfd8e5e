import { tenantEntryIdsRelation } from '../ledger/index.ts';
import type { Queryable, Tx } from '../../platform/db/index.ts';

/** SQL of bank transactions (`bank_transactions`): the bank side of every money movement of a pocket. */

/** What every bank transaction says: whose pocket, which way, how much, and how it is titled. */
export interface BankTransactionFields {
  readonly pocketId: string;
  readonly customerId: string | null;
  readonly type: 'ACH' | 'ON_US' | 'CARD' | 'WIRE' | 'WIRE_FEE';
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
  /** A CARD transaction's card and merchant (Jiko's card_transaction). */
  readonly card?: CardDetails | null;
  /** An ACH transaction's origination (NULL for money received through a portal). */
  readonly achOriginationId?: string | null;
  /** A WIRE or WIRE_FEE transaction's wire (Jiko's wire_transaction). */
  readonly wire?: WireDetails | null;
}

/** Jiko's wire_transaction details of a WIRE or WIRE_FEE bank transaction. */
export interface WireDetails {
  readonly wireId: string;
  readonly counterpartyName: string;
  /** The wire's reference: its UETR. */
  readonly referenceNumber: string;
}

/** Jiko's card_transaction details of a CARD bank transaction. */
export interface CardDetails {
  readonly cardId: string;
  /** The merchant's name (Jiko's `counterparty`). */
  readonly counterparty: string;
  /** Free text (Jiko's `merchant_type`); pocketbook writes the ISO 18245 MCC. */
  readonly merchantType: string;
  /** True when the payment settles an earlier authorization (a hold). */
  readonly preAuthorization: boolean;
}

/**
 * Writes bank transactions of one tenant set-based: one deferred statement (sent with the
 * transaction's next query or commit), after the ledger entries they point at.
 */
export function writeBankTransactions(tx: Tx, partnerId: string, transactions: readonly (NewBankTransaction & { readonly id: string })[]): void {
  if (transactions.length === 0) return;
  const rows = transactions.map((t) => ({
    id: t.id, pocket_id: t.pocketId, customer_id: t.customerId, type: t.type, direction: t.direction, amount_cents: t.amountCents.toString(),
    description: t.description, title: t.title, status: t.settledAt ? 'SETTLED' : 'BOOKED', time_booked: t.bookedAt.toISOString(),
    time_settled: t.settledAt?.toISOString() ?? null, book_date: t.bookDate, portal_id: t.portalId ?? null, on_us_transfer_id: t.onUsTransferId ?? null,
    ach_company_name: t.achCompanyName ?? null, ach_trace_number: t.achTraceNumber ?? null, ledger_entry_id: t.ledgerEntryId,
    card_id: t.card?.cardId ?? null, card_counterparty: t.card?.counterparty ?? null, card_merchant_type: t.card?.merchantType ?? null,
    card_pre_authorization: t.card?.preAuthorization ?? null,
    ach_origination_id: t.achOriginationId ?? null, wire_id: t.wire?.wireId ?? null, wire_counterparty_name: t.wire?.counterpartyName ?? null,
    wire_reference_number: t.wire?.referenceNumber ?? null,
  }));
  tx.defer(
    `INSERT INTO bank_transactions (id, partner_id, pocket_id, customer_id, type, direction, amount_cents, description, title, status,
       time_booked, time_settled, book_date, portal_id, on_us_transfer_id, ach_company_name, ach_trace_number, ledger_entry_id,
       card_id, card_counterparty, card_merchant_type, card_pre_authorization, ach_origination_id, wire_id, wire_counterparty_name, wire_reference_number)
     SELECT x.id, $1::uuid, x.pocket_id, x.customer_id, x.type, x.direction, x.amount_cents, x.description, x.title, x.status,
            x.time_booked, x.time_settled, x.book_date, x.portal_id, x.on_us_transfer_id, x.ach_company_name, x.ach_trace_number, x.ledger_entry_id,
            x.card_id, x.card_counterparty, x.card_merchant_type, x.card_pre_authorization, x.ach_origination_id, x.wire_id,
            x.wire_counterparty_name, x.wire_reference_number
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, pocket_id uuid, customer_id uuid, type text, direction text, amount_cents bigint,
            description text, title text, status text, time_booked timestamptz, time_settled timestamptz, book_date date, portal_id uuid,
            on_us_transfer_id uuid, ach_company_name text, ach_trace_number text, ledger_entry_id uuid,
            card_id uuid, card_counterparty text, card_merchant_type text, card_pre_authorization boolean, ach_origination_id uuid,
            wire_id uuid, wire_counterparty_name text, wire_reference_number text)`,
    [partnerId, JSON.stringify(rows)],
    { rows: [1] },
  );
}

/**
 * SQL of a value (bigint): the net money moved into one pocket in all time (credits minus debits,
 * cents), as `netFlows` counts it, for one statement of another module that reads a pocket with
 * its portfolio and must not read bank transactions itself. Placeholders as `$1`.
 */
export function netFlowAllTime(partnerParam: string, pocketParam: string): string {
  return `(SELECT coalesce(sum(CASE direction WHEN 'CREDIT' THEN amount_cents ELSE -amount_cents END), 0)
             FROM bank_transactions WHERE partner_id = ${partnerParam}::uuid AND pocket_id = ${pocketParam}::uuid)`;
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

/**
 * SQL of a relation (on_us_transfer_id uuid): the on-us transfers the tenant's bank transactions
 * name, each once, for the on-us rail's invariant check (checkOnUsInvariants), which must not read
 * this module's table itself. Placeholder as `$1`.
 */
export function onUsTransfersNamedRelation(partnerParam: string): string {
  return `SELECT DISTINCT on_us_transfer_id FROM bank_transactions WHERE partner_id = ${partnerParam}::uuid AND on_us_transfer_id IS NOT NULL`;
}

/**
 * Invariants of the tenant's bank transactions, for tests and operators: each names a ledger entry
 * of the tenant (what a foreign key checked row by row before migration 0058; the movement writes
 * the entry first, in the same transaction, and entries are never deleted).
 * @returns the violations as sentences; empty when sound.
 */
export async function checkMovementInvariants(q: Queryable, partnerId: string): Promise<string[]> {
  const rows = await q.query<{ id: string; ledger_entry_id: string }>(
    `SELECT t.id, t.ledger_entry_id FROM bank_transactions t
      WHERE t.partner_id = $1 AND t.ledger_entry_id NOT IN (${tenantEntryIdsRelation('$1')})`,
    [partnerId],
  );
  return rows.map((row) => `bank transaction ${row.id} names ledger entry ${row.ledger_entry_id}, which the tenant does not have`);
}
