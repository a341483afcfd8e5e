/**
 * Failed-login throttling, the pure part: which keys an attempt counts against, how long an
 * attempt must wait, and the state after a failure. The state lives in the database (auth.repo:
 * `login_throttles`), so that every API process counts the same failures; the service locks a
 * login's rows, asks `waitMs`, and counts the attempt with `withFailure` before checking the
 * password (a success clears the rows again).
 *
 * The keys are the username and the client address. A username is throttled by its text alone,
 * whether or not a partner has it, so the answers (401 or 429, the wait, the body) are the same for
 * an unknown username as for a known one with the same history: the throttle never tells which
 * usernames exist. An attempt that must wait is refused before the password is looked at, the
 * right password included.
 */
import { createHash } from 'node:crypto';
import {
  LOGIN_ADDRESS_FAILURES_FREE,
  LOGIN_FAILURES_FORGET_MS,
  LOGIN_USERNAME_FAILURES_FREE,
  LOGIN_WAIT_MS_MAX,
  LOGIN_WAIT_MS_MIN,
} from '../../platform/limits.ts';

/** One key's throttle: failures since the last success, the last one's instant, and the wait's end. */
export interface ThrottleState {
  readonly key: string;
  readonly failures: number;
  readonly lastFailureAt: Date;
  readonly lockedUntil: Date | null;
}

/** A key a login attempt counts against, with the failures it may have before attempts wait. */
export interface ThrottleKey {
  readonly key: string;
  readonly failuresFree: number;
}

/**
 * The keys of a login attempt, in key order (the order their rows are locked in):
 * `address:<address>` (LOGIN_ADDRESS_FAILURES_FREE) and `username:<SHA-256 hex of the username>`
 * (LOGIN_USERNAME_FAILURES_FREE; hashed, so no text a client chose is kept).
 */
export function throttleKeys(username: string, address: string): ThrottleKey[] {
  const keys = [
    { key: `address:${address}`, failuresFree: LOGIN_ADDRESS_FAILURES_FREE },
    { key: `username:${createHash('sha256').update(username, 'utf8').digest('hex')}`, failuresFree: LOGIN_USERNAME_FAILURES_FREE },
  ];
  return keys.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/**
 * Milliseconds an attempt at `now` must still wait under `state`; 0 when it may go on. A wait that
 * ends more than LOGIN_WAIT_MS_MAX from `now` can only come from a clock that was ahead (another
 * process's, or a test's) and is ignored.
 */
export function waitMs(state: ThrottleState, now: Date): number {
  if (state.lockedUntil === null) return 0;
  const ms = state.lockedUntil.getTime() - now.getTime();
  return ms > 0 && ms <= LOGIN_WAIT_MS_MAX ? ms : 0;
}

/**
 * The state after one more failure at `now`. Failures older (or, from a skewed clock, newer) than
 * LOGIN_FAILURES_FORGET_MS are forgotten first. From the `failuresFree`-th failure in a row on, the
 * next attempt waits LOGIN_WAIT_MS_MIN × 2^(failures − failuresFree), at most LOGIN_WAIT_MS_MAX:
 * 1 s, 2 s, 4 s, ... 15 min.
 */
export function withFailure(state: ThrottleState, now: Date, failuresFree: number): ThrottleState {
  const forget = Math.abs(now.getTime() - state.lastFailureAt.getTime()) > LOGIN_FAILURES_FORGET_MS;
  const failures = (forget ? 0 : state.failures) + 1;
  const over = failures - failuresFree;
  // 2^20 s is already past the maximum: the exponent is capped so that the number stays exact.
  const wait = over < 0 ? undefined : Math.min(LOGIN_WAIT_MS_MAX, LOGIN_WAIT_MS_MIN * 2 ** Math.min(over, 20));
  return { key: state.key, failures, lastFailureAt: now, lockedUntil: wait === undefined ? null : new Date(now.getTime() + wait) };
}
