import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import {
  bearerToken,
  hashPassword,
  hashToken,
  isWellFormedToken,
  newPartnerIssues,
  newToken,
  pathnameOf,
  requestFingerprint,
  requestSignature,
  signatureMatches,
  verifyPassword,
} from './auth.domain.ts';
import { WallClockRateStore } from './rate-limit.store.ts';

/** Cheap parameters: these tests check the encoding, not the cost. */
const FAST = { ln: 10, r: 8, p: 1 };

describe('passwords', () => {
  test('a hash verifies its password only, and embeds its parameters and a random salt', async () => {
    const hash = await hashPassword('s3cret password', FAST);
    assert.match(hash, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    assert.equal(await verifyPassword('s3cret password', hash), true);
    assert.equal(await verifyPassword('s3cret passworD', hash), false);
    assert.equal(await verifyPassword('', hash), false);
    assert.notEqual(await hashPassword('s3cret password', FAST), hash);
  });

  test('a malformed or out-of-bounds hash never verifies', async () => {
    const hash = await hashPassword('pw', FAST);
    for (const broken of ['', 'pw', hash.replace('ln=10', 'ln=40'), hash.replace('$scrypt$', '$argon2$'), hash.slice(0, -8)]) {
      assert.equal(await verifyPassword('pw', broken), false, broken);
    }
  });
});

describe('tokens', () => {
  test('are 32 random bytes in base64url, stored as hex SHA-256', () => {
    const token = newToken();
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.equal(isWellFormedToken(token), true);
    assert.notEqual(newToken(), token);
    assert.match(hashToken(token), /^[0-9a-f]{64}$/);
    assert.equal(isWellFormedToken(`${token}x`), false);
  });

  test('come from an Authorization: Bearer header', () => {
    assert.equal(bearerToken('Bearer abc'), 'abc');
    assert.equal(bearerToken('bearer abc'), 'abc');
    assert.equal(bearerToken('Basic abc'), undefined);
    assert.equal(bearerToken('Bearer'), undefined);
    assert.equal(bearerToken('Bearer a b'), undefined);
    assert.equal(bearerToken(undefined), undefined);
  });
});

describe('request signature', () => {
  test('matches the known vector of Jiko\'s Node.js example', () => {
    const args = ['sandbox-shared-secret-0123456789', '1b4e28ba-2fa1-11d2-883f-0016d3cca427', '/api/v1/agreements/', ''] as const;
    assert.equal(requestSignature(...args), '/l/AGvqHC9d1cV8nETqwwg+x99uBuH/Rob18HHABHw4=');
    assert.equal(signatureMatches(...args, '/l/AGvqHC9d1cV8nETqwwg+x99uBuH/Rob18HHABHw4='), true);
  });

  test('covers key, pathname and body, as UTF-8', () => {
    const secret = 'a-shared-secret-of-32-characters';
    const key = '3f1c5d6e-0000-4000-8000-000000000001';
    const body = '{"name":"Zoë"}';
    const expected = createHmac('sha256', secret).update(Buffer.from(key + '/api/v1/x/' + body, 'utf8')).digest('base64');
    assert.equal(requestSignature(secret, key, '/api/v1/x/', body), expected);
    assert.equal(signatureMatches(secret, key, '/api/v1/x', body, expected), false);
    assert.equal(signatureMatches(secret, key, '/api/v1/x/', '{"name":"Zoe"}', expected), false);
    assert.equal(signatureMatches('another-secret-of-32-characters!', key, '/api/v1/x/', body, expected), false);
    assert.equal(signatureMatches(secret, key, '/api/v1/x/', body, expected.slice(1)), false);
    assert.equal(signatureMatches(secret, key, '/api/v1/x/', body, ''), false);
  });

  test('signs the pathname as sent, without its query string', () => {
    assert.equal(pathnameOf('/api/v1/pockets/?limit=5&cursor='), '/api/v1/pockets/');
    assert.equal(pathnameOf('/api/v1/pockets'), '/api/v1/pockets');
    assert.equal(pathnameOf('/api/v1/a%20b/'), '/api/v1/a%20b/');
  });
});

describe('request fingerprint', () => {
  test('differs for method, target and body, and cannot be forged by moving bytes between them', () => {
    const base = requestFingerprint('POST', '/api/v1/x/', '{}');
    assert.equal(requestFingerprint('post', '/api/v1/x/', '{}'), base);
    assert.notEqual(requestFingerprint('PUT', '/api/v1/x/', '{}'), base);
    assert.notEqual(requestFingerprint('POST', '/api/v1/x', '{}'), base);
    assert.notEqual(requestFingerprint('POST', '/api/v1/x/', '{ }'), base);
    assert.notEqual(requestFingerprint('POST', '/api/v1/x/{', '}'), requestFingerprint('POST', '/api/v1/x/', '{}'));
  });
});

describe('new partner', () => {
  const ok = { username: 'acme', password: 'password', sharedSecret: 'sixteen-chars-ok' };
  test('accepts a valid partner', () => {
    assert.deepEqual(newPartnerIssues(ok), []);
  });
  test('names each field at fault', () => {
    const fields = (partner: typeof ok) => newPartnerIssues(partner).map((issue) => issue.field[0]);
    assert.deepEqual(fields({ ...ok, sharedSecret: 'fifteen-chars!!' }), ['shared_secret']);
    assert.deepEqual(fields({ ...ok, username: '' }), ['username']);
    assert.deepEqual(fields({ ...ok, username: ' acme' }), ['username']);
    assert.deepEqual(fields({ ...ok, username: 'x'.repeat(129) }), ['username']);
    assert.deepEqual(fields({ ...ok, password: 'x'.repeat(129) }), ['password']);
    assert.deepEqual(fields({ ...ok, password: '' }), ['password']);
  });
});

describe('rate-limit store', () => {
  test('counts in fixed windows of the wall clock', () => {
    const clock = new ManualClock(new Date('2025-01-02T00:00:00Z'));
    const store = new WallClockRateStore(new Map(), clock);
    const incr = (key: string) => {
      let result: { current: number; ttl: number } | undefined;
      store.incr(key, (_error, value) => (result = value), 60_000);
      return result!;
    };
    assert.deepEqual(incr('a'), { current: 1, ttl: 60_000 });
    clock.advance(10_000);
    assert.deepEqual(incr('a'), { current: 2, ttl: 50_000 });
    assert.deepEqual(incr('b'), { current: 1, ttl: 60_000 });
    clock.advance(50_000);
    assert.deepEqual(incr('a'), { current: 1, ttl: 60_000 });
    assert.equal(store.child(), store);
  });
});
