/**
 * platform/jobs on the real database: jobs exist when their transaction commits, run once, retry
 * with backoff up to their attempts, time out, come back when a worker's lease expires, and are
 * claimed fairly: one tenant's stuck jobs hold only its own in-flight slots.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock, systemClock } from '../src/platform/clock.ts';
import { newId } from '../src/platform/ids.ts';
import { type Job, type JobKind, type JobQueue, JOB_LEASE_MARGIN_MS, countJobs, createJobQueue, exponentialBackoff } from '../src/platform/jobs/index.ts';
import { type TestApp, startTestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

async function createTenant(): Promise<string> {
  const suffix = newId();
  const partner = await t.services.auth.createPartner({ username: `jobs-${suffix}`, password: `pw-${suffix}`, sharedSecret: `secret-${suffix}` });
  return partner.id;
}

interface JobRow {
  status: string;
  attempts: number;
  last_error: string | null;
  run_at: string;
  finished_at: Date | null;
}

async function jobRow(id: string): Promise<JobRow> {
  const [row] = await t.db.query<JobRow>('SELECT status, attempts, last_error, run_at::text AS run_at, finished_at FROM jobs WHERE id = $1', [id]);
  assert.ok(row, 'the job exists');
  return row;
}

function queueWith<P>(kind: string, handler: JobKind<P>, options: { clock?: ManualClock; tenantInFlightMax?: number } = {}): JobQueue {
  const queue = createJobQueue({ db: t.db, wallClock: options.clock ?? systemClock, pollIntervalMs: 10, tenantInFlightMax: options.tenantInFlightMax });
  queue.register(kind, handler);
  return queue;
}

test('a job exists once its transaction commits, runs once with its payload, and is done', async () => {
  const tenantId = await createTenant();
  const seen: Job<{ n: number }>[] = [];
  const queue = queueWith<{ n: number }>('test.basic', { maxAttempts: 3, timeoutMs: 1000, run: async (job) => void seen.push(job) });
  await assert.rejects(t.db.tx(async (tx) => {
    await queue.enqueue(tx, { tenantId, kind: 'test.basic', payload: { n: 0 } });
    throw new Error('rolled back');
  }));
  assert.equal(await queue.runOnce({ tenantId }), 0, 'nothing from a rolled-back transaction');
  const id = await t.db.tx((tx) => queue.enqueue(tx, { tenantId, kind: 'test.basic', payload: { n: 7 } }));
  assert.equal(await queue.runOnce({ tenantId }), 1);
  assert.equal(await queue.runOnce({ tenantId }), 0, 'a done job does not run again');
  assert.deepEqual(seen.map((job) => [job.id, job.tenantId, job.payload.n, job.attempt, job.lastError]), [[id, tenantId, 7, 1, null]]);
  const row = await jobRow(id);
  assert.equal(row.status, 'done');
  assert.ok(row.finished_at);
});

test('a failing job is retried with exponential backoff, then fails with its last error', async () => {
  const tenantId = await createTenant();
  const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
  let runs = 0;
  const queue = queueWith('test.flaky', {
    maxAttempts: 3,
    timeoutMs: 1000,
    backoff: exponentialBackoff({ baseMs: 1000 }),
    run: async () => {
      runs++;
      throw new Error(`boom ${runs}`);
    },
  }, { clock });
  const id = await t.db.tx((tx) => queue.enqueue(tx, { tenantId, kind: 'test.flaky', payload: {} }));
  assert.equal(await queue.runOnce({ tenantId }), 1);
  let row = await jobRow(id);
  assert.deepEqual([row.status, row.attempts, row.last_error], ['pending', 1, 'boom 1']);
  assert.equal(new Date(row.run_at).toISOString(), '2030-01-01T00:00:01.000Z', 'due 1 s later');
  clock.advance(999);
  assert.equal(await queue.runOnce({ tenantId }), 0, 'not due yet');
  clock.advance(1);
  assert.equal(await queue.runOnce({ tenantId }), 1);
  row = await jobRow(id);
  assert.equal(new Date(row.run_at).toISOString(), '2030-01-01T00:00:03.000Z', 'then 2 s later');
  clock.advance(2000);
  assert.equal(await queue.runOnce({ tenantId }), 1);
  row = await jobRow(id);
  assert.deepEqual([row.status, row.attempts, row.last_error], ['failed', 3, 'boom 3']);
  clock.advance(3_600_000);
  assert.equal(await queue.runOnce({ tenantId }), 0, 'a failed job stays failed');
  assert.equal(runs, 3);
});

test('a run may ask for a retry at a time of its choosing, or give up', async () => {
  const tenantId = await createTenant();
  const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
  const queue = queueWith<{ giveUp: boolean }>('test.outcome', {
    maxAttempts: 5,
    timeoutMs: 1000,
    run: async (job) => (job.payload.giveUp || job.attempt > 1
      ? { status: 'failed', error: 'no use' }
      : { status: 'retry', at: new Date('2030-01-01T01:00:00Z'), error: 'later' }),
  }, { clock });
  const [retried, abandoned] = await t.db.tx((tx) => queue.enqueueMany(tx, [
    { tenantId, kind: 'test.outcome', payload: { giveUp: false } },
    { tenantId, kind: 'test.outcome', payload: { giveUp: true } },
  ]));
  assert.equal(await queue.runOnce({ tenantId }), 2);
  assert.deepEqual([(await jobRow(retried!)).status, new Date((await jobRow(retried!)).run_at).toISOString()], ['pending', '2030-01-01T01:00:00.000Z']);
  assert.equal((await jobRow(abandoned!)).status, 'failed');
  clock.set(new Date('2030-01-01T01:00:00Z'));
  assert.equal(await queue.runOnce({ tenantId }), 1);
  assert.deepEqual([(await jobRow(retried!)).status, (await jobRow(retried!)).last_error], ['failed', 'no use']);
});

test('a run that passes its timeout is aborted, its slot freed, and the job retried', async () => {
  const tenantId = await createTenant();
  let aborted = false;
  const queue = queueWith('test.hang', {
    maxAttempts: 2,
    timeoutMs: 100,
    backoff: () => 60_000,
    run: (_job, run) => new Promise<void>(() => {
      run.signal.addEventListener('abort', () => {
        aborted = true;
      });
    }),
  });
  const id = await t.db.tx((tx) => queue.enqueue(tx, { tenantId, kind: 'test.hang', payload: {} }));
  const started = performance.now();
  assert.equal(await queue.runOnce({ tenantId }), 1);
  assert.ok(performance.now() - started < 2000, 'runOnce returned at the timeout');
  assert.equal(aborted, true);
  const row = await jobRow(id);
  assert.deepEqual([row.status, row.attempts, row.last_error], ['pending', 1, 'timed out after 100 ms']);
});

test('a job whose lease expired is claimed again, and the old claim can no longer record anything', async () => {
  const tenantId = await createTenant();
  const start = new Date('2030-01-01T00:00:00Z');
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = false;
  let oldClaimKept: boolean | undefined;
  const stuck = queueWith('test.lease', {
    maxAttempts: 5,
    timeoutMs: 60_000,
    run: async (_job, run) => {
      started = true;
      await released;
      oldClaimKept = await t.db.tx((tx) => run.settle(tx, { status: 'failed', error: 'stale' }));
    },
  }, { clock: new ManualClock(start) });
  const later = new ManualClock(new Date(start.getTime() + 60_000 + JOB_LEASE_MARGIN_MS + 1));
  const attempts: number[] = [];
  const rescuer = queueWith('test.lease', { maxAttempts: 5, timeoutMs: 60_000, run: async (job) => void attempts.push(job.attempt) }, { clock: later });

  const id = await t.db.tx((tx) => stuck.enqueue(tx, { tenantId, kind: 'test.lease', payload: {} }));
  const first = stuck.runOnce({ tenantId });
  while (!started) await sleep(5);
  const sameTime = queueWith('test.lease', { maxAttempts: 5, timeoutMs: 60_000, run: async () => assert.fail('claimed while leased') }, { clock: new ManualClock(start) });
  assert.equal(await sameTime.runOnce({ tenantId }), 0, 'a leased job is not claimable');
  assert.equal(await rescuer.runOnce({ tenantId }), 1, 'an expired lease makes it claimable');
  assert.deepEqual(attempts, [2]);
  release();
  assert.equal(await first, 1);
  assert.equal(oldClaimKept, false, 'the old claim was refused');
  const row = await jobRow(id);
  assert.deepEqual([row.status, row.attempts], ['done', 2]);
});

test('one claim takes at most the per-tenant cap of a tenant, and every tenant gets its turn', async () => {
  const [busy, quiet] = [await createTenant(), await createTenant()];
  const ran: string[] = [];
  const queue = queueWith('test.cap', { maxAttempts: 1, timeoutMs: 1000, run: async (job) => void ran.push(job.tenantId) }, { tenantInFlightMax: 2 });
  await t.db.tx((tx) => queue.enqueueMany(tx, [
    ...Array.from({ length: 10 }, () => ({ tenantId: busy, kind: 'test.cap', payload: {} })),
    { tenantId: quiet, kind: 'test.cap', payload: {} },
  ]));
  assert.equal(await queue.runOnce({ tenantIds: [busy, quiet] }), 3);
  assert.deepEqual(ran.filter((tenant) => tenant === busy).length, 2);
  assert.deepEqual(ran.filter((tenant) => tenant === quiet).length, 1);
  assert.equal(await queue.runOnce({ tenantId: quiet }), 0);
  assert.deepEqual(await countJobs(t.db, busy, 'test.cap'), { pending: 8, running: 0, done: 2, failed: 0 });
});

test("the pool keeps claiming while a tenant's jobs hang: other tenants' jobs finish at once", async () => {
  const [stuckTenant, healthy] = [await createTenant(), await createTenant()];
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const done: string[] = [];
  const queue = queueWith('test.pool', {
    maxAttempts: 3,
    timeoutMs: 30_000,
    run: async (job) => {
      if (job.tenantId === stuckTenant) await released;
      done.push(job.tenantId);
    },
  }, { tenantInFlightMax: 3 });
  await t.db.tx((tx) => queue.enqueueMany(tx, Array.from({ length: 30 }, () => ({ tenantId: stuckTenant, kind: 'test.pool', payload: {} }))));
  const pool = queue.start({ tenantIds: [stuckTenant, healthy] });
  try {
    await sleep(100);
    const started = performance.now();
    // Enqueued one by one: each must get through although the stuck tenant's jobs never end.
    for (let index = 0; index < 3; index++) await t.db.tx((tx) => queue.enqueue(tx, { tenantId: healthy, kind: 'test.pool', payload: {} }));
    while (done.filter((tenant) => tenant === healthy).length < 3 && performance.now() - started < 3000) await sleep(5);
    assert.equal(done.filter((tenant) => tenant === healthy).length, 3, 'the healthy tenant was served');
    assert.ok(performance.now() - started < 1500);
    assert.deepEqual(await countJobs(t.db, stuckTenant, 'test.pool'), { pending: 27, running: 3, done: 0, failed: 0 });
  } finally {
    release();
    await pool.stop();
  }
});

test('two queues claiming at once never run the same job twice', async () => {
  const tenantId = await createTenant();
  const runs = new Map<string, number>();
  const handler: JobKind = {
    maxAttempts: 1,
    timeoutMs: 5000,
    run: async (job) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await sleep(2);
    },
  };
  const queues = [queueWith('test.shared', handler, { tenantInFlightMax: 8 }), queueWith('test.shared', handler, { tenantInFlightMax: 8 })];
  const ids = await t.db.tx((tx) => queues[0]!.enqueueMany(tx, Array.from({ length: 60 }, (_, n) => ({ tenantId, kind: 'test.shared', payload: { n } }))));
  const deadline = performance.now() + 20_000;
  await Promise.all(queues.map(async (queue) => {
    while (runs.size < ids.length && performance.now() < deadline) {
      if ((await queue.runOnce({ tenantId })) === 0) await sleep(2);
    }
  }));
  assert.equal(runs.size, ids.length);
  assert.ok([...runs.values()].every((count) => count === 1));
});

test('enqueue refuses what it cannot run: unknown kinds without attempts, malformed kinds, oversized payloads', async () => {
  const tenantId = await createTenant();
  const queue = createJobQueue({ db: t.db, wallClock: systemClock });
  await assert.rejects(t.db.tx((tx) => queue.enqueue(tx, { tenantId, kind: 'test.nobody', payload: {} })), /not registered/);
  await assert.rejects(t.db.tx((tx) => queue.enqueue(tx, { tenantId, kind: 'Bad Kind', payload: {}, maxAttempts: 1 })), /dotted lower-case/);
  await assert.rejects(t.db.tx((tx) => queue.enqueue(tx, { tenantId, kind: 'test.big', payload: 'x'.repeat(70_000), maxAttempts: 1 })), /JOB_PAYLOAD_BYTES_MAX/);
  assert.throws(() => queue.register('test.twice', { maxAttempts: 0, timeoutMs: 1, run: async () => undefined }), /maxAttempts/);
  queue.register('test.twice', { maxAttempts: 1, timeoutMs: 1, run: async () => undefined });
  assert.throws(() => queue.register('test.twice', { maxAttempts: 1, timeoutMs: 1, run: async () => undefined }), /registered twice/);
});

test('finished jobs are purged after the retention period', async () => {
  const tenantId = await createTenant();
  const clock = new ManualClock(new Date());
  const queue = queueWith('test.purge', { maxAttempts: 1, timeoutMs: 1000, run: async () => undefined }, { clock });
  const id = await t.db.tx((tx) => queue.enqueue(tx, { tenantId, kind: 'test.purge', payload: {} }));
  await queue.runOnce({ tenantId });
  assert.equal((await jobRow(id)).status, 'done');
  assert.equal(await queue.purge({ tenantId }), 0);
  assert.equal((await t.db.query('SELECT 1 FROM jobs WHERE id = $1', [id])).length, 1, 'kept while recent');
  clock.advance(8 * 24 * 3600 * 1000);
  assert.equal(await queue.purge({ tenantId }), 1);
  assert.equal((await t.db.query('SELECT 1 FROM jobs WHERE id = $1', [id])).length, 0);
});
