import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abaCheckDigit, isValidRoutingNumber, PORTAL_ROUTING_NUMBER } from '../rails/portal/index.ts';
import type { BusinessCalendar } from '../market/index.ts';
import { addDays, weekday } from '../../platform/clock.ts';
import { earningsWindow } from '../pockets/index.ts';
import { planSale, priceMicros, takeFromLots, unitsAffordable, unitsToRaise, unitsValueCents } from './portfolio.domain.ts';

test('unit cost is units x price in cents, rounded half up', () => {
  assert.equal(priceMicros('99.588556'), 99_588_556n);
  assert.equal(unitsValueCents(1n, '99.588556'), 9_959n); // 9958.8556 cents
  assert.equal(unitsValueCents(100n, '98.664069'), 986_641n); // $9,866.4069 -> $9,866.41
  assert.equal(unitsValueCents(0n, '98.664069'), 0n);
});

test('unitsAffordable buys the most whole units that fit and leaves less than one unit', () => {
  const price = '99.588556';
  for (const cash of [0n, 9_958n, 9_959n, 1_000_000n, 5_000_000n, 4_999_999n, 123_456_789n]) {
    const units = unitsAffordable(cash, price);
    assert.ok(unitsValueCents(units, price) <= cash, `fits: ${cash}`);
    assert.ok(unitsValueCents(units + 1n, price) > cash, `largest: ${cash}`);
    assert.ok(cash - unitsValueCents(units, price) < unitsValueCents(1n, price) + 1n);
  }
  assert.equal(unitsAffordable(9_958n, price), 0n);
  assert.equal(unitsAffordable(9_959n, price), 1n);
  // Rounding half up can let one more unit fit than plain division says: 0.5 cent rounds down here.
  assert.equal(unitsAffordable(9_999n, '99.994000'), 1n);
});

test('unitsToRaise is the fewest units whose proceeds reach the need', () => {
  const price = '99.500000';
  for (const need of [1n, 9_950n, 9_951n, 1_000_000n]) {
    const units = unitsToRaise(need, price);
    assert.ok(unitsValueCents(units, price) >= need);
    assert.ok(units === 0n || unitsValueCents(units - 1n, price) < need);
  }
});

test('planSale sells nearest maturity first, whole units, just enough', () => {
  const holdings = [
    { cusip: 'B', maturityDate: '2024-06-01', units: 100n, bidPer100: '98.000000' },
    { cusip: 'A', maturityDate: '2024-04-01', units: 10n, bidPer100: '99.500000' },
  ];
  const plan = planSale(holdings, 150_000n)!;
  assert.deepEqual(plan.sales.map((s) => [s.cusip, s.units]), [['A', 10n], ['B', 6n]]);
  // A: 10 x 99.50 = $995.00; need $505 more from B at $98.00 a unit: 6 units = $588 (5 = $490).
  assert.equal(plan.sales[0]!.proceedsCents, 99_500n);
  assert.equal(plan.sales[1]!.proceedsCents, 6n * 9_800n);
  assert.ok(plan.proceedsCents >= 150_000n);
  assert.ok(plan.proceedsCents - 150_000n < 9_800n);
  assert.equal(planSale(holdings, 99_500n + 100n * 9_800n + 1n), undefined);
  assert.deepEqual(planSale(holdings, 0n)?.sales, []);
});

test('takeFromLots takes oldest first with proportional cost, rounding kept by the rest', () => {
  const lots = [
    { id: 'old', units: 3n, costCents: 29_000n },
    { id: 'new', units: 10n, costCents: 99_001n },
  ];
  assert.deepEqual(takeFromLots(lots, 5n), [
    { id: 'old', units: 3n, costCents: 29_000n },
    { id: 'new', units: 2n, costCents: 19_800n },
  ]);
  assert.throws(() => takeFromLots(lots, 14n));
});

test('routing numbers carry a valid ABA check digit', () => {
  assert.equal(abaCheckDigit('02100002'), 1); // a published routing number, 021000021
  assert.ok(isValidRoutingNumber('021000021'));
  assert.ok(!isValidRoutingNumber('021000022'));
  assert.ok(isValidRoutingNumber(PORTAL_ROUTING_NUMBER));
});

/** Weekdays are business days except the listed holidays. */
function calendarWith(holidays: string[]): BusinessCalendar {
  const is = (date: string) => weekday(date) !== 0 && weekday(date) !== 6 && !holidays.includes(date);
  const step = (date: string, by: number) => {
    let d = addDays(date, by);
    while (!is(d)) d = addDays(d, by);
    return d;
  };
  return {
    isBusinessDay: is,
    nextBusinessDay: (d) => step(d, 1),
    previousBusinessDay: (d) => step(d, -1),
    onOrAfter: (d) => (is(d) ? d : step(d, 1)),
    onOrBefore: (d) => (is(d) ? d : step(d, -1)),
  };
}

test('earnings windows: period starts, clamping to the pocket, business-day ends', () => {
  const calendar = calendarWith(['2024-01-01']);
  // Saturday 2024-03-16: the end moves back to Friday.
  const wtd = earningsWindow(calendar, { period: 'wtd', today: '2024-03-16', pocketStart: '2024-01-10' });
  assert.deepEqual(wtd, { dateFrom: '2024-03-11', dateTo: '2024-03-15', baseDate: '2024-03-08', endDate: '2024-03-15' });
  const ytd = earningsWindow(calendar, { period: 'ytd', today: '2024-03-14', pocketStart: '2023-06-01' });
  assert.deepEqual(ytd, { dateFrom: '2024-01-01', dateTo: '2024-03-14', baseDate: '2023-12-29', endDate: '2024-03-14' });
  const mtd = earningsWindow(calendar, { period: 'mtd', today: '2024-03-14', pocketStart: '2024-03-05' });
  assert.equal(mtd.dateFrom, '2024-03-05');
  assert.equal(mtd.baseDate, '2024-03-04');
  const range = earningsWindow(calendar, { period: 'range', today: '2024-03-14', pocketStart: '2024-01-02', dateFrom: '2024-02-01', dateTo: '2024-12-31' });
  assert.deepEqual(range, { dateFrom: '2024-02-01', dateTo: '2024-03-14', baseDate: '2024-01-31', endDate: '2024-03-14' });
});
