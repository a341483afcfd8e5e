/** Fedwire hours on the tenant's clock (wireDate): the 17:00 New York cut-off, closed days, daylight saving. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WIRE_CUTOFF_HOURS, wireDate } from './wire.domain.ts';

// A calendar with weekends and one holiday closed (2024-07-04, a Thursday).
const calendar = {
  isBusinessDay: (date: string) => ![0, 6].includes(new Date(`${date}T12:00:00Z`).getUTCDay()) && date !== '2024-07-04',
  nextBusinessDay(date: string): string {
    let d = new Date(`${date}T12:00:00Z`);
    do d = new Date(d.getTime() + 86_400_000);
    while (!this.isBusinessDay(d.toISOString().slice(0, 10)));
    return d.toISOString().slice(0, 10);
  },
};

test('the cut-off is 17:00 New York time', () => assert.equal(WIRE_CUTOFF_HOURS, 17));

test('before the cut-off of a business day a wire goes the same day; from the cut-off, the next business day', () => {
  // Winter (EST, UTC-5): 16:59:59 and 17:00 New York on Tuesday 2024-03-05.
  assert.deepEqual(wireDate(new Date('2024-03-05T21:59:59Z'), calendar), { date: '2024-03-05', now: true });
  assert.deepEqual(wireDate(new Date('2024-03-05T22:00:00Z'), calendar), { date: '2024-03-06', now: false });
  // Summer (EDT, UTC-4): the cut-off is 21:00 UTC.
  assert.deepEqual(wireDate(new Date('2024-06-04T20:59:00Z'), calendar), { date: '2024-06-04', now: true });
  assert.deepEqual(wireDate(new Date('2024-06-04T21:00:00Z'), calendar), { date: '2024-06-05', now: false });
  // Early morning New York is the same business day (Fedwire opened at 21:00 the evening before).
  assert.deepEqual(wireDate(new Date('2024-03-05T05:30:00Z'), calendar), { date: '2024-03-05', now: true });
});

test('on a closed day, or after the cut-off before one, a wire waits for the next business day', () => {
  // Friday after the cut-off, Saturday and Sunday: Monday.
  assert.deepEqual(wireDate(new Date('2024-03-08T23:00:00Z'), calendar), { date: '2024-03-11', now: false });
  assert.deepEqual(wireDate(new Date('2024-03-09T15:00:00Z'), calendar), { date: '2024-03-11', now: false });
  assert.deepEqual(wireDate(new Date('2024-03-10T15:00:00Z'), calendar), { date: '2024-03-11', now: false });
  // A holiday morning (Independence Day), and the evening before it.
  assert.deepEqual(wireDate(new Date('2024-07-04T14:00:00Z'), calendar), { date: '2024-07-05', now: false });
  assert.deepEqual(wireDate(new Date('2024-07-03T22:00:00Z'), calendar), { date: '2024-07-05', now: false });
});
