import type { Db, Queryable, Tx } from '../../platform/db/index.ts';
import { type WallClock, marketDate, tenantNow } from '../../platform/clock.ts';
import { CLOCK_ADVANCE_DAYS_MAX } from '../../platform/limits.ts';
import type { BusinessCalendar } from '../market/index.ts';

/**
 * Business-time work per tenant. Each business day X has two steps: start of day (runs once the
 * tenant's New York date reaches X: maturities, then investing) and end of day (runs once the date
 * has passed X: end-of-day values). Steps run in time order, each in its own transaction, and move
 * the tenant's cursor (`scheduler_tenants`) so that every step runs exactly once: the cursor row is
 * locked while a step runs, and the step is re-checked under the lock.
 */

/** What a tenant's business day needs; given by the module that owns the work (pockets). */
export interface DayWork {
  /** Start of business day `date`: maturities, reinvestment, investing of waiting cash. */
  startOfDay(tx: Tx, partnerId: string, date: string): Promise<void>;
  /** End of business day `date`: end-of-day values. */
  endOfDay(tx: Tx, partnerId: string, date: string): Promise<void>;
}

export type StepPhase = 'start' | 'end';

interface Cursor {
  start_of_day_through: string;
  end_of_day_through: string;
}

/** Tenants a background pass looks at, at most. */
export const SCHEDULER_TENANTS_PER_PASS_MAX = 500;
/** Pause between background passes. */
export const SCHEDULER_POLL_MS = 1_000;

/**
 * The next step due at tenant date `today`, or undefined. Start of day X is due when X <= today;
 * end of day X when X < today; at equal dates start comes first.
 */
export function nextStep(calendar: BusinessCalendar, cursor: Cursor, today: string): { phase: StepPhase; date: string } | undefined {
  const start = calendar.nextBusinessDay(cursor.start_of_day_through);
  const end = calendar.nextBusinessDay(cursor.end_of_day_through);
  const startDue = start <= today;
  const endDue = end < today && end <= cursor.start_of_day_through;
  if (startDue && (!endDue || start <= end)) return { phase: 'start', date: start };
  if (endDue) return { phase: 'end', date: end };
  return undefined;
}

export interface Scheduler {
  /**
   * Enrolls a tenant (idempotent) with nothing due before `now`: called when its first pocket is
   * made, in that transaction.
   */
  enroll(tx: Tx, partnerId: string, now: Date): Promise<void>;
  /** Forgets a tenant's progress (its clock was set while it had no pockets). */
  reset(q: Queryable, partnerId: string): Promise<void>;
  /**
   * Runs every step due for the tenant up to `now`, in time order; waits for another process that
   * is running the tenant's steps. Cheap (one read) when nothing is due.
   * @returns the number of steps run here.
   */
  runDueWork(partnerId: string, now: Date): Promise<number>;
  /** Background loop over every enrolled tenant at its own clock; `stop()` ends it. */
  startScheduler(): { stop(): Promise<void> };
}

export function createScheduler(deps: { db: Db; wallClock: WallClock; calendar: BusinessCalendar; work: DayWork }): Scheduler {
  const { db, calendar, work } = deps;

  /** Runs one due step under the tenant's row lock; false when nothing is due (or the row is busy and `skipLocked`). */
  async function runOneStep(partnerId: string, today: string, skipLocked: boolean): Promise<boolean> {
    return db.tx(async (tx) => {
      const rows = await tx.query<Cursor>(
        `SELECT start_of_day_through, end_of_day_through FROM scheduler_tenants WHERE partner_id = $1 FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
        [partnerId],
      );
      const cursor = rows[0];
      if (!cursor) return false;
      const step = nextStep(calendar, cursor, today);
      if (!step) return false;
      if (step.phase === 'start') {
        await work.startOfDay(tx, partnerId, step.date);
        await tx.query(`UPDATE scheduler_tenants SET start_of_day_through = $2, updated_at = now() WHERE partner_id = $1`, [partnerId, step.date]);
      } else {
        await work.endOfDay(tx, partnerId, step.date);
        await tx.query(`UPDATE scheduler_tenants SET end_of_day_through = $2, updated_at = now() WHERE partner_id = $1`, [partnerId, step.date]);
      }
      return true;
    });
  }

  async function isDue(partnerId: string, today: string): Promise<boolean> {
    const rows = await db.query<Cursor>(`SELECT start_of_day_through, end_of_day_through FROM scheduler_tenants WHERE partner_id = $1`, [partnerId]);
    return rows[0] !== undefined && nextStep(calendar, rows[0], today) !== undefined;
  }

  async function drain(partnerId: string, now: Date, skipLocked: boolean): Promise<number> {
    const today = marketDate(now);
    if (!(await isDue(partnerId, today))) return 0;
    let steps = 0;
    // Two steps per business day; the bound keeps a runaway loop from spinning forever.
    while (steps < 2 * CLOCK_ADVANCE_DAYS_MAX && (await runOneStep(partnerId, today, skipLocked))) steps++;
    return steps;
  }

  return {
    async enroll(tx, partnerId, now) {
      const today = marketDate(now);
      const startThrough = calendar.onOrBefore(today);
      const endThrough = calendar.previousBusinessDay(today);
      await tx.query(
        `INSERT INTO scheduler_tenants (partner_id, start_of_day_through, end_of_day_through) VALUES ($1, $2, $3) ON CONFLICT (partner_id) DO NOTHING`,
        [partnerId, startThrough, endThrough],
      );
    },
    async reset(q, partnerId) {
      await q.query(`DELETE FROM scheduler_tenants WHERE partner_id = $1`, [partnerId]);
    },
    runDueWork: (partnerId, now) => drain(partnerId, now, false),
    startScheduler() {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> = Promise.resolve();
      const pass = async () => {
        const tenants = await db.query<{ partner_id: string; clock_offset_ms: bigint }>(
          `SELECT s.partner_id, p.clock_offset_ms FROM scheduler_tenants s JOIN partners p ON p.id = s.partner_id
            ORDER BY s.updated_at LIMIT $1`,
          [SCHEDULER_TENANTS_PER_PASS_MAX],
        );
        for (const tenant of tenants) {
          if (stopped) return;
          await drain(tenant.partner_id, tenantNow(deps.wallClock, tenant.clock_offset_ms), true);
        }
      };
      const loop = () => {
        if (stopped) return;
        running = pass()
          .catch((error: unknown) => console.error('scheduler pass failed', error))
          .finally(() => {
            if (!stopped) timer = setTimeout(loop, SCHEDULER_POLL_MS);
          });
      };
      loop();
      return {
        async stop() {
          stopped = true;
          if (timer) clearTimeout(timer);
          await running;
        },
      };
    },
  };
}
