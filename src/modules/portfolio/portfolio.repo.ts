import type { Queryable, Tx } from '../../platform/db/index.ts';
import { type PocketBalances, pocketCashRelation, pocketsBalancesPicker, pocketsBalancesJson, tenantEntryIdsRelation } from '../ledger/index.ts';

/** SQL of the portfolio engine's tables: lots of bills held (`pocket_lots`) and trades (`trades`). */

export interface LotRow {
  id: string;
  pocket_id: string;
  cusip: string;
  maturity_date: string;
  units: bigint;
  cost_cents: bigint;
  trade_date: string;
}

const LOT_COLUMNS = 'id, pocket_id, cusip, maturity_date, units, cost_cents, trade_date';

/**
 * Open lots (units > 0) of several pockets, nearest maturity first, then oldest. A pocket that
 * receives money often holds many small lots, and each row costs the embedded driver a decode per
 * column: they come as one JSON array (one value to decode), with int8 as text for exactness.
 */
export async function openLots(q: Queryable, partnerId: string, pocketIds: readonly string[]): Promise<LotRow[]> {
  if (pocketIds.length === 0) return [];
  const [row] = await q.query<{ lots: string }>(
    `SELECT coalesce(json_agg(l ORDER BY l.maturity_date, l.cusip, l.trade_date, l.id), '[]')::text AS lots
       FROM (SELECT id, pocket_id, cusip, maturity_date, units::text AS units, cost_cents::text AS cost_cents, trade_date
               FROM pocket_lots WHERE partner_id = $1 AND pocket_id = ANY($2::uuid[]) AND open) AS l`,
    [partnerId, pocketIds],
  );
  return openLotsFromJson(row?.lots ?? '[]');
}

/**
 * SQL of a JSON value (text): one pocket's open lots as `openLots` reads them, for one statement
 * of another module that reads a pocket with its portfolio and must not read the portfolio's
 * tables itself. `partnerParam` and `pocketParam` are placeholders (`$1`). Parse it with
 * `openLotsFromJson`.
 */
export function openLotsJson(partnerParam: string, pocketParam: string): string {
  return `(SELECT coalesce(json_agg(l ORDER BY l.maturity_date, l.cusip, l.trade_date, l.id), '[]')::text
             FROM (SELECT id, pocket_id, cusip, maturity_date, units::text AS units, cost_cents::text AS cost_cents, trade_date
                     FROM pocket_lots WHERE partner_id = ${partnerParam}::uuid AND pocket_id = ${pocketParam}::uuid AND open) AS l)`;
}

/** The lots of `openLots` / `openLotsJson` from their JSON (int8 as text, for exactness). */
export function openLotsFromJson(json: string): LotRow[] {
  const lots = JSON.parse(json) as (Omit<LotRow, 'units' | 'cost_cents'> & { units: string; cost_cents: string })[];
  return lots.map((lot) => ({ ...lot, units: BigInt(lot.units), cost_cents: BigInt(lot.cost_cents) }));
}

/**
 * Open lots of a pocket a sale reads at first, in the order it takes them (see balancesAndSaleLots).
 * A payment usually sells part of the oldest lot or two; one that needs more reads all of them in
 * a second statement. Each lot read costs the backend about 4 µs of the statement's JSON (at 16,
 * the read took an eighth of an on-us transfer's database time).
 */
export const SALE_LOTS_OLDEST = 4;

/**
 * What a movement reads once its pockets are locked, in one statement: the posted balances of
 * `pocketIds` (ledger's pocketsBalancesJson), and the first `count` open lots of each pocket of
 * `lotsOf` in the order a sale takes them: nearest maturity first, then oldest (trade date, then
 * id), read by the index on (partner_id, pocket_id, maturity_date, trade_date, id) without
 * touching the pocket's other lots. A pocket that returns `count` lots may hold more of the
 * bill(s) of the last maturity date read (portfolio.engine.ts heldLotsFrom); a sale that needs
 * more than those reads them all (openLots). JSON values, as openLots, for the embedded driver's sake.
 * @throws Error when `count` is not a positive integer.
 */
export async function balancesAndSaleLots(
  tx: Tx,
  partnerId: string,
  pocketIds: readonly string[],
  lotsOf: readonly string[],
  count = SALE_LOTS_OLDEST,
): Promise<{ balances: Map<string, PocketBalances>; lots: LotRow[] }> {
  const rows = await tx.gather<{ balances: string; lots: string }>(
    `SELECT ${pocketsBalancesJson('$1', '$2')} AS balances, ${saleLotsJson('$1', '$3', count)} AS lots`,
    [partnerId, pocketIds, lotsOf],
    [1, 2],
  );
  // Callers that shared the statement share its answer, parsed once; each takes its own pockets.
  let answer = saleReads.get(rows);
  if (!answer) {
    const [row] = rows;
    answer = { pick: pocketsBalancesPicker(row?.balances ?? '{}'), lots: openLotsFromJson(row?.lots ?? '[]') };
    saleReads.set(rows, answer);
  }
  const own = new Set(lotsOf);
  return { balances: answer.pick(pocketIds), lots: answer.lots.filter((lot) => own.has(lot.pocket_id)) };
}

/** balancesAndSaleLots' answers, parsed, by the rows the statement returned. */
const saleReads = new WeakMap<object, { pick: (pocketIds: readonly string[]) => Map<string, PocketBalances>; lots: LotRow[] }>();

/**
 * SQL of a JSON value (text): the first `count` open lots of each pocket of `pocketsParam` (a
 * uuid[] placeholder) in sale order (balancesAndSaleLots). The limit is part of the text, so that the
 * statement's generic plan is the ordered index scan.
 * @throws Error when `count` is not a positive integer.
 */
function saleLotsJson(partnerParam: string, pocketsParam: string, count: number): string {
  if (!Number.isInteger(count) || count <= 0) throw new Error(`balancesAndSaleLots: count must be a positive integer, got ${count}`);
  return `(SELECT coalesce(json_agg(l ORDER BY l.pocket_id, l.maturity_date, l.trade_date, l.id), '[]')::text
             FROM unnest(${pocketsParam}::uuid[]) AS p(id)
             CROSS JOIN LATERAL (
               SELECT id, pocket_id, cusip, maturity_date, units::text AS units, cost_cents::text AS cost_cents, trade_date
                 FROM pocket_lots
                WHERE partner_id = ${partnerParam}::uuid AND pocket_id = p.id AND open
                ORDER BY maturity_date, trade_date, id LIMIT ${count}
             ) AS l)`;
}

/** Open lots of the tenant that mature on or before `date`, by pocket. */
export async function maturingLots(q: Queryable, partnerId: string, date: string): Promise<LotRow[]> {
  return q.query<LotRow>(
    `SELECT ${LOT_COLUMNS} FROM pocket_lots
      WHERE partner_id = $1 AND open AND maturity_date <= $2
      ORDER BY pocket_id, maturity_date, cusip, trade_date, id`,
    [partnerId, date],
  );
}

/** The bills (CUSIP and maturity) that open lots of the tenant hold, each once. */
export async function heldBills(q: Queryable, partnerId: string): Promise<{ cusip: string; maturity_date: string }[]> {
  return q.query<{ cusip: string; maturity_date: string }>(
    `SELECT DISTINCT cusip, maturity_date FROM pocket_lots WHERE partner_id = $1 AND open ORDER BY cusip`,
    [partnerId],
  );
}

/**
 * SQL of a relation (pocket_id uuid, holdings_cents bigint): the market value of each bill each
 * pocket of the tenant `partnerParam` holds (one row per pocket and bill; the caller sums them
 * per pocket), at bid prices given as two parallel arrays, `cusipsParam` (text[]) and
 * `microsParam` (bigint[]: price per 100 in millionths, see `priceMicros`). As `valueFrom`: units
 * of a bill summed over its lots, then units x price rounded half up to the cent
 * (`unitsValueCents`). A bill missing from the prices values as NULL. Pockets without open lots
 * are absent. A scan and an aggregate only (no join), so the plan does not depend on statistics
 * the tenant's tables may lack.
 */
export function holdingsValueRelation(partnerParam: string, cusipsParam: string, microsParam: string): string {
  return `SELECT pocket_id,
                 (sum(units)::bigint * (${microsParam}::bigint[])[array_position(${cusipsParam}::text[], cusip)] + 5000) / 10000 AS holdings_cents
            FROM pocket_lots WHERE partner_id = ${partnerParam}::uuid AND open GROUP BY pocket_id, cusip`;
}

/** A lot bought now. */
export interface NewLot {
  readonly id: string;
  readonly pocketId: string;
  readonly cusip: string;
  readonly maturityDate: string;
  readonly units: bigint;
  readonly costCents: bigint;
  readonly pricePer100: string;
  readonly tradeDate: string;
  readonly buyTradeId: string;
  readonly at: Date;
}

/** A trade to record (Jiko's Trade: BUY, SELL, MATURITY). */
export interface NewTrade {
  readonly id: string;
  readonly pocketId: string;
  readonly customerId: string | null;
  readonly activity: 'BUY' | 'SELL' | 'MATURITY';
  readonly cusip: string;
  readonly maturityDate: string;
  /** Units of $100 face. */
  readonly quantity: bigint;
  readonly pricePer100: string;
  readonly notionalCents: bigint;
  readonly yieldToMaturity: string | null;
  readonly realizedGainCents: bigint;
  readonly tradeDatetime: Date;
  readonly bookDate: string;
  readonly settlementDate: string;
  readonly status: 'BOOKED' | 'SETTLED';
  readonly onUsTransferId: string | null;
  readonly ledgerEntryId: string;
}

/** Units and cost basis taken out of one lot. */
export interface LotReduction {
  readonly id: string;
  readonly units: bigint;
  readonly costCents: bigint;
}

/**
 * Writes trades, new lots and lot reductions of one tenant set-based: one deferred statement
 * (sent with the transaction's next query or commit). The ledger entries the trades point at must
 * be written (deferred) before. The rows travel as one array a column (unnest), which PostgreSQL
 * estimates at a few rows whatever their number: the reduced lots are found by primary key lookups,
 * one per reduced lot. (Also matching them by `id = ANY(ids)` made the plan read them first and
 * then search the reductions for each: quadratic, 3.4 s for 5,000 maturing lots.)
 */
export function writePortfolio(tx: Tx, partnerId: string, rows: { trades: readonly NewTrade[]; lots: readonly NewLot[]; reductions: readonly LotReduction[] }): void {
  if (rows.trades.length === 0 && rows.lots.length === 0 && rows.reductions.length === 0) return;
  // One array a column (unnest), as writeEntries: PostgreSQL reads them several times faster than
  // the same rows as JSON objects.
  const { trades, lots, reductions } = rows;
  const columns = [
    trades.map((t) => t.id), trades.map((t) => t.pocketId), trades.map((t) => t.customerId), trades.map((t) => t.activity),
    trades.map((t) => t.cusip), trades.map((t) => t.maturityDate), trades.map((t) => t.quantity.toString()), trades.map((t) => t.pricePer100),
    trades.map((t) => t.notionalCents.toString()), trades.map((t) => t.yieldToMaturity), trades.map((t) => t.realizedGainCents.toString()),
    trades.map((t) => t.tradeDatetime.toISOString()), trades.map((t) => t.bookDate), trades.map((t) => t.settlementDate), trades.map((t) => t.status),
    trades.map((t) => t.onUsTransferId), trades.map((t) => t.ledgerEntryId),
    lots.map((l) => l.id), lots.map((l) => l.pocketId), lots.map((l) => l.cusip), lots.map((l) => l.maturityDate), lots.map((l) => l.units.toString()),
    lots.map((l) => l.costCents.toString()), lots.map((l) => l.pricePer100), lots.map((l) => l.tradeDate), lots.map((l) => l.buyTradeId),
    lots.map((l) => l.at.toISOString()),
    reductions.map((r) => r.id), reductions.map((r) => r.units.toString()), reductions.map((r) => r.costCents.toString()),
  ];
  tx.defer(
    `WITH t AS (
       INSERT INTO trades (id, partner_id, pocket_id, customer_id, activity, cusip, maturity_date, quantity, price_per_100, notional_cents,
         yield_to_maturity, realized_gain_cents, trade_datetime, book_date, settlement_date, status, on_us_transfer_id, ledger_entry_id)
       SELECT x.id, $1::uuid, x.pocket_id, x.customer_id, x.activity, x.cusip, x.maturity_date, x.quantity, x.price_per_100, x.notional_cents,
              x.yield_to_maturity, x.realized_gain_cents, x.trade_datetime, x.book_date, x.settlement_date, x.status, x.on_us_transfer_id, x.ledger_entry_id
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::date[], $8::bigint[], $9::numeric[], $10::bigint[],
                     $11::numeric[], $12::bigint[], $13::timestamptz[], $14::date[], $15::date[], $16::text[], $17::uuid[], $18::uuid[])
              AS x(id, pocket_id, customer_id, activity, cusip, maturity_date, quantity, price_per_100, notional_cents,
                   yield_to_maturity, realized_gain_cents, trade_datetime, book_date, settlement_date, status, on_us_transfer_id, ledger_entry_id)
     ), l AS (
       INSERT INTO pocket_lots (id, partner_id, pocket_id, cusip, maturity_date, units_bought, units, cost_cents, price_per_100, trade_date, buy_trade_id, created_at)
       SELECT x.id, $1::uuid, x.pocket_id, x.cusip, x.maturity_date, x.units, x.units, x.cost_cents, x.price_per_100, x.trade_date, x.buy_trade_id, x.created_at
         FROM unnest($19::uuid[], $20::uuid[], $21::text[], $22::date[], $23::bigint[], $24::bigint[], $25::numeric[], $26::date[], $27::uuid[], $28::timestamptz[])
              AS x(id, pocket_id, cusip, maturity_date, units, cost_cents, price_per_100, trade_date, buy_trade_id, created_at)
     )
     UPDATE pocket_lots k SET units = k.units - r.units, cost_cents = k.cost_cents - r.cost_cents
       FROM (SELECT x.id, sum(x.units) AS units, sum(x.cost_cents) AS cost_cents
               FROM unnest($29::uuid[], $30::bigint[], $31::bigint[]) AS x(id, units, cost_cents) GROUP BY x.id) r
      WHERE k.id = r.id AND k.partner_id = $1::uuid`,
    [partnerId, ...columns],
    { rows: columns.map((_, index) => index + 1) },
  );
}

/** Sum of realized gains of the tenant's trades (for invariant checks). */
export async function realizedGainsTotal(q: Queryable, partnerId: string): Promise<bigint> {
  const rows = await q.query<{ total: string }>(`SELECT coalesce(sum(realized_gain_cents), 0)::text AS total FROM trades WHERE partner_id = $1`, [partnerId]);
  return BigInt(rows[0]?.total ?? '0');
}

/**
 * Rows of the tenant that point nowhere (for invariant checks): trades whose ledger entry does not
 * exist, and trades and lots whose pocket has no accounts in the ledger (every pocket has them from
 * its creation). What foreign keys checked row by row before migration 0052; the engine's writes
 * guarantee it, and the invariants verify it.
 */
export async function unanchoredRows(q: Queryable, partnerId: string): Promise<{ tradesWithoutEntry: bigint; rowsWithoutPocket: bigint }> {
  const rows = await q.query<{ trades_without_entry: string; rows_without_pocket: string }>(
    `SELECT (SELECT count(*) FROM trades t WHERE t.partner_id = $1
              AND t.ledger_entry_id NOT IN (${tenantEntryIdsRelation('$1')}))::text AS trades_without_entry,
            (SELECT count(*) FROM (SELECT pocket_id FROM trades WHERE partner_id = $1
                                   UNION SELECT pocket_id FROM pocket_lots WHERE partner_id = $1) r
              WHERE r.pocket_id NOT IN (SELECT pocket_id FROM (${pocketCashRelation('$1')}) c))::text AS rows_without_pocket`,
    [partnerId],
  );
  return { tradesWithoutEntry: BigInt(rows[0]?.trades_without_entry ?? '0'), rowsWithoutPocket: BigInt(rows[0]?.rows_without_pocket ?? '0') };
}

/** Cost of open lots per pocket of the tenant (for invariant checks). */
export async function openLotCostByPocket(q: Queryable, partnerId: string): Promise<Map<string, bigint>> {
  const rows = await q.query<{ pocket_id: string; cost: string }>(
    `SELECT pocket_id, sum(cost_cents)::text AS cost FROM pocket_lots WHERE partner_id = $1 GROUP BY pocket_id`,
    [partnerId],
  );
  return new Map(rows.map((row) => [row.pocket_id, BigInt(row.cost)] as const));
}
