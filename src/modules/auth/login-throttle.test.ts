import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGIN_FAILURES_FORGET_MS, LOGIN_USERNAME_FAILURES_FREE, LOGIN_WAIT_MS_MAX } from '../../platform/limits.ts';
import { type ThrottleState, throttleKeys, waitMs, withFailure } from './login-throttle.ts';

const start = new Date('2025-03-03T15:00:00Z');
const fresh = (key = 'k'): ThrottleState => ({ key, failures: 0, lastFailureAt: start, lockedUntil: null });
const at = (ms: number) => new Date(start.getTime() + ms);

test('the first failures are free; from then on each one doubles the wait, up to the maximum', () => {
  let state = fresh();
  const waits: number[] = [];
  for (let i = 0; i < 30; i++) {
    state = withFailure(state, start, LOGIN_USERNAME_FAILURES_FREE);
    waits.push(waitMs(state, start));
  }
  assert.deepEqual(waits.slice(0, LOGIN_USERNAME_FAILURES_FREE - 1), [0, 0, 0, 0]);
  assert.deepEqual(waits.slice(LOGIN_USERNAME_FAILURES_FREE - 1, LOGIN_USERNAME_FAILURES_FREE + 3), [1_000, 2_000, 4_000, 8_000]);
  assert.equal(waits.at(-1), LOGIN_WAIT_MS_MAX);
});

test('the wait runs out, and old failures are forgotten', () => {
  const locked = withFailure({ ...fresh(), failures: 8 }, start, 5);
  assert.equal(waitMs(locked, at(15_999)), 1);
  assert.equal(waitMs(locked, at(16_000)), 0);
  const later = withFailure(locked, at(LOGIN_FAILURES_FORGET_MS + 1), 5);
  assert.equal(later.failures, 1);
  assert.equal(later.lockedUntil, null);
});

test('a wait beyond the maximum comes from a clock that was ahead and is ignored', () => {
  assert.equal(waitMs({ ...fresh(), lockedUntil: at(LOGIN_WAIT_MS_MAX + 1) }, start), 0);
  assert.equal(waitMs({ ...fresh(), lockedUntil: at(LOGIN_WAIT_MS_MAX) }, start), LOGIN_WAIT_MS_MAX);
});

test('keys: the client address and a hash of the username, in key order', () => {
  const keys = throttleKeys('Alice', '203.0.113.9');
  assert.deepEqual(keys.map((k) => k.key.split(':')[0]), ['address', 'username']);
  assert.equal(keys[0]!.key, 'address:203.0.113.9');
  assert.match(keys[1]!.key, /^username:[0-9a-f]{64}$/);
  assert.ok(!keys[1]!.key.includes('Alice'));
  assert.notEqual(throttleKeys('alice', '203.0.113.9')[1]!.key, keys[1]!.key);
});
