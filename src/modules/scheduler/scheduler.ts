import type { Db, Queryable, Tx } from '../../platform/db/index.ts';
import { addDays, marketDate, marketInstant } from '../../platform/clock.ts';
import { type RequestContext, systemContext } from '../../platform/context.ts';
import { CLOCK_ADVANCE_DAYS_MAX } from '../../platform/limits.ts';
import { type Periodic, runPeriodically } from '../../platform/periodic.ts';
import type { BusinessCalendar } from '../market/index.ts';
import type { Tenancy } from '../tenancy/index.ts';
import * as repo from './scheduler.repo.ts';

/**
 * Business-time work per tenant, as a registry of named tasks. Each module registers its own tasks
 * with the minute of the business day they run at (New York time; 0 = start of the day, 1440 = its
 * end, i.e. 00:00 of the next calendar day). The scheduler keeps one cursor per (tenant, task): the
 * last business date whose run is done. Due runs execute in time order (then date, then
 * registration order), each in its own transaction under the tenant's cursor locks (or all in the
 * transaction of a sandbox clock move, `runDueIn`), so each (tenant, task, date) runs exactly once
 * whichever process gets there first. After a drain the
 * tenant's next due instant goes to tenancy, which the door reads with the tenant's clock: due work
 * runs once per request, before the handler, and in the background loop.
 */

export interface ScheduledTask {
  /** Stable name, `<module>.<what>` (`portfolio.start-of-day`); it keys the cursor. */
  readonly name: string;
  /** Minutes after 00:00 New York of the business day; 0..1440. */
  readonly atMinutes: number;
  /** The work of business day `date` for the tenant of `ctx` (ctx.now: the run's due instant). */
  run(tx: Tx, ctx: RequestContext, date: string): Promise<void>;
}

/** Tenants a background pass looks at, at most. */
export const SCHEDULER_TENANTS_PER_PASS_MAX = 500;
/** Pause between background passes. */
export const SCHEDULER_POLL_MS = 1_000;
/** Runs one drain may make: every task of every business day of the longest clock advance. */
const RUNS_PER_DRAIN_MAX = 4 * CLOCK_ADVANCE_DAYS_MAX;

/** When task run (`atMinutes`, `date`) is due. */
export function dueInstant(atMinutes: number, date: string): Date {
  return atMinutes >= 1440 ? marketInstant(addDays(date, 1), (atMinutes - 1440) / 60) : marketInstant(date, atMinutes / 60);
}

export function createScheduler(deps: { db: Db; calendar: BusinessCalendar; tenancy: Tenancy }) {
  const { db, calendar, tenancy } = deps;
  const tasks: ScheduledTask[] = [];

  /** The next run of the tenant's tasks, earliest first, given their cursors. */
  function nextRun(cursors: readonly repo.CursorRow[]): { task: ScheduledTask; date: string; at: Date } | undefined {
    let best: { task: ScheduledTask; date: string; at: Date; order: number } | undefined;
    for (const cursor of cursors) {
      const order = tasks.findIndex((t) => t.name === cursor.task);
      const task = tasks[order];
      if (!task) continue;
      const date = calendar.nextBusinessDay(cursor.done_through);
      const at = dueInstant(task.atMinutes, date);
      const better =
        !best || at.getTime() < best.at.getTime() || (at.getTime() === best.at.getTime() && (date < best.date || (date === best.date && order < best.order)));
      if (better) best = { task, date, at, order };
    }
    return best;
  }

  /**
   * Runs one due run under the cursor locks; false when nothing is due (or the tenant is busy).
   * A run works over the whole tenant (maturities, end-of-day values): its statements are planned
   * for the tenant at hand (TxOptions.plans `auto`), not with a plan made for another tenant.
   */
  async function runOne(tenantId: string, now: Date, skipLocked: boolean): Promise<boolean> {
    return db.tx(
      async (tx) => {
        const next = nextRun(await repo.lockCursors(tx, tenantId, skipLocked));
        if (!next || next.at.getTime() > now.getTime()) return false;
        await next.task.run(tx, systemContext(tenantId, next.at), next.date);
        repo.advanceCursor(tx, tenantId, next.task.name, next.date);
        return true;
      },
      { plans: 'auto' },
    );
  }

  async function publishNextDue(q: Queryable, tenantId: string): Promise<void> {
    const next = nextRun(await repo.readCursors(q, tenantId));
    await tenancy.setNextDue(q, tenantId, next?.at ?? null);
  }

  async function drain(tenantId: string, now: Date, skipLocked: boolean): Promise<number> {
    let runs = 0;
    while (runs < RUNS_PER_DRAIN_MAX && (await runOne(tenantId, now, skipLocked))) runs++;
    await publishNextDue(db, tenantId);
    return runs;
  }

  /**
   * Enrolls a tenant (idempotent) with nothing due before `now`: each task's cursor is the last
   * business date whose run would have been due by then. Call it in the transaction that makes
   * the tenant's first pocket.
   */
  async function enroll(tx: Tx, tenantId: string, now: Date): Promise<void> {
    // Enrolled already (every pocket after the first): no write, so pocket creations of one
    // tenant never queue on its clock row.
    if (await repo.hasCursors(tx, tenantId, tasks.map((task) => task.name))) return;
    const today = marketDate(now);
    const cursors = tasks.map((task) => {
      let date = calendar.onOrBefore(today);
      while (dueInstant(task.atMinutes, date).getTime() > now.getTime()) date = calendar.previousBusinessDay(date);
      return { task: task.name, doneThrough: date };
    });
    if ((await repo.insertCursors(tx, tenantId, cursors)) === 0) return;
    // The earliest run of the tenant's cursors as they now stand (some may have been there).
    const next = nextRun(await repo.readCursors(tx, tenantId));
    await tenancy.setNextDue(tx, tenantId, next?.at ?? null);
  }

  /**
   * Enrolls every enrolled tenant in the tasks registered since it enrolled (a newer pocketbook
   * opening an older database): each new task starts as `enroll` would start it at the tenant's
   * clock, with nothing due before it; the tasks it had keep their progress. The background loop
   * does this before its first pass.
   * @returns how many tenants gained cursors.
   */
  async function enrollNewTasks(): Promise<number> {
    const names = tasks.map((task) => task.name);
    let enrolled = 0;
    let previous: string | undefined;
    for (;;) {
      const tenants = await repo.tenantsMissingTasks(db, names, SCHEDULER_TENANTS_PER_PASS_MAX);
      // The same first tenant twice: its enrollment wrote nothing, so stop rather than loop.
      if (tenants.length === 0 || tenants[0] === previous) return enrolled;
      previous = tenants[0];
      for (const tenantId of tenants) {
        const { now } = await tenancy.clock(tenantId);
        await db.tx((tx) => enroll(tx, tenantId, now));
      }
      enrolled += tenants.length;
      if (tenants.length < SCHEDULER_TENANTS_PER_PASS_MAX) return enrolled;
    }
  }

  return {
    /** Adds a task; call at composition time, before any drain. */
    register(task: ScheduledTask): void {
      if (tasks.some((t) => t.name === task.name)) throw new Error(`scheduler task ${task.name} registered twice`);
      tasks.push(task);
    },
    enroll,
    enrollNewTasks,
    /** Forgets a tenant's progress (its clock was set while it had no pockets). */
    async reset(q: Queryable, tenantId: string): Promise<void> {
      await repo.deleteCursors(q, tenantId);
      await tenancy.setNextDue(q, tenantId, null);
    },
    /**
     * Runs every run due for the tenant up to `ctx.now`, in time order; waits for another process
     * that is running the tenant's work.
     * @returns the number of runs made here.
     */
    runDue: (ctx: RequestContext) => drain(ctx.tenantId, ctx.now, false),
    /**
     * Runs every run due for the tenant up to `ctx.now` inside the caller's transaction `tx`, in
     * time order (at most RUNS_PER_DRAIN_MAX), and records the tenant's next due instant there too:
     * a clock move and all the work it makes due commit, or roll back, together. Waits for another
     * process that is running the tenant's work (the cursors are locked until `tx` ends).
     * @returns the number of runs made.
     * @throws whatever a task throws; the caller's transaction then rolls back.
     */
    async runDueIn(tx: Tx, ctx: RequestContext): Promise<number> {
      // Kept in memory as the runs advance them (the locks stay until `tx` ends), and written once,
      // after the last run: a 28-day move makes some 200 runs, mostly of tasks with nothing to do.
      const cursors = (await repo.lockCursors(tx, ctx.tenantId, false)).map((cursor) => ({ ...cursor }));
      const moved = new Set<repo.CursorRow>();
      let runs = 0;
      while (runs < RUNS_PER_DRAIN_MAX) {
        const next = nextRun(cursors);
        if (!next || next.at.getTime() > ctx.now.getTime()) break;
        await next.task.run(tx, systemContext(ctx.tenantId, next.at), next.date);
        const cursor = cursors.find((c) => c.task === next.task.name)!;
        cursor.done_through = next.date;
        moved.add(cursor);
        runs++;
      }
      repo.advanceCursors(tx, ctx.tenantId, [...moved]);
      await tenancy.setNextDue(tx, ctx.tenantId, nextRun(cursors)?.at ?? null);
      return runs;
    },
    /** The background loop over tenants with due work, at their own clocks; `stop()` ends it. */
    start(options: { onError?: (error: unknown) => void } = {}): Periodic {
      let caughtUp = false;
      return runPeriodically(
        async (loop) => {
          if (!caughtUp) {
            await enrollNewTasks();
            caughtUp = true;
          }
          for (const tenant of await tenancy.tenantsWithWork(SCHEDULER_TENANTS_PER_PASS_MAX)) {
            if (loop.stopped) return;
            if (tenant.due) await drain(tenant.tenantId, tenant.now, true);
          }
        },
        {
          intervalMs: SCHEDULER_POLL_MS,
          onError: options.onError ?? ((error: unknown) => console.error('scheduler pass failed', error)),
          onResume: (failed) => console.error(`scheduler: resumed after ${failed} failed passes`),
        },
      );
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
