/**
 * marketDate keeps New York's date by UTC hour: every minute around both 2024 daylight-saving
 * changes, and instants 29 hours and some apart from 1970 to 2040, gives the date Intl gives for the instant itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MARKET_TIME_ZONE, marketDate, marketInstant } from './clock.ts';

const direct = new Intl.DateTimeFormat('en-CA', { timeZone: MARKET_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

test('marketDate gives the New York date of each instant, across daylight-saving changes', () => {
  const spans = [['2024-03-09T00:00:00Z', '2024-03-12T00:00:00Z'], ['2024-11-02T00:00:00Z', '2024-11-05T00:00:00Z']] as const;
  for (const [from, to] of spans) {
    for (let ms = Date.parse(from); ms < Date.parse(to); ms += 60_000) {
      // Cached hours first seen at a later minute must still hold for the earlier ones.
      const instant = new Date(ms + ((ms / 60_000) % 2 === 0 ? 0 : 59_999));
      assert.equal(marketDate(instant), direct.format(instant), instant.toISOString());
    }
  }
  for (let ms = 0; ms < Date.parse('2040-01-01T00:00:00Z'); ms += 3_600_000 * 29 + 1_234_567) {
    assert.equal(marketDate(new Date(ms)), direct.format(new Date(ms)), new Date(ms).toISOString());
  }
  assert.equal(marketDate(new Date('1960-07-01T03:30:00Z')), '1960-06-30');
});

test('marketInstant answers the same from its memory, in a Date of its own each time', () => {
  const hourOf = new Intl.DateTimeFormat('en-CA', { timeZone: MARKET_TIME_ZONE, hour: '2-digit', hourCycle: 'h23' });
  // Eastern standard and daylight time, the spring-forward and fall-back days, and past midnight.
  const cases = [['2024-01-10', 16, '2024-01-10T21:00:00.000Z'], ['2024-07-10', 16, '2024-07-10T20:00:00.000Z'],
    ['2024-03-10', 9, '2024-03-10T13:00:00.000Z'], ['2024-11-03', 16, '2024-11-03T21:00:00.000Z'], ['2024-07-10', 24, '2024-07-11T04:00:00.000Z']] as const;
  for (const [date, hours, expected] of cases) {
    const first = marketInstant(date, hours);
    assert.equal(first.toISOString(), expected, `${date} ${hours}`);
    assert.equal(direct.format(first), hours < 24 ? date : '2024-07-11');
    assert.equal(Number(hourOf.format(first)), hours % 24);
    first.setTime(0);
    assert.equal(marketInstant(date, hours).toISOString(), expected, 'a changed answer does not change the next one');
  }
});
