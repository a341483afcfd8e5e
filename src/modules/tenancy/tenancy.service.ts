import type { Db, Queryable, Subscription, Tx } from '../../platform/db/index.ts';
import { type WallClock, tenantNow } from '../../platform/clock.ts';
import * as repo from './tenancy.repo.ts';

/** A tenant's clock as a request sees it: its time now, and whether scheduled work is due. */
export interface TenantClock {
  /** Tenant time: wall time plus the tenant's sandbox offset. */
  readonly now: Date;
  /** True when the scheduler has work due at or before `now`. */
  readonly workDue: boolean;
}

/** The channel on which every change of a tenant clock row is notified (migration 0056), with the partner id. */
export const TENANT_CLOCK_CHANNEL = 'pocketbook_tenant_clock';

/** Tenant clocks a process keeps at most, and clock writes it remembers (the oldest go first). */
export const TENANT_CLOCKS_KEPT_MAX = 10_000;

/**
 * Milliseconds a clock written by this process stays unkept while its transaction has not been
 * seen to commit: after that, a transaction that rolled back (and so notified nothing) no longer
 * keeps the tenant's clock from being kept.
 */
export const TENANT_CLOCK_WRITE_SETTLE_MS = 10_000;

/**
 * Tenancy: each partner tenant's test clock (an offset from wall time; 0 in production) and the
 * earliest instant at which the scheduler has work for it, read by the door for every request.
 * Partners' credentials are the auth module's.
 *
 * The clocks read outside transactions are kept in the process while the database's notifications
 * reach it (`db.listen`): every change of a clock row, committed by any process, notifies
 * TENANT_CLOCK_CHANNEL (a trigger, migration 0056), and the tenant's kept clock is forgotten then.
 * So a request usually reads its tenant's clock without a statement. A clock this process writes
 * is forgotten at once and not kept again until the notification of its commit arrives; a read that
 * overlapped a change is not kept. While the listening connection is down nothing is kept. Another
 * process's change is seen once its notification arrives (at its commit, plus delivery).
 */
export function createTenancy(deps: { db: Db; wallClock: WallClock }) {
  const { db, wallClock } = deps;
  const kept = new Map<string, repo.ClockRow>();
  /** Tenants whose clock this process wrote, and when: not kept until their change is notified. */
  const written = new Map<string, number>();
  /** Bumped by every change heard of: a read that began before a change is not kept. */
  let changes = 0;
  let subscription: Subscription | undefined;
  const forget = (tenantId: string) => {
    changes += 1;
    kept.delete(tenantId);
  };
  const keepable = (tenantId: string): boolean => {
    subscription ??= db.listen(TENANT_CLOCK_CHANNEL, {
      onNotify: (tenantId) => {
        forget(tenantId);
        written.delete(tenantId);
      },
      // Live again (or lost): notifications may have been missed, of other processes' changes and
      // of this process's own commits.
      onReset: () => {
        changes += 1;
        kept.clear();
        written.clear();
      },
    });
    if (!subscription.live) return false;
    const since = written.get(tenantId);
    if (since === undefined) return true;
    if (wallClock.now().getTime() - since < TENANT_CLOCK_WRITE_SETTLE_MS) return false;
    written.delete(tenantId);
    return true;
  };
  /** Before a write of the tenant's clock row by this process. */
  const writing = (tenantId: string) => {
    forget(tenantId);
    written.delete(tenantId);
    if (written.size >= TENANT_CLOCKS_KEPT_MAX) written.delete(written.keys().next().value!);
    written.set(tenantId, wallClock.now().getTime());
  };
  /** The tenant's clock row, kept or read (`q` a transaction: always read, in it). */
  const row = async (tenantId: string, q: Queryable): Promise<repo.ClockRow> => {
    if (q !== db) return repo.readClock(q, tenantId);
    const known = keepable(tenantId) ? kept.get(tenantId) : undefined;
    if (known) return known;
    const before = changes;
    const read = await repo.readClock(db, tenantId);
    if (before === changes && keepable(tenantId)) {
      if (kept.size >= TENANT_CLOCKS_KEPT_MAX) kept.delete(kept.keys().next().value!);
      kept.set(tenantId, read);
    }
    return read;
  };
  return {
    /** The tenant's clock now (no statement when kept; in `q`'s transaction when given one). */
    async clock(tenantId: string, q: Queryable = db): Promise<TenantClock> {
      const clockRow = await row(tenantId, q);
      const now = tenantNow(wallClock, clockRow.clock_offset_ms);
      return { now, workDue: clockRow.next_due_at !== null && clockRow.next_due_at.getTime() <= now.getTime() };
    },
    /**
     * The tenant's clock now, its row locked until `tx` ends: a clock move reads the clock it
     * moves from here, so that concurrent moves of one tenant queue instead of racing.
     */
    async lockClock(tx: Tx, tenantId: string): Promise<Date> {
      const locked = await repo.lockClock(tx, tenantId);
      return tenantNow(wallClock, locked.clock_offset_ms);
    },
    /**
     * Moves the tenant's clock so that it reads `instant` now. Callers decide whether the move is
     * allowed (the sandbox: any instant while the tenant has no customers, afterwards forward only).
     */
    async setNow(q: Queryable, tenantId: string, instant: Date): Promise<void> {
      writing(tenantId);
      await repo.writeOffset(q, tenantId, BigInt(instant.getTime() - wallClock.now().getTime()));
    },
    /** Records the instant from which the scheduler has work for the tenant (null: none). */
    async setNextDue(q: Queryable, tenantId: string, at: Date | null): Promise<void> {
      writing(tenantId);
      await repo.writeNextDue(q, tenantId, at);
    },
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
