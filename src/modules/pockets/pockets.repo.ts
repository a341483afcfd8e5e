import { type Queryable, type Tx, createdAtPage } from '../../platform/db/index.ts';
import type { SortKey } from '../../platform/http/index.ts';
import type { StrategyId } from '../market/index.ts';
import type { Pocket, PocketStatus, PocketType } from './pockets.domain.ts';

/** SQL of pockets and their end-of-day values. Writers take the caller's transaction. */

interface PocketRow {
  id: string;
  partner_id: string;
  customer_id: string | null;
  type: PocketType;
  pocket_name: string;
  status: PocketStatus;
  deposit_strategy_id: StrategyId;
  reinvestment_strategy_id: StrategyId | null;
  closure_reason: string | null;
  invest_pending: boolean;
  created_at: Date;
  closed_at: Date | null;
}

const POCKET_COLUMNS = `id, partner_id, customer_id, type, pocket_name, status, deposit_strategy_id, reinvestment_strategy_id,
  closure_reason, invest_pending, created_at, closed_at`;

function toPocket(row: PocketRow): Pocket {
  return {
    id: row.id,
    partnerId: row.partner_id,
    customerId: row.customer_id,
    type: row.type,
    pocketName: row.pocket_name,
    status: row.status,
    depositStrategyId: row.deposit_strategy_id,
    reinvestmentStrategyId: row.reinvestment_strategy_id,
    closureReason: row.closure_reason,
    investPending: row.invest_pending,
    createdAt: row.created_at,
    closedAt: row.closed_at,
  };
}

export async function insertPocket(
  tx: Tx,
  pocket: { id: string; partnerId: string; customerId: string | null; type: PocketType; pocketName: string; depositStrategyId: StrategyId; reinvestmentStrategyId: StrategyId | null; at: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO pockets (id, partner_id, customer_id, type, pocket_name, status, deposit_strategy_id, reinvestment_strategy_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8, $8)`,
    [pocket.id, pocket.partnerId, pocket.customerId, pocket.type, pocket.pocketName, pocket.depositStrategyId, pocket.reinvestmentStrategyId, pocket.at],
  );
}

/** One pocket of the tenant, or undefined (unknown id or another tenant's). */
export async function findPocket(q: Queryable, partnerId: string, pocketId: string): Promise<Pocket | undefined> {
  const rows = await q.query<PocketRow>(`SELECT ${POCKET_COLUMNS} FROM pockets WHERE partner_id = $1 AND id = $2`, [partnerId, pocketId]);
  return rows[0] ? toPocket(rows[0]) : undefined;
}

/** SQL of one pocket's reads that other modules own, each a scalar subquery over `$1` (tenant) and `$2` (pocket). */
export interface PocketReadsSql {
  /** Posted balances by account kind, JSON text (the ledger's `pocketBalancesJson`). */
  readonly balances: (partnerParam: string, pocketParam: string) => string;
  /** Open lots, JSON text (the portfolio's `openLotsJson`). */
  readonly lots: (partnerParam: string, pocketParam: string) => string;
  /** Net money moved in, all time, cents (the movements' `netFlowAllTime`). */
  readonly netFlow: (partnerParam: string, pocketParam: string) => string;
}

/**
 * One pocket of the tenant with what its portfolio is computed from, in one statement: the other
 * modules' reads (`reads`, their SQL) ride along as subqueries, so that a GET of a pocket is one
 * statement rather than four.
 * @returns undefined for an unknown id or another tenant's pocket.
 */
export async function findPocketWithReads(
  q: Queryable,
  partnerId: string,
  pocketId: string,
  reads: PocketReadsSql,
): Promise<{ pocket: Pocket; balancesJson: string; lotsJson: string; netFlowCents: bigint } | undefined> {
  const rows = await q.query<PocketRow & { balances_json: string; lots_json: string; net_flow_cents: string }>(
    `SELECT ${POCKET_COLUMNS}, ${reads.balances('$1', '$2')} AS balances_json, ${reads.lots('$1', '$2')} AS lots_json,
            ${reads.netFlow('$1', '$2')}::text AS net_flow_cents
       FROM pockets WHERE partner_id = $1 AND id = $2`,
    [partnerId, pocketId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { pocket: toPocket(row), balancesJson: row.balances_json, lotsJson: row.lots_json, netFlowCents: BigInt(row.net_flow_cents) };
}

/**
 * Locks pockets of the tenant in ascending id order and returns them by id (missing ids absent).
 * Callers sharing the transaction lock theirs in one statement (Tx.gather), in one id order.
 */
export async function lockPockets(tx: Tx, partnerId: string, pocketIds: readonly string[]): Promise<Map<string, Pocket>> {
  const ids = new Set(pocketIds);
  const rows = await tx.gather<PocketRow>(
    `SELECT ${POCKET_COLUMNS} FROM pockets WHERE partner_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
    [partnerId, [...ids]],
    [1],
  );
  const locked = new Map<string, Pocket>();
  for (const row of rows) if (ids.has(row.id)) locked.set(row.id, toPocket(row));
  return locked;
}

/**
 * Inserts the tenant's partner funding pocket unless it has one (unique index); a concurrent
 * creator waits for the first and then finds its row.
 * @returns true when inserted now.
 */
export async function insertFundingPocketOnce(
  tx: Tx,
  pocket: { id: string; partnerId: string; pocketName: string; depositStrategyId: StrategyId; at: Date },
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO pockets (id, partner_id, customer_id, type, pocket_name, status, deposit_strategy_id, reinvestment_strategy_id, created_at, updated_at)
     VALUES ($1, $2, NULL, 'PARTNER_FUNDING', $3, 'PENDING', $4, NULL, $5, $5)
     ON CONFLICT (partner_id) WHERE type = 'PARTNER_FUNDING' DO NOTHING RETURNING id`,
    [pocket.id, pocket.partnerId, pocket.pocketName, pocket.depositStrategyId, pocket.at],
  );
  return rows.length === 1;
}

/**
 * A page of the tenant's customer pockets (or one customer's), oldest first, keyset on
 * (created_at, id); the partner funding pocket is not among them (see `findFundingPocket`).
 * Fetches `limit + 1` rows in the page's direction.
 */
export async function listPockets(
  q: Queryable,
  partnerId: string,
  filter: { customerId?: string; statuses?: readonly PocketStatus[] },
  page: { after: SortKey | undefined; backward: boolean; limit: number },
): Promise<{ pocket: Pocket; key: SortKey }[]> {
  const params: unknown[] = [partnerId];
  const where = ['partner_id = $1', "type = 'CUSTOMER'"];
  if (filter.customerId) {
    params.push(filter.customerId);
    where.push(`customer_id = $${params.length}`);
  }
  if (filter.statuses && filter.statuses.length > 0) {
    params.push(filter.statuses);
    where.push(`status = ANY($${params.length}::text[])`);
  }
  const keyset = createdAtPage(params, page);
  if (keyset.after) where.push(keyset.after);
  const rows = await q.query<PocketRow>(
    `SELECT ${POCKET_COLUMNS} FROM pockets WHERE ${where.join(' AND ')} ${keyset.orderLimit}`,
    params,
  );
  return rows.map((row) => ({ pocket: toPocket(row), key: [row.created_at.toISOString(), row.id] }));
}

/** The tenant's partner funding pocket, or undefined before the tenant's first pocket made it. */
export async function findFundingPocket(q: Queryable, partnerId: string): Promise<Pocket | undefined> {
  const [row] = await q.query<PocketRow>(`SELECT ${POCKET_COLUMNS} FROM pockets WHERE partner_id = $1 AND type = 'PARTNER_FUNDING'`, [partnerId]);
  return row ? toPocket(row) : undefined;
}

/**
 * Opens a PENDING pocket of the tenant (the asynchronous opening's job). @returns its customer
 * (null for the funding pocket), or undefined when it is not PENDING (already open, or gone):
 * a repeated run changes nothing.
 */
export async function openPendingPocket(tx: Tx, partnerId: string, pocketId: string, at: Date): Promise<{ customerId: string | null } | undefined> {
  const [row] = await tx.query<{ customer_id: string | null }>(
    `UPDATE pockets SET status = 'OPEN', opened_at = $3::timestamptz, updated_at = $3::timestamptz
      WHERE partner_id = $1 AND id = $2 AND status = 'PENDING' RETURNING customer_id`,
    [partnerId, pocketId, at],
  );
  return row ? { customerId: row.customer_id } : undefined;
}

/** Opens a provisioned pocket (deferred: sent with the transaction's next query or commit). */
export function setPocketOpen(tx: Tx, pocketId: string, at: Date): void {
  tx.defer(`UPDATE pockets SET status = 'OPEN', opened_at = $2::timestamptz, updated_at = $2::timestamptz WHERE id = $1::uuid`, [pocketId, at]);
}

export async function updatePocketFields(
  tx: Tx,
  pocketId: string,
  fields: { pocketName?: string; depositStrategyId?: StrategyId; reinvestmentStrategyId?: StrategyId | null },
  at: Date,
): Promise<void> {
  await tx.query(
    `UPDATE pockets SET
       pocket_name = coalesce($2, pocket_name),
       deposit_strategy_id = coalesce($3, deposit_strategy_id),
       reinvestment_strategy_id = CASE WHEN $4 THEN $5 ELSE reinvestment_strategy_id END,
       updated_at = $6
     WHERE id = $1`,
    [pocketId, fields.pocketName ?? null, fields.depositStrategyId ?? null, fields.reinvestmentStrategyId !== undefined, fields.reinvestmentStrategyId ?? null, at],
  );
}

export async function closePocket(tx: Tx, pocketId: string, reason: string, at: Date): Promise<void> {
  await tx.query(
    `UPDATE pockets SET status = 'CLOSED', closure_reason = $2, closed_at = $3, updated_at = $3, invest_pending = false WHERE id = $1`,
    [pocketId, reason, at],
  );
}

/** Sets the waiting-cash flag of several pockets (deferred: sent with the transaction's commit). */
export function setInvestPending(tx: Tx, partnerId: string, flags: ReadonlyMap<string, boolean>): void {
  if (flags.size === 0) return;
  tx.defer(
    `UPDATE pockets p SET invest_pending = x.pending
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, pending boolean)
      WHERE p.id = x.id AND p.partner_id = $1::uuid`,
    [partnerId, JSON.stringify([...flags].map(([id, pending]) => ({ id, pending })))],
    { rows: [1] },
  );
}

/** Ids of the tenant's pockets whose cash waits for a business day, ascending. */
export async function pocketsWithPendingCash(q: Queryable, partnerId: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM pockets WHERE partner_id = $1 AND invest_pending AND status = 'OPEN' ORDER BY id`,
    [partnerId],
  );
  return rows.map((row) => row.id);
}

/** Number of the customer's pockets in `status`, other than `exceptPocketId`. */
export async function countCustomerPockets(q: Queryable, partnerId: string, customerId: string, status: PocketStatus, exceptPocketId?: string): Promise<number> {
  const rows = await q.query<{ n: bigint }>(
    `SELECT count(*) AS n FROM pockets WHERE partner_id = $1 AND customer_id = $2 AND status = $3 AND id <> coalesce($4::uuid, '00000000-0000-0000-0000-000000000000'::uuid)`,
    [partnerId, customerId, status, exceptPocketId ?? null],
  );
  return Number(rows[0]?.n ?? 0n);
}

// ---- end-of-day values ----

/**
 * Writes business day `date`'s end-of-day values of the tenant's pockets in one statement, without
 * reading them into memory: cash plus holdings at the day's same-day bid, for every pocket
 * created before `dayEnd` and open, or closed at or after `closedSince` (the end of the business
 * day before), so that a pocket closed since the last end-of-day values gets one more, of 0, and
 * no end-of-day value of a closed pocket is its value before it was emptied. `relations` are the
 * owning modules' SQL of the cash accounts (`pocketCashRelation`) and of the bills held
 * (`holdingsValueRelation`, with `prices` bound) of each pocket, summed here per pocket; a bill
 * without a price makes the pocket's value NULL, which the NOT NULL column refuses (never a
 * partial sum). A value already written for a pocket and day stays: skipped by an index probe
 * rather than ON CONFLICT, whose speculative insertion made each row cost twice a plain one (the
 * task runs once per tenant and day under the scheduler's cursor lock, so nothing else writes the
 * same day meanwhile; a duplicate would still be refused by the primary key). The rows meet in one
 * aggregate over a UNION ALL rather than in joins, so that no plan depends on statistics (PGlite
 * has no autovacuum; a tenant grows between them).
 */
export async function insertDailyValues(
  tx: Tx,
  partnerId: string,
  day: { date: string; dayEnd: Date; closedSince: Date },
  relations: { cash: (partnerParam: string) => string; holdings: (partnerParam: string, cusipsParam: string, microsParam: string) => string },
  prices: { cusips: readonly string[]; micros: readonly string[] },
): Promise<void> {
  await tx.query(
    `INSERT INTO pocket_daily_values (partner_id, pocket_id, business_date, total_value_cents, cash_cents)
     SELECT $1::uuid, v.pocket_id, $2::date, v.cash_cents + v.holdings_cents, v.cash_cents
       FROM (SELECT u.pocket_id, sum(u.cash_cents)::bigint AS cash_cents,
                    CASE WHEN bool_and(u.holdings_cents IS NOT NULL) THEN sum(u.holdings_cents)::bigint END AS holdings_cents
               FROM (SELECT p.id AS pocket_id, 0::bigint AS cash_cents, 0::bigint AS holdings_cents, true AS listed
                       FROM pockets p
                      WHERE p.partner_id = $1::uuid AND p.created_at < $3::timestamptz AND (p.closed_at IS NULL OR p.closed_at >= $4::timestamptz)
                     UNION ALL
                     SELECT c.pocket_id, c.cash_cents, 0, false FROM (${relations.cash('$1')}) c
                     UNION ALL
                     SELECT h.pocket_id, 0, h.holdings_cents, false FROM (${relations.holdings('$1', '$5', '$6')}) h) u
              GROUP BY u.pocket_id HAVING bool_or(u.listed)) v
      WHERE NOT EXISTS (SELECT 1 FROM pocket_daily_values d WHERE d.pocket_id = v.pocket_id AND d.business_date = $2::date)`,
    [partnerId, day.date, day.dayEnd, day.closedSince, prices.cusips, prices.micros],
  );
}

/** The pocket's end-of-day value on the latest business day on or before `date` (0 when none). */
export async function dailyValueOnOrBefore(q: Queryable, pocketId: string, date: string): Promise<bigint> {
  const rows = await q.query<{ total_value_cents: bigint }>(
    `SELECT total_value_cents FROM pocket_daily_values WHERE pocket_id = $1 AND business_date <= $2 ORDER BY business_date DESC LIMIT 1`,
    [pocketId, date],
  );
  return rows[0]?.total_value_cents ?? 0n;
}
