/**
 * HTTP conventions of the whole app, as a Jiko client meets them: health, 404s, login, and the
 * Partner API's authentication in front of every route but login.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type TestApp, newPartner, sign, startTestApp } from './support/app.ts';

describe('HTTP conventions', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('GET /health answers "OK" without authentication', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json(), 'OK');
  });

  test('/openapi.json documents the Jiko paths and /docs serves the interactive reference', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
    assert.match(spec.openapi, /^3\./);
    for (const path of ['/api/v1/login/', '/api/v2/trading-strategies/', '/api/v1/applications/', '/api/v2/pockets/{pocket_id}/', '/api/v1/transfers/on-us', '/api/v1/subscriptions/']) {
      assert.ok(Object.keys(spec.paths).some((documented) => documented.replace(/\/$/, '') === path.replace(/\/$/, '')), `${path} is documented`);
    }
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.headers['content-type'] ?? '', /text\/html/);
    assert.match(docs.body, /swagger/i);
  });

  test('an unknown path is 404 {detail: "Not Found"}, signed or not', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-thing/' });
    assert.equal(anonymous.statusCode, 404);
    assert.deepEqual(anonymous.json(), { detail: 'Not Found' });

    const client = await newPartner(t);
    const signed = await client.get('/api/v1/no-such-thing/');
    assert.equal(signed.statusCode, 404);
    assert.deepEqual(signed.json(), { detail: 'Not Found' });
  });

  test('POST /api/v1/login/ returns a token and an ISO expiry; 401 and 422 otherwise', async () => {
    const username = `conventions-${randomUUID()}`;
    await t.services.auth.createPartner({ username, password: 'conventions-password', sharedSecret: 'conventions-shared-secret-0123' });
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username, password: 'conventions-password' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(typeof ok.json().token, 'string');
    assert.equal(new Date(ok.json().expires).toISOString(), ok.json().expires);

    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username, password: 'nope' } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(typeof wrong.json().detail, 'string');

    const invalid = await t.app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username } });
    assert.equal(invalid.statusCode, 422);
    assert.ok(Array.isArray(invalid.json().detail));
  });

  test('every Partner API route but login and the public keys sits behind the bearer token and signature', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    assert.ok(spec.paths['/api/v1/login/'], 'login is documented');
    const client = await newPartner(t);
    const routes = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/') && !path.startsWith('/api/v1/login') && !path.startsWith('/api/v1/sandbox'))
      // Jiko serves its public keys without security: a client encrypts a PIN before it logs in.
      .filter(([path]) => path !== '/api/v1/public-keys')
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
    assert.ok(routes.length > 0, 'the Partner API has routes to check');
    for (const { method, path } of routes) {
      const url = path.replace(/\{[^}]+\}/g, randomUUID());
      const anonymous = await t.app.inject({ method: method as 'GET', url });
      assert.equal(anonymous.statusCode, 401, `${method} ${path} without a token`);
      const key = randomUUID();
      const unsigned = await t.app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${client.token}`, 'x-jiko-idempotency': key, 'x-jiko-signature': sign('wrong-shared-secret-0123456789', key, url, '') },
      });
      assert.equal(unsigned.statusCode, 401, `${method} ${path} with a bad signature`);
    }
  });
});
