/**
 * POST /api/v1/login/ under password guessing: failed logins are throttled per username and per
 * client address with a growing wait (429 and Retry-After), an unknown username exactly like a
 * known one, and the right password works again once the wait is over.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ManualClock, systemClock } from '../src/platform/clock.ts';
import { type TestApp, startTestApp } from './support/app.ts';

// A wall clock of this file's own, set to real time so that no other file's clean-up of old
// throttle rows (by real time) takes this file's rows for stale ones.
const clock = new ManualClock(systemClock.now());
let t: TestApp;
before(async () => {
  t = await startTestApp({ wallClock: clock });
});
after(async () => {
  await t.close();
});

/** Client addresses no other test uses: 10.x.y.z from a per-file counter and a random prefix. */
const addressBase = Math.floor(Math.random() * 200) + 20;
let addresses = 0;
const freshAddress = () => {
  addresses += 1;
  return `10.${addressBase}.${(addresses >> 8) & 0xff}.${(addresses & 0xff) || 1}`;
};

function login(username: string, password: string, remoteAddress = freshAddress()) {
  return t.app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username, password }, remoteAddress });
}

/** What a client can tell of an answer: status, body, and the Retry-After header. */
async function observe(username: string, password: string, remoteAddress?: string) {
  const response = await login(username, password, remoteAddress);
  return { status: response.statusCode, body: response.body, retryAfter: response.headers['retry-after'] };
}

async function newLogin() {
  const username = `throttle-${randomUUID()}`;
  const password = `pw-${randomUUID()}`;
  await t.services.auth.createPartner({ username, password, sharedSecret: `secret-${randomUUID()}` });
  return { username, password };
}

describe('login throttling', () => {
  test('120 wrong passwords in a row: a few 401s, then 429 with Retry-After, the right password included', async () => {
    const { username, password } = await newLogin();
    const answers = [];
    for (let i = 0; i < 120; i++) answers.push(await observe(username, `wrong-${i}`));
    const statuses = answers.map((answer) => answer.status);
    const firstRefusal = statuses.indexOf(429);
    assert.ok(firstRefusal >= 1 && firstRefusal <= 10, `first 429 at attempt ${firstRefusal + 1}`);
    assert.deepEqual(statuses.slice(0, firstRefusal), Array(firstRefusal).fill(401));
    assert.deepEqual(statuses.slice(firstRefusal), Array(120 - firstRefusal).fill(429));
    const refused = answers[firstRefusal]!;
    assert.ok(Number(refused.retryAfter) >= 1, JSON.stringify(refused));
    assert.equal(typeof JSON.parse(refused.body).detail, 'string');
    // While the wait runs, even the right password is refused, the same way.
    assert.deepEqual(await observe(username, password), refused);
  });

  test('an unknown username is throttled exactly like a known one', async () => {
    const known = await newLogin();
    const unknown = `nobody-${randomUUID()}`;
    const knownAnswers = [];
    const unknownAnswers = [];
    for (let i = 0; i < 12; i++) {
      knownAnswers.push(await observe(known.username, `wrong-${i}`));
      unknownAnswers.push(await observe(unknown, `wrong-${i}`));
    }
    assert.deepEqual(unknownAnswers, knownAnswers);
    assert.ok(knownAnswers.some((answer) => answer.status === 429));
    // The 401 for a wrong password is the 401 for an unknown name.
    assert.deepEqual(unknownAnswers[0], knownAnswers[0]);
  });

  test('the wait grows with each failure after it, and the right password works once it is over', async () => {
    const { username, password } = await newLogin();
    let answer = await observe(username, 'wrong');
    for (let i = 0; answer.status === 401 && i < 20; i++) answer = await observe(username, 'wrong');
    assert.equal(answer.status, 429, 'refused after a few failures');
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      const wait = Number(answer.retryAfter);
      waits.push(wait);
      clock.advance(wait * 1000);
      answer = await observe(username, 'wrong');
      assert.equal(answer.status, 401, 'a failure after the wait is counted, not refused');
      answer = await observe(username, 'wrong');
      assert.equal(answer.status, 429);
    }
    for (let i = 1; i < waits.length; i++) assert.ok(waits[i]! > waits[i - 1]!, `waits ${waits.join(', ')}`);
    clock.advance(Number(answer.retryAfter) * 1000);
    const ok = await login(username, password);
    assert.equal(ok.statusCode, 200, ok.body);
    // A success starts the count again.
    assert.equal((await observe(username, 'wrong')).status, 401);
  });

  test('one address trying many usernames is throttled, other addresses are not', async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await observe(`nobody-${randomUUID()}`, 'guess', address)).status);
    const firstRefusal = statuses.indexOf(429);
    assert.ok(firstRefusal > 0, `statuses ${statuses.join(',')}`);
    assert.deepEqual(statuses.slice(firstRefusal), Array(60 - firstRefusal).fill(429));
    const { username, password } = await newLogin();
    assert.equal((await observe(username, password, address)).status, 429);
    assert.equal((await login(username, password)).statusCode, 200);
  });
});
