import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MarketCalendar } from './calendar.ts';
import { readHolidays } from './market.data.ts';

const calendar = new MarketCalendar(
  readHolidays().filter((row) => !row.bondSettlementDay).map((row) => ({ date: row.date, name: row.name })),
);

test('holidays, closures and open days of holidays.csv', () => {
  assert.equal(calendar.isBusinessDay('2024-11-28'), false, 'Thanksgiving 2024');
  assert.equal(calendar.closureName('2024-11-28'), 'Thanksgiving Day');
  assert.equal(calendar.isBusinessDay('2026-04-03'), false, 'Good Friday 2026: noon close, not a settlement day');
  assert.equal(calendar.isBusinessDay('2023-11-10'), true, 'Veterans Day observed on a Friday: bonds traded');
  assert.equal(calendar.isBusinessDay('2024-10-14'), false, 'Columbus Day: bond market closed');
  assert.equal(calendar.isBusinessDay('2024-12-24'), true, 'early close only');
  assert.equal(calendar.isBusinessDay('2025-01-09'), true, 'National Day of Mourning: SIFMA early close');
  assert.equal(calendar.isBusinessDay('2024-11-29'), true);
});

test('weekends are closed; outside 2023-2027 only weekends are known', () => {
  assert.equal(calendar.isBusinessDay('2024-11-30'), false);
  assert.equal(calendar.closureName('2024-12-01'), 'weekend');
  assert.equal(calendar.isBusinessDay('2022-11-24'), true, 'Thanksgiving 2022 is outside the holiday data');
  assert.equal(calendar.isBusinessDay('2028-12-25'), true, 'Christmas 2028 is outside the holiday data');
});

test('stepping over closures', () => {
  assert.equal(calendar.nextBusinessDay('2024-11-27'), '2024-11-29');
  assert.equal(calendar.previousBusinessDay('2024-12-02'), '2024-11-29');
  assert.equal(calendar.onOrBefore('2024-11-30'), '2024-11-29');
  assert.equal(calendar.onOrBefore('2024-11-29'), '2024-11-29');
  assert.equal(calendar.onOrAfter('2024-11-28'), '2024-11-29');
  assert.equal(calendar.onOrAfter('2026-04-03'), '2026-04-06');
  assert.equal(calendar.previousBusinessDay('2026-04-06'), '2026-04-02');
  assert.equal(calendar.onOrBefore('2024-12-25'), '2024-12-24');
  assert.equal(calendar.businessDaysBetween('2024-11-27', '2024-12-02'), 2);
  assert.throws(() => calendar.onOrAfter('2024-02-30'), /not a date/);
});
