import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failedRun, settlementOf } from './jobs.run.ts';
import { type Job, JOB_ERROR_CHARS_MAX, exponentialBackoff } from './jobs.types.ts';

const now = new Date('2030-01-01T00:00:00Z');
const job = (attempt: number, maxAttempts = 3): Job => ({ id: 'j', tenantId: 't', kind: 'k', payload: {}, attempt, maxAttempts, lastError: null });

test('exponential backoff doubles from the base delay up to the cap', () => {
  const backoff = exponentialBackoff({ baseMs: 1000, capMs: 5000 });
  assert.deepEqual([1, 2, 3, 4, 5].map(backoff), [1000, 2000, 4000, 5000, 5000]);
  assert.deepEqual([1, 2, 3].map(exponentialBackoff({ baseMs: 10, factor: 3 })), [10, 30, 90]);
});

test('a thrown run is retried after the backoff while attempts remain, then fails', () => {
  const retry = failedRun(job(2), exponentialBackoff({ baseMs: 1000 }), new Error('boom'), now);
  assert.deepEqual(retry, { status: 'retry', at: new Date('2030-01-01T00:00:02Z'), error: 'boom' });
  assert.deepEqual(settlementOf(job(2), retry, now), { status: 'pending', runAt: retry.status === 'retry' ? retry.at : undefined, error: 'boom', at: now });
  assert.deepEqual(settlementOf(job(3), retry, now), { status: 'failed', error: 'boom', at: now });
});

test('done and failed settle at once; long errors are cut', () => {
  assert.deepEqual(settlementOf(job(1), { status: 'done' }, now), { status: 'done', at: now });
  assert.deepEqual(settlementOf(job(1), { status: 'failed', error: 'no' }, now), { status: 'failed', error: 'no', at: now });
  const long = failedRun(job(1), undefined, 'x'.repeat(5000), now);
  assert.equal(long.status === 'retry' && long.error.length, JOB_ERROR_CHARS_MAX);
  assert.equal(long.status === 'retry' && long.at.getTime() - now.getTime(), 1000, 'the default backoff starts at 1 s');
});
