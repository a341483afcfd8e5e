import { isDatabaseUnavailable } from './db/db.ts';

/** A background loop started by runPeriodically. */
export interface Periodic {
  /** True once `stop` was called: a long pass checks it between steps to end early. */
  readonly stopped: boolean;
  /** Stops the loop; resolves once a pass under way has ended. */
  stop(): Promise<void>;
}

export interface PeriodicOptions {
  /** Milliseconds from the end of one pass to the start of the next. */
  readonly intervalMs: number;
  /** Milliseconds before the first pass (default: the first pass starts at once, in this call). */
  readonly firstAfterMs?: number;
  /** Hears a failed pass: every failure, but while the database is away only the first of the outage. */
  readonly onError: (error: unknown) => void;
  /** Hears that a pass succeeded after `failed` failed ones. */
  readonly onResume?: (failed: number) => void;
}

/**
 * Runs `pass` again and again, `intervalMs` after the previous pass ended, until stopped: the
 * background loops of a process (the scheduler's, the statistics keeper's). A failed pass is
 * reported (once per database outage, not at every pass) and the next one runs at the usual
 * pace, so that the loop resumes by itself when the database is back. A reporter that throws does
 * not end the loop.
 */
export function runPeriodically(pass: (loop: Periodic) => Promise<void>, options: PeriodicOptions): Periodic {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failedPasses = 0;
  const loop: Periodic = {
    get stopped() {
      return stopped;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
  const next = (afterMs: number) => {
    if (!stopped) timer = setTimeout(runOnce, afterMs);
  };
  const runOnce = () => {
    if (stopped) return;
    running = pass(loop)
      .then(() => {
        if (failedPasses > 0) options.onResume?.(failedPasses);
        failedPasses = 0;
      })
      .catch((error: unknown) => {
        failedPasses++;
        if (stopped || (failedPasses > 1 && isDatabaseUnavailable(error))) return;
        try {
          options.onError(error);
        } catch {
          // A failing reporter must not end the loop.
        }
      })
      .finally(() => next(options.intervalMs));
  };
  if (options.firstAfterMs === undefined) runOnce();
  else next(options.firstAfterMs);
  return loop;
}
