import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDailyRates, readFredRates } from './market.data.ts';
import { RateSeries, interpolate } from './rates.ts';

const series = new RateSeries(readDailyRates(), readFredRates());

test('section 9 example: 55 days on 2024-08-15 interpolates 4w 5.26 and 8w 5.18 to 5.182857 -> 5.183', () => {
  const curve = series.curveOn('2024-08-15');
  assert.equal(curve.source, 'treasury');
  assert.equal(interpolate(curve.points, 55).toDecimalPlaces(6).toFixed(6), '5.182857');
  assert.equal(series.midDiscountRate(55, '2024-08-15'), '5.183');
  assert.equal(series.midDiscountRate(28, '2024-08-15'), '5.260');
  assert.equal(series.midDiscountRate(56, '2024-08-15'), '5.180');
});

test('flat beyond the shortest and the longest quoted term', () => {
  const curve = series.curveOn('2024-08-15');
  const first = curve.points[0]!;
  const last = curve.points[curve.points.length - 1]!;
  assert.equal(first.days, 28);
  assert.equal(last.days, 364);
  assert.equal(series.midDiscountRate(3, '2024-08-15'), series.midDiscountRate(28, '2024-08-15'));
  assert.equal(series.midDiscountRate(365, '2024-08-15'), series.midDiscountRate(364, '2024-08-15'));
});

test('a weekend or holiday uses the latest row before it', () => {
  assert.equal(series.curveOn('2024-08-17').date, '2024-08-16');
  assert.equal(series.curveOn('2024-11-28').date, '2024-11-27');
});

test('FRED fills the gaps of the daily rates with the 4-, 13- and 52-week terms', () => {
  // 2023-11-15..2023-12-29 is missing from daily_bill_rates.csv.
  const curve = series.curveOn('2023-12-01');
  assert.equal(curve.date, '2023-12-01');
  assert.equal(curve.source, 'fred');
  assert.deepEqual(curve.points.map((p) => p.days), [28, 91, 364]);
  // After 2025-11-14 FRED's 4-week and 3-month series go on (DTB1YR stopped in 2024).
  const later = series.curveOn('2026-03-02');
  assert.equal(later.source, 'fred');
  assert.deepEqual(later.points.map((p) => p.days), [28, 91]);
});

test('past the last published date the last value holds; before the first there is none', () => {
  assert.equal(series.lastDate, '2026-08-12');
  assert.equal(series.curveOn('2031-06-01').date, series.lastDate);
  assert.equal(series.midDiscountRate(91, '2031-06-01'), series.midDiscountRate(91, series.lastDate));
  assert.equal(series.firstDate, '1978-01-13');
  assert.throws(() => series.midDiscountRate(91, '1978-01-12'), (error: Error & { code?: string }) =>
    error.code === 'market.no_rates' && /no T-bill rates before 1978-01-13/.test(error.message));
});
