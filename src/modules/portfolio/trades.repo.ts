import type { Queryable } from '../../platform/db/index.ts';
import type { SortKey } from '../../platform/http/index.ts';
import type { ActivityStatus, TimeIdKey, TradeActivity, TradeFilter, TradeRecord } from '../pockets/index.ts';

/**
 * Read-only SQL of trade listings (table `trades`, written by the portfolio engine). Lists are
 * keyset-paged on (trade_datetime, id) over the indexes trades_pocket_time and
 * trades_customer_time; the key's time is carried as UTC text with microseconds so that a cursor
 * names a row exactly whatever precision the engine stored.
 */

/** A trade as stored; the status is the one recorded when the trade was written. */
export type TradeRow = TradeRecord;

interface Row {
  id: string;
  pocket_id: string;
  customer_id: string | null;
  activity: TradeActivity;
  cusip: string;
  description: string;
  maturity_date: string;
  quantity: bigint;
  price_per_100: string;
  notional_cents: bigint;
  yield_to_maturity: string | null;
  trade_datetime: Date;
  time_key: string;
  book_date: string;
  settlement_date: string;
  status: ActivityStatus;
}

const COLUMNS = `id, pocket_id, customer_id, activity, cusip, description, maturity_date, quantity, price_per_100::text AS price_per_100,
  notional_cents, yield_to_maturity::text AS yield_to_maturity, trade_datetime,
  to_char(trade_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time_key,
  book_date, settlement_date, status`;

function toTradeRow(row: Row): TradeRow {
  return {
    id: row.id,
    pocketId: row.pocket_id,
    customerId: row.customer_id,
    activity: row.activity,
    cusip: row.cusip,
    description: row.description,
    maturityDate: row.maturity_date,
    quantity: row.quantity,
    pricePer100: row.price_per_100,
    notionalCents: row.notional_cents,
    yieldToMaturity: row.yield_to_maturity,
    tradeDatetime: row.trade_datetime,
    bookDate: row.book_date,
    settlementDate: row.settlement_date,
    status: row.status,
  };
}

/** Who the list is for: one pocket, or every pocket of one customer. */
export type TradeScope = { readonly pocketId: string } | { readonly customerId: string };

export interface TradePage {
  /** Rows strictly beyond this (time, id) in the scan direction; undefined on the first page. */
  readonly after: TimeIdKey | undefined;
  readonly direction: 'ASC' | 'DESC';
  readonly limit: number;
}

/**
 * A page of the tenant's trades in `scope` matching `filter`, fetched in `page.direction`
 * (at most `limit + 1` rows, so the caller knows whether more exist), each with its sort key.
 * Date ranges are inclusive; `trade_datetime` bounds are inclusive instants.
 */
export async function selectTrades(
  q: Queryable,
  partnerId: string,
  scope: TradeScope,
  filter: TradeFilter,
  page: TradePage,
): Promise<{ row: TradeRow; key: SortKey }[]> {
  const params: unknown[] = [partnerId];
  const arg = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['partner_id = $1'];
  if ('pocketId' in scope) where.push(`pocket_id = ${arg(scope.pocketId)}::uuid`);
  else where.push(`customer_id = ${arg(scope.customerId)}::uuid`);
  if (filter.pocketIds && filter.pocketIds.length > 0) where.push(`pocket_id = ANY(${arg(filter.pocketIds)}::uuid[])`);
  if (filter.tradeDatetime?.from) where.push(`trade_datetime >= ${arg(filter.tradeDatetime.from)}::timestamptz`);
  if (filter.tradeDatetime?.to) where.push(`trade_datetime <= ${arg(filter.tradeDatetime.to)}::timestamptz`);
  if (filter.bookDate?.from) where.push(`book_date >= ${arg(filter.bookDate.from)}::date`);
  if (filter.bookDate?.to) where.push(`book_date <= ${arg(filter.bookDate.to)}::date`);
  if (filter.settlementDate?.from) where.push(`settlement_date >= ${arg(filter.settlementDate.from)}::date`);
  if (filter.settlementDate?.to) where.push(`settlement_date <= ${arg(filter.settlementDate.to)}::date`);
  if (page.after) {
    const comparison = page.direction === 'DESC' ? '<' : '>';
    where.push(`(trade_datetime, id) ${comparison} (${arg(page.after.time)}::timestamptz, ${arg(page.after.id)}::uuid)`);
  }
  const limit = arg(page.limit + 1);
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM trades WHERE ${where.join(' AND ')}
      ORDER BY trade_datetime ${page.direction}, id ${page.direction} LIMIT ${limit}`,
    params,
  );
  return rows.map((row) => ({ row: toTradeRow(row), key: [row.time_key, row.id] }));
}
