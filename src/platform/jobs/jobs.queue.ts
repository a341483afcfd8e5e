/**
 * The job queue: kinds register a handler; producers enqueue inside their own transaction; workers
 * claim due jobs fairly across tenants and run them. `runOnce` runs one claim to completion (tests,
 * `pocketbook worker --once`); `start` runs a continuous pool that claims again as soon as a slot
 * frees, so one tenant's slow jobs never hold back a batch of other tenants' jobs.
 */
import { type Db, type Tx, isDatabaseUnavailable } from '../db/index.ts';
import type { WallClock } from '../clock.ts';
import { assert } from '../assert.ts';
import { isUuid, newId } from '../ids.ts';
import * as repo from './jobs.repo.ts';
import { type RegisteredKind, executeJob } from './jobs.run.ts';
import {
  JOBS_ENQUEUE_BATCH_MAX,
  JOBS_ERROR_PAUSE_MS,
  JOBS_IN_FLIGHT_MAX,
  JOBS_POLL_INTERVAL_MS_DEFAULT,
  JOBS_PURGE_BATCH_MAX,
  JOBS_PURGE_INTERVAL_MS,
  JOBS_TENANT_IN_FLIGHT_MAX,
  JOB_ATTEMPTS_MAX,
  JOB_KIND_PATTERN,
  JOB_LEASE_MARGIN_MS,
  JOB_PAYLOAD_BYTES_MAX,
  JOB_RETENTION_MS,
  JOB_TIMEOUT_MS_MAX,
  type JobKind,
  type JobPoolHandle,
  type JobPoolOptions,
  type JobScope,
  type NewJob,
} from './jobs.types.ts';

export interface JobQueueOptions {
  readonly db: Db;
  /** The only source of time: due jobs, leases and backoff are wall-clock. */
  readonly wallClock: WallClock;
  /** Idle wait of a started pool, in milliseconds (default JOBS_POLL_INTERVAL_MS_DEFAULT). */
  readonly pollIntervalMs?: number | undefined;
  /** Jobs run at once by one pool or one runOnce (default JOBS_IN_FLIGHT_MAX). */
  readonly inFlightMax?: number | undefined;
  /** Running jobs per (tenant, kind) across all workers (default JOBS_TENANT_IN_FLIGHT_MAX). */
  readonly tenantInFlightMax?: number | undefined;
}

export interface JobQueue {
  /**
   * Declares how jobs of `kind` run. Every process that runs jobs registers the same kinds;
   * a worker claims only the kinds it knows.
   * @throws AssertionFailed for a malformed name, a kind registered twice, or bounds out of range.
   */
  register<P>(kind: string, handler: JobKind<P>): void;
  /** Writes one job in the caller's transaction; it is due once that commits. @returns its id. */
  enqueue<P>(tx: Tx, job: NewJob<P>): Promise<string>;
  /** Writes many jobs in one statement in the caller's transaction. @returns their ids, in order. */
  enqueueMany<P>(tx: Tx, jobs: readonly NewJob<P>[]): Promise<string[]>;
  /**
   * Claims what is due now (fairly, at most inFlightMax jobs), runs it all and waits for the end.
   * @returns how many jobs ran; 0 when nothing was due.
   * @throws when an outcome could not be recorded (the job is retried after its lease).
   */
  runOnce(scope?: JobScope): Promise<number>;
  /** Starts the background pool; see JobPoolHandle.stop. */
  start(options?: JobPoolOptions): JobPoolHandle;
  /** Deletes jobs finished more than JOB_RETENTION_MS ago (a bounded batch), of some tenants when asked. @returns how many. */
  purge(scope?: JobScope): Promise<number>;
}

interface QueueState {
  readonly db: Db;
  readonly wallClock: WallClock;
  readonly kinds: Map<string, RegisteredKind>;
  readonly pollIntervalMs: number;
  readonly inFlightMax: number;
  readonly tenantInFlightMax: number;
}

/** Creates a queue over `db`. Nothing runs until `runOnce` or `start`. */
export function createJobQueue(options: JobQueueOptions): JobQueue {
  const state: QueueState = {
    db: options.db,
    wallClock: options.wallClock,
    kinds: new Map(),
    pollIntervalMs: options.pollIntervalMs ?? JOBS_POLL_INTERVAL_MS_DEFAULT,
    inFlightMax: options.inFlightMax ?? JOBS_IN_FLIGHT_MAX,
    tenantInFlightMax: options.tenantInFlightMax ?? JOBS_TENANT_IN_FLIGHT_MAX,
  };
  assert(Number.isInteger(state.inFlightMax) && state.inFlightMax >= 1, 'inFlightMax must be a positive integer');
  assert(Number.isInteger(state.tenantInFlightMax) && state.tenantInFlightMax >= 1, 'tenantInFlightMax must be a positive integer');
  return {
    register: (kind, handler) => register(state, kind, handler as JobKind<unknown>),
    enqueue: async (tx, job) => (await enqueueMany(state, tx, [job]))[0]!,
    enqueueMany: (tx, jobs) => enqueueMany(state, tx, jobs),
    runOnce: (scope) => runOnce(state, scope ?? {}),
    start: (pool) => startPool(state, pool ?? {}),
    purge: (scope) => purge(state, scopeTenants(scope ?? {})),
  };
}

function register(state: QueueState, name: string, handler: JobKind<unknown>): void {
  assert(JOB_KIND_PATTERN.test(name) && name.length <= 100, `job kind ${name} is not a dotted lower-case name`);
  assert(!state.kinds.has(name), `job kind ${name} is registered twice`);
  assert(Number.isInteger(handler.maxAttempts) && handler.maxAttempts >= 1 && handler.maxAttempts <= JOB_ATTEMPTS_MAX, 'maxAttempts out of range');
  assert(Number.isInteger(handler.timeoutMs) && handler.timeoutMs >= 1 && handler.timeoutMs <= JOB_TIMEOUT_MS_MAX, 'timeoutMs out of range');
  state.kinds.set(name, { name, handler, leaseMs: handler.timeoutMs + JOB_LEASE_MARGIN_MS });
}

async function enqueueMany<P>(state: QueueState, tx: Tx, jobs: readonly NewJob<P>[]): Promise<string[]> {
  assert(jobs.length <= JOBS_ENQUEUE_BATCH_MAX, 'more jobs than JOBS_ENQUEUE_BATCH_MAX in one call');
  const rows: repo.JobInsert[] = jobs.map((job) => {
    const maxAttempts = job.maxAttempts ?? state.kinds.get(job.kind)?.handler.maxAttempts;
    assert(JOB_KIND_PATTERN.test(job.kind), `job kind ${job.kind} is not a dotted lower-case name`);
    assert(isUuid(job.tenantId), 'a job tenantId is a partner id (UUID)');
    assert(maxAttempts !== undefined, `job kind ${job.kind} is not registered and the job names no maxAttempts`);
    assert(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= JOB_ATTEMPTS_MAX, 'maxAttempts out of range');
    assert(job.runAt === undefined || !Number.isNaN(job.runAt.getTime()), 'runAt is not a valid time');
    const payloadJson = JSON.stringify(job.payload ?? {});
    assert(Buffer.byteLength(payloadJson, 'utf8') <= JOB_PAYLOAD_BYTES_MAX, 'job payload over JOB_PAYLOAD_BYTES_MAX');
    return { id: newId(), partnerId: job.tenantId, kind: job.kind, payloadJson, runAt: job.runAt ?? null, maxAttempts };
  });
  repo.insertJobs(tx, rows);
  return rows.map((row) => row.id);
}

function purge(state: QueueState, tenantIds: string[] | null): Promise<number> {
  const before = new Date(state.wallClock.now().getTime() - JOB_RETENTION_MS);
  return repo.purgeFinishedJobs(state.db, before, JOBS_PURGE_BATCH_MAX, tenantIds);
}

function scopeTenants(scope: JobScope): string[] | null {
  const ids = [...(scope.tenantIds ?? []), ...(scope.tenantId !== undefined ? [scope.tenantId] : [])];
  if (scope.tenantIds === undefined && scope.tenantId === undefined) return null;
  return ids;
}

/** One claim of at most `limit` due jobs of the registered kinds, in a single statement. */
function claim(state: QueueState, limit: number, tenantIds: string[] | null): Promise<repo.ClaimedJobRow[]> {
  if (tenantIds !== null && tenantIds.length === 0) return Promise.resolve([]);
  return repo.claimJobs(state.db, {
    now: state.wallClock.now(),
    kinds: [...state.kinds.values()].map((kind) => ({ kind: kind.name, leaseMs: kind.leaseMs })),
    tenantCap: state.tenantInFlightMax,
    limit,
    tenantIds,
  });
}

async function execute(state: QueueState, row: repo.ClaimedJobRow): Promise<void> {
  const kind = state.kinds.get(row.kind);
  assert(kind, `claimed a job of unregistered kind ${row.kind}`);
  return executeJob(state.db, state.wallClock, kind, row);
}

async function runOnce(state: QueueState, scope: JobScope): Promise<number> {
  const rows = await claim(state, state.inFlightMax, scopeTenants(scope));
  const results = await Promise.allSettled(rows.map((row) => execute(state, row)));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return rows.length;
}

function defaultOnError(error: unknown): void {
  process.stderr.write(`job queue: ${error instanceof Error ? error.stack : String(error)}\n`);
}

/**
 * The continuous pool: whenever a slot is free it claims more (never waiting for a batch to end),
 * and a finished job wakes it at once. Idle, it looks again every pollIntervalMs.
 */
function startPool(state: QueueState, options: JobPoolOptions): JobPoolHandle {
  const onError = outageAwareReporter(options.onError ?? defaultOnError);
  const tenantIds = scopeTenants(options);
  const inFlight = new Set<Promise<void>>();
  const signal = wakeSignal();
  let stopped = false;
  let purgedAtMs = -Infinity;

  const launch = (row: repo.ClaimedJobRow) => {
    const running: Promise<void> = execute(state, row)
      .catch(onError)
      .finally(() => {
        inFlight.delete(running);
        signal.wake();
      });
    inFlight.add(running);
  };
  const purgeNow = async () => {
    const nowMs = state.wallClock.now().getTime();
    if (nowMs - purgedAtMs < JOBS_PURGE_INTERVAL_MS) return;
    purgedAtMs = nowMs;
    await purge(state, tenantIds);
  };

  const loop = (async () => {
    while (!stopped) {
      signal.reset();
      const free = state.inFlightMax - inFlight.size;
      let claimed = 0;
      let pauseMs = state.pollIntervalMs;
      try {
        const rows = free > 0 ? await claim(state, free, tenantIds) : [];
        rows.forEach(launch);
        claimed = rows.length;
        await purgeNow();
        onError.recovered();
      } catch (error) {
        onError(error);
        pauseMs = JOBS_ERROR_PAUSE_MS;
      }
      // Claimed some and room is left: more may be due, claim again at once.
      if (stopped || (claimed > 0 && inFlight.size < state.inFlightMax)) continue;
      await signal.wait(pauseMs);
    }
    await Promise.allSettled([...inFlight]);
  })();

  return {
    async stop() {
      stopped = true;
      signal.wake();
      await loop;
    },
  };
}

/**
 * Reports errors, but while the database is away only the first of an outage (the pool retries
 * every JOBS_ERROR_PAUSE_MS and resumes by itself); `recovered()` marks the end of an outage.
 */
function outageAwareReporter(report: (error: unknown) => void) {
  let failuresInRow = 0;
  const safely = (error: unknown) => {
    try {
      report(error);
    } catch {
      // A failing reporter must not end the pool.
    }
  };
  const onError = (error: unknown) => {
    failuresInRow++;
    if (failuresInRow > 1 && isDatabaseUnavailable(error)) return;
    safely(error);
  };
  onError.recovered = () => {
    failuresInRow = 0;
  };
  return onError;
}

/** A wake-up that is not lost when it comes before the wait (a job finishing during a claim). */
function wakeSignal() {
  let woken = false;
  let resolveWait: (() => void) | undefined;
  return {
    reset() {
      woken = false;
    },
    wake() {
      woken = true;
      resolveWait?.();
    },
    wait(ms: number): Promise<void> {
      if (woken) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          resolveWait = undefined;
          resolve();
        }
        resolveWait = done;
      });
    },
  };
}
