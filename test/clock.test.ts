/**
 * The sandbox test clock: reading, setting (free before customers, forward only after), advancing
 * with due work, and earnings over periods computed from end-of-day values.
 */
import assert from 'node:assert/strict';
import { systemContext } from '../src/platform/context.ts';
import { after, before, describe, test } from 'node:test';
import { checkLedgerInvariants } from '../src/modules/ledger/index.ts';
import { checkPortfolioInvariants } from '../src/modules/portfolio/index.ts';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';
import { createCustomer, createPocket, fund, getPortfolio } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

describe('sandbox clock', () => {
  test('reads now and the business date (the last business day on a weekend)', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-09T15:00:00Z');
    const clock = (await client.get('/api/v1/sandbox/clock/', { unsigned: true })).json();
    // The tenant clock runs on with wall time after being set.
    assert.match(clock.now, /^2024-03-09T15:00:0\d\.\d{3}Z$/);
    assert.deepEqual({ ...clock, now: undefined }, { now: undefined, business_date: '2024-03-08', object_type: 'Clock' });
  });

  test('any instant before customers exist; afterwards only forward', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    await client.setClock('2023-06-01T15:00:00Z');
    await client.setClock('2024-03-05T15:00:00Z');
    await createCustomer(client);
    const back = await client.request('POST', '/api/v1/sandbox/clock/', { now: '2024-03-01T15:00:00Z' }, { unsigned: true });
    assert.equal(back.statusCode, 422, back.body);
    const forward = await client.request('POST', '/api/v1/sandbox/clock/', { now: '2024-03-06T15:00:00Z' }, { unsigned: true });
    assert.equal(forward.statusCode, 200, forward.body);
    assert.equal(forward.json().business_date, '2024-03-06');
    const pastAdvance = await client.request('POST', '/api/v1/sandbox/clock/advance/', { to: '2024-03-01T00:00:00Z' }, { unsigned: true });
    assert.equal(pastAdvance.statusCode, 422);
    const both = await client.request('POST', '/api/v1/sandbox/clock/advance/', { to: '2024-03-08T00:00:00Z', days: 1 }, { unsigned: true });
    assert.equal(both.statusCode, 422);
    const garbage = await client.request('POST', '/api/v1/sandbox/clock/', { now: 'tomorrow' }, { unsigned: true });
    assert.equal(garbage.statusCode, 422);
    const days = await client.advanceClock({ days: 3 });
    assert.match(days.now, /^2024-03-09T15:00:0/);
    assert.equal(days.business_date, '2024-03-08');
  });

  test('earnings by period match end-of-day values and net flows', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocket = await createPocket(client, customerId, 'UST-13W');
    await fund(client, pocket, 4_000_000, 2);
    await client.advanceClock({ to: '2024-03-13T15:00:00Z' });
    await fund(client, pocket, 1_000_000);
    await client.advanceClock({ to: '2024-03-20T15:00:00Z' });

    const value = async (date: string) =>
      BigInt(
        (await t.db.query<{ total_value_cents: bigint }>(`SELECT total_value_cents FROM pocket_daily_values WHERE pocket_id = $1 AND business_date = $2`, [pocket, date]))[0]!
          .total_value_cents,
      );
    const days = await t.db.query<{ business_date: string }>(`SELECT business_date FROM pocket_daily_values WHERE pocket_id = $1 ORDER BY business_date`, [pocket]);
    assert.deepEqual(days.map((d) => d.business_date), ['2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08', '2024-03-11', '2024-03-12', '2024-03-13', '2024-03-14', '2024-03-15', '2024-03-18', '2024-03-19']);

    const earnings = async (query: string) => {
      const response = await client.get(`/api/v2/pockets/${pocket}/earnings/?${query}`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as { earnings: { value: number }; date_from: string; date_to: string };
    };
    const portfolio = await getPortfolio(client, pocket);
    const allTime = await earnings('period=all-time');
    assert.equal(allTime.earnings.value, portfolio.all_time_earnings.value);
    assert.deepEqual([allTime.date_from, allTime.date_to], ['2024-03-05', '2024-03-20']);
    assert.ok(allTime.earnings.value > 0);
    assert.equal((await earnings('period=ytd')).earnings.value, allTime.earnings.value);
    assert.equal((await earnings('period=mtd')).earnings.value, allTime.earnings.value);
    assert.equal((await earnings('')).earnings.value, allTime.earnings.value);

    const live = BigInt(portfolio.total_value.value);
    const wtd = await earnings('period=wtd');
    assert.deepEqual([wtd.date_from, wtd.date_to], ['2024-03-18', '2024-03-20']);
    assert.equal(BigInt(wtd.earnings.value), live - (await value('2024-03-15')));

    // A past week with a deposit inside it: value at its end - value before it - the deposit.
    const range = await earnings('period=range&date_from=2024-03-11&date_to=2024-03-15');
    assert.deepEqual([range.date_from, range.date_to], ['2024-03-11', '2024-03-15']);
    assert.equal(BigInt(range.earnings.value), (await value('2024-03-15')) - (await value('2024-03-08')) - 1_000_000n);

    // Periods add up.
    const first = await earnings('period=range&date_from=2024-03-05&date_to=2024-03-10');
    const second = await earnings('period=range&date_from=2024-03-11&date_to=2024-03-20');
    assert.equal(first.earnings.value + second.earnings.value, allTime.earnings.value);

    const bad = await client.get(`/api/v2/pockets/${pocket}/earnings/?period=range&date_from=2024-03-15`);
    assert.equal(bad.statusCode, 422);
    assert.deepEqual(await checkLedgerInvariants(t.db, client.partnerId), []);
    assert.deepEqual(await checkPortfolioInvariants(t.db, client.partnerId), []);
  });

  test('due work run by two callers at once happens once per day', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocket = await createPocket(client, customerId, 'UST-4W');
    await fund(client, pocket, 4_000_000);
    // Move the clock without running due work, then let two callers race for it.
    const later = new Date('2024-05-02T15:00:00Z');
    await t.services.tenancy.setNow(t.db, client.partnerId, later);
    const runs = await Promise.all([
      t.services.scheduler.runDue(systemContext(client.partnerId, later)),
      t.services.scheduler.runDue(systemContext(client.partnerId, later)),
    ]);
    assert.ok(runs[0]! + runs[1]! > 0);
    const maturities = await t.db.query<{ cusip: string; n: bigint }>(
      `SELECT cusip, count(*) AS n FROM trades WHERE pocket_id = $1 AND activity = 'MATURITY' GROUP BY cusip`,
      [pocket],
    );
    assert.ok(maturities.length >= 1);
    for (const row of maturities) assert.equal(row.n, 1n);
    const [days] = await t.db.query<{ n: bigint; distinct_days: bigint }>(
      `SELECT count(*) AS n, count(DISTINCT business_date) AS distinct_days FROM pocket_daily_values WHERE pocket_id = $1`,
      [pocket],
    );
    assert.equal(days!.n, days!.distinct_days);
    assert.equal(await t.services.scheduler.runDue(systemContext(client.partnerId, later)), 0);
    assert.deepEqual(await checkLedgerInvariants(t.db, client.partnerId), []);
    assert.deepEqual(await checkPortfolioInvariants(t.db, client.partnerId), []);
  });
});
