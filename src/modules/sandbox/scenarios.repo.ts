import type { Queryable, Tx } from '../../platform/db/index.ts';
import type { AchOriginationDirection, AchReturnCode } from '../rails/ach/index.ts';
import type { CheckedScenario, ScenarioOperation, ScenarioRule } from './scenarios.ts';

/** SQL of the sandbox's failure scenarios (`sandbox_scenarios`) and planned ACH returns (`sandbox_planned_ach_returns`). */

interface RuleRow {
  id: string;
  operation: ScenarioOperation;
  counterparty_id: string | null;
  direction: AchOriginationDirection | null;
  return_code: AchReturnCode | null;
  after_business_days: number | null;
  times: number | null;
  fired_count: number;
  created_at: Date;
}

const COLUMNS = 'id, operation, counterparty_id, direction, return_code, after_business_days, times, fired_count, created_at';

function toRule(row: RuleRow): ScenarioRule {
  return {
    id: row.id, operation: row.operation, counterpartyId: row.counterparty_id, direction: row.direction, returnCode: row.return_code,
    afterBusinessDays: row.after_business_days === null ? null : Number(row.after_business_days), times: row.times === null ? null : 1,
    firedCount: Number(row.fired_count), createdAt: row.created_at,
  };
}

/** Inserts a rule. */
export async function insertRule(tx: Tx, partnerId: string, id: string, rule: CheckedScenario, now: Date): Promise<ScenarioRule> {
  const rows = await tx.query<RuleRow>(
    `INSERT INTO sandbox_scenarios (id, partner_id, operation, counterparty_id, direction, return_code, after_business_days, times, created_at)
     VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5, $6, $7::integer, $8::integer, $9::timestamptz) RETURNING ${COLUMNS}`,
    [id, partnerId, rule.operation, rule.counterpartyId, rule.direction, rule.returnCode, rule.afterBusinessDays, rule.times, now],
  );
  return toRule(rows[0]!);
}

/** The tenant's number of rules, under a lock of the tenant's rules (so a concurrent create counts this one). */
export async function countRules(tx: Tx, partnerId: string): Promise<number> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('sandbox_scenarios:' || $1::text, 0))`, [partnerId]);
  const rows = await tx.query<{ n: bigint }>(`SELECT count(*) AS n FROM sandbox_scenarios WHERE partner_id = $1::uuid`, [partnerId]);
  return Number(rows[0]!.n);
}

/** The tenant's rules, oldest first (at most SCENARIOS_PER_TENANT_MAX exist). */
export async function listRules(q: Queryable, partnerId: string): Promise<ScenarioRule[]> {
  const rows = await q.query<RuleRow>(`SELECT ${COLUMNS} FROM sandbox_scenarios WHERE partner_id = $1::uuid ORDER BY created_at, id`, [partnerId]);
  return rows.map(toRule);
}

export async function findRule(q: Queryable, partnerId: string, id: string): Promise<ScenarioRule | undefined> {
  const rows = await q.query<RuleRow>(`SELECT ${COLUMNS} FROM sandbox_scenarios WHERE partner_id = $1::uuid AND id = $2::uuid`, [partnerId, id]);
  return rows[0] ? toRule(rows[0]) : undefined;
}

/** Deletes a rule; false when the tenant has no such rule. */
export async function deleteRule(tx: Tx, partnerId: string, id: string): Promise<boolean> {
  const rows = await tx.query(`DELETE FROM sandbox_scenarios WHERE partner_id = $1::uuid AND id = $2::uuid RETURNING id`, [partnerId, id]);
  return rows.length > 0;
}

/** What an operation is matched on. */
export interface RuleMatch {
  readonly operation: ScenarioOperation;
  readonly counterpartyId: string;
  readonly direction?: AchOriginationDirection | undefined;
}

/**
 * Fires the oldest live rule matching `match` in the operation's transaction: counts it (a
 * one-shot rule is then spent) and returns it, or undefined. The rule row is locked, and its
 * "still live" condition checked again after the lock, so a one-shot rule fires once even when
 * two operations race for it; rolled back with the operation, it stays live.
 */
export async function fireRule(tx: Tx, partnerId: string, match: RuleMatch): Promise<ScenarioRule | undefined> {
  const rows = await tx.query<RuleRow>(
    `UPDATE sandbox_scenarios SET fired_count = fired_count + 1
      WHERE id = (SELECT id FROM sandbox_scenarios
                   WHERE partner_id = $1::uuid AND operation = $2 AND (counterparty_id IS NULL OR counterparty_id = $3::uuid)
                     AND (direction IS NULL OR direction = $4) AND (times IS NULL OR fired_count < times)
                   ORDER BY created_at, id LIMIT 1 FOR UPDATE)
        AND (times IS NULL OR fired_count < times)
      RETURNING ${COLUMNS}`,
    [partnerId, match.operation, match.counterpartyId, match.direction ?? null],
  );
  return rows[0] ? toRule(rows[0]) : undefined;
}

/** A return planned for an origination. */
export interface PlannedReturn {
  readonly originationId: string;
  readonly returnCode: AchReturnCode;
  readonly returnDate: string;
}

/** Plans the return of an origination (deferred: sent with the commit). */
export function insertPlannedReturn(tx: Tx, partnerId: string, scenarioId: string | null, planned: PlannedReturn, now: Date): void {
  tx.defer(
    `INSERT INTO sandbox_planned_ach_returns (origination_id, partner_id, scenario_id, return_code, return_date, created_at)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::date, $6::timestamptz)`,
    [planned.originationId, partnerId, scenarioId, planned.returnCode, planned.returnDate, now],
  );
}

/** The tenant's planned returns due by `date` not yet handled, oldest date first, locked. */
export async function lockDueReturns(tx: Tx, partnerId: string, date: string, limit: number): Promise<PlannedReturn[]> {
  const rows = await tx.query<{ origination_id: string; return_code: AchReturnCode; return_date: string }>(
    `SELECT origination_id, return_code, to_char(return_date, 'YYYY-MM-DD') AS return_date FROM sandbox_planned_ach_returns
      WHERE partner_id = $1::uuid AND outcome IS NULL AND return_date <= $2::date
      ORDER BY return_date, created_at, origination_id LIMIT $3 FOR UPDATE`,
    [partnerId, date, limit],
  );
  return rows.map((r) => ({ originationId: r.origination_id, returnCode: r.return_code, returnDate: r.return_date }));
}

/** Records how a planned return ended (deferred). */
export function settlePlannedReturn(tx: Tx, partnerId: string, originationId: string, outcome: 'RETURNED' | 'SKIPPED'): void {
  tx.defer(`UPDATE sandbox_planned_ach_returns SET outcome = $3 WHERE partner_id = $1::uuid AND origination_id = $2::uuid`, [partnerId, originationId, outcome]);
}
