import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays } from '../../platform/clock.ts';
import { Decimal, fixed } from '../../money/index.ts';
import { MARKET_DATA_DIR, QUOTED_TERMS, loadMarketData, readCsv } from './market.data.ts';
import { STRATEGY_IDS } from './market.types.ts';
import { STRATEGY_TERMS, TbillMarket } from './market.service.ts';
import { investmentRateExact, percentToFraction, pricePer100 } from './pricing.ts';

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
    assert.equal(strategy.discount_yield, ask.discountYield);
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
    discountRate: '5.183',
    pricePer100: pricePer100('5.183', 55),
    discountYield: '0.0518',
    yieldToMaturity: percentToFraction(investmentRateExact(pricePer100('5.183', 55), 55, '2024-08-16')),
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

test('the 52-week bill bought on 2024-12-26 is priced from the 52-week auction, not from the 13-week rate', () => {
  // Treasury's daily file has no rows from 2024-11-06 to 2024-12-31 and FRED's DTB1YR is blank
  // then, so the day's quotes stop at 13 weeks. Treasury auctioned the 52-week bill on Monday
  // 2024-12-23 at 95.873472 (auction_results_term_level.csv); it was issued Thursday 2024-12-26 and
  // matures Friday 2025-12-26 (Thursday 2025-12-25 is Christmas): 365 days. Its high discount rate,
  // recovered from the price (tbill-math.md section 1):
  //   d = (100 - 95.873472) x 360 / 365 = 4.126528 x 360 / 365 = 1485.55008 / 365 = 4.0700002... -> 4.070
  // Bought on its issue date for same-day settlement, 365 days to maturity:
  //   P = 100 x (1 - 0.04070 x 365/360) = 100 - 4.1265277... = 95.8734722... -> 95.873472,
  // Treasury's own auction price. The 13-week rate of FRED that day, 4.24, gave
  //   100 x (1 - 0.0424 x 365/360) = 100 - 4.2988888... = 95.701111.
  const bill = market.billToBuy('UST-52W', '2024-12-26');
  assert.equal(bill.issueDate, '2024-12-26');
  assert.equal(bill.maturityDate, '2025-12-26');
  const quote = market.quote(bill.cusip, '2024-12-26');
  assert.equal(quote.days, 365);
  assert.equal(quote.midDiscountRate, '4.070');
  assert.equal(quote.ask.pricePer100, '95.873472');
  assert.equal(market.strategies('2024-12-26')[4]!.discount_yield, '0.0407');
});

test('13-week on 2024-02-29: yield_to_maturity 0.0539, rounded once from the exact investment rate', () => {
  // 912797HS9, issued 2024-02-29, 91 days; Treasury's 13-week bank discount rate that day: 5.25.
  //   P = 100 x (1 - 0.0525 x 91/360) = 100 - 1.3270833... = 98.672917 (6 dp)
  // y = 365 (the year after 2024-02-29 holds no 29 February), 91 <= 183 days: simple formula
  //   i = (100 - 98.672917) / 98.672917 x 365/91 x 100 = 0.0134493... x 4.0109890... x 100 = 5.394505...%
  // Once, as a fraction: 0.05394505 -> 0.0539, Treasury's coupon equivalent that day (5.39).
  // Rounded twice (to 5.395%, then 0.05395 -> 0.0540) it was a unit too high.
  const quote = market.quote('912797HS9', '2024-02-29');
  assert.equal(quote.days, 91);
  assert.equal(quote.ask.pricePer100, '98.672917');
  assert.equal(quote.ask.yieldToMaturity, '0.0539');
  assert.equal(quote.ask.discountYield, '0.0525');
  const strategy = market.strategies('2024-02-29').find((s) => s.id === 'UST-13W')!;
  assert.equal(market.billToBuy('UST-13W', '2024-02-29').cusip, '912797HS9');
  assert.equal(strategy.yield_to_maturity, '0.0539');
  assert.equal(strategy.discount_yield, '0.0525');
});

test('every quoted day and term of 2024 against Treasury\'s daily rates: yields rounded once', () => {
  const columns = ['date', ...QUOTED_TERMS.flatMap((term) => [`bank_discount_${term.weeks}w`, `coupon_equiv_${term.weeks}w`])];
  const rows = readCsv(MARKET_DATA_DIR, 'daily_bill_rates.csv', columns).filter((row) => row.date!.startsWith('2024-'));
  const HALF_UNIT = new Decimal('0.00005');
  let quotes = 0;
  let fromPublished = 0;
  let couponEqual = 0;
  for (const row of rows) {
    const date = row.date!;
    for (const term of QUOTED_TERMS) {
      const published = row[`bank_discount_${term.weeks}w`];
      if (!published) continue;
      const issue = market.master.latestIssue(`${term.weeks}-Week`, date);
      assert.ok(issue, `${term.weeks}-week bill outstanding on ${date}`);
      const quote = market.quote(issue.cusip, date);
      const label = `${term.weeks}-week ${issue.cusip} on ${date} (${quote.days} days)`;
      quotes++;
      // Rounded once, a yield is within half a unit of its 4th decimal of the exact value.
      const exact = investmentRateExact(quote.ask.pricePer100, quote.days, date).dividedBy(100);
      assert.ok(exact.minus(quote.ask.yieldToMaturity).abs().lte(HALF_UNIT), `${label}: yield ${quote.ask.yieldToMaturity}, exact ${exact.toString()}`);
      assert.ok(new Decimal(quote.ask.discountRate).dividedBy(100).minus(quote.ask.discountYield).abs().lte(HALF_UNIT), label);
      if (quote.days !== term.days) continue;
      // The bill has exactly the term's days, so it is priced from exactly the published rate.
      fromPublished++;
      assert.equal(quote.midDiscountRate, fixed(published, 3), label);
      assert.equal(quote.ask.discountYield, fixed(new Decimal(published).dividedBy(100), 4), label);
      // Treasury's coupon equivalent is computed from the market price of the bill (for next-day
      // settlement), which the 2-decimal discount rate only rounds: within 0.005% of our price's
      // rate, so the two investment rates, each rounded to 0.01%, are at most a unit apart.
      const coupon = new Decimal(row[`coupon_equiv_${term.weeks}w`]!).dividedBy(100);
      const apart = coupon.minus(quote.ask.yieldToMaturity).abs();
      assert.ok(apart.lte('0.0001'), `${label}: yield ${quote.ask.yieldToMaturity}, Treasury's coupon equivalent ${coupon.toString()}`);
      if (apart.isZero()) couponEqual++;
    }
  }
  // Six terms a day on the 213 days of 2024 in Treasury's file (no 6-week then); each weekly term
  // issues a bill on about 40 of those days and the 52-week one on about 10, the days on which
  // the bill bought has exactly the term's days.
  assert.ok(quotes > 1_200, `${quotes} quotes`);
  assert.ok(fromPublished > 150, `${fromPublished} quotes at a published rate`);
  // Both rates round nearly the same exact value once, half up, so most agree to the unit (with
  // the yield rounded twice, through 3 decimals of a percent, fewer than 80% did).
  assert.ok(couponEqual > fromPublished * 0.8, `${couponEqual} of ${fromPublished} equal Treasury's coupon equivalent`);
});
