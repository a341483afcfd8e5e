/**
 * Running one claimed job: the kind's handler under a timeout, then the outcome recorded under
 * the job's lease. Pure decisions (what a result means for the row) are kept apart from the I/O.
 */
import type { Db } from '../db/index.ts';
import type { WallClock } from '../clock.ts';
import * as repo from './jobs.repo.ts';
import {
  type Backoff,
  JOB_ERROR_CHARS_MAX,
  type Job,
  type JobKind,
  type JobOutcome,
  type JobRun,
  exponentialBackoff,
} from './jobs.types.ts';

/** Backoff of a kind that names none: 1 s, 2 s, 4 s, ... up to an hour. */
export const DEFAULT_BACKOFF: Backoff = exponentialBackoff({ baseMs: 1000 });

/** What a registered kind carries besides its handler. */
export interface RegisteredKind {
  readonly name: string;
  readonly handler: JobKind<unknown>;
  /** The lease a claim gives: the timeout plus JOB_LEASE_MARGIN_MS. */
  readonly leaseMs: number;
}

/** The text kept of an error: its message, bounded. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, JOB_ERROR_CHARS_MAX);
}

/**
 * The row change an outcome asks for. A retry of a job with no attempt left fails it instead;
 * times are wall-clock.
 */
export function settlementOf(job: Job, outcome: JobOutcome, now: Date): repo.JobSettlement {
  if (outcome.status === 'done') return { status: 'done', at: now };
  const error = outcome.error.slice(0, JOB_ERROR_CHARS_MAX);
  if (outcome.status === 'failed' || job.attempt >= job.maxAttempts) return { status: 'failed', error, at: now };
  return { status: 'pending', runAt: outcome.at, error, at: now };
}

/** The outcome of a run that threw or timed out: another run after the kind's backoff. */
export function failedRun(job: Job, backoff: Backoff | undefined, error: unknown, now: Date): JobOutcome {
  const delayMs = Math.max(0, (backoff ?? DEFAULT_BACKOFF)(job.attempt));
  return { status: 'retry', at: new Date(now.getTime() + delayMs), error: errorText(error) };
}

export function toJob(row: repo.ClaimedJobRow): Job {
  return {
    id: row.id,
    tenantId: row.partner_id,
    kind: row.kind,
    payload: row.payload,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
  };
}

class JobTimeout extends Error {
  override name = 'JobTimeout';
}

/**
 * Runs one claimed job to its end and records the outcome, unless the handler recorded it itself
 * in its own transaction (JobRun.settle). A run that passes the kind's timeout is aborted and
 * counted as failed; its slot is free at once, and whatever it still writes later is refused by
 * the lease check.
 * @throws only when the outcome could not be recorded (database away): the lease then runs out
 * and the job is claimed again.
 */
export async function executeJob(db: Db, wallClock: WallClock, kind: RegisteredKind, row: repo.ClaimedJobRow): Promise<void> {
  const job = toJob(row);
  const controller = new AbortController();
  let settledByHandler = false;
  const run: JobRun = {
    signal: controller.signal,
    async settle(tx, outcome) {
      const kept = await repo.settleJob(tx, row.id, row.lease_token, settlementOf(job, outcome, wallClock.now()));
      settledByHandler = true;
      return kept;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new JobTimeout(`timed out after ${kind.handler.timeoutMs} ms`)), kind.handler.timeoutMs);
  });
  let outcome: JobOutcome;
  try {
    const running = kind.handler.run(job, run);
    // A run left behind by its timeout may still fail later; that is already accounted for.
    running.catch(() => undefined);
    const result = await Promise.race([running, timeout]);
    if (settledByHandler) return;
    outcome = result ?? { status: 'done' };
  } catch (error) {
    if (error instanceof JobTimeout) controller.abort(error);
    outcome = failedRun(job, kind.handler.backoff, error, wallClock.now());
  } finally {
    clearTimeout(timer);
  }
  await repo.settleJob(db, row.id, row.lease_token, settlementOf(job, outcome, wallClock.now()));
}
