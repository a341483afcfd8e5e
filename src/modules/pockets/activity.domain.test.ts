import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCursor, pageRequest } from '../../platform/http/index.ts';
import { DomainError } from '../../platform/errors.ts';
import { parseInstant, queryInstantRange, queryRange, scanDirection, timeIdKey, tradeStatus } from './activity.domain.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('activity domain', () => {
  test('a trade is SETTLED once its settlement date has come, or when recorded so', () => {
    assert.equal(tradeStatus('BOOKED', '2024-03-06', '2024-03-05'), 'BOOKED');
    assert.equal(tradeStatus('BOOKED', '2024-03-06', '2024-03-06'), 'SETTLED');
    assert.equal(tradeStatus('BOOKED', '2024-03-06', '2024-04-01'), 'SETTLED');
    assert.equal(tradeStatus('SETTLED', '2024-03-06', '2024-03-05'), 'SETTLED');
  });

  test('date-time filters read ISO 8601 with or without an offset, and bare dates as New York days', () => {
    assert.equal(parseInstant('x', '2024-03-05T15:00:00Z', 'from').toISOString(), '2024-03-05T15:00:00.000Z');
    assert.equal(parseInstant('x', '2024-03-05T10:00:00-05:00', 'from').toISOString(), '2024-03-05T15:00:00.000Z');
    assert.equal(parseInstant('x', '2024-03-05T10:00:00-0500', 'from').toISOString(), '2024-03-05T15:00:00.000Z');
    assert.equal(parseInstant('x', '2024-03-05T15:00:00.123456Z', 'from').toISOString(), '2024-03-05T15:00:00.123Z');
    assert.equal(parseInstant('x', '2024-03-05T15:00', 'from').toISOString(), '2024-03-05T15:00:00.000Z', 'no offset: UTC');
    assert.equal(parseInstant('x', '2024-03-05 15:00:00+00:00', 'from').toISOString(), '2024-03-05T15:00:00.000Z');
    // New York is UTC-5 in early March (before the switch on 10 March 2024), UTC-4 after.
    assert.equal(parseInstant('x', '2024-03-05', 'from').toISOString(), '2024-03-05T05:00:00.000Z');
    assert.equal(parseInstant('x', '2024-03-05', 'to').toISOString(), '2024-03-06T04:59:59.999Z');
    assert.equal(parseInstant('x', '2024-07-01', 'from').toISOString(), '2024-07-01T04:00:00.000Z');
  });

  test('unreadable date-times are 422 naming the parameter', () => {
    for (const bad of ['yesterday', '2024-02-30', '2024-03-05T25:00:00Z', '2024-13-01T00:00:00Z', '', '1709650800']) {
      assert.equal(codeOf(() => parseInstant('time_booked_from', bad, 'from')), 'activity.instant_invalid', bad);
    }
    try {
      parseInstant('time_booked_from', 'nope', 'from');
    } catch (error) {
      assert.deepEqual((error as DomainError).issues?.[0]?.field, ['time_booked_from']);
    }
  });

  test('ranges must run forward; open ends are fine', () => {
    assert.equal(queryRange('a_from', undefined, 'a_to', undefined), undefined);
    assert.deepEqual(queryRange('a_from', '2024-03-01', 'a_to', undefined), { from: '2024-03-01', to: undefined });
    assert.deepEqual(queryRange('a_from', 5n, 'a_to', 5n), { from: 5n, to: 5n });
    assert.equal(codeOf(() => queryRange('a_from', '2024-03-02', 'a_to', '2024-03-01')), 'activity.range_reversed');
    assert.equal(codeOf(() => queryRange('amount_from', 10n, 'amount_to', 9n)), 'activity.range_reversed');
    assert.equal(codeOf(() => queryInstantRange('t_from', '2024-03-05T12:00:00Z', 't_to', '2024-03-05T11:59:59Z')), 'activity.range_reversed');
    // A bare date as both ends covers that whole day.
    const day = queryInstantRange('t_from', '2024-03-05', 't_to', '2024-03-05');
    assert.ok(day?.from && day.to && day.from < day.to);
  });

  test('cursor keys must be (time, uuid); anything else is 422', () => {
    const id = '0b7c9a52-7d43-4d1e-9b7e-2f3c4d5e6f70';
    const good = pageRequest({ cursor: encodeCursor(['2024-03-05T15:00:00.123456Z', id], false) });
    assert.deepEqual(timeIdKey(good), { time: '2024-03-05T15:00:00.123456Z', id });
    assert.equal(timeIdKey(pageRequest({})), undefined);
    for (const key of [['2024-03-05T15:00:00Z'], ['2024-03-05T15:00:00Z', 'x'], [1, id], ['2024-03-05', id], ['2024-03-05T15:00:00Z', id, 3]]) {
      const page = pageRequest({ cursor: encodeCursor(key as (string | number)[], false) });
      assert.equal(codeOf(() => timeIdKey(page)), 'activity.cursor_invalid', JSON.stringify(key));
    }
  });

  test('the scan runs in the list order, reversed when walking back', () => {
    const forward = { after: undefined, backward: false, limit: 2 };
    const backward = { after: ['t', 'i'], backward: true, limit: 2 };
    assert.equal(scanDirection('desc', forward), 'DESC');
    assert.equal(scanDirection('asc', forward), 'ASC');
    assert.equal(scanDirection('desc', backward), 'ASC');
    assert.equal(scanDirection('asc', backward), 'DESC');
  });
});
