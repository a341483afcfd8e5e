import type { Db, Queryable, Tx } from '../../platform/db/index.ts';
import { type WallClock, tenantNow } from '../../platform/clock.ts';
import * as repo from './tenancy.repo.ts';

/** A tenant's clock as a request sees it: its time now, and whether scheduled work is due. */
export interface TenantClock {
  /** Tenant time: wall time plus the tenant's sandbox offset. */
  readonly now: Date;
  /** True when the scheduler has work due at or before `now`. */
  readonly workDue: boolean;
}

/**
 * Tenancy: each partner tenant's test clock (an offset from wall time; 0 in production) and the
 * earliest instant at which the scheduler has work for it, read by the door in one query per
 * request. Partners' credentials are the auth module's.
 */
export function createTenancy(deps: { db: Db; wallClock: WallClock }) {
  const { db, wallClock } = deps;
  return {
    /** The tenant's clock now (one query). */
    async clock(tenantId: string, q: Queryable = db): Promise<TenantClock> {
      const row = await repo.readClock(q, tenantId);
      const now = tenantNow(wallClock, row.clock_offset_ms);
      return { now, workDue: row.next_due_at !== null && row.next_due_at.getTime() <= now.getTime() };
    },
    /**
     * The tenant's clock now, its row locked until `tx` ends: a clock move reads the clock it
     * moves from here, so that concurrent moves of one tenant queue instead of racing.
     */
    async lockClock(tx: Tx, tenantId: string): Promise<Date> {
      const row = await repo.lockClock(tx, tenantId);
      return tenantNow(wallClock, row.clock_offset_ms);
    },
    /**
     * Moves the tenant's clock so that it reads `instant` now. Callers decide whether the move is
     * allowed (the sandbox: any instant while the tenant has no customers, afterwards forward only).
     */
    async setNow(q: Queryable, tenantId: string, instant: Date): Promise<void> {
      await repo.writeOffset(q, tenantId, BigInt(instant.getTime() - wallClock.now().getTime()));
    },
    /** Records the instant from which the scheduler has work for the tenant (null: none). */
    setNextDue: (q: Queryable, tenantId: string, at: Date | null) => repo.writeNextDue(q, tenantId, at),
    /** Tenants with scheduled work, for the background pass: their id and current time. */
    async tenantsWithWork(limit: number): Promise<{ tenantId: string; now: Date; due: boolean }[]> {
      const rows = await repo.tenantsWithWork(db, limit);
      return rows.map((row) => {
        const now = tenantNow(wallClock, row.clock_offset_ms);
        return { tenantId: row.partner_id, now, due: row.next_due_at.getTime() <= now.getTime() };
      });
    },
  };
}

export type Tenancy = ReturnType<typeof createTenancy>;
