import type { Queryable, Tx } from '../../platform/db/index.ts';

/** SQL of scheduler cursors: per (tenant, task), the last business date whose run is done. */

export interface CursorRow {
  task: string;
  done_through: string;
}

/**
 * Locks and reads the tenant's cursors. With `skipLocked`, returns [] when another process holds
 * them (it is running the tenant's work).
 */
export async function lockCursors(tx: Tx, tenantId: string, skipLocked: boolean): Promise<CursorRow[]> {
  return tx.query<CursorRow>(
    `SELECT task, done_through FROM scheduler_cursors WHERE partner_id = $1 ORDER BY task FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
    [tenantId],
  );
}

export async function readCursors(q: Queryable, tenantId: string): Promise<CursorRow[]> {
  return q.query<CursorRow>(`SELECT task, done_through FROM scheduler_cursors WHERE partner_id = $1`, [tenantId]);
}

/**
 * Adds missing cursors (existing ones keep their progress).
 * @returns how many were added.
 */
export async function insertCursors(q: Queryable, tenantId: string, cursors: readonly { task: string; doneThrough: string }[]): Promise<number> {
  const rows = await q.query(
    `INSERT INTO scheduler_cursors (partner_id, task, done_through)
     SELECT $1, x.task, x.done_through FROM jsonb_to_recordset($2::jsonb) AS x(task text, done_through date)
     ON CONFLICT (partner_id, task) DO NOTHING RETURNING task`,
    [tenantId, JSON.stringify(cursors.map((c) => ({ task: c.task, done_through: c.doneThrough })))],
  );
  return rows.length;
}

/** True when the tenant has a cursor for every task in `tasks`. */
export async function hasCursors(q: Queryable, tenantId: string, tasks: readonly string[]): Promise<boolean> {
  const rows = await q.query<{ n: bigint }>(`SELECT count(*) AS n FROM scheduler_cursors WHERE partner_id = $1 AND task = ANY($2::text[])`, [tenantId, tasks]);
  return Number(rows[0]?.n ?? 0n) === tasks.length;
}

/**
 * Enrolled tenants (with at least one cursor) that lack a cursor for some of `tasks`: a task added
 * to the registry after they enrolled (a newer pocketbook on an older database). At most `limit`.
 */
export async function tenantsMissingTasks(q: Queryable, tasks: readonly string[], limit: number): Promise<string[]> {
  const rows = await q.query<{ partner_id: string }>(
    `SELECT partner_id FROM scheduler_cursors GROUP BY partner_id
      HAVING count(*) FILTER (WHERE task = ANY($1::text[])) < $2 ORDER BY partner_id LIMIT $3`,
    [tasks, tasks.length, limit],
  );
  return rows.map((row) => row.partner_id);
}

/** Moves a cursor forward (deferred: sent with the step's commit). */
export function advanceCursor(tx: Tx, tenantId: string, task: string, date: string): void {
  tx.defer(`UPDATE scheduler_cursors SET done_through = $3::date WHERE partner_id = $1::uuid AND task = $2`, [tenantId, task, date]);
}

/**
 * Moves several cursors of the tenant forward in one statement (deferred: sent with the next query
 * or the commit): what a clock move's runs did, written once at its end.
 */
export function advanceCursors(tx: Tx, tenantId: string, cursors: readonly CursorRow[]): void {
  if (cursors.length === 0) return;
  tx.defer(
    `UPDATE scheduler_cursors c SET done_through = x.done_through
       FROM jsonb_to_recordset($2::jsonb) AS x(task text, done_through date)
      WHERE c.partner_id = $1::uuid AND c.task = x.task`,
    [tenantId, JSON.stringify(cursors.map((cursor) => ({ task: cursor.task, done_through: cursor.done_through })))],
  );
}

export async function deleteCursors(q: Queryable, tenantId: string): Promise<void> {
  await q.query(`DELETE FROM scheduler_cursors WHERE partner_id = $1`, [tenantId]);
}
