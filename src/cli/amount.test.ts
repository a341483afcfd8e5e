import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dollarsToCents } from './amount.ts';
import { UsageError } from './errors.ts';

test('dollars on the command line become exact cents', () => {
  const cases: [string, bigint][] = [
    ['15.00', 1500n],
    ['15', 1500n],
    ['15.5', 1550n],
    ['0.01', 1n],
    // A float would read 0.29 * 100 as 28.999999999999996.
    ['0.29', 29n],
    ['1234567.89', 123456789n],
    // Beyond a float's 2^53 (as dollars*100 in a float it would round).
    ['90071992547409.91', 9007199254740991n],
  ];
  for (const [text, cents] of cases) assert.equal(dollarsToCents(text), cents, text);
});

test('anything but dollars and at most 2 decimals is a usage error naming the rule', () => {
  const refused: [string, RegExp][] = [
    ['15.001', /more than 2 decimals/],
    ['0.005', /more than 2 decimals/],
    ['-15.00', /not a dollar amount/],
    ['1e3', /not a dollar amount/],
    ['1,000.00', /not a dollar amount/],
    ['$15', /not a dollar amount/],
    ['15.', /not a dollar amount/],
    ['.50', /not a dollar amount/],
    ['', /not a dollar amount/],
    ['0.00', /zero/],
    ['90071992547409.92', /too large/],
  ];
  for (const [text, message] of refused) {
    assert.throws(() => dollarsToCents(text), (error: unknown) => error instanceof UsageError && message.test(error.message), text);
  }
});
