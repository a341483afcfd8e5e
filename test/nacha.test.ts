/**
 * NACHA files written by the ACH rail, read back by an independent validator
 * (test/support/nacha-validator.ts, which shares no code with the writer). Expected fields are
 * worked out by hand from the record layouts, not copied from the writer's output.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type NachaEntryInput, type NachaFileInput, writeNachaFile } from '../src/modules/rails/ach/index.ts';
import { validateNacha } from './support/nacha-validator.ts';

/** The worked example of the NACHA digest: one mixed (200) PPD batch, a credit and a debit, padded to 10. */
const EXAMPLE = [
  '101 09100001912345678902611301502A094101POCKETBOOK ODFI BANK   POCKETBOOK DEMO INC            ',
  '5200POCKETBOOK DEMO                     1234567890PPDPAYROLL   DEC 01261201   1091000010000001',
  '622021000021123456789        0000125000EMP-0001       ADA LOVELACE            0091000010000001',
  '63701140153355512345         0000007510EMP-0002       ALAN TURING             0091000010000002',
  '820000000200032401550000000075100000001250001234567890                         091000010000001',
  '9000001000001000000020003240155000000007510000000125000                                       ',
  ...Array.from({ length: 4 }, () => '9'.repeat(94)),
];
const exampleText = `${EXAMPLE.join('\n')}\n`;

/** Replaces `text` at 1-based position `at` of line `line` (1-based). */
function mutate(lines: readonly string[], line: number, at: number, text: string): string {
  const copy = [...lines];
  const record = copy[line - 1]!;
  copy[line - 1] = record.slice(0, at - 1) + text + record.slice(at - 1 + text.length);
  return `${copy.join('\n')}\n`;
}

describe('the independent validator', () => {
  test('accepts the reference example and reads its totals', () => {
    const { errors, file } = validateNacha(exampleText);
    assert.deepEqual(errors, []);
    assert.equal(file?.batches.length, 1);
    assert.equal(file?.entryHash, 2100002n + 1140153n);
    assert.equal(file?.totalDebitCents, 7510n);
    assert.equal(file?.totalCreditCents, 125000n);
    assert.equal(file?.blockCount, 1);
  });

  test('rejects broken copies of the example', () => {
    const cases: [string, string, RegExp][] = [
      ['an amount changed', mutate(EXAMPLE, 3, 30, '0000125001'), /batch total credit/],
      ['a bad check digit', mutate(EXAMPLE, 3, 12, '2'), /check digit/],
      ['no padding', `${EXAMPLE.slice(0, 6).join('\n')}\n`, /not padded/],
      ['traces out of order', mutate(mutate(EXAMPLE, 3, 80, '091000010000003').trimEnd().split('\n'), 4, 80, '091000010000001'), /ascend/],
      ['a prenote with an amount', mutate(EXAMPLE, 3, 2, '23'), /prenote carries an amount/],
      ['a debit in a credits-only batch', mutate(mutate(EXAMPLE, 2, 2, '220').trimEnd().split('\n'), 5, 2, '220'), /credits-only/],
      ['a wrong block count', mutate(EXAMPLE, 6, 8, '000002'), /block count/],
      ['an addenda indicator without addenda', mutate(EXAMPLE, 3, 79, '1'), /indicator 1 without addenda/],
      ['a short record', exampleText.replace('ADA LOVELACE            0', 'ADA LOVELACE           0'), /record length 93/],
      ['a trace number used twice', mutate(EXAMPLE, 4, 80, '091000010000001'), /not unique/],
      ['a wrong entry hash', mutate(EXAMPLE, 5, 11, '0003240156'), /batch entry hash/],
    ];
    for (const [name, text, expected] of cases) {
      const { errors } = validateNacha(text);
      assert.ok(errors.some((e) => expected.test(e)), `${name}: ${JSON.stringify(errors)}`);
    }
  });
});

/** The example's file header fields; created 2026-11-30 15:02 in New York (EST, UTC-5). */
const EXAMPLE_FILE: Omit<NachaFileInput, 'entries'> = {
  immediateDestination: '091000019',
  immediateDestinationName: 'Pocketbook ODFI Bank',
  immediateOrigin: '1234567890',
  immediateOriginName: 'Pocketbook Demo Inc',
  odfiRoutingNumber: '091000019',
  createdAt: new Date('2026-11-30T20:02:00Z'),
  fileIdModifier: 'A',
};

const PAYROLL = {
  secCode: 'PPD',
  companyName: 'Pocketbook Demo',
  companyId: '1234567890',
  companyEntryDescription: 'PAYROLL',
  companyDescriptiveDate: 'DEC 01',
  effectiveEntryDate: '2026-12-01',
} as const;

const ADA: NachaEntryInput = {
  ...PAYROLL,
  direction: 'credit',
  transactionCode: '22',
  receivingRoutingNumber: '021000021',
  accountNumber: '123456789',
  amountCents: 125_000n,
  individualId: 'EMP-0001',
  individualName: 'Ada Lovelace',
};

const ALAN: NachaEntryInput = {
  ...PAYROLL,
  direction: 'debit',
  transactionCode: '37',
  receivingRoutingNumber: '011401533',
  accountNumber: '55512345',
  amountCents: 7_510n,
  individualId: 'EMP-0002',
  individualName: 'Alan Turing',
};

describe('writeNachaFile, checked by the validator', () => {
  test("the example's entries: byte-exact header and entries, one batch per side", () => {
    const written = writeNachaFile({ ...EXAMPLE_FILE, entries: [ADA, ALAN] });
    assert.deepEqual(validateNacha(written.text).errors, []);
    // The writer never mixes sides in a batch, so the example's 200 batch becomes a 220 and a 225.
    assert.deepEqual(written.records, [
      EXAMPLE[0],
      EXAMPLE[1]!.replace(/^5200/, '5220'),
      EXAMPLE[2],
      `8220000001${'0002100002'}${'0'.repeat(12)}${'000000125000'}1234567890${' '.repeat(25)}091000010000001`,
      EXAMPLE[1]!.replace(/^5200/, '5225').replace(/0000001$/, '0000002'),
      EXAMPLE[3],
      `8225000001${'0001140153'}${'000000007510'}${'0'.repeat(12)}1234567890${' '.repeat(25)}091000010000002`,
      `9000002000001000000020003240155000000007510000000125000${' '.repeat(39)}`,
      '9'.repeat(94),
      '9'.repeat(94),
    ]);
    assert.deepEqual(written.traceNumbers, ['091000010000001', '091000010000002']);
    assert.equal(written.text, `${written.records.join('\n')}\n`);
  });

  test('PPD credits with an addenda and a prenote, a CCD debit batch, a WEB debit batch', () => {
    const ccd = { ...PAYROLL, secCode: 'CCD', companyEntryDescription: 'INVOICE', companyDescriptiveDate: '' } as const;
    const web = { ...PAYROLL, secCode: 'WEB', companyEntryDescription: 'Funding TX', companyDescriptiveDate: '' } as const;
    const acme = { ...ccd, direction: 'debit', transactionCode: '27', individualName: 'Acme Supplies LLC' } as const;
    const entries: NachaEntryInput[] = [
      { ...ADA, addenda: 'Salary for November' },
      { ...acme, receivingRoutingNumber: '026009593', accountNumber: 'ACME-77', amountCents: 980_000n, individualId: 'INV-12' },
      { ...ADA, transactionCode: '23', amountCents: 0n, individualId: 'EMP-0003', individualName: 'Grace Hopper', accountNumber: '99887766' },
      {
        ...web,
        direction: 'debit',
        transactionCode: '37',
        receivingRoutingNumber: '011401533',
        accountNumber: '4455',
        amountCents: 2_500_00n,
        individualId: 'CUST-9',
        individualName: 'Edsger Dijkstra',
      },
      { ...acme, receivingRoutingNumber: '021000021', accountNumber: 'ACME-78', amountCents: 1n, individualId: 'INV-13', addenda: 'INV 13' },
    ];
    const written = writeNachaFile({ ...EXAMPLE_FILE, entries });
    const { errors, file } = validateNacha(written.text);
    assert.deepEqual(errors, []);
    assert.ok(file);
    assert.deepEqual(
      file.batches.map((b) => [b.batchNumber, b.secCode, b.serviceClassCode, b.entries.map((e) => e.transactionCode).join(',')]),
      [
        [1, 'PPD', '220', '22,23'],
        [2, 'CCD', '225', '27,27'],
        [3, 'WEB', '225', '37'],
      ],
    );
    // Traces run through the file in the order written: batch by batch.
    assert.deepEqual(written.traceNumbers, ['091000010000001', '091000010000003', '091000010000002', '091000010000005', '091000010000004']);
    assert.deepEqual(file.batches[0]!.entries[0]!.addenda, ['SALARY FOR NOVEMBER']);
    assert.equal(file.batches[0]!.entries[1]!.amountCents, 0n);
    assert.equal(file.batches[2]!.companyEntryDescription, 'FUNDING TX');
    // Hand sums: RDFIs 02100002 (x3), 02600959, 01140153; debits 9,800.00 + 0.01 + 2,500.00; credits 1,250.00.
    assert.equal(file.entryHash, 3n * 2100002n + 2600959n + 1140153n);
    assert.equal(file.totalDebitCents, 980_000n + 1n + 250_000n);
    assert.equal(file.totalCreditCents, 125_000n);
    assert.equal(file.entryAddendaCount, 5 + 2);
    // 1 + 3 batches x 2 + 5 entries + 2 addenda + 1 = 15 records: two blocks, five padding records.
    assert.equal(written.records.length, 20);
    assert.equal(file.blockCount, 2);
    assert.equal(written.records.filter((r) => r === '9'.repeat(94)).length, 5);
  });

  test('the entry hash keeps the low-order 10 digits', () => {
    // 120 entries at RDFI 99999999: 120 x 99,999,999 = 11,999,999,880, written 1999999880.
    const entry: NachaEntryInput = { ...ADA, receivingRoutingNumber: '999999992', amountCents: 1n };
    const written = writeNachaFile({ ...EXAMPLE_FILE, entries: Array.from({ length: 120 }, () => entry) });
    const { errors, file } = validateNacha(written.text);
    assert.deepEqual(errors, []);
    assert.equal(file?.entryHash, 1_999_999_880n);
    assert.equal(written.records.find((r) => r.startsWith('8'))!.slice(10, 20), '1999999880');
    assert.equal(written.records.find((r) => r.startsWith('9'))!.slice(21, 31), '1999999880');
  });

  for (const [records, entries, padding, blocks] of [
    [10, 6, 0, 1],
    [11, 7, 9, 2],
    [20, 16, 0, 2],
  ] as const) {
    test(`${records} records before padding (${entries} entries): ${padding} padding records, ${blocks} blocks`, () => {
      const written = writeNachaFile({ ...EXAMPLE_FILE, entries: Array.from({ length: entries }, () => ADA) });
      const { errors, file } = validateNacha(written.text);
      assert.deepEqual(errors, []);
      assert.equal(written.records.length, records + padding);
      assert.equal(written.records.filter((r) => r === '9'.repeat(94)).length, padding);
      assert.equal(file?.blockCount, blocks);
      assert.equal(written.blockCount, blocks);
      assert.equal(written.records[records - 1]!.slice(0, 1), '9');
    });
  }

  test('random files pass the validator, with totals equal to the sums of their entries', () => {
    const routings = ['021000021', '011401533', '026009593', '091000019', '999999992'];
    const entry = fc.record({
      secCode: fc.constantFrom('PPD', 'CCD', 'WEB'),
      direction: fc.constantFrom('credit', 'debit'),
      savings: fc.boolean(),
      prenote: fc.boolean(),
      routing: fc.constantFrom(...routings),
      amountCents: fc.bigInt({ min: 1n, max: 9_999_999_999n }),
      addenda: fc.option(fc.string({ minLength: 0, maxLength: 80 }).map((text) => text.replace(/[^ -~]/g, 'x')), { nil: undefined }),
      description: fc.constantFrom('PAYROLL', 'ACCTVERIFY', 'Funding TX'),
    });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 9_000_000 }), (drawn, firstTraceSequence) => {
        const entries: NachaEntryInput[] = drawn.map((d, i) => ({
          ...ADA,
          secCode: d.secCode,
          direction: d.direction,
          transactionCode: `${d.savings ? 3 : 2}${d.direction === 'credit' ? (d.prenote ? 3 : 2) : d.prenote ? 8 : 7}` as NachaEntryInput['transactionCode'],
          receivingRoutingNumber: d.routing,
          amountCents: d.prenote ? 0n : d.amountCents,
          individualId: `ID-${i}`,
          companyEntryDescription: d.description,
          ...(d.addenda === undefined ? {} : { addenda: d.addenda }),
        }));
        const written = writeNachaFile({ ...EXAMPLE_FILE, firstTraceSequence, entries });
        const { errors, file } = validateNacha(written.text);
        assert.deepEqual(errors, []);
        const sum = (side: string) => entries.filter((e) => e.direction === side).reduce((total, e) => total + e.amountCents, 0n);
        assert.equal(file?.totalCreditCents, sum('credit'));
        assert.equal(file?.totalDebitCents, sum('debit'));
        assert.equal(file?.entryHash, entries.reduce((total, e) => total + BigInt(e.receivingRoutingNumber.slice(0, 8)), 0n) % 10_000_000_000n);
        assert.equal(file?.entryAddendaCount, entries.length + entries.filter((e) => e.addenda !== undefined).length);
        assert.equal(new Set(written.traceNumbers).size, entries.length);
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});
