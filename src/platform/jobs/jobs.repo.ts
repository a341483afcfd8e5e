/**
 * SQL of the job queue. Claims lock with FOR UPDATE SKIP LOCKED (rows another worker is claiming
 * are passed over, never waited for) and hand out a lease: a fresh token and a time until which
 * the job is the claimant's. Results are recorded only under the current token.
 */
import type { Queryable, Tx } from '../db/index.ts';
import { assert } from '../assert.ts';
import { JOB_KIND_PATTERN, type JobStatus } from './jobs.types.ts';

/** One row to insert; `payloadJson` is the payload already serialised. */
export interface JobInsert {
  readonly id: string;
  readonly partnerId: string;
  readonly kind: string;
  readonly payloadJson: string;
  /** null: due at once. */
  readonly runAt: Date | null;
  readonly maxAttempts: number;
}

/**
 * Inserts jobs in one statement, whatever their number. The statement is deferred: it travels
 * with the transaction's next statement or its COMMIT, so enqueueing costs no round trip.
 */
export function insertJobs(tx: Tx, jobs: readonly JobInsert[]): void {
  if (jobs.length === 0) return;
  // Each payload is already JSON: it is spliced into its row rather than parsed and written again.
  const rows = jobs.map((job) => {
    const fields = JSON.stringify({
      id: job.id,
      partner_id: job.partnerId,
      kind: job.kind,
      run_at: job.runAt?.toISOString() ?? null,
      max_attempts: job.maxAttempts,
    });
    return `${fields.slice(0, -1)},"payload":${job.payloadJson}}`;
  });
  tx.defer(
    `INSERT INTO jobs (id, partner_id, kind, payload, run_at, max_attempts)
     SELECT r.id, r.partner_id, r.kind, r.payload, coalesce(r.run_at, '-infinity'), r.max_attempts
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, partner_id uuid, kind text, payload jsonb, run_at timestamptz, max_attempts integer)`,
    [`[${rows.join(',')}]`],
  );
}

/** How a set-based producer describes the jobs to enqueue from the rows of one of its CTEs. */
export interface EnqueueFrom {
  /** The CTE (or table expression) that yields one row per job. */
  readonly from: string;
  /** Its column holding the tenant's partner id. */
  readonly tenantColumn: string;
  /** A SQL expression over its columns that builds the jsonb payload. */
  readonly payloadSql: string;
  readonly kind: string;
  readonly maxAttempts: number;
}

/**
 * The body of a data-modifying CTE that enqueues one due job per row of `source.from`, for a
 * producer that writes its own rows and their jobs in one statement (e.g. events and their
 * webhook deliveries). The kind and attempts are checked and inlined; the rest is the producer's
 * own SQL text, never user input. Yields `RETURNING id`.
 */
export function enqueueFromSql(source: EnqueueFrom): string {
  assert(JOB_KIND_PATTERN.test(source.kind), `job kind ${source.kind} is not a dotted lower-case name`);
  assert(Number.isInteger(source.maxAttempts) && source.maxAttempts >= 1, 'maxAttempts must be a positive integer');
  return `INSERT INTO jobs (id, partner_id, kind, payload, max_attempts)
     SELECT gen_random_uuid(), ${source.tenantColumn}, '${source.kind}', ${source.payloadSql}, ${source.maxAttempts}
       FROM ${source.from}
     RETURNING id`;
}

/** A claimed job, as the claim returns it. */
export interface ClaimedJobRow {
  id: string;
  partner_id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  lease_token: string;
}

export interface ClaimRequest {
  /** Wall-clock now: what is due, and where leases start. */
  readonly now: Date;
  /** The kinds this worker runs, each with its lease length in milliseconds. */
  readonly kinds: readonly { readonly kind: string; readonly leaseMs: number }[];
  /** Most running jobs per (tenant, kind), counting those other workers hold. */
  readonly tenantCap: number;
  /** Most jobs this claim takes. */
  readonly limit: number;
  /** Only these tenants; every tenant when null. */
  readonly tenantIds: readonly string[] | null;
}

/**
 * Claims due jobs fairly: each (tenant, kind) gets at most `tenantCap` running jobs (its leased
 * ones included), and the claim takes every tenant's oldest due job before anyone's second, so a
 * tenant with a long backlog never pushes another's jobs back. A due job is pending with run_at
 * passed, or running with its lease expired. One statement; rows locked by another claim are
 * skipped. The job's attempts count up here, at the claim, so a crash mid-run still uses one.
 */
export async function claimJobs(q: Queryable, request: ClaimRequest): Promise<ClaimedJobRow[]> {
  if (request.limit <= 0 || request.kinds.length === 0) return [];
  return q.query<ClaimedJobRow>(
    `WITH kinds AS (
       SELECT * FROM unnest($2::text[], $3::bigint[]) AS k(kind, lease_ms)
     ), busy AS (
       SELECT partner_id, kind, count(*) AS running FROM jobs
        WHERE status = 'running' AND locked_until > $1 AND ($5::uuid[] IS NULL OR partner_id = ANY ($5::uuid[]))
        GROUP BY partner_id, kind
     ), due AS (
       SELECT j.id, j.partner_id, j.kind,
              row_number() OVER (PARTITION BY j.partner_id, j.kind ORDER BY j.run_at, j.created_at, j.id) AS rank
         FROM jobs j JOIN kinds k ON k.kind = j.kind
        WHERE ((j.status = 'pending' AND j.run_at <= $1) OR (j.status = 'running' AND j.locked_until <= $1))
          AND ($5::uuid[] IS NULL OR j.partner_id = ANY ($5::uuid[]))
     ), picked AS (
       SELECT j.id FROM jobs j
         JOIN due d ON d.id = j.id
         LEFT JOIN busy b ON b.partner_id = d.partner_id AND b.kind = d.kind
        WHERE d.rank <= $4 - coalesce(b.running, 0)
          -- Checked again on the row as locked: another claim may have taken it meanwhile.
          AND ((j.status = 'pending' AND j.run_at <= $1) OR (j.status = 'running' AND j.locked_until <= $1))
        ORDER BY d.rank, j.run_at, j.created_at, j.id
        LIMIT $6
        FOR UPDATE OF j SKIP LOCKED
     )
     UPDATE jobs j
        SET status = 'running', attempts = j.attempts + 1, lease_token = gen_random_uuid(),
            locked_until = $1::timestamptz + k.lease_ms * interval '1 millisecond'
       FROM picked p, kinds k
      WHERE j.id = p.id AND k.kind = j.kind
     RETURNING j.id, j.partner_id, j.kind, j.payload, j.attempts, j.max_attempts, j.last_error, j.lease_token`,
    [
      request.now,
      request.kinds.map((entry) => entry.kind),
      request.kinds.map((entry) => entry.leaseMs),
      request.tenantCap,
      request.tenantIds === null ? null : [...request.tenantIds],
      request.limit,
    ],
  );
}

export interface JobSettlement {
  readonly status: Exclude<JobStatus, 'running'>;
  /** For `pending`: when the next run is due. */
  readonly runAt?: Date | undefined;
  readonly error?: string | null | undefined;
  /** Wall-clock time of the settlement. */
  readonly at: Date;
}

/**
 * Records a run's result if `leaseToken` is still the job's claim.
 * @returns false when the claim was lost (lease expired and the job was claimed again, or settled).
 */
export async function settleJob(tx: Queryable, id: string, leaseToken: string, settlement: JobSettlement): Promise<boolean> {
  const finished = settlement.status !== 'pending';
  const rows = await tx.query(
    `UPDATE jobs
        SET status = $3, run_at = coalesce($4::timestamptz, run_at), last_error = coalesce($5, last_error),
            locked_until = NULL, lease_token = NULL, finished_at = CASE WHEN $6::boolean THEN $7::timestamptz END
      WHERE id = $1 AND lease_token = $2
      RETURNING id`,
    [id, leaseToken, settlement.status, settlement.runAt ?? null, settlement.error ?? null, finished, settlement.at],
  );
  return rows.length === 1;
}

/** Deletes up to `limit` jobs finished before `before`, of these tenants (all when null). @returns how many. */
export async function purgeFinishedJobs(q: Queryable, before: Date, limit: number, tenantIds: readonly string[] | null): Promise<number> {
  const rows = await q.query(
    `DELETE FROM jobs WHERE id IN (
       SELECT id FROM jobs
        WHERE status IN ('done', 'failed') AND finished_at < $1 AND ($3::uuid[] IS NULL OR partner_id = ANY ($3::uuid[]))
        ORDER BY finished_at LIMIT $2
     )
     RETURNING id`,
    [before, limit, tenantIds === null ? null : [...tenantIds]],
  );
  return rows.length;
}

/** Counts of a tenant's jobs by status (tests, operators). */
export async function countJobs(q: Queryable, tenantId: string, kind?: string): Promise<Record<JobStatus, number>> {
  const rows = await q.query<{ status: JobStatus; n: bigint }>(
    `SELECT status, count(*) AS n FROM jobs WHERE partner_id = $1 AND ($2::text IS NULL OR kind = $2) GROUP BY status`,
    [tenantId, kind ?? null],
  );
  const counts: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
