/**
 * The shapes of the job queue: what a producer enqueues, what a kind's handler receives and
 * answers, and the queue's named limits. Domain-free: a job is a kind, a tenant and a JSON payload.
 */
import type { Backoff } from '../backoff.ts';
import type { Tx } from '../db/index.ts';

/** Most jobs a pool runs at once in one process. */
export const JOBS_IN_FLIGHT_MAX = 32;
/**
 * Most jobs of one tenant and one kind running at once, across every worker sharing the
 * database: a tenant whose endpoint hangs holds at most this many slots, the rest go to others.
 */
export const JOBS_TENANT_IN_FLIGHT_MAX = 4;
/** Bounds of a kind's registration. */
export const JOB_ATTEMPTS_MAX = 1000;
export const JOB_TIMEOUT_MS_MAX = 15 * 60 * 1000;
/** A claimed job stays invisible to other workers for its timeout plus this margin. */
export const JOB_LEASE_MARGIN_MS = 30_000;
/** Bytes of payload JSON a job may carry: jobs point at rows, they do not copy them. */
export const JOB_PAYLOAD_BYTES_MAX = 64 * 1024;
/** Characters of an error message kept as `last_error`. */
export const JOB_ERROR_CHARS_MAX = 1000;
/** Most jobs one `enqueueMany` call writes. */
export const JOBS_ENQUEUE_BATCH_MAX = 10_000;
/** Finished jobs are purged after this long, at most this many per purge, at most once per interval. */
export const JOB_RETENTION_MS = 7 * 24 * 3600 * 1000;
export const JOBS_PURGE_BATCH_MAX = 1000;
export const JOBS_PURGE_INTERVAL_MS = 3600 * 1000;
/** How long an idle pool waits before looking for due jobs again, unless told otherwise. */
export const JOBS_POLL_INTERVAL_MS_DEFAULT = 1000;
/** A pool whose claim failed (database away) waits this long before trying again. */
export const JOBS_ERROR_PAUSE_MS = 1000;

/** Kind names: lower-case dotted words (`webhook.deliver`). */
export const JOB_KIND_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

/** A job to write, inside the caller's transaction. */
export interface NewJob<P = unknown> {
  /** The partner the work is for; fairness and the cap on in-flight jobs count per tenant. */
  readonly tenantId: string;
  readonly kind: string;
  /** JSON-serialisable; at most JOB_PAYLOAD_BYTES_MAX bytes. Ids of rows, not copies of them. */
  readonly payload: P;
  /** Not before this wall-clock time; due at once when absent. */
  readonly runAt?: Date | undefined;
  /** Runs allowed; the kind's maxAttempts when absent. */
  readonly maxAttempts?: number | undefined;
}

/** A claimed job as its handler sees it. */
export interface Job<P = unknown> {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: P;
  /** This run's number: 1 for the first. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The error of the previous run, if it failed. */
  readonly lastError: string | null;
}

/**
 * What a run decided. `retry` asks for another run at `at` (the job fails instead when it has no
 * attempt left); `failed` gives up at once.
 */
export type JobOutcome =
  | { readonly status: 'done' }
  | { readonly status: 'retry'; readonly at: Date; readonly error: string }
  | { readonly status: 'failed'; readonly error: string };

/** Handed to a run besides its job. */
export interface JobRun {
  /** Aborted when the run passes its kind's timeoutMs (the job is then retried or failed). */
  readonly signal: AbortSignal;
  /**
   * Settles the job inside the handler's own transaction, so that the handler's writes and the
   * job's outcome commit together. @returns false when the claim was lost (the lease ran out and
   * another worker took the job, or the run timed out): the handler should then roll back.
   */
  settle(tx: Tx, outcome: JobOutcome): Promise<boolean>;
}

/** Delay before run number `attempt + 1`, in milliseconds, after run number `attempt` failed (platform/backoff.ts). */
export type { Backoff } from '../backoff.ts';

/** How one kind of job is run. */
export interface JobKind<P = unknown> {
  /**
   * Does the work. Resolving with nothing (or `{status: 'done'}`) finishes the job; throwing
   * counts as a failed run, retried after `backoff(attempt)` while attempts remain.
   */
  run(job: Job<P>, run: JobRun): Promise<JobOutcome | void>;
  /** Runs allowed in all, 1 to JOB_ATTEMPTS_MAX. */
  readonly maxAttempts: number;
  /** Delay after a thrown run; exponentialBackoff({baseMs: 1000}) when absent. */
  readonly backoff?: Backoff | undefined;
  /** Longest a run may take, 1 to JOB_TIMEOUT_MS_MAX milliseconds; the lease adds JOB_LEASE_MARGIN_MS. */
  readonly timeoutMs: number;
}

/** Which tenants a run of the queue serves; all of them when empty. Tests scope to their own. */
export interface JobScope {
  readonly tenantId?: string | undefined;
  readonly tenantIds?: readonly string[] | undefined;
}

export interface JobPoolOptions extends JobScope {
  /** Told about a failure of the pool itself (database away, ...); it carries on. Default: stderr. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

export interface JobPoolHandle {
  /** Stops claiming, then waits for the jobs in flight to finish (each bounded by its timeout). */
  stop(): Promise<void>;
}

export { exponentialBackoff } from '../backoff.ts';
