/**
 * platform/jobs: one claimable job queue for background work (FOR UPDATE SKIP LOCKED, leases,
 * bounded retries with backoff, fair across tenants). Domain-free: modules register kinds
 * (webhook delivery today; file builds and statements later) and enqueue inside their own
 * transactions.
 */
export { type JobQueue, type JobQueueOptions, createJobQueue } from './jobs.queue.ts';
export { type EnqueueFrom, countJobs, enqueueFromSql } from './jobs.repo.ts';
export {
  type Backoff,
  type Job,
  type JobKind,
  type JobOutcome,
  type JobPoolHandle,
  type JobPoolOptions,
  type JobRun,
  type JobScope,
  type JobStatus,
  type NewJob,
  JOBS_IN_FLIGHT_MAX,
  JOBS_TENANT_IN_FLIGHT_MAX,
  JOB_ATTEMPTS_MAX,
  JOB_LEASE_MARGIN_MS,
  JOB_TIMEOUT_MS_MAX,
  exponentialBackoff,
} from './jobs.types.ts';
