/**
 * A year of one funded pocket on real 2024 Treasury data, driven by the test clock: the first
 * buy is checked against Treasury's formula by hand, every maturity pays par and rolls over, the
 * earnings of sub-periods add up to the year's, and the ledger stays sound throughout.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, getPortfolio } from './support/fixtures.ts';

let t: TestApp;
let client: PartnerClient;
let pocketId: string;
const DEPOSIT_CENTS = 1_000_000;

before(async () => {
  t = await startTestApp();
  client = await newPartner(t);
  await client.setClock('2024-01-02T15:00:00Z');
  const customerId = await createCustomer(client);
  pocketId = await createPocket(client, customerId, 'UST-4W');
});
after(async () => t.close());

test('a deposit on 2024-01-02 buys the 4-week bill issued that day at the day\'s rate', async () => {
  await fund(client, pocketId, DEPOSIT_CENTS);
  const portfolio = await getPortfolio(client, pocketId);
  // 912797JB4 was issued 2024-01-02 and matures 2024-01-30 (28 days). The 4-week bank discount
  // rate that day was 5.28%, so the price is 100 x (1 - 0.0528 x 28/360) = 99.589333 (6 dp), and
  // 100 units of $100 face cost 100 x 99.589333 x 100 cents = 995,893 cents (half up).
  assert.equal(portfolio.securities.length, 1);
  const [bill] = portfolio.securities;
  assert.equal(bill?.cusip, '912797JB4');
  assert.equal(bill?.quantity, 100);
  assert.equal(bill?.maturity_date, '2024-01-30');
  assert.equal(bill?.ask, '99.589333');
  assert.equal(portfolio.cash.value, DEPOSIT_CENTS - 995_893);
  assert.equal(portfolio.total_value.value, portfolio.cash.value + (bill?.market_value.value ?? 0));
  await assertSound(t.db, client.partnerId);
});

test('through 2024 every maturity pays par and rolls into the next 4-week bill', async () => {
  const clock = await client.advanceClock({ to: '2024-12-31T21:00:00Z' });
  assert.equal(clock.business_date, '2024-12-31');
  await assertSound(t.db, client.partnerId);

  const trades = await t.db.query<{ activity: string; cusip: string; quantity: bigint; notional_cents: bigint; book_date: string; maturity_date: string; price_per_100: string }>(
    `SELECT activity, cusip, quantity, notional_cents, book_date, maturity_date, price_per_100::text AS price_per_100
       FROM trades WHERE partner_id = $1 ORDER BY trade_datetime, id`,
    [client.partnerId],
  );
  const maturities = trades.filter((trade) => trade.activity === 'MATURITY');
  const buys = trades.filter((trade) => trade.activity === 'BUY');
  // 4-week bills bought 2024-01-02 onward mature every four weeks: 13 maturities by year end.
  assert.equal(maturities.length, 13);
  assert.equal(buys.length, 14);
  for (const maturity of maturities) {
    assert.equal(maturity.notional_cents, maturity.quantity * 10_000n, 'par is $100 a unit');
    assert.equal(maturity.book_date, maturity.maturity_date, 'real bills mature on business days');
    assert.equal(Number(maturity.price_per_100), 100);
    const rollover = buys.find((buy) => buy.book_date === maturity.book_date);
    assert.ok(rollover, `a buy on ${maturity.book_date}`);
    assert.ok(rollover.quantity >= maturity.quantity, 'the whole par is reinvested, growing the position');
  }
  for (const buy of buys) assert.ok(buy.maturity_date > buy.book_date);

  const portfolio = await getPortfolio(client, pocketId);
  const unitCost = Number(portfolio.securities[0]?.ask ?? '100') * 100;
  assert.ok(portfolio.cash.value < unitCost, 'cash left is less than one unit');
  // 4-week bills yielded about 5.3% for most of 2024 and about 4.5% late in the year.
  const earned = portfolio.total_value.value - DEPOSIT_CENTS;
  assert.ok(earned > 48_000 && earned < 54_000, `a year of 4-week bills earned ${earned} cents`);
  assert.equal(portfolio.all_time_earnings.value, earned);
});

test('earnings of sub-periods add up to the year\'s', async () => {
  const get = async (query: string) => {
    const response = await client.get(`/api/v2/pockets/${pocketId}/earnings/?${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as { earnings: { value: number }; date_from: string | null; date_to: string };
  };
  const allTime = await get('period=all-time');
  const ytd = await get('period=ytd');
  const firstHalf = await get('period=range&date_from=2024-01-01&date_to=2024-06-30');
  const secondHalf = await get('period=range&date_from=2024-07-01&date_to=2024-12-31');
  const december = await get('period=mtd');
  assert.equal(allTime.date_to, '2024-12-31');
  assert.equal(ytd.earnings.value, allTime.earnings.value, 'the pocket started this year');
  assert.equal(firstHalf.earnings.value + secondHalf.earnings.value, allTime.earnings.value);
  assert.ok(december.earnings.value > 0 && december.earnings.value < secondHalf.earnings.value);
  const portfolio = await getPortfolio(client, pocketId);
  assert.equal(allTime.earnings.value, portfolio.all_time_earnings.value);
});
