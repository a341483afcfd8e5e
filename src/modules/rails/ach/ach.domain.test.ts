import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MarketCalendar } from '../../market/index.ts';
import { returnInTime, settlementDateOf } from './ach.domain.ts';

// Rule closures only (no one-off closures): enough for 2024.
const calendar = new MarketCalendar([]);

test('settlement date: same business day under $25,000 before 12:00 ET, else the next business day', () => {
  // Tuesday 5 March 2024 is EST (UTC-5); Friday 8 March; Monday 11 March (EDT from 10 March).
  assert.equal(settlementDateOf(calendar, new Date('2024-03-05T16:59:59Z'), 2_499_999n), '2024-03-05');
  assert.equal(settlementDateOf(calendar, new Date('2024-03-05T16:59:59Z'), 2_500_000n), '2024-03-06');
  assert.equal(settlementDateOf(calendar, new Date('2024-03-05T17:00:00Z'), 100n), '2024-03-06');
  assert.equal(settlementDateOf(calendar, new Date('2024-03-08T18:00:00Z'), 100n), '2024-03-11', 'after noon on a Friday: Monday');
  assert.equal(settlementDateOf(calendar, new Date('2024-03-09T14:00:00Z'), 100n), '2024-03-11', 'a Saturday morning: Monday');
  assert.equal(settlementDateOf(calendar, new Date('2024-07-04T13:00:00Z'), 100n), '2024-07-05', 'Independence Day: the next business day');
});

test('return time frames: two business days after settlement, R10 sixty calendar days', () => {
  assert.equal(returnInTime(calendar, 'R01', '2024-03-07', '2024-03-11'), true, 'Thursday + 2 business days is Monday');
  assert.equal(returnInTime(calendar, 'R01', '2024-03-07', '2024-03-12'), false);
  assert.equal(returnInTime(calendar, 'R10', '2024-03-07', '2024-05-06'), true);
  assert.equal(returnInTime(calendar, 'R10', '2024-03-07', '2024-05-07'), false);
});
