/**
 * The test harness itself: one database per process, engines shared per set of options, a fresh
 * tenant per test, and the service tier (a RequestContext and the services, no HTTP).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { type TestApp, newPartner, newTenant, startTestApp, startTestServices } from './app.ts';
import { templateKey } from './db.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

test('apps with the same options share one engine; other options get their own over the same database', async () => {
  const same = await startTestApp();
  const services = await startTestServices();
  const other = await startTestApp({ config: { rateLimitPerMinute: 2 }, wallClock: new ManualClock(new Date()) });
  try {
    assert.equal(same.app, t.app);
    assert.equal(services.services, t.services);
    assert.notEqual(other.app, t.app);
    assert.notEqual(other.services, t.services);
    assert.equal(other.deps.config.rateLimitPerMinute, 2);
    assert.equal(other.deps.config.runWorker, false, 'never a background loop');
    for (const handle of [same, services, other]) assert.equal(handle.db, t.db);

    // newPartner logs in each partner from an address of its own: many partners through one app
    // never meet the login limit (counted per client address).
    const clients = [];
    for (let i = 0; i < 4; i++) clients.push(await newPartner(other));
    assert.equal(new Set(clients.map((client) => client.partnerId)).size, 4);
  } finally {
    for (const handle of [same, services, other]) await handle.close();
  }
  // Closing them left this file's app and the database working.
  assert.deepEqual(await t.db.query('SELECT 1 AS one'), [{ one: 1 }]);
  assert.equal((await t.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
});

test('newTenant gives a fresh partner, its RequestContext at the tenant clock, and the services', async () => {
  const tenant = await newTenant(t);
  const other = await newTenant(t);
  assert.notEqual(tenant.tenantId, other.tenantId);
  assert.deepEqual(tenant.ctx.actor, { kind: 'partner', id: tenant.tenantId, scopes: ['*'] });
  assert.equal(tenant.ctx.tenantId, tenant.tenantId);
  assert.equal(tenant.services, t.services);

  const later = new Date(Date.UTC(2031, 0, 6, 15));
  await t.services.tenancy.setNow(t.db, tenant.tenantId, later);
  const moved = await tenant.context();
  assert.ok(Math.abs(moved.now.getTime() - later.getTime()) < 60_000, 'the context reads the tenant clock');
  assert.equal((await tenant.system()).actor.kind, 'system');
  assert.ok(Math.abs((await other.context()).now.getTime() - Date.now()) < 60_000, 'another tenant keeps its own clock');
});

test('the PGlite template is keyed by the migrations', () => {
  assert.match(templateKey(), /^[0-9a-f]{16}$/);
});
