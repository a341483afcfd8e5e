import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, daysBetween } from '../../platform/clock.ts';
import { type FredRow, QUOTED_TERMS, type RateRow, readAuctions, readDailyRates, readFredRates, readTermAuctions } from './market.data.ts';
import { type AuctionRate, type CurvePoint, RateSeries, auctionRates, interpolate, termAuctionRate } from './rates.ts';

const auctions = auctionRates(readAuctions(), readTermAuctions());
const series = new RateSeries(readDailyRates(), readFredRates(), auctions);

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
  // 2023-11-15..2023-12-29 is missing from daily_bill_rates.csv; FRED has all three series then.
  const curve = series.curveOn('2023-12-01');
  assert.equal(curve.date, '2023-12-01');
  assert.equal(curve.source, 'fred');
  const quoted = curve.points.filter((point) => point.auctionDate === undefined);
  assert.deepEqual(quoted, [{ days: 28, rate: '5.29' }, { days: 91, rate: '5.23' }, { days: 364, rate: '4.78' }]);
});

test('a term the day\'s sources lack comes from the latest auction of that term (2024-12-26)', () => {
  // FRED has the 4- and 13-week rates only (DTB1YR is blank in late 2024, Treasury's file has no
  // row). The 8-, 17-, 26- and 52-week terms come from their latest auctions: the 52-week one is
  // the auction of 2024-12-23, 95.873472 for 365 days, i.e. 4.070% (see market.service.test.ts).
  const curve = series.curveOn('2024-12-26');
  assert.equal(curve.date, '2024-12-26');
  assert.equal(curve.source, 'fred');
  assert.deepEqual(curve.points.map((point) => point.days), [28, 56, 91, 119, 182, 364]);
  assert.deepEqual(curve.points.find((point) => point.days === 28), { days: 28, rate: '4.26' });
  assert.deepEqual(curve.points.find((point) => point.days === 91), { days: 91, rate: '4.24' });
  assert.deepEqual(curve.points.find((point) => point.days === 364), { days: 364, rate: '4.070', auctionDate: '2024-12-23' });
  for (const point of curve.points.filter((p) => p.auctionDate !== undefined)) {
    assert.ok(point.auctionDate! <= '2024-12-26' && daysBetween(point.auctionDate!, '2024-12-26') <= 7, `${point.days} days: auction ${point.auctionDate}`);
  }
  // A 365-day bill that day: flat beyond the 52-week point, at the 52-week auction rate, not the 13-week 4.24.
  assert.equal(series.midDiscountRate(365, '2024-12-26'), '4.070');
});

test('an auction older than its term\'s cycle and a week does not fill; the term stays unquoted', () => {
  // Mid-December 2025: FRED has 4 and 13 weeks; the data's latest auctions are of October 2025
  // (weekly terms) and 2025-09-30 (52 weeks), all older than the limits (14 and 35 days).
  const curve = series.curveOn('2025-12-15');
  assert.equal(curve.source, 'fred');
  assert.deepEqual(curve.points, [{ days: 28, rate: '3.62' }, { days: 91, rate: '3.56' }]);
});

test('the fill rule on made-up rows: sources first, only the same term, within the age limit', () => {
  const daily: RateRow[] = [{ date: '2024-03-01', bankDiscountByDays: new Map([[28, '5.00'], [91, '5.10'], [182, '5.05']]) }];
  const fred: FredRow[] = [
    { date: '2024-03-01', dtb4wk: '5.00', dtb3: '5.10', dtb1yr: undefined },
    { date: '2024-03-18', dtb4wk: '5.02', dtb3: undefined, dtb1yr: undefined },
  ];
  const rates: AuctionRate[] = [
    { days: 91, auctionDate: '2024-02-26', rate: '9.000' }, // the day's quote wins on 03-01
    { days: 182, auctionDate: '2024-03-04', rate: '4.990' }, // exactly 14 days before 03-18: fills it
    { days: 56, auctionDate: '2024-03-03', rate: '4.900' }, // 15 days before 03-18: too old there
    { days: 364, auctionDate: '2024-02-12', rate: '4.700' }, // 35 days before 03-18: fills it
    { days: 364, auctionDate: '2024-03-19', rate: '4.600' }, // after every row: never used
  ];
  const made = new RateSeries(daily, fred, rates);
  const first = made.curveOn('2024-03-01');
  assert.equal(first.source, 'treasury');
  assert.deepEqual(first.points, [
    { days: 28, rate: '5.00' },
    { days: 91, rate: '5.10' },
    { days: 182, rate: '5.05' },
    { days: 364, rate: '4.700', auctionDate: '2024-02-12' },
  ]);
  const later = made.curveOn('2024-03-18');
  assert.equal(later.source, 'fred');
  assert.deepEqual(later.points, [
    { days: 28, rate: '5.02' },
    { days: 182, rate: '4.990', auctionDate: '2024-03-04' },
    { days: 364, rate: '4.700', auctionDate: '2024-02-12' },
  ]);
  // No 13-week quote or current auction on 03-18: a 91-day bill is priced between the terms there
  // are, 5.02 + (4.990 - 5.02) x (91 - 28) / (182 - 28) = 5.0077272... -> 5.008.
  assert.equal(made.midDiscountRate(91, '2024-03-18'), '5.008');
});

test('term-level auction results: the rate recovered from the price is auctions.csv\'s rate wherever both have the auction', () => {
  const csv = new Map(readAuctions().map((row) => [`${row.auctionDate}|${row.term}`, row.highDiscountRate ?? row.discountRateRecovered]));
  let compared = 0;
  let recovered = 0;
  for (const row of readTermAuctions()) {
    if (!QUOTED_TERMS.some((term) => row.term === `${term.weeks}-Week`)) {
      assert.equal(termAuctionRate(row), undefined, `${row.term} is not a quoted term`);
      continue;
    }
    const rate = termAuctionRate(row);
    assert.ok(rate !== undefined, `${row.term} auctioned ${row.auctionDate}: a rate for ${row.pricePer100}`);
    recovered++;
    const known = csv.get(`${row.auctionDate}|${row.term}`);
    if (row.inAuctionsCsv && known !== undefined) {
      assert.equal(rate, known, `${row.term} auctioned ${row.auctionDate}`);
      compared++;
    }
  }
  assert.ok(compared > 600, `${compared} compared with auctions.csv`);
  assert.ok(recovered > 1_000, `${recovered} recovered`);
});

test('every date with a row quotes every term the day\'s sources give, and every term a current auction gives', () => {
  const daily = readDailyRates();
  const fred = readFredRates();
  // The rule, written out independently: per term, Treasury's rate, else FRED's, else the latest
  // auction of the term held on or before the date and at most its cycle (7 days, 28 for the
  // 52-week bill) plus 7 days old.
  const sources = new Map<string, Map<number, string>>();
  const set = (date: string, days: number, rate: string | undefined) => {
    if (rate === undefined) return;
    const day = sources.get(date) ?? new Map<number, string>();
    day.set(days, rate);
    sources.set(date, day);
  };
  for (const row of fred) {
    set(row.date, 28, row.dtb4wk);
    set(row.date, 91, row.dtb3);
    set(row.date, 364, row.dtb1yr);
  }
  for (const row of daily) for (const [days, rate] of row.bankDiscountByDays) set(row.date, days, rate);
  const byTerm = new Map(QUOTED_TERMS.map((term) => [term.days, auctions.filter((a) => a.days === term.days)]));
  const next = new Map(QUOTED_TERMS.map((term) => [term.days, 0]));
  let filled = 0;
  for (const date of [...sources.keys()].sort()) {
    const expected: CurvePoint[] = [];
    for (const term of QUOTED_TERMS) {
      const quoted = sources.get(date)!.get(term.days);
      const list = byTerm.get(term.days)!;
      let i = next.get(term.days)!;
      while (i < list.length && list[i]!.auctionDate <= date) i++;
      next.set(term.days, i);
      const latest = list[i - 1];
      if (quoted !== undefined) expected.push({ days: term.days, rate: quoted });
      else if (latest && addDays(latest.auctionDate, term.days === 364 ? 35 : 14) >= date) {
        expected.push({ days: term.days, rate: latest.rate, auctionDate: latest.auctionDate });
        filled++;
      }
    }
    const curve = series.curveOn(date);
    assert.equal(curve.date, date);
    assert.deepEqual(curve.points, expected, date);
  }
  assert.ok(filled > 100, `${filled} terms filled from auctions`);
});

test('past the last published date the last value holds; before the first there is none', () => {
  assert.equal(series.lastDate, '2026-08-12');
  assert.equal(series.curveOn('2031-06-01').date, series.lastDate);
  assert.equal(series.midDiscountRate(91, '2031-06-01'), series.midDiscountRate(91, series.lastDate));
  assert.equal(series.firstDate, '1978-01-13');
  assert.throws(() => series.midDiscountRate(91, '1978-01-12'), (error: Error & { code?: string }) =>
    error.code === 'market.no_rates' && /no T-bill rates before 1978-01-13/.test(error.message));
});
