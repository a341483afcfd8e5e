import type { Queryable, Tx } from '../../platform/db/index.ts';

/** SQL of tenant clocks (`tenant_clocks`): the test clock offset and the scheduler's next due instant. */

export interface ClockRow {
  clock_offset_ms: bigint;
  next_due_at: Date | null;
}

/** The tenant's clock row; a tenant without one reads offset 0 and nothing due. */
export async function readClock(q: Queryable, tenantId: string): Promise<ClockRow> {
  const rows = await q.query<ClockRow>('SELECT clock_offset_ms, next_due_at FROM tenant_clocks WHERE partner_id = $1', [tenantId]);
  return rows[0] ?? { clock_offset_ms: 0n, next_due_at: null };
}

/**
 * Reads the tenant's clock row and locks it until the transaction ends (made with offset 0 when
 * missing), so that two clock moves of one tenant run one after the other.
 */
export async function lockClock(tx: Tx, tenantId: string): Promise<ClockRow> {
  const rows = await tx.query<ClockRow>(
    `INSERT INTO tenant_clocks AS c (partner_id, clock_offset_ms) VALUES ($1, 0)
     ON CONFLICT (partner_id) DO UPDATE SET partner_id = c.partner_id
     RETURNING clock_offset_ms, next_due_at`,
    [tenantId],
  );
  return rows[0]!;
}

export async function writeOffset(q: Queryable, tenantId: string, offsetMs: bigint): Promise<void> {
  await q.query(
    `INSERT INTO tenant_clocks (partner_id, clock_offset_ms) VALUES ($1, $2)
     ON CONFLICT (partner_id) DO UPDATE SET clock_offset_ms = EXCLUDED.clock_offset_ms`,
    [tenantId, offsetMs],
  );
}

export async function writeNextDue(q: Queryable, tenantId: string, at: Date | null): Promise<void> {
  await q.query(
    `INSERT INTO tenant_clocks (partner_id, next_due_at) VALUES ($1, $2)
     ON CONFLICT (partner_id) DO UPDATE SET next_due_at = EXCLUDED.next_due_at`,
    [tenantId, at],
  );
}

/** Tenants with scheduled work and their clock offsets, least recently due first. */
export async function tenantsWithWork(q: Queryable, limit: number): Promise<{ partner_id: string; clock_offset_ms: bigint; next_due_at: Date }[]> {
  return q.query(
    `SELECT partner_id, clock_offset_ms, next_due_at FROM tenant_clocks WHERE next_due_at IS NOT NULL ORDER BY next_due_at LIMIT $1`,
    [limit],
  );
}
