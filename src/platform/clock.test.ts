/**
 * marketDate keeps New York's date by UTC hour: every minute around both 2024 daylight-saving
 * changes, and instants 29 hours and some apart from 1970 to 2040, gives the date Intl gives for the instant itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MARKET_TIME_ZONE, marketDate } from './clock.ts';

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
