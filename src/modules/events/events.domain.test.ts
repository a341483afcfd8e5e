import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_ATTEMPTS_MAX, nextAttemptAt, toEnvelope } from './events.domain.ts';
import { classifyAddress, isAddressAllowed, urlProblem } from './webhook.target.ts';
import { signatureHeaders } from './webhook.sender.ts';

const settings = { retryBaseMs: 1000, retryWindowMs: 3600_000 };
const start = new Date('2025-01-01T00:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);

test('retries back off exponentially from the base delay', () => {
  const delays = [1, 2, 3, 4].map((attemptNumber) =>
    nextAttemptAt(settings, null, { attemptNumber, responseCode: 500, firstAttemptAt: start, now: start })!.getTime() - start.getTime(),
  );
  assert.deepEqual(delays, [1000, 2000, 4000, 8000]);
});

test('retries stop at the end of the window, on 410, and after the attempts allowed', () => {
  assert.equal(nextAttemptAt(settings, null, { attemptNumber: 3, responseCode: 500, firstAttemptAt: start, now: at(3600_000 - 100) }), undefined);
  assert.equal(nextAttemptAt(settings, null, { attemptNumber: 1, responseCode: 410, firstAttemptAt: start, now: start }), undefined);
  assert.equal(nextAttemptAt({ retryBaseMs: 1, retryWindowMs: 1e12 }, null, { attemptNumber: WEBHOOK_ATTEMPTS_MAX, responseCode: 0, firstAttemptAt: start, now: start }), undefined);
  assert.equal(nextAttemptAt(settings, { maximum_attempts: 2 }, { attemptNumber: 2, responseCode: 500, firstAttemptAt: start, now: start }), undefined);
});

test('a retry policy sets the interval, coefficient, cap and retryable statuses', () => {
  const policy = { initial_interval_seconds: 10, backoff_coefficient: 3, maximum_interval_seconds: 60, retry_on_status_codes: [503] };
  const delay = (attemptNumber: number, responseCode: number) =>
    nextAttemptAt(settings, policy, { attemptNumber, responseCode, firstAttemptAt: start, now: start })?.getTime();
  assert.equal(delay(1, 503), at(10_000).getTime());
  assert.equal(delay(2, 503), at(30_000).getTime());
  assert.equal(delay(3, 503), at(60_000).getTime());
  assert.equal(delay(1, 500), undefined, 'a status not listed is not retried');
  assert.equal(delay(1, 0), at(10_000).getTime(), 'no response is always retried');
});

test('addresses are classified, IPv4-mapped IPv6 by its IPv4 address', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.32.0.1', 'public'], ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'], ['fd00::1', 'private'], ['169.254.169.254', 'link_local'], ['fe80::1', 'link_local'],
    ['0.0.0.0', 'reserved'], ['::', 'reserved'], ['224.0.0.1', 'reserved'], ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'], ['::ffff:10.0.0.1', 'private'], ['64:ff9b::a9fe:a9fe', 'link_local'], ['not-an-ip', 'reserved'],
  ];
  for (const [ip, kind] of cases) assert.equal(classifyAddress(ip), kind, ip);
});

test('the policy allows loopback in sandbox mode only and everything when private targets are allowed', () => {
  const production = { allowPrivate: false, allowLoopback: false };
  const sandbox = { allowPrivate: false, allowLoopback: true };
  assert.equal(isAddressAllowed(production, '127.0.0.1'), false);
  assert.equal(isAddressAllowed(production, '8.8.8.8'), true);
  assert.equal(isAddressAllowed(sandbox, '127.0.0.1'), true);
  assert.equal(isAddressAllowed(sandbox, '10.0.0.1'), false);
  assert.equal(isAddressAllowed({ allowPrivate: true, allowLoopback: false }, '10.0.0.1'), true);
});

test('subscription URLs must be absolute http(s) without credentials', () => {
  assert.equal(urlProblem('https://example.com/hook'), undefined);
  assert.equal(urlProblem('http://127.0.0.1:8080/x?y=1'), undefined);
  assert.ok(urlProblem('ftp://example.com/'));
  assert.ok(urlProblem('/relative'));
  assert.ok(urlProblem('https://user:pw@example.com/'));
});

test('a receiver verifies the signature with the standardwebhooks library and the whsec_ form of the secret', () => {
  const secret = 'a-shared-secret-of-some-length';
  const body = JSON.stringify(toEnvelope({
    id: '0b5b74f5-ad65-4c6d-9170-60fe29794b12', partnerId: 'p', eventType: 'trade.buy', objectType: 'Trade',
    objectId: '744ab7f4-e94f-433b-9224-01cbe6585c12', sequence: 1, customerId: null, payload: { trade_id: 'x' }, occurredAt: start,
  }));
  const headers = signatureHeaders(secret, '0b5b74f5-ad65-4c6d-9170-60fe29794b12', new Date(), body);
  const receiver = new Webhook(`whsec_${Buffer.from(secret, 'utf8').toString('base64')}`);
  assert.deepEqual(receiver.verify(body, headers), JSON.parse(body));
  assert.throws(() => new Webhook(`whsec_${Buffer.from('another-secret-entirely', 'utf8').toString('base64')}`).verify(body, headers));
  assert.throws(() => receiver.verify(body.replace('trade.buy', 'trade.sell'), headers));
});
