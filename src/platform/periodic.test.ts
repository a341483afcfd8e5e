/**
 * The background loop of src/platform/periodic.ts: passes one after another at the interval, a
 * database outage reported once and the resumption after it, every other failure reported, a
 * reporter that throws, and a stop that waits for the pass under way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runPeriodically } from './periodic.ts';

/** An error of a refused connection: the database is away (isDatabaseUnavailable). */
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

test('an outage is reported once and its end heard; other failures every time; the loop goes on', async () => {
  const outcomes: (Error | null)[] = [refused(), refused(), refused(), null, new Error('a bug'), new Error('a bug'), null];
  const reported: string[] = [];
  const resumed: number[] = [];
  let passes = 0;
  const loop = runPeriodically(
    async () => {
      const outcome = outcomes[passes++];
      if (outcome) throw outcome;
    },
    { intervalMs: 1, onError: (error) => reported.push((error as Error).message), onResume: (failed) => resumed.push(failed) },
  );
  while (passes < outcomes.length) await sleep(2);
  await loop.stop();
  assert.deepEqual(reported, ['connect ECONNREFUSED 127.0.0.1:5432', 'a bug', 'a bug']);
  assert.deepEqual(resumed, [3, 2]);
});

test('a reporter that throws does not end the loop', async () => {
  let passes = 0;
  const loop = runPeriodically(
    async () => {
      passes++;
      throw new Error('always');
    },
    {
      intervalMs: 1,
      onError: () => {
        throw new Error('the reporter fails too');
      },
    },
  );
  while (passes < 3) await sleep(2);
  await loop.stop();
  assert.ok(passes >= 3);
});

test('the first pass waits firstAfterMs; stop waits for the pass under way and ends the loop', async () => {
  const events: string[] = [];
  const loop = runPeriodically(
    async (self) => {
      events.push('start');
      await sleep(30);
      events.push(self.stopped ? 'end, stopped' : 'end');
    },
    { intervalMs: 1, firstAfterMs: 20, onError: (error) => assert.fail(String(error)) },
  );
  await sleep(5);
  assert.deepEqual(events, [], 'nothing before firstAfterMs');
  await sleep(30);
  assert.deepEqual(events, ['start']);
  await loop.stop();
  assert.deepEqual(events, ['start', 'end, stopped'], 'stop resolved after the pass ended');
  await sleep(20);
  assert.deepEqual(events, ['start', 'end, stopped'], 'no pass after stop');
});
