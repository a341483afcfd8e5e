/**
 * Sales on days the bond market is closed (docs/ENGINE.md "Selling"): an on-us transfer still runs
 * at once, and its sales are priced from the last close's rates for settlement on the next business
 * day, the settlement date they record; the days to maturity count from that date. On a business
 * day a sale settles the same day.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, getPortfolio, reallocate } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

interface SellRow {
  cusip: string;
  maturity_date: string;
  quantity: bigint;
  price_per_100: string;
  notional_cents: bigint;
  yield_to_maturity: string;
  book_date: string;
  settlement_date: string;
}

async function sales(pocketId: string): Promise<SellRow[]> {
  return t.db.query<SellRow>(
    `SELECT cusip, maturity_date, quantity, price_per_100::text, notional_cents, yield_to_maturity::text, book_date, settlement_date
       FROM trades WHERE pocket_id = $1 AND activity = 'SELL' ORDER BY trade_datetime, id`,
    [pocketId],
  );
}

/** Calendar days from `from` to `to`, by hand. */
function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/** Price per 100 in millionths, tbill-math.md section 1: 100_000_000 - round_half_up(d_milli x r x 25 / 9). */
function priceMicrosByHand(discountRateMilli: bigint, days: number): bigint {
  const ninths = discountRateMilli * BigInt(days) * 25n;
  return 100_000_000n - (ninths * 2n + 9n) / 18n;
}

/** A discount rate in percent with at most 3 decimals, in thousandths of a percent ("5.281" -> 5281n). */
function milli(rate: string): bigint {
  const [whole, fraction = ''] = rate.split('.');
  assert.ok(fraction.length <= 3, `rate ${rate}`);
  return BigInt(whole!) * 1_000n + BigInt(fraction.padEnd(3, '0'));
}

function micros(price: string): bigint {
  const [whole, fraction = ''] = price.split('.');
  return BigInt(whole!) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

describe('sales on a closed day', () => {
  test('a Saturday sale is priced for the Monday settlement it records', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocket = await createPocket(client, customerId, 'UST-4W');
    const other = await createPocket(client, customerId, 'UST-13W');
    await fund(client, pocket, 1_000_000);
    // Saturday 2024-03-09, 15:00 New York: the market last closed on Friday 2024-03-08.
    await client.advanceClock({ to: '2024-03-09T20:00:00Z' });
    const before = await getPortfolio(client, pocket);
    assert.equal(before.securities.length, 1);

    const moved = await reallocate(client, pocket, other, { type: 'FULL_WITHDRAWAL' });
    const [sale, ...more] = await sales(pocket);
    assert.equal(more.length, 0);
    // The 4-week bill bought on Tuesday 2024-03-05 (912797JL2, issued that day, due 2024-04-02).
    assert.deepEqual([sale!.cusip, sale!.maturity_date, sale!.book_date, sale!.settlement_date], ['912797JL2', '2024-04-02', '2024-03-09', '2024-03-11']);

    // By hand: Friday's daily rates (data/market/daily_bill_rates.csv, 2024-03-08) quote the
    // 4-week and 8-week bills at 5.28%, so a bill 22 days out has a mid of 5.28% (flat below the
    // shortest term); the bid adds half the spread. r = 2024-03-11 -> 2024-04-02 = 22 days.
    const days = daysBetween(sale!.settlement_date, sale!.maturity_date);
    assert.equal(days, 22);
    const bidRateMilli = 5_280n + 5n * BigInt(t.deps.config.spreadBps);
    const expected = priceMicrosByHand(bidRateMilli, days);
    if (t.deps.config.spreadBps === 0) assert.equal(expected, 99_677_333n, '100 x (1 - 0.0528 x 22 / 360) = 99.677333');
    assert.equal(micros(sale!.price_per_100), expected);
    // Priced for Friday's settlement (25 days), it would be another price.
    assert.notEqual(micros(sale!.price_per_100), priceMicrosByHand(bidRateMilli, 25));

    // The cash the customer gets is what the pocket showed it could raise settling next business day.
    assert.equal((sale!.quantity * micros(sale!.price_per_100) + 5_000n) / 10_000n, sale!.notional_cents);
    assert.equal(moved, BigInt(before.cash.value) + sale!.notional_cents);
    assert.equal(moved, BigInt(before.liquidation_value_t1.value));
    await assertSound(t.db, client.partnerId);
  });

  test('a holiday sale settles and is priced on the next business day; a business-day sale the same day', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-05-21T14:00:00Z');
    const customerId = await createCustomer(client);
    const pocket = await createPocket(client, customerId, 'UST-13W');
    const other = await createPocket(client, customerId, 'UST-4W');
    await fund(client, pocket, 3_000_000);
    const market = t.services.market;

    // Friday 2024-05-24, a business day: T+0.
    await client.advanceClock({ to: '2024-05-24T19:00:00Z' });
    await reallocate(client, pocket, other, { type: 'REQUESTED_AMOUNT', amount_usdc: 500_000 });
    // Memorial Day, Monday 2024-05-27: the market is closed; the sale settles on Tuesday.
    await client.advanceClock({ to: '2024-05-27T19:00:00Z' });
    const before = await getPortfolio(client, pocket);
    await reallocate(client, pocket, other, { type: 'REQUESTED_AMOUNT', amount_usdc: 500_000 });

    const [friday, holiday] = await sales(pocket);
    assert.deepEqual([friday!.book_date, friday!.settlement_date], ['2024-05-24', '2024-05-24']);
    assert.equal(friday!.price_per_100, market.quote(friday!.cusip, '2024-05-24').bid.pricePer100);
    assert.deepEqual([holiday!.book_date, holiday!.settlement_date], ['2024-05-27', '2024-05-28']);
    const quote = market.quote(holiday!.cusip, '2024-05-24', '2024-05-28');
    assert.equal(quote.days, daysBetween('2024-05-28', holiday!.maturity_date));
    assert.equal(holiday!.price_per_100, quote.bid.pricePer100);
    assert.equal(holiday!.yield_to_maturity, quote.bid.yieldToMaturity);
    assert.equal(micros(holiday!.price_per_100), priceMicrosByHand(milli(quote.bid.discountRate), quote.days));
    assert.notEqual(holiday!.price_per_100, market.quote(holiday!.cusip, '2024-05-24').bid.pricePer100);
    // What one unit of the bill was worth to sell that day is the pocket's own T+1 figure.
    const held = before.securities.find((s) => s.cusip === holiday!.cusip)!;
    assert.equal(BigInt(before.liquidation_value_t1.value) - BigInt(before.cash.value), (BigInt(held.quantity) * micros(quote.bid.pricePer100) + 5_000n) / 10_000n);
    await assertSound(t.db, client.partnerId);
  });
});
