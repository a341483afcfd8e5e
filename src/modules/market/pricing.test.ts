import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decimal, fixed } from '../../money/index.ts';
import { addDays } from '../../platform/clock.ts';
import { MARKET_DATA_DIR, readAuctions, readCsv } from './market.data.ts';
import {
  daysInYear,
  discountRateFromPrice,
  investmentRate,
  investmentRateExact,
  percentToFraction,
  priceMicros,
  pricePer100,
  yieldToMaturityFraction,
} from './pricing.ts';

const auctions = readAuctions();
const SIX_DECIMALS = /^\d+\.\d{6}$/;

// The fifteen worked examples of tbill-math.md section 8: CUSIP, issue, maturity, days, y,
// discount rate (published, or recovered from the price), price, investment rate.
const WORKED_EXAMPLES = [
  ['912797HU4', '2023-11-14', '2023-12-12', 28, 366, '5.290', '99.588556', '5.400'],
  ['912797GN1', '2023-11-16', '2024-02-15', 91, 366, '5.285', '98.664069', '5.446'],
  ['912797FH5', '2023-11-16', '2024-05-16', 182, 366, '5.270', '97.335722', '5.504'],
  ['912796ZN2', '2023-11-16', '2023-12-28', 42, 366, '5.290', '99.382833', '5.412'],
  ['912797SQ1', '2026-01-13', '2026-02-10', 28, 365, '3.550', '99.723889', '3.609'],
  ['912797PM3', '2026-01-08', '2026-02-19', 42, 365, '3.560', '99.584667', '3.624'],
  ['912797SY4', '2026-01-13', '2026-03-10', 56, 365, '3.540', '99.449333', '3.609'],
  ['912797SL2', '2026-01-08', '2026-04-09', 91, 365, '3.540', '99.105167', '3.622'],
  ['912797TR8', '2026-01-13', '2026-05-12', 119, 365, '3.510', '98.839750', '3.601'],
  ['912797RF6', '2026-01-08', '2026-07-09', 182, 365, '3.475', '98.243194', '3.586'],
  ['912797TM9', '2026-01-22', '2027-01-21', 364, 365, '3.390', '96.572333', '3.528'],
  ['912796XY0', '2022-08-11', '2023-08-10', 364, 365, '3.200', '96.764444', '3.325'],
  ['912797HP5', '2023-11-30', '2024-11-29', 365, 366, '4.935', '94.996458', '5.214'],
  ['912796Z28', '2023-11-24', '2024-02-22', 90, 366, '5.270', '98.682500', '5.429'],
  ['912797HP5', '2024-05-30', '2024-11-29', 183, 365, '5.170', '97.371917', '5.383'],
] as const;

test('the 15 worked examples of tbill-math.md section 8', () => {
  for (const [cusip, issue, maturity, days, y, rate, price, investment] of WORKED_EXAMPLES) {
    const label = `${cusip} issued ${issue}`;
    assert.equal(daysInYear(issue), y, `${label}: y`);
    assert.equal(pricePer100(rate, days), price, `${label}: price`);
    assert.equal(discountRateFromPrice(price, days), rate, `${label}: rate from price`);
    assert.equal(investmentRate(price, days, issue), investment, `${label}: investment rate`);
    const row = auctions.find((a) => a.cusip === cusip && a.issueDate === issue);
    assert.ok(row, `${label}: in auctions.csv`);
    assert.equal(row.maturityDate, maturity);
    assert.equal(row.days, days);
  }
  assert.equal(WORKED_EXAMPLES.length, 15);
});

test('the quadratic matters past 183 days, and the simple formula at 183 (tbill-math.md section 2)', () => {
  // 912797TM9: the simple formula would give 3.559%.
  assert.equal(fixed(new Decimal(100).minus('96.572333').dividedBy('96.572333').times(365).dividedBy(364).times(100), 3), '3.559');
  assert.equal(investmentRate('96.572333', 364, '2026-01-22'), '3.528');
  // The 26-week bill auctioned 2025-06-23 ran 183 days: 4.267 published (the quadratic gives 4.266).
  assert.equal(investmentRate('97.905667', 183, '2025-06-26'), '4.267');
  assert.equal(investmentRateExact('97.905667', 183, '2025-06-26').toFixed(4), '4.2666');
});

test('y: 366 when the year after the basis date contains 29 February', () => {
  assert.equal(daysInYear('2023-03-01'), 366);
  assert.equal(daysInYear('2023-02-28'), 365);
  assert.equal(daysInYear('2024-02-28'), 366);
  assert.equal(daysInYear('2024-02-29'), 365, 'the basis date itself does not count (912797HS9)');
  assert.equal(daysInYear('2024-03-01'), 365);
  assert.equal(daysInYear('2027-12-31'), 366);
});

test('every 6-decimal price of auctions.csv with a published or recovered rate is reproduced', () => {
  let checked = 0;
  for (const row of auctions) {
    const rate = row.highDiscountRate ?? row.discountRateRecovered;
    if (rate === undefined || row.pricePer100 === undefined || !SIX_DECIMALS.test(row.pricePer100)) continue;
    assert.equal(pricePer100(rate, row.days), row.pricePer100, `${row.cusip} auctioned ${row.auctionDate}`);
    // Both forms of the formula agree: the exact integer one and 40-digit decimals.
    const viaDecimal = fixed(new Decimal(100).minus(new Decimal(rate).times(row.days).dividedBy(360)), 6);
    assert.equal(viaDecimal, row.pricePer100);
    checked++;
  }
  assert.equal(checked, 4394);
});

test('every published discount rate gives the published price', () => {
  const rows = auctions.filter((row) => row.highDiscountRate !== undefined);
  for (const row of rows) {
    assert.equal(pricePer100(row.highDiscountRate!, row.days), row.pricePer100, `${row.cusip} auctioned ${row.auctionDate}`);
  }
  assert.equal(rows.length, 856);
});

test('the --price direction: every 6-decimal price gives back its 3-decimal rate', () => {
  let checked = 0;
  for (const row of auctions) {
    if (row.pricePer100 === undefined || !SIX_DECIMALS.test(row.pricePer100)) continue;
    const expected = row.highDiscountRate ?? row.discountRateRecovered;
    assert.equal(discountRateFromPrice(row.pricePer100, row.days), expected, `${row.cusip} auctioned ${row.auctionDate}`);
    checked++;
  }
  assert.equal(checked, 4394);
  // A price no 3-decimal rate reaches.
  assert.equal(discountRateFromPrice('99.500000', 28), undefined);
});

test('every published investment rate of auctions.csv is reproduced', () => {
  const rows = auctions.filter((row) => row.highInvestmentRate !== undefined);
  for (const row of rows) {
    assert.ok(row.pricePer100 && SIX_DECIMALS.test(row.pricePer100), `${row.cusip}: 6-decimal price`);
    assert.equal(investmentRate(row.pricePer100, row.days, row.issueDate), row.highInvestmentRate, `${row.cusip} auctioned ${row.auctionDate}`);
  }
  assert.equal(rows.length, 1503);
});

test('term-level auction results (no dates): each price round-trips and gives the published investment rate for some day count near the nominal', () => {
  const NOMINAL_DAYS: Record<string, number> = {
    '4-Week': 28, '6-Week': 42, '42-Day': 42, '8-Week': 56, '13-Week': 91, '17-Week': 119, '119-Day': 119, '26-Week': 182, '52-Week': 364,
  };
  const rows = readCsv(MARKET_DATA_DIR, 'auction_results_term_level.csv', ['auction_date', 'security_term', 'high_investment_rate', 'price_per_100']);
  let matched = 0;
  let considered = 0;
  for (const row of rows) {
    const nominal = NOMINAL_DAYS[row.security_term!];
    if (nominal === undefined) continue;
    considered++;
    const issue = addDays(row.auction_date!, 3);
    const ok = [0, -1, 1, -2, 2].some((shift) => {
      const days = nominal + shift;
      return discountRateFromPrice(row.price_per_100!, days) !== undefined
        && investmentRate(row.price_per_100!, days, issue) === row.high_investment_rate;
    });
    if (ok) matched++;
  }
  assert.ok(considered > 1_100, `${considered} rows of regular terms`);
  assert.equal(matched, considered);
});

test('integer form and fraction helpers', () => {
  assert.equal(priceMicros(5290n, 28), 99_588_556n);
  assert.equal(pricePer100('0', 28), '100.000000');
  assert.equal(pricePer100('5.1825', 55), fixed(new Decimal(100).minus(new Decimal('5.1825').times(55).dividedBy(360)), 6));
  assert.equal(percentToFraction('5.400'), '0.0540');
  assert.equal(percentToFraction('5.405'), '0.0541');
  // 98.672917 over 91 days from 2024-02-29 is 5.394505...%: once 0.0539; through 5.395%, 0.0540.
  assert.equal(yieldToMaturityFraction('98.672917', 91, '2024-02-29'), '0.0539');
  assert.equal(percentToFraction(investmentRate('98.672917', 91, '2024-02-29')), '0.0540');
  assert.throws(() => pricePer100('5.29', 0), /positive integer/);
});
