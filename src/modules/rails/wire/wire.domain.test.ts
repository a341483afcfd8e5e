/**
 * The wire messages' own rules, without a validator: amounts rendered from cents without floats,
 * New York creation times, and every value the schema cannot carry refused with a coded domain
 * error naming the field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../../../platform/errors.ts';
import { type OutgoingWire, buildPacs004, buildPacs008, formatAmount, isValidIban, newYorkDateTime } from './index.ts';

const WIRE: OutgoingWire = {
  uetr: '8a562c67-ca16-48ba-b074-65581be6f011',
  messageId: 'MSG-1',
  instructionId: 'INSTR-1',
  createdAt: new Date('2026-11-30T15:15:00Z'),
  settlementDate: '2026-11-30',
  amountCents: 100n,
  chargeBearer: 'SLEV',
  debtor: { name: 'Debtor', postalAddress: { townName: 'San Francisco', country: 'US' } },
  debtorAccount: { kind: 'other', id: '800012345678' },
  debtorAgent: { kind: 'aba', routingNumber: '091000019' },
  creditorAgent: { kind: 'aba', routingNumber: '021000021' },
  creditor: { name: 'Creditor' },
  creditorAccount: { kind: 'other', id: '123456789' },
};

/** Asserts that `build` throws the domain error `code` about `field`. */
function refuses(build: () => unknown, code: string, field: readonly (string | number)[]): void {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof DomainError, `not a DomainError: ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.kind, 'invalid');
    assert.deepEqual(error.issues?.[0]?.field, field);
    return true;
  });
}

test('amounts in cents are written as dollars with two decimals, exactly', () => {
  assert.equal(formatAmount(1n, ['a']), '0.01');
  assert.equal(formatAmount(5n, ['a']), '0.05');
  assert.equal(formatAmount(100n, ['a']), '1.00');
  assert.equal(formatAmount(2_500_000n, ['a']), '25000.00');
  // Beyond a double's exact integers: 2^53 + 1 cents.
  assert.equal(formatAmount(9_007_199_254_740_993n, ['a']), '90071992547409.93');
  assert.equal(formatAmount(999_999_999_999_999_999n, ['a']), '9999999999999999.99');
  refuses(() => formatAmount(10n ** 18n, ['amountCents']), 'wires.amount_out_of_range', ['amountCents']);
  refuses(() => formatAmount(0n, ['amountCents']), 'wires.amount_out_of_range', ['amountCents']);
  refuses(() => formatAmount(-1n, ['amountCents']), 'wires.amount_out_of_range', ['amountCents']);
});

test('creation times are New York time with the offset of the day', () => {
  assert.equal(newYorkDateTime(new Date('2026-01-15T17:00:00.999Z')), '2026-01-15T12:00:00-05:00');
  assert.equal(newYorkDateTime(new Date('2026-07-15T03:30:00Z')), '2026-07-14T23:30:00-04:00');
});

test('IBAN check digits are verified (ISO 13616 mod 97)', () => {
  assert.equal(isValidIban('DE89370400440532013000'), true);
  assert.equal(isValidIban('GB82WEST12345698765432'), true);
  assert.equal(isValidIban('DE88370400440532013000'), false);
  assert.equal(isValidIban('de89370400440532013000'), false);
});

test('a pacs.008 is refused, naming the field, when a value cannot be represented', () => {
  refuses(() => buildPacs008({ ...WIRE, creditor: { name: 'x'.repeat(141) } }), 'wires.text_too_long', ['creditor', 'name']);
  assert.doesNotThrow(() => buildPacs008({ ...WIRE, creditor: { name: 'x'.repeat(140) } }));
  refuses(() => buildPacs008({ ...WIRE, creditor: { name: 'Café Zoë' } }), 'wires.character_not_allowed', ['creditor', 'name']);
  refuses(() => buildPacs008({ ...WIRE, remittanceInformation: 'line\nbreak' }), 'wires.character_not_allowed', ['remittanceInformation']);
  refuses(() => buildPacs008({ ...WIRE, debtor: { name: '   ' } }), 'wires.text_empty', ['debtor', 'name']);
  refuses(
    () => buildPacs008({ ...WIRE, debtor: { name: 'D', postalAddress: { townName: 'T', country: 'usa' } } }),
    'wires.bad_format',
    ['debtor', 'postalAddress', 'country'],
  );
  refuses(() => buildPacs008({ ...WIRE, messageId: 'M'.repeat(36) }), 'wires.text_too_long', ['messageId']);
  refuses(() => buildPacs008({ ...WIRE, uetr: WIRE.uetr.toUpperCase() }), 'wires.bad_format', ['uetr']);
  refuses(() => buildPacs008({ ...WIRE, uetr: '8a562c67-ca16-18ba-b074-65581be6f011' }), 'wires.bad_format', ['uetr']);
  refuses(() => buildPacs008({ ...WIRE, settlementDate: '2026-02-30' }), 'wires.bad_format', ['settlementDate']);
  refuses(() => buildPacs008({ ...WIRE, amountCents: 0n }), 'wires.amount_out_of_range', ['amountCents']);
  refuses(() => buildPacs008({ ...WIRE, currency: 'EUR' }), 'wires.currency_not_supported', ['currency']);
  refuses(() => buildPacs008({ ...WIRE, chargeBearer: 'BOTH' as never }), 'wires.code_not_allowed', ['chargeBearer']);
  refuses(
    () => buildPacs008({ ...WIRE, creditorAgent: { kind: 'aba', routingNumber: '021000022' } }),
    'wires.bad_format',
    ['creditorAgent', 'routingNumber'],
  );
  refuses(() => buildPacs008({ ...WIRE, creditorAgent: { kind: 'bic', bic: 'DEUTDEFF1' } }), 'wires.bad_format', ['creditorAgent', 'bic']);
  refuses(
    () => buildPacs008({ ...WIRE, creditorAccount: { kind: 'iban', iban: 'DE88370400440532013000' } }),
    'wires.bad_format',
    ['creditorAccount', 'iban'],
  );
  refuses(() => buildPacs008({ ...WIRE, creditorAccount: { kind: 'other', id: '1'.repeat(35) } }), 'wires.text_too_long', ['creditorAccount', 'id']);
});

test('a pacs.004 is refused for an unknown reason, NARR without text, or more than the original amount', () => {
  const base = { original: WIRE, messageId: 'R-1', returnId: 'R-1', createdAt: new Date('2026-12-01T15:00:00Z'), settlementDate: '2026-12-01' };
  refuses(() => buildPacs004({ ...base, reason: 'XX99' as never }), 'wires.code_not_allowed', ['reason']);
  refuses(() => buildPacs004({ ...base, reason: 'NARR' }), 'wires.text_empty', ['additionalInformation']);
  refuses(() => buildPacs004({ ...base, reason: 'AC04', returnedAmountCents: 101n }), 'wires.amount_out_of_range', ['returnedAmountCents']);
  refuses(() => buildPacs004({ ...base, reason: 'AC04', additionalInformation: 'x'.repeat(106) }), 'wires.text_too_long', ['additionalInformation']);
  assert.match(buildPacs004({ ...base, reason: 'AC04', returnedAmountCents: 100n }), /<RtrdIntrBkSttlmAmt Ccy="USD">1\.00<\/RtrdIntrBkSttlmAmt>/);
});
