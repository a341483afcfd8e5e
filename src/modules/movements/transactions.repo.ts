import type { Queryable } from '../../platform/db/index.ts';
import type { SortKey } from '../../platform/http/index.ts';
import type { BankTransactionFields, CardDetails, WireDetails } from './movements.repo.ts';

/**
 * Read-only SQL of bank transaction listings (table `bank_transactions`, joined with the on-us
 * transfer behind an ON_US row). Lists are keyset-paged on (time_booked, id) over the indexes
 * bank_transactions_pocket_time and bank_transactions_customer_time; the key's time is carried as
 * UTC text with microseconds so that a cursor names a row exactly.
 */

/** A bank transaction as stored, with its on-us transfer's type, source and target. */
export interface BankTransactionRow extends BankTransactionFields {
  readonly id: string;
  readonly ledgerEntryId: string;
  readonly status: 'BOOKED' | 'SETTLED';
  readonly timeBooked: Date;
  readonly timeSettled: Date | null;
  readonly portalId: string | null;
  readonly onUsTransferId: string | null;
  readonly onUsTransferType: string | null;
  readonly onUsSource: string | null;
  readonly onUsTarget: string | null;
  readonly achCompanyName: string | null;
  readonly achTraceNumber: string | null;
  /** A CARD transaction's card and merchant; null otherwise. */
  readonly card: CardDetails | null;
  /** An ACH transaction's origination; null for money received through a portal and other types. */
  readonly achOriginationId: string | null;
  /** A WIRE or WIRE_FEE transaction's wire; null otherwise. */
  readonly wire: WireDetails | null;
}

interface Row {
  id: string;
  ledger_entry_id: string;
  pocket_id: string;
  customer_id: string | null;
  type: 'ACH' | 'ON_US';
  direction: 'CREDIT' | 'DEBIT';
  amount_cents: bigint;
  description: string;
  title: string;
  status: 'BOOKED' | 'SETTLED';
  time_booked: Date;
  time_key: string;
  time_settled: Date | null;
  portal_id: string | null;
  on_us_transfer_id: string | null;
  on_us_transfer_type: string | null;
  on_us_source: string | null;
  on_us_target: string | null;
  ach_company_name: string | null;
  ach_trace_number: string | null;
  card_id: string | null;
  card_counterparty: string | null;
  card_merchant_type: string | null;
  card_pre_authorization: boolean | null;
  ach_origination_id: string | null;
  wire_id: string | null;
  wire_counterparty_name: string | null;
  wire_reference_number: string | null;
}

const COLUMNS = `t.id, t.ledger_entry_id, t.pocket_id, t.customer_id, t.type, t.direction, t.amount_cents, t.description, t.title,
  t.status, t.time_booked, to_char(t.time_booked AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time_key, t.time_settled,
  t.portal_id, t.on_us_transfer_id, o.type AS on_us_transfer_type, o.source AS on_us_source, o.target AS on_us_target,
  t.ach_company_name, t.ach_trace_number, t.card_id, t.card_counterparty, t.card_merchant_type, t.card_pre_authorization,
  t.ach_origination_id, t.wire_id, t.wire_counterparty_name, t.wire_reference_number`;

const FROM = `bank_transactions t
  LEFT JOIN on_us_transfers o ON o.partner_id = t.partner_id AND o.id = t.on_us_transfer_id`;

function toBankTransactionRow(row: Row): BankTransactionRow {
  return {
    id: row.id,
    ledgerEntryId: row.ledger_entry_id,
    pocketId: row.pocket_id,
    customerId: row.customer_id,
    type: row.type,
    direction: row.direction,
    amountCents: row.amount_cents,
    description: row.description,
    title: row.title,
    status: row.status,
    timeBooked: row.time_booked,
    timeSettled: row.time_settled,
    portalId: row.portal_id,
    onUsTransferId: row.on_us_transfer_id,
    onUsTransferType: row.on_us_transfer_type,
    onUsSource: row.on_us_source,
    onUsTarget: row.on_us_target,
    achCompanyName: row.ach_company_name,
    achTraceNumber: row.ach_trace_number,
    card: row.card_id
      ? { cardId: row.card_id, counterparty: row.card_counterparty ?? '', merchantType: row.card_merchant_type ?? '', preAuthorization: row.card_pre_authorization === true }
      : null,
    achOriginationId: row.ach_origination_id,
    wire: row.wire_id ? { wireId: row.wire_id, counterpartyName: row.wire_counterparty_name ?? '', referenceNumber: row.wire_reference_number ?? '' } : null,
  };
}

/** Who the list is for: one pocket, or every pocket of one customer. */
export type BankTransactionScope = { readonly pocketId: string } | { readonly customerId: string };

/**
 * What a list may be narrowed to; every given part must hold, a list matches any of its values.
 * Ranges are inclusive. `wireIds` keep the WIRE and WIRE_FEE transactions of those wires;
 * `cardIds` keep the CARD transactions of those cards.
 */
export interface BankTransactionFilter {
  readonly pocketIds?: readonly string[] | undefined;
  readonly types?: readonly string[] | undefined;
  readonly direction?: 'CREDIT' | 'DEBIT' | undefined;
  readonly amountCents?: { readonly from?: bigint | undefined; readonly to?: bigint | undefined } | undefined;
  readonly portalIds?: readonly string[] | undefined;
  readonly onUsTransferIds?: readonly string[] | undefined;
  readonly wireIds?: readonly string[] | undefined;
  readonly cardIds?: readonly string[] | undefined;
  readonly timeBooked?: { readonly from?: Date | undefined; readonly to?: Date | undefined } | undefined;
  readonly timeSettled?: { readonly from?: Date | undefined; readonly to?: Date | undefined } | undefined;
}

export interface BankTransactionPage {
  /** Rows strictly beyond this (time, id) in the scan direction; undefined on the first page. */
  readonly after: { readonly time: string; readonly id: string } | undefined;
  readonly direction: 'ASC' | 'DESC';
  readonly limit: number;
}

/**
 * A page of the tenant's bank transactions in `scope` matching `filter`, fetched in
 * `page.direction` (at most `limit + 1` rows), each with its sort key (time_booked, id).
 */
export async function selectBankTransactions(
  q: Queryable,
  partnerId: string,
  scope: BankTransactionScope,
  filter: BankTransactionFilter,
  page: BankTransactionPage,
): Promise<{ row: BankTransactionRow; key: SortKey }[]> {
  const params: unknown[] = [partnerId];
  const arg = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['t.partner_id = $1'];
  if ('pocketId' in scope) where.push(`t.pocket_id = ${arg(scope.pocketId)}::uuid`);
  else where.push(`t.customer_id = ${arg(scope.customerId)}::uuid`);
  if (filter.pocketIds && filter.pocketIds.length > 0) where.push(`t.pocket_id = ANY(${arg(filter.pocketIds)}::uuid[])`);
  if (filter.types && filter.types.length > 0) where.push(`t.type = ANY(${arg(filter.types)}::text[])`);
  if (filter.direction) where.push(`t.direction = ${arg(filter.direction)}`);
  if (filter.amountCents?.from !== undefined) where.push(`t.amount_cents >= ${arg(filter.amountCents.from)}::bigint`);
  if (filter.amountCents?.to !== undefined) where.push(`t.amount_cents <= ${arg(filter.amountCents.to)}::bigint`);
  if (filter.portalIds && filter.portalIds.length > 0) where.push(`t.portal_id = ANY(${arg(filter.portalIds)}::uuid[])`);
  if (filter.onUsTransferIds && filter.onUsTransferIds.length > 0) {
    where.push(`t.on_us_transfer_id = ANY(${arg(filter.onUsTransferIds)}::uuid[])`);
  }
  if (filter.wireIds && filter.wireIds.length > 0) where.push(`t.wire_id = ANY(${arg(filter.wireIds)}::uuid[])`);
  if (filter.cardIds && filter.cardIds.length > 0) where.push(`t.card_id = ANY(${arg(filter.cardIds)}::uuid[])`);
  if (filter.timeBooked?.from) where.push(`t.time_booked >= ${arg(filter.timeBooked.from)}::timestamptz`);
  if (filter.timeBooked?.to) where.push(`t.time_booked <= ${arg(filter.timeBooked.to)}::timestamptz`);
  if (filter.timeSettled?.from) where.push(`t.time_settled >= ${arg(filter.timeSettled.from)}::timestamptz`);
  if (filter.timeSettled?.to) where.push(`t.time_settled <= ${arg(filter.timeSettled.to)}::timestamptz`);
  if (page.after) {
    const comparison = page.direction === 'DESC' ? '<' : '>';
    where.push(`(t.time_booked, t.id) ${comparison} (${arg(page.after.time)}::timestamptz, ${arg(page.after.id)}::uuid)`);
  }
  const limit = arg(page.limit + 1);
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')}
      ORDER BY t.time_booked ${page.direction}, t.id ${page.direction} LIMIT ${limit}`,
    params,
  );
  return rows.map((row) => ({ row: toBankTransactionRow(row), key: [row.time_key, row.id] }));
}

/** One bank transaction of one pocket of the tenant, or undefined. */
export async function selectBankTransaction(
  q: Queryable,
  partnerId: string,
  pocketId: string,
  transactionId: string,
): Promise<BankTransactionRow | undefined> {
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE t.partner_id = $1 AND t.pocket_id = $2::uuid AND t.id = $3::uuid`,
    [partnerId, pocketId, transactionId],
  );
  return rows[0] ? toBankTransactionRow(rows[0]) : undefined;
}
