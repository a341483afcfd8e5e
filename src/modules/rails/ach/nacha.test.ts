import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../../platform/errors.ts';
import { type NachaEntryInput, type NachaFileInput, achTransactionCode, nachaText, writeNachaFile } from './nacha.ts';

const ENTRY: NachaEntryInput = {
  secCode: 'PPD',
  direction: 'credit',
  transactionCode: '22',
  receivingRoutingNumber: '021000021',
  accountNumber: '123456789',
  amountCents: 125_000n,
  individualId: 'EMP-0001',
  individualName: 'Ada Lovelace',
  companyName: 'Pocketbook Demo',
  companyId: '1234567890',
  companyEntryDescription: 'PAYROLL',
  effectiveEntryDate: '2026-12-01',
};

const FILE: NachaFileInput = {
  immediateDestination: '091000019',
  immediateDestinationName: 'Pocketbook ODFI Bank',
  immediateOrigin: '091000019',
  immediateOriginName: 'Pocketbook',
  odfiRoutingNumber: '091000019',
  createdAt: new Date('2026-07-01T13:05:00Z'),
  fileIdModifier: 'B',
  entries: [ENTRY],
};

/** The DomainError thrown by `fn`: its code and the path of its first field. */
function refusal(fn: () => unknown): { code: string; field: string } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
    assert.equal(error.kind, 'invalid');
    return { code: error.code, field: (error.issues?.[0]?.field ?? []).join('.') };
  }
  assert.fail('expected a refusal');
}

const withEntry = (change: Partial<NachaEntryInput>): NachaFileInput => ({ ...FILE, entries: [ENTRY, { ...ENTRY, ...change }] });

describe('transaction codes', () => {
  test('direction, account type and prenote choose the code', () => {
    assert.equal(achTransactionCode('credit', 'checking'), '22');
    assert.equal(achTransactionCode('debit', 'checking'), '27');
    assert.equal(achTransactionCode('credit', 'savings'), '32');
    assert.equal(achTransactionCode('debit', 'savings'), '37');
    assert.equal(achTransactionCode('credit', 'checking', true), '23');
    assert.equal(achTransactionCode('debit', 'checking', true), '28');
    assert.equal(achTransactionCode('credit', 'savings', true), '33');
    assert.equal(achTransactionCode('debit', 'savings', true), '38');
  });
});

describe('header fields', () => {
  test('a routing origin is written after a space; the creation time is New York time (EDT in July)', () => {
    const header = writeNachaFile(FILE).records[0]!;
    assert.equal(header.slice(3, 13), ' 091000019');
    assert.equal(header.slice(13, 23), ' 091000019');
    assert.equal(header.slice(23, 33), '2607010905'); // 13:05 UTC is 09:05 EDT
    assert.equal(header.slice(33, 34), 'B');
    assert.equal(header.slice(40, 63), 'POCKETBOOK ODFI BANK   ');
    assert.equal(header.slice(86, 94), '        ');
  });

  test('text is transliterated and upper-cased; a long Receiver name is cut to 22', () => {
    assert.equal(nachaText('José Nuñez-Straße', ['x']), 'JOSE NUNEZ-STRASSE');
    const cut = writeNachaFile(withEntry({ individualName: 'Zoë Åsa Brontë de la Montaña Grande' })).records[3]!;
    assert.equal(cut.slice(54, 76), 'ZOE ASA BRONTE DE LA M');
  });

  test('surrounding spaces are dropped, so the account stays left-justified', () => {
    const entry = writeNachaFile(withEntry({ accountNumber: '  987 ', individualId: ' ' })).records[3]!;
    assert.equal(entry.slice(12, 29), `987${' '.repeat(14)}`);
    assert.equal(entry.slice(39, 54), ' '.repeat(15));
  });
});

describe('refusals', () => {
  const cases: [string, () => unknown, string, string][] = [
    ['no entries', () => writeNachaFile({ ...FILE, entries: [] }), 'ach.no_entries', 'entries'],
    ['an amount over 10 digits', () => writeNachaFile(withEntry({ amountCents: 10_000_000_000n })), 'ach.amount_too_large', 'entries.1.amountCents'],
    ['a negative amount', () => writeNachaFile(withEntry({ amountCents: -1n })), 'ach.amount_negative', 'entries.1.amountCents'],
    ['a zero live entry', () => writeNachaFile(withEntry({ amountCents: 0n })), 'ach.amount_zero', 'entries.1.amountCents'],
    ['a prenote with an amount', () => writeNachaFile(withEntry({ transactionCode: '23', amountCents: 1n })), 'ach.prenote_amount', 'entries.1.amountCents'],
    ['a TEL entry', () => writeNachaFile(withEntry({ secCode: 'TEL' as 'WEB' })), 'ach.sec_code_invalid', 'entries.1.secCode'],
    ['a return code', () => writeNachaFile(withEntry({ transactionCode: '21' as '22' })), 'ach.transaction_code_invalid', 'entries.1.transactionCode'],
    ['a debit code on a credit', () => writeNachaFile(withEntry({ transactionCode: '27' })), 'ach.transaction_code_mismatch', 'entries.1.transactionCode'],
    ['a bad RDFI check digit', () => writeNachaFile(withEntry({ receivingRoutingNumber: '021000022' })), 'ach.routing_number_invalid', 'entries.1.receivingRoutingNumber'],
    ['an 8-digit RDFI', () => writeNachaFile(withEntry({ receivingRoutingNumber: '02100002' })), 'ach.routing_number_invalid', 'entries.1.receivingRoutingNumber'],
    ['a bad destination', () => writeNachaFile({ ...FILE, immediateDestination: '091000018' }), 'ach.routing_number_invalid', 'immediateDestination'],
    ['a bad ODFI', () => writeNachaFile({ ...FILE, odfiRoutingNumber: '091000010' }), 'ach.routing_number_invalid', 'odfiRoutingNumber'],
    ['a bad origin', () => writeNachaFile({ ...FILE, immediateOrigin: 'ABC' }), 'ach.origin_invalid', 'immediateOrigin'],
    ['a name in Chinese', () => writeNachaFile(withEntry({ individualName: '李小龙' })), 'ach.text_invalid', 'entries.1.individualName'],
    ['an emoji', () => writeNachaFile(withEntry({ companyEntryDescription: 'PAY 💸' })), 'ach.text_invalid', 'entries.1.companyEntryDescription'],
    ['a letter without decomposition', () => writeNachaFile(withEntry({ individualName: 'Ørsted' })), 'ach.text_invalid', 'entries.1.individualName'],
    ['a control character', () => writeNachaFile(withEntry({ accountNumber: '12\t34' })), 'ach.text_invalid', 'entries.1.accountNumber'],
    ['an account of 18 characters', () => writeNachaFile(withEntry({ accountNumber: '123456789012345678' })), 'ach.text_too_long', 'entries.1.accountNumber'],
    ['a company name of 17', () => writeNachaFile(withEntry({ companyName: 'POCKETBOOK DEMO X' })), 'ach.text_too_long', 'entries.1.companyName'],
    ['a description of 11', () => writeNachaFile(withEntry({ companyEntryDescription: 'ACCTVERIFYX' })), 'ach.text_too_long', 'entries.1.companyEntryDescription'],
    ['a blank account', () => writeNachaFile(withEntry({ accountNumber: '  ' })), 'ach.text_required', 'entries.1.accountNumber'],
    ['an addenda of 81', () => writeNachaFile(withEntry({ addenda: 'X'.repeat(81) })), 'ach.text_too_long', 'entries.1.addenda'],
    ['no such date', () => writeNachaFile(withEntry({ effectiveEntryDate: '2026-02-29' })), 'ach.date_invalid', 'entries.1.effectiveEntryDate'],
    ['a lower-case modifier', () => writeNachaFile({ ...FILE, fileIdModifier: 'a' }), 'ach.file_id_modifier_invalid', 'fileIdModifier'],
    ['a two-character modifier', () => writeNachaFile({ ...FILE, fileIdModifier: 'AB' }), 'ach.file_id_modifier_invalid', 'fileIdModifier'],
    ['traces past 7 digits', () => writeNachaFile({ ...FILE, firstTraceSequence: 9_999_999, entries: [ENTRY, ENTRY] }), 'ach.trace_sequence_invalid', 'firstTraceSequence'],
    ['a given trace for one entry only', () => writeNachaFile({ ...FILE, entries: [{ ...ENTRY, traceNumber: '091000010000007' }, ENTRY] }), 'ach.trace_number_invalid', 'entries.1.traceNumber'],
    ['a given trace of another ODFI', () => writeNachaFile({ ...FILE, entries: [{ ...ENTRY, traceNumber: '021000020000007' }] }), 'ach.trace_number_invalid', 'entries.0.traceNumber'],
    [
      'given traces not ascending in a batch',
      () => writeNachaFile({ ...FILE, entries: [{ ...ENTRY, traceNumber: '091000010000007' }, { ...ENTRY, traceNumber: '091000010000007' }] }),
      'ach.trace_number_invalid',
      'entries.1.traceNumber',
    ],
    [
      'a credit total over 12 digits',
      () => writeNachaFile({ ...FILE, entries: Array.from({ length: 101 }, () => ({ ...ENTRY, amountCents: 9_999_999_999n })) }),
      'ach.total_too_large',
      'entries',
    ],
  ];
  for (const [name, fn, code, field] of cases) {
    test(`refuses ${name}`, () => assert.deepEqual(refusal(fn), { code, field }));
  }

  test('given trace numbers (a received file) are written as given, their addenda follow them', () => {
    const written = writeNachaFile({
      ...FILE,
      entries: [{ ...ENTRY, traceNumber: '091000010000042', addenda: 'INVOICE 7' }, { ...ENTRY, secCode: 'CCD', traceNumber: '091000010000005' }],
    });
    assert.deepEqual(written.traceNumbers, ['091000010000042', '091000010000005']);
    assert.equal(written.records[2]!.slice(79), '091000010000042');
    assert.equal(written.records[3]!.slice(87), '0000042');
  });

  test('the largest amount and 100 of them fit', () => {
    const written = writeNachaFile({ ...FILE, entries: Array.from({ length: 100 }, () => ({ ...ENTRY, amountCents: 9_999_999_999n })) });
    assert.equal(written.totalCreditCents, 999_999_999_900n);
    assert.equal(written.records[2]!.slice(29, 39), '9999999999');
  });
});
