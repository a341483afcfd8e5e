import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { strategiesRoutes } from '../src/api/partner/strategies.routes.ts';
import { type TbillMarket, createMarketService } from '../src/modules/market/index.ts';
import { marketInstant } from '../src/platform/clock.ts';
import { type RequestContext, partnerContext } from '../src/platform/context.ts';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';

let t: TestApp;
let market: TbillMarket;

before(async () => {
  t = await startTestApp();
  market = t.services.market;
});
after(async () => t?.close());

/** The strategies route alone, behind a stand-in for the partner auth hook that sets the tenant's clock. */
async function routeAlone(now: Date): Promise<FastifyInstance> {
  const app = Fastify();
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    request.ctx = partnerContext('p', now);
  });
  await app.register(strategiesRoutes, { market });
  return app;
}

test('GET /api/v2/trading-strategies/ lists the strategies of the tenant business date', async () => {
  // Saturday 2024-03-09 in New York: the business date is Friday 2024-03-08.
  const app = await routeAlone(marketInstant('2024-03-09', 10));
  const response = await app.inject({ method: 'GET', url: '/api/v2/trading-strategies/' });
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  assert.deepEqual(body, { offset: 0, count: 5, items: market.strategies('2024-03-08'), object_type: 'List' });
  assert.equal(body.items[1]?.description, 'US T-bills, 4-week, Buy-and-hold');
  await app.close();
});

test('the route and its response schema are in /openapi.json', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  const paths = response.json().paths as Record<string, { get?: { responses?: Record<string, unknown> } }>;
  const path = paths['/api/v2/trading-strategies/'];
  assert.ok(path?.get?.responses?.['200'], 'GET /api/v2/trading-strategies/ with a 200 schema');
});

test('a signed partner request gets the List', async (context) => {
  if (!('createPartner' in t.services.auth)) {
    context.skip('partner auth is not built yet');
    return;
  }
  const partner = await newPartner(t);
  const response = await partner.get('/api/v2/trading-strategies/');
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  assert.equal(body.object_type, 'List');
  assert.deepEqual(body.items.map((s: { id: string }) => s.id), ['UST-1W', 'UST-4W', 'UST-13W', 'UST-26W', 'UST-52W']);
});

test('CLI: pocketbook tbill prices a bill, recovers a rate, refuses bad arguments', () => {
  const bin = fileURLToPath(new URL('../bin/pocketbook.mjs', import.meta.url));
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'tbill', ...args], { encoding: 'utf8', timeout: 20_000 });

  const byRate = run('--rate', '5.290', '--issue', '2023-11-14', '--maturity', '2023-12-12');
  assert.equal(byRate.status, 0, byRate.stderr);
  const priced = JSON.parse(byRate.stdout);
  assert.equal(priced.price_per_100, '99.588556');
  assert.equal(priced.investment_rate, '5.400');
  assert.equal(priced.days, 28);

  const byPrice = run('--price', '94.996458', '--issue', '2023-11-30', '--maturity', '2024-11-29');
  assert.equal(byPrice.status, 0, byPrice.stderr);
  const recovered = JSON.parse(byPrice.stdout);
  assert.equal(recovered.discount_rate, '4.935');
  assert.equal(recovered.investment_rate, '5.214');

  const bad = run('--rate', 'five', '--issue', '2023-11-14', '--maturity', '2023-12-12');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--rate must be a decimal/);
  assert.equal(bad.stdout, '');
});
