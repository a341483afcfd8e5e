import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays } from '../../platform/clock.ts';
import { loadMarketData } from './market.data.ts';
import { STRATEGY_IDS } from './market.types.ts';
import { STRATEGY_TERMS, TbillMarket } from './market.service.ts';
import { investmentRate, percentToFraction, pricePer100 } from './pricing.ts';

const data = loadMarketData();
const market = new TbillMarket(data, { spreadBps: 0 });
const withSpread = new TbillMarket(data, { spreadBps: 2 });

test('billToBuy on 2024-03-05 picks the real on-the-run bills of auctions.csv', () => {
  const date = '2024-03-05';
  const expected = { 'UST-1W': '912797JH1', 'UST-4W': '912797JL2', 'UST-13W': '912797HS9', 'UST-26W': '912797KD8', 'UST-52W': '912797KA4' };
  for (const id of STRATEGY_IDS) assert.equal(market.billToBuy(id, date).cusip, expected[id], id);

  // The same, found directly in the rows of auctions.csv.
  for (const [id, term] of Object.entries(STRATEGY_TERMS)) {
    const latest = data.auctions
      .filter((row) => row.term === term && row.issueDate <= date && row.maturityDate > date)
      .sort((a, b) => (a.issueDate < b.issueDate ? 1 : -1))[0]!;
    assert.equal(expected[id as keyof typeof expected], latest.cusip, id);
  }
  const oneWeek = data.auctions
    .filter((row) => row.issueDate <= date && row.maturityDate >= addDays(date, 7))
    .sort((a, b) => (a.maturityDate < b.maturityDate ? -1 : 1))[0]!;
  assert.equal(oneWeek.cusip, expected['UST-1W']);
  assert.equal(oneWeek.maturityDate, '2024-03-12');
});

test('billToBuy in the synthetic years and past the horizon', () => {
  const bill = market.billToBuy('UST-13W', '2025-06-10');
  assert.equal(bill.synthetic, true);
  assert.ok(bill.issues.some((issue) => issue.term === '13-Week' && issue.issueDate === '2025-06-05'));
  for (const id of STRATEGY_IDS) {
    const late = market.billToBuy(id, '2030-12-31');
    assert.ok(late.maturityDate > '2030-12-31', id);
    assert.ok(market.quote(late.cusip, '2030-12-31').days >= 7);
  }
  assert.throws(() => market.billToBuy('UST-4W', '2034-06-01'), (error: Error & { code?: string }) =>
    error.code === 'market.no_bill' && /securities master ends/.test(error.message));
});

test('strategies: five ids, Jiko descriptions, ask-side yields as 4-decimal fractions', () => {
  const date = '2024-03-05';
  const strategies = market.strategies(date);
  assert.deepEqual(strategies.map((s) => s.id), ['UST-1W', 'UST-4W', 'UST-13W', 'UST-26W', 'UST-52W']);
  assert.equal(strategies[1]!.description, 'US T-bills, 4-week, Buy-and-hold');
  for (const strategy of strategies) {
    assert.match(strategy.yield_to_maturity, /^0\.\d{4}$/);
    assert.match(strategy.discount_yield, /^0\.\d{4}$/);
    assert.deepEqual(strategy.applicable_to, ['DEPOSIT', 'REINVESTMENT']);
    const { ask } = market.quote(market.billToBuy(strategy.id, date).cusip, date);
    assert.equal(strategy.yield_to_maturity, ask.yieldToMaturity);
    assert.equal(strategy.discount_yield, percentToFraction(ask.discountRate));
  }
  // 13-week on 2024-03-05: 86 days left, between the 8- and 13-week rates of that day.
  const q = market.quote('912797HS9', date);
  assert.equal(q.days, 86);
  assert.equal(strategies[2]!.discount_yield, percentToFraction(q.midDiscountRate));
});

test('quote: section 9 sale of 912797KT3 for T+1 settlement, with a 2 bp spread', () => {
  const quote = withSpread.quote('912797KT3', '2024-08-15', '2024-08-16');
  assert.equal(quote.days, 55);
  assert.equal(quote.midDiscountRate, '5.183');
  assert.deepEqual(quote.mid, {
    discountRate: '5.183', pricePer100: pricePer100('5.183', 55), yieldToMaturity: percentToFraction(investmentRate(pricePer100('5.183', 55), 55, '2024-08-16')),
  });
  assert.equal(quote.bid.discountRate, '5.193');
  assert.equal(quote.ask.discountRate, '5.173');
  assert.equal(quote.bid.pricePer100, pricePer100('5.193', 55));
  assert.equal(quote.ask.pricePer100, pricePer100('5.173', 55));
  assert.ok(quote.bid.pricePer100 < quote.mid.pricePer100 && quote.mid.pricePer100 < quote.ask.pricePer100);
  // Without a spread the three sides are the same.
  const flat = market.quote('912797KT3', '2024-08-15', '2024-08-16');
  assert.deepEqual(flat.bid, flat.mid);
  assert.deepEqual(flat.ask, flat.mid);
  assert.equal(flat.mid.pricePer100, '99.208153');
});

test('quote errors: unknown bill, matured bill', () => {
  assert.throws(() => market.quote('912797ZZZ', '2024-08-15'), (e: Error & { code?: string }) => e.code === 'market.unknown_security');
  assert.throws(() => market.quote('912797KT3', '2024-10-10'), (e: Error & { code?: string }) => e.code === 'market.matured');
  assert.equal(market.quote('912797KT3', '2024-10-09').days, 1);
});
