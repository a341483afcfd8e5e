import type { Queryable } from './db/index.ts';
import { type WallClock, tenantNow } from './clock.ts';

/**
 * The per-tenant test clock's state: an offset from wall time, kept on the partner row.
 * Tenant time = wall time + offset. In production mode the offset stays 0.
 */

/** The tenant's clock offset in milliseconds (0n for an unknown partner). */
export async function readClockOffset(q: Queryable, partnerId: string): Promise<bigint> {
  const rows = await q.query<{ clock_offset_ms: bigint }>('SELECT clock_offset_ms FROM tenant_clocks WHERE partner_id = $1', [partnerId]);
  return rows[0]?.clock_offset_ms ?? 0n;
}

/** The tenant's current time. */
export async function readTenantNow(q: Queryable, wall: WallClock, partnerId: string): Promise<Date> {
  return tenantNow(wall, await readClockOffset(q, partnerId));
}

/**
 * Moves the tenant's clock so that it reads `instant` now. Callers decide whether the move is
 * allowed (any instant while the tenant has no customers, afterwards only forward).
 */
export async function setTenantNow(q: Queryable, wall: WallClock, partnerId: string, instant: Date): Promise<void> {
  const offsetMs = BigInt(instant.getTime() - wall.now().getTime());
  await q.query(
    `INSERT INTO tenant_clocks (partner_id, clock_offset_ms) VALUES ($1, $2)
     ON CONFLICT (partner_id) DO UPDATE SET clock_offset_ms = EXCLUDED.clock_offset_ms`,
    [partnerId, offsetMs],
  );
}
