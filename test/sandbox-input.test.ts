/**
 * The sandbox endpoints under bad input: the test clock stays within the dates the market data
 * covers, a clock move is all or nothing, request bodies are strictly typed, and event ids of the
 * webhook trigger are checked per tenant.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../src/platform/clock.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund } from './support/fixtures.ts';

let t: TestApp;
/** The tenant and business date at which the test task below fails, when armed. */
let armed: { tenantId: string; date: string } | undefined;

before(async () => {
  // An engine of this file's own (a wall clock object of its own), so that the failing task
  // registered here reaches no other file's tenants.
  t = await startTestApp({ wallClock: { now: () => systemClock.now() } });
  t.services.scheduler.register({
    name: 'test.fails-when-armed',
    atMinutes: 720,
    async run(_tx, ctx, date) {
      if (armed && armed.tenantId === ctx.tenantId && armed.date === date) throw new Error('injected failure in due work');
    },
  });
});
after(async () => {
  await t.close();
});

const clock = (client: PartnerClient) => client.get('/api/v1/sandbox/clock/', { unsigned: true });
const setClock = (client: PartnerClient, body: unknown) => client.request('POST', '/api/v1/sandbox/clock/', body, { unsigned: true });
const advance = (client: PartnerClient, body: unknown) => client.request('POST', '/api/v1/sandbox/clock/advance/', body, { unsigned: true });

/** Everything of the tenant a clock move may change, to compare before and after. */
async function snapshot(client: PartnerClient) {
  const count = async (sql: string) => (await t.db.query<{ n: bigint }>(sql, [client.partnerId]))[0]!.n;
  return {
    businessDate: (await clock(client)).json().business_date as string,
    trades: await count('SELECT count(*) AS n FROM trades WHERE partner_id = $1'),
    entries: await count('SELECT count(*) AS n FROM ledger_entries WHERE partner_id = $1'),
    dailyValues: await count('SELECT count(*) AS n FROM pocket_daily_values v JOIN pockets p ON p.id = v.pocket_id WHERE p.partner_id = $1'),
    cursors: await t.db.query('SELECT task, done_through FROM scheduler_cursors WHERE partner_id = $1 ORDER BY task', [client.partnerId]),
  };
}

/** Asserts a Jiko 422 whose single issue is at `loc` and whose message matches `msg`. */
function assert422(response: { statusCode: number; body: string; json(): unknown }, loc: (string | number)[], msg?: RegExp): void {
  assert.equal(response.statusCode, 422, response.body);
  const detail = (response.json() as { detail: { loc: unknown[]; msg: string; type: string }[] }).detail;
  assert.deepEqual(detail.map((issue) => issue.loc), [loc], response.body);
  if (msg) assert.match(detail[0]!.msg, msg);
}

describe('the test clock stays within the market data', () => {
  test('an instant far outside the data is a 422 naming the range, and the clock stays', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    for (const now of ['+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '0001-01-01T00:00:00Z', '2032-01-01T12:00:00Z', '1990-06-01T12:00:00Z']) {
      assert422(await setClock(client, { now }), ['body', 'now'], /\d{4}-\d{2}-\d{2}.*\d{4}-\d{2}-\d{2}/);
    }
    const after = await clock(client);
    assert.equal(after.statusCode, 200, after.body);
    assert.equal(after.json().business_date, '2024-03-05');
    // The last covered day is accepted.
    const last = await setClock(client, { now: '2031-12-31T20:00:00Z' });
    assert.equal(last.statusCode, 200, last.body);
    assert.equal(last.json().business_date, '2031-12-31');
  });

  test('an advance past the data is a 422, with customers too, and changes nothing', async () => {
    const client = await newPartner(t);
    await client.setClock('2031-12-22T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocket = await createPocket(client, customerId, 'UST-4W');
    await fund(client, pocket, 1_000_000);
    const before = await snapshot(client);
    assert422(await advance(client, { to: '2032-06-01T15:00:00Z' }), ['body', 'to'], /2031-12-31/);
    assert422(await advance(client, { to: '+275760-09-13T00:00:00Z' }), ['body', 'to'], /2031-12-31/);
    assert422(await advance(client, { days: 30 }), ['body', 'days'], /2031-12-31/);
    assert.deepEqual(await snapshot(client), before);
    assert.equal((await client.get('/api/v2/trading-strategies/')).statusCode, 200);
    await assertSound(t.db, client.partnerId);
  });

  test('with customers the clock never moves back: 422, and nothing changes', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    await createPocket(client, customerId, 'UST-4W');
    const before = await snapshot(client);
    assert422(await setClock(client, { now: '2024-03-01T15:00:00Z' }), ['body', 'now'], /earlier/);
    // Forward, a move runs its due work in one transaction, so it is bounded like an advance.
    assert422(await setClock(client, { now: '2027-03-01T15:00:00Z' }), ['body', 'now'], /days at once/);
    assert422(await advance(client, { to: '2027-03-01T15:00:00Z' }), ['body', 'to'], /days at once/);
    assert.deepEqual(await snapshot(client), before);
  });
});

describe('a clock move is all or nothing', () => {
  test('due work failing half way leaves clock, trades, ledger and cursors as they were', async () => {
    const client = await newPartner(t);
    // A Saturday: the deposit waits for Monday's start of day, so the advance trades on its way.
    await client.setClock('2024-03-09T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocket = await createPocket(client, customerId, 'UST-4W');
    await fund(client, pocket, 2_500_000);
    const before = await snapshot(client);
    assert.equal(before.trades, 0n);

    armed = { tenantId: client.partnerId, date: '2024-03-13' };
    try {
      const failed = await advance(client, { to: '2024-03-20T15:00:00Z' });
      assert.equal(failed.statusCode, 500, failed.body);
      assert.deepEqual(await snapshot(client), before);
      const failedSet = await setClock(client, { now: '2024-03-20T15:00:00Z' });
      assert.equal(failedSet.statusCode, 500, failedSet.body);
      assert.deepEqual(await snapshot(client), before);
    } finally {
      armed = undefined;
    }

    const moved = await advance(client, { to: '2024-03-20T15:00:00Z' });
    assert.equal(moved.statusCode, 200, moved.body);
    const afterMove = await snapshot(client);
    assert.equal(afterMove.businessDate, '2024-03-20');
    assert.ok(afterMove.trades > 0n);
    await assertSound(t.db, client.partnerId);
  });
});

describe('request bodies are strictly typed', () => {
  test('a number sent as a string is a 422, not a coerced value', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocket = await createPocket(client, customerId, 'UST-4W');

    const fifteen = await client.post('/api/v1/sandbox/fund/', { account_id: pocket, amount_usdc: '15.00' }, { unsigned: true });
    assert422(fifteen, ['body', 'amount_usdc']);
    const countText = await client.post('/api/v1/sandbox/fund/', { account_id: pocket, amount_usdc: 1500, count: '2' }, { unsigned: true });
    assert422(countText, ['body', 'count']);
    const [credits] = await t.db.query<{ n: bigint }>('SELECT count(*) AS n FROM bank_transactions WHERE pocket_id = $1', [pocket]);
    assert.equal(credits!.n, 0n);

    const before = await snapshot(client);
    for (const days of ['1e309', '3', true, 1.5, 0, -1, 100_000]) assert422(await advance(client, { days }), ['body', 'days']);
    // 1e309 written as a JSON number parses to Infinity.
    const infinite = await client.app.inject({
      method: 'POST', url: '/api/v1/sandbox/clock/advance/', payload: '{"days": 1e309}',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
    });
    assert422(infinite, ['body', 'days']);
    assert.deepEqual(await snapshot(client), before);
  });

  test('query strings and path parameters are still read as their types', async () => {
    const client = await newPartner(t);
    const page = await client.get('/api/v1/subscriptions/?limit=2');
    assert.equal(page.statusCode, 200, page.body);
    const bad = await client.get('/api/v1/subscriptions/?limit=many');
    assert.equal(bad.statusCode, 422, bad.body);
  });
});

describe('webhook trigger event ids are per tenant', () => {
  test("another tenant's event id behaves like an unknown one", async () => {
    const a = await newPartner(t);
    const b = await newPartner(t);
    const eventId = randomUUID();
    const trigger = (client: PartnerClient) =>
      client.post('/api/v1/sandbox/webhook/', { event_id: eventId, event_type: 'trade.buy', payload: {} }, { unsigned: true });

    const first = await trigger(a);
    assert.equal(first.statusCode, 202, first.body);
    const unknownToB = await trigger(b);
    assert.equal(unknownToB.statusCode, 202, unknownToB.body);
    assert.deepEqual(unknownToB.json(), { event_id: eventId, count: 0 });
    // Each tenant's own repeat is refused; each tenant sees only its own event.
    assert.equal((await trigger(a)).statusCode, 409);
    assert.equal((await trigger(b)).statusCode, 409);
    for (const client of [a, b]) {
      const events = await client.get('/api/v1/events/');
      assert.equal(events.statusCode, 200, events.body);
      assert.deepEqual(events.json().items.map((item: { event: { event_id: string } }) => item.event.event_id), [eventId]);
    }
  });
});
