import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../../platform/errors.ts';
import { MAGIC_VALUES, isMagicName, magicAchReturn } from './magic-values.ts';
import { SCENARIO_RETURN_BUSINESS_DAYS_MAX, checkScenario } from './scenarios.ts';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DomainError);
    return error.issues?.[0]?.field;
  }
  assert.fail('no error');
};

test('a rule is defaulted (one-shot, R01, 2 business days) and its fields checked against its operation', () => {
  assert.deepEqual(checkScenario({ operation: 'ach.return' }), {
    operation: 'ach.return', counterpartyId: null, direction: null, returnCode: 'R01', afterBusinessDays: 2, times: 1,
  });
  assert.equal(checkScenario({ operation: 'wire.reject', times: null }).times, null);
  assert.deepEqual(fieldOf(() => checkScenario({ operation: 'wire.reject', direction: 'DEBIT' })), ['direction']);
  assert.deepEqual(fieldOf(() => checkScenario({ operation: 'micro_deposits.fail', afterBusinessDays: 1 })), ['afterBusinessDays']);
  for (const [code, max] of Object.entries(SCENARIO_RETURN_BUSINESS_DAYS_MAX)) {
    assert.equal(checkScenario({ operation: 'ach.return', returnCode: code as 'R01', afterBusinessDays: max }).afterBusinessDays, max);
    assert.deepEqual(fieldOf(() => checkScenario({ operation: 'ach.return', returnCode: code as 'R01', afterBusinessDays: max + 1 })), ['afterBusinessDays']);
  }
});

test('magic values: each ACH amount row is found by its cents, names match whatever the case and surrounding spaces', () => {
  const cents = new Set<number>();
  for (const m of MAGIC_VALUES) {
    if (m.operation === 'ach.return') {
      assert.ok(!cents.has(m.cents), `cents ${m.cents} twice`);
      cents.add(m.cents);
      assert.equal(magicAchReturn(123_400n + BigInt(m.cents)), m);
      assert.ok(m.afterBusinessDays <= SCENARIO_RETURN_BUSINESS_DAYS_MAX[m.returnCode], `${m.returnCode} within its time frame`);
    } else {
      assert.ok(isMagicName(m.operation, `  ${m.name.toUpperCase()} `));
      assert.ok(!isMagicName(m.operation, `${m.name} Inc.`));
    }
  }
  assert.equal(magicAchReturn(500_000n), undefined);
});
