/**
 * ISO 20022 wire messages checked by an independent validator: each pacs.008 and pacs.004 that
 * the wire module writes is validated against the ISO schema (libxml2's XSD validation through
 * xmllint-wasm), and its key fields are read back by XPath over a separate parser (@xmldom/xmldom).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import fc from 'fast-check';
import { validateXML } from 'xmllint-wasm';
import * as xpath from 'xpath';
import {
  type OutgoingWire,
  PACS004_NAMESPACE,
  PACS004_VERSION,
  PACS008_NAMESPACE,
  PACS008_VERSION,
  buildPacs004,
  buildPacs008,
} from '../src/modules/rails/wire/index.ts';

const SCHEMAS = new URL('../data/iso20022/', import.meta.url);
const schema = (version: string) => ({ fileName: `${version}.xsd`, contents: readFileSync(new URL(`${version}.xsd`, SCHEMAS), 'utf8') });

async function validate(xml: string, version: string) {
  const result = await validateXML({ xml: { fileName: 'message.xml', contents: xml }, schema: schema(version) });
  return { valid: result.valid, errors: result.errors.map((error) => error.message) };
}

/** The text of the single node `expression` selects (prefix `p:` for the message's namespace). */
function reader(xml: string, namespace: string) {
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const select = xpath.useNamespaces({ p: namespace });
  return (expression: string): string => {
    const nodes = select(expression, document as unknown as Parameters<typeof select>[1]) as unknown as { textContent: string | null; value?: string }[];
    assert.equal(nodes.length, 1, `${expression} selects ${nodes.length} nodes`);
    return nodes[0]!.value ?? nodes[0]!.textContent ?? '';
  };
}

const DOMESTIC: OutgoingWire = {
  uetr: '8a562c67-ca16-48ba-b074-65581be6f011',
  messageId: '20261130POCKBK01000042',
  instructionId: 'PB-WIRE-000042',
  endToEndId: 'INV-2026-1130',
  createdAt: new Date('2026-11-30T15:15:00Z'),
  settlementDate: '2026-11-30',
  amountCents: 2_500_000n,
  chargeBearer: 'SLEV',
  debtor: {
    name: 'Smith & Sons <Holdings> "East"',
    postalAddress: { streetName: 'Market Street', buildingNumber: '100', postCode: '94105', townName: 'San Francisco', countrySubDivision: 'CA', country: 'US' },
  },
  debtorAccount: { kind: 'other', id: '800012345678' },
  debtorAgent: { kind: 'aba', routingNumber: '091000019' },
  creditorAgent: { kind: 'aba', routingNumber: '021000021', name: 'Receiving Bank' },
  creditor: { name: 'Acme Supplies LLC', postalAddress: { streetName: 'Broadway', buildingNumber: '1', postCode: '10004', townName: 'New York', country: 'US' } },
  creditorAccount: { kind: 'other', id: '123456789' },
  remittanceInformation: 'Invoice 2026-1130 net 30 & <more>',
};

const INTERNATIONAL: OutgoingWire = {
  uetr: 'e0b3f9a2-1c4d-4f5e-9a7b-3c2d1e0f9a8b',
  messageId: '20261201POCKBK01000043',
  instructionId: 'PB-WIRE-000043',
  createdAt: new Date('2026-07-01T13:05:09Z'),
  settlementDate: '2026-07-01',
  amountCents: 1_234_567n,
  chargeBearer: 'SHAR',
  debtor: { name: 'Pocketbook Demo Inc', postalAddress: { townName: 'San Francisco', country: 'US' } },
  debtorAccount: { kind: 'other', id: '800012345678' },
  debtorAgent: { kind: 'aba', routingNumber: '091000019' },
  instructedAgent: { kind: 'aba', routingNumber: '021000021', name: 'US Correspondent' },
  intermediaryAgent: { kind: 'aba', routingNumber: '021000021' },
  creditorAgent: { kind: 'bic', bic: 'DEUTDEFFXXX' },
  creditor: { name: 'Beispiel GmbH', postalAddress: { streetName: 'Hauptstrasse', buildingNumber: '5', postCode: '60311', townName: 'Frankfurt', country: 'DE' } },
  creditorAccount: { kind: 'iban', iban: 'DE89370400440532013000' },
  remittanceInformation: 'Order 77',
};

test('a domestic wire with ABA agents is a valid pacs.008.001.08 carrying the wire', async () => {
  const xml = buildPacs008(DOMESTIC);
  assert.deepEqual(await validate(xml, PACS008_VERSION), { valid: true, errors: [] });
  const at = reader(xml, PACS008_NAMESPACE);
  const tx = '/p:Document/p:FIToFICstmrCdtTrf/p:CdtTrfTxInf';
  assert.equal(at('/p:Document/p:FIToFICstmrCdtTrf/p:GrpHdr/p:MsgId'), '20261130POCKBK01000042');
  assert.equal(at('/p:Document/p:FIToFICstmrCdtTrf/p:GrpHdr/p:CreDtTm'), '2026-11-30T10:15:00-05:00');
  assert.equal(at('/p:Document/p:FIToFICstmrCdtTrf/p:GrpHdr/p:NbOfTxs'), '1');
  assert.equal(at('/p:Document/p:FIToFICstmrCdtTrf/p:GrpHdr/p:SttlmInf/p:ClrSys/p:Cd'), 'FDW');
  assert.equal(at(`${tx}/p:PmtId/p:UETR`), DOMESTIC.uetr);
  assert.equal(at(`${tx}/p:PmtId/p:EndToEndId`), 'INV-2026-1130');
  assert.equal(at(`${tx}/p:IntrBkSttlmAmt`), '25000.00');
  assert.equal(at(`${tx}/p:IntrBkSttlmAmt/@Ccy`), 'USD');
  assert.equal(at(`${tx}/p:IntrBkSttlmDt`), '2026-11-30');
  assert.equal(at(`${tx}/p:InstdAmt`), '25000.00');
  assert.equal(at(`${tx}/p:ChrgBr`), 'SLEV');
  assert.equal(at(`${tx}/p:InstgAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId`), '091000019');
  assert.equal(at(`${tx}/p:InstdAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId`), '021000021');
  assert.equal(at(`${tx}/p:DbtrAgt/p:FinInstnId/p:ClrSysMmbId/p:ClrSysId/p:Cd`), 'USABA');
  assert.equal(at(`${tx}/p:DbtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId`), '091000019');
  assert.equal(at(`${tx}/p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:ClrSysId/p:Cd`), 'USABA');
  assert.equal(at(`${tx}/p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId`), '021000021');
  assert.equal(at(`${tx}/p:CdtrAgt/p:FinInstnId/p:Nm`), 'Receiving Bank');
  // Markup characters in names and remittance text are escaped, and read back unchanged.
  assert.equal(at(`${tx}/p:Dbtr/p:Nm`), 'Smith & Sons <Holdings> "East"');
  assert.equal(at(`${tx}/p:Dbtr/p:PstlAdr/p:TwnNm`), 'San Francisco');
  assert.equal(at(`${tx}/p:DbtrAcct/p:Id/p:Othr/p:Id`), '800012345678');
  assert.equal(at(`${tx}/p:CdtrAcct/p:Id/p:Othr/p:Id`), '123456789');
  assert.equal(at(`${tx}/p:RmtInf/p:Ustrd`), 'Invoice 2026-1130 net 30 & <more>');
  assert.ok(!xml.includes('<Holdings>') && xml.includes('&lt;Holdings&gt;'));
});

test('an international wire with a BIC creditor agent and an IBAN creditor is a valid pacs.008.001.08', async () => {
  const xml = buildPacs008(INTERNATIONAL);
  assert.deepEqual(await validate(xml, PACS008_VERSION), { valid: true, errors: [] });
  const at = reader(xml, PACS008_NAMESPACE);
  const tx = '/p:Document/p:FIToFICstmrCdtTrf/p:CdtTrfTxInf';
  assert.equal(at(`${tx}/p:PmtId/p:UETR`), INTERNATIONAL.uetr);
  assert.equal(at(`${tx}/p:PmtId/p:EndToEndId`), 'NOTPROVIDED');
  assert.equal(at('/p:Document/p:FIToFICstmrCdtTrf/p:GrpHdr/p:CreDtTm'), '2026-07-01T09:05:09-04:00'); // daylight saving time
  assert.equal(at(`${tx}/p:IntrBkSttlmAmt`), '12345.67');
  assert.equal(at(`${tx}/p:IntrBkSttlmAmt/@Ccy`), 'USD');
  assert.equal(at(`${tx}/p:IntrBkSttlmDt`), '2026-07-01');
  assert.equal(at(`${tx}/p:ChrgBr`), 'SHAR');
  assert.equal(at(`${tx}/p:InstdAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId`), '021000021');
  assert.equal(at(`${tx}/p:IntrmyAgt1/p:FinInstnId/p:ClrSysMmbId/p:MmbId`), '021000021');
  assert.equal(at(`${tx}/p:CdtrAgt/p:FinInstnId/p:BICFI`), 'DEUTDEFFXXX');
  assert.equal(at(`${tx}/p:CdtrAcct/p:Id/p:IBAN`), 'DE89370400440532013000');
  assert.equal(at(`${tx}/p:Cdtr/p:PstlAdr/p:Ctry`), 'DE');
});

test('a returned wire is a valid pacs.004.001.10 naming the original message, its UETR and the reason', async () => {
  const xml = buildPacs004({
    original: DOMESTIC,
    messageId: '20261201RTRNBK02000007',
    returnId: 'RTN-000007',
    createdAt: new Date('2026-12-01T16:02:00Z'),
    settlementDate: '2026-12-01',
    reason: 'AC04',
    additionalInformation: 'Creditor account closed',
  });
  assert.deepEqual(await validate(xml, PACS004_VERSION), { valid: true, errors: [] });
  const at = reader(xml, PACS004_NAMESPACE);
  const tx = '/p:Document/p:PmtRtr/p:TxInf';
  assert.equal(at('/p:Document/p:PmtRtr/p:GrpHdr/p:MsgId'), '20261201RTRNBK02000007');
  assert.equal(at(`${tx}/p:OrgnlGrpInf/p:OrgnlMsgId`), DOMESTIC.messageId);
  assert.equal(at(`${tx}/p:OrgnlGrpInf/p:OrgnlMsgNmId`), 'pacs.008.001.08');
  assert.equal(at(`${tx}/p:OrgnlGrpInf/p:OrgnlCreDtTm`), '2026-11-30T10:15:00-05:00');
  assert.equal(at(`${tx}/p:OrgnlInstrId`), DOMESTIC.instructionId);
  assert.equal(at(`${tx}/p:OrgnlUETR`), DOMESTIC.uetr);
  assert.equal(at(`${tx}/p:OrgnlIntrBkSttlmAmt`), '25000.00');
  assert.equal(at(`${tx}/p:OrgnlIntrBkSttlmDt`), '2026-11-30');
  assert.equal(at(`${tx}/p:RtrdIntrBkSttlmAmt`), '25000.00');
  assert.equal(at(`${tx}/p:RtrdIntrBkSttlmAmt/@Ccy`), 'USD');
  assert.equal(at(`${tx}/p:IntrBkSttlmDt`), '2026-12-01');
  // The return travels back: from the beneficiary's bank to the originator's.
  assert.equal(at(`${tx}/p:InstgAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId`), '021000021');
  assert.equal(at(`${tx}/p:InstdAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId`), '091000019');
  assert.equal(at(`${tx}/p:RtrChain/p:Dbtr/p:Pty/p:Nm`), 'Acme Supplies LLC');
  assert.equal(at(`${tx}/p:RtrChain/p:Cdtr/p:Pty/p:Nm`), DOMESTIC.debtor.name);
  assert.equal(at(`${tx}/p:RtrChain/p:CdtrAcct/p:Id/p:Othr/p:Id`), '800012345678');
  assert.equal(at(`${tx}/p:RtrRsnInf/p:Rsn/p:Cd`), 'AC04');
  assert.equal(at(`${tx}/p:RtrRsnInf/p:AddtlInf`), 'Creditor account closed');
  assert.equal(at(`${tx}/p:OrgnlTxRef/p:PmtTpInf/p:LclInstrm/p:Prtry`), 'CTRC');
});

test('a partial return of an international wire validates and carries the returned amount', async () => {
  const xml = buildPacs004({
    original: INTERNATIONAL,
    messageId: 'RTN-MSG-1',
    returnId: 'RTN-1',
    createdAt: new Date('2026-07-02T14:00:00Z'),
    settlementDate: '2026-07-02',
    returnedAmountCents: 1_232_067n,
    reason: 'NARR',
    additionalInformation: 'Beneficiary refused; 25.00 fee deducted',
  });
  assert.deepEqual(await validate(xml, PACS004_VERSION), { valid: true, errors: [] });
  const at = reader(xml, PACS004_NAMESPACE);
  assert.equal(at('/p:Document/p:PmtRtr/p:TxInf/p:OrgnlIntrBkSttlmAmt'), '12345.67');
  assert.equal(at('/p:Document/p:PmtRtr/p:TxInf/p:RtrdIntrBkSttlmAmt'), '12320.67');
  assert.equal(at('/p:Document/p:PmtRtr/p:TxInf/p:RtrChain/p:DbtrAcct/p:Id/p:IBAN'), 'DE89370400440532013000');
  assert.equal(at('/p:Document/p:PmtRtr/p:TxInf/p:RtrChain/p:DbtrAgt/p:FinInstnId/p:BICFI'), 'DEUTDEFFXXX');
});

test('the validator rejects broken documents', async () => {
  const xml = buildPacs008(DOMESTIC);
  const withoutChargeBearer = xml.replace(/\s*<ChrgBr>SLEV<\/ChrgBr>/, '');
  assert.notEqual(withoutChargeBearer, xml);
  const missing = await validate(withoutChargeBearer, PACS008_VERSION);
  assert.equal(missing.valid, false);
  assert.match(missing.errors.join('\n'), /InstgAgt/);

  const upperUetr = xml.replace(DOMESTIC.uetr, DOMESTIC.uetr.toUpperCase());
  assert.equal((await validate(upperUetr, PACS008_VERSION)).valid, false);
  const threeDecimalsTooMany = xml.replace('>25000.00<', '>25000.000001<');
  assert.equal((await validate(threeDecimalsTooMany, PACS008_VERSION)).valid, false);
  // A pacs.008 is not a pacs.004.
  assert.equal((await validate(xml, PACS004_VERSION)).valid, false);
});

test('the shipped schemas are the ISO files recorded in data/iso20022/README.md', () => {
  const readme = readFileSync(new URL('README.md', SCHEMAS), 'utf8');
  for (const version of [PACS008_VERSION, PACS004_VERSION]) {
    const sha256 = createHash('sha256').update(readFileSync(new URL(`${version}.xsd`, SCHEMAS))).digest('hex');
    assert.ok(readme.includes(sha256), `${version}.xsd has sha256 ${sha256}, not the one recorded`);
    // Where the shared reference folder sits beside the clone (developers, CI), the copies match it.
    const reference = new URL(`../../shared/reference/iso20022/${version}.xsd`, import.meta.url);
    if (existsSync(reference)) assert.ok(readFileSync(reference).equals(readFileSync(new URL(`${version}.xsd`, SCHEMAS))), `${version}.xsd differs from the reference`);
  }
});

test('every wire the module accepts validates, and its amount reads back to the cent (property, seeded)', async () => {
  const printable = (maxLength: number) =>
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength }).filter((text) => text.trim() !== '');
  const agent = fc.oneof(
    fc.constantFrom('091000019', '021000021', '026009593', '011000138').map((routingNumber) => ({ kind: 'aba' as const, routingNumber })),
    fc.constantFrom('DEUTDEFF', 'DEUTDEFFXXX', 'BNPAFRPP', 'CHASGB2L').map((bic) => ({ kind: 'bic' as const, bic })),
  );
  const account = fc.oneof(
    printable(34).map((id) => ({ kind: 'other' as const, id })),
    fc.constantFrom('DE89370400440532013000', 'GB82WEST12345698765432', 'FR1420041010050500013M02606').map((iban) => ({ kind: 'iban' as const, iban })),
  );
  const party = fc.record(
    { name: printable(140), postalAddress: fc.record({ townName: printable(35), streetName: printable(70), country: fc.constantFrom('US', 'DE', 'GB') }, { requiredKeys: ['country'] }) },
    { requiredKeys: ['name'] },
  );
  const wires = fc.sample(
    fc.record(
      {
        uetr: fc.uuid({ version: 4 }),
        messageId: printable(35),
        instructionId: printable(35),
        endToEndId: printable(35),
        createdAt: fc.date({ min: new Date('2025-07-14T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        settlementDate: fc.constantFrom('2026-01-02', '2026-11-30', '2028-02-29'),
        amountCents: fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }),
        chargeBearer: fc.constantFrom('SLEV', 'SHAR', 'DEBT', 'CRED' as const),
        debtor: party,
        debtorAccount: account,
        debtorAgent: agent,
        creditorAgent: agent,
        intermediaryAgent: agent,
        creditor: party,
        creditorAccount: account,
        remittanceInformation: printable(140),
      },
      { requiredKeys: ['uetr', 'messageId', 'instructionId', 'createdAt', 'settlementDate', 'amountCents', 'chargeBearer', 'debtor', 'debtorAccount', 'debtorAgent', 'creditorAgent', 'creditor', 'creditorAccount'] },
    ),
    { numRuns: 60, seed: 20_022 },
  ) as OutgoingWire[];
  const documents = wires.map((wire) => buildPacs008(wire));
  // One validator run for all the documents keeps this fast.
  const result = await validateXML({ xml: documents.map((contents, i) => ({ fileName: `wire-${i}.xml`, contents })), schema: schema(PACS008_VERSION) });
  assert.deepEqual(result.errors.map((error) => error.rawMessage), []);
  assert.equal(result.valid, true);
  documents.forEach((xml, i) => {
    const at = reader(xml, PACS008_NAMESPACE);
    const [dollars, cents] = at('/p:Document/p:FIToFICstmrCdtTrf/p:CdtTrfTxInf/p:IntrBkSttlmAmt').split('.');
    assert.equal(cents!.length, 2);
    assert.equal(BigInt(dollars!) * 100n + BigInt(cents!), wires[i]!.amountCents);
    assert.equal(at('/p:Document/p:FIToFICstmrCdtTrf/p:CdtTrfTxInf/p:Dbtr/p:Nm'), wires[i]!.debtor.name);
  });
});
