import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AuthorizationInput, clearingSplit, decide, heldAfterReversal, holdExpiresAt, settlementDateOf } from './card.domain.ts';

const base: AuthorizationInput = {
  cardStatus: 'OPEN', cardExpiresOn: '2027-03-31', today: '2024-03-05', pocketStatus: 'OPEN', amountCents: 2_500n, counts: true,
  usage: { amountCents: 0n, count: 0 }, limits: { transactionCentsMax: 10_000n, dayCentsMax: 20_000n, dayCountMax: 3 }, availableCents: 2_500n,
};

test('the decision approves a payment the card, pocket, limits and funds allow', () => {
  assert.deepEqual(decide(base), { approved: true });
});

test('the decision checks in a fixed order and names the first failing reason', () => {
  const reason = (change: Partial<AuthorizationInput>) => {
    const d = decide({ ...base, ...change });
    return d.approved ? 'approved' : d.reason;
  };
  assert.equal(reason({ cardStatus: 'NOT_ACTIVATED', availableCents: 0n }), 'card_not_activated');
  assert.equal(reason({ cardStatus: 'LOCKED', cardExpiresOn: '2020-01-31' }), 'card_locked');
  assert.equal(reason({ cardStatus: 'FROZEN' }), 'card_frozen');
  assert.equal(reason({ cardStatus: 'CLOSED' }), 'card_closed');
  assert.equal(reason({ cardExpiresOn: '2024-03-04' }), 'expired');
  assert.equal(reason({ cardExpiresOn: '2024-03-05' }), 'approved', 'good through its last day');
  assert.equal(reason({ pocketStatus: 'FROZEN' }), 'account_disabled');
  assert.equal(reason({ amountCents: 10_001n, availableCents: 0n }), 'limit_exceeded');
  assert.equal(reason({ usage: { amountCents: 17_501n, count: 0 } }), 'limit_exceeded');
  assert.equal(reason({ usage: { amountCents: 17_500n, count: 0 } }), 'approved');
  assert.equal(reason({ usage: { amountCents: 0n, count: 3 } }), 'limit_exceeded');
  assert.equal(reason({ usage: { amountCents: 0n, count: 3 }, counts: false }), 'approved', 'an increment is not a new payment');
  assert.equal(reason({ availableCents: 2_499n }), 'insufficient_funds');
});

test('clearing, reversal and expiry arithmetic', () => {
  assert.deepEqual(clearingSplit(2_500n, 2_750n), { releaseCents: 0n, extraCents: 250n });
  assert.deepEqual(clearingSplit(2_500n, 2_000n), { releaseCents: 500n, extraCents: 0n });
  assert.deepEqual(clearingSplit(2_500n, 2_500n), { releaseCents: 0n, extraCents: 0n });
  assert.equal(heldAfterReversal(2_500n, 1_000n), 1_500n);
  assert.equal(heldAfterReversal(2_500n, 9_000n), 0n);
  assert.equal(holdExpiresAt(new Date('2024-03-05T14:00:00Z')).toISOString(), '2024-03-12T14:00:00.000Z');
  assert.equal(settlementDateOf({ nextBusinessDay: (d) => (d === '2024-03-08' ? '2024-03-11' : 'x') }, '2024-03-08'), '2024-03-11');
});
