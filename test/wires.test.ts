/**
 * Wires through the Partner API on a real database: a wire before the Fedwire cut-off is sent and
 * settled the same business day, its pacs.008 (downloaded from the pocketbook extension) valid
 * against the ISO 20022 schema; after the cut-off or on a closed day it is held until the next
 * business day's run, the held money neither invested nor spent twice; the fee lands in fee income
 * at settlement; an unverified counterparty, too little money and a reused wire_id are 422s that
 * move nothing; another tenant's pocket, counterparty and wire are 404s. Sandbox: an incoming wire
 * credited and invested (or sent back from a closed portal); an outgoing wire rejected before it is
 * sent (hold released) or returned after (a valid pacs.004, the amount back, the fee kept). The
 * ledger and portfolio invariants hold after each flow.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import { validateXML } from 'xmllint-wasm';
import * as xpath from 'xpath';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, getPortfolio } from './support/fixtures.ts';
import { loadConfig } from '../src/config.ts';
import { balancesOfKind } from '../src/modules/ledger/index.ts';

/** The sandbox's default fee per outgoing wire (POCKETBOOK_WIRE_FEE_CENTS unset). */
const FEE_CENTS = 2500n;
let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const PACS008 = 'pacs.008.001.08';
const PACS004 = 'pacs.004.001.10';
const xsd = (version: string) => ({ fileName: `${version}.xsd`, contents: readFileSync(new URL(`../data/iso20022/${version}.xsd`, import.meta.url), 'utf8') });

/** Validates `xml` against the schema of `version` (libxml2) and gives an XPath reader under its root element. */
async function validMessage(xml: string, version: string, root: string): Promise<(expression: string) => string> {
  const result = await validateXML({ xml: { fileName: 'message.xml', contents: xml }, schema: xsd(version) });
  assert.deepEqual({ valid: result.valid, errors: result.errors.map((e) => e.message) }, { valid: true, errors: [] });
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const select = xpath.useNamespaces({ p: `urn:iso:std:iso:20022:tech:xsd:${version}` });
  return (expression) => {
    const nodes = select(`/p:Document/p:${root}/${expression}`, document as unknown as Parameters<typeof select>[1]) as unknown as { textContent: string | null }[];
    assert.equal(nodes.length, 1, `${expression} selects ${nodes.length} nodes`);
    return nodes[0]!.textContent ?? '';
  };
}

const validPacs008 = (xml: string) => validMessage(xml, PACS008, 'FIToFICstmrCdtTrf');

const ADDRESS = { street_address: '1 Main Street', city: 'Springfield', postal_code: '07081', state: 'NJ', country: 'US' };
const WIRE_COUNTERPARTY = {
  type: 'wire',
  counterparty_name: { type: 'business', business_name: 'Hopper Ledger Corp.' },
  routing_number: '011000015',
  identifier: '987654321',
  address: ADDRESS,
  verification_method: 'pre_verified',
};
const INTERNATIONAL_COUNTERPARTY = {
  type: 'international_wire',
  counterparty_name: { type: 'individual', first_name: 'Ada', last_name: 'Lovelace' },
  bic: 'NWBKGB2L',
  identifier: 'GB82 WEST 1234 5698 7654 32',
  identifier_type: 'IBAN',
  address: { street_address: '10 Downing Street', city: 'London', postal_code: 'SW1A 2AA', country: 'GB' },
  verification_method: 'pre_verified',
};

/** A tenant at `now` with a customer, a funded pocket and a LINKED wire counterparty. */
async function setup(now: string, body: Record<string, unknown> = WIRE_COUNTERPARTY) {
  const client = await newPartner(t);
  await client.setClock(now);
  const customerId = await createCustomer(client);
  const pocketId = await createPocket(client, customerId, 'UST-4W');
  await fund(client, pocketId, 1_000_000);
  const counterparty = await client.post(`/api/v2/customers/${customerId}/counterparties/`, body);
  assert.equal(counterparty.statusCode, 201, counterparty.body);
  return { client, customerId, pocketId, counterpartyId: counterparty.json().id as string };
}

function send(client: PartnerClient, pocketId: string, body: Record<string, unknown>) {
  return client.post(`/api/v1/jiko-accounts/${pocketId}/wires`, body);
}

async function systemBalance(client: PartnerClient, kind: 'fee_income' | 'wire_clearing'): Promise<bigint> {
  return (await balancesOfKind(t.db, client.partnerId, kind)).get('system') ?? 0n;
}

async function eventTypes(client: PartnerClient, objectId: string): Promise<string[]> {
  const rows = await t.db.query<{ event_type: string }>(
    `SELECT event_type FROM events WHERE partner_id = $1 AND object_id = $2 ORDER BY occurred_at, sequence`,
    [client.partnerId, objectId],
  );
  return rows.map((row) => row.event_type);
}

async function wireCount(client: PartnerClient): Promise<number> {
  const [row] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM wires WHERE partner_id = $1`, [client.partnerId]);
  return row!.n;
}

test('the wire fee is configured by POCKETBOOK_WIRE_FEE_CENTS, 2500 cents in the sandbox by default', () => {
  assert.equal(loadConfig({}).wireFeeCents, FEE_CENTS);
  assert.equal(loadConfig({ POCKETBOOK_WIRE_FEE_CENTS: '1000' }).wireFeeCents, 1000n);
  assert.equal(loadConfig({ POCKETBOOK_MODE: 'production', POCKETBOOK_WIRE_FEE_CENTS: '0' }).wireFeeCents, 0n);
  assert.throws(() => loadConfig({ POCKETBOOK_WIRE_FEE_CENTS: '-1' }));
});

describe('outgoing wires', () => {
  test('before the cut-off a wire is sent and settled the same day, with a valid pacs.008 and its fee in fee income', async () => {
    // Tuesday 2024-03-05 10:00 New York.
    const { client, customerId, pocketId, counterpartyId } = await setup('2024-03-05T15:00:00Z');
    const wireId = randomUUID();
    const response = await send(client, pocketId, {
      description: 'Invoice 42', counterparty_id: counterpartyId, amount_usdc: 250_000, created_by: 'ops@example.com', wire_id: wireId,
    });
    assert.equal(response.statusCode, 201, response.body);
    const wire = response.json();
    assert.equal(wire.wire_id, wireId);
    assert.equal(wire.status, 'COMPLETED');
    assert.equal(wire.direction, 'OUTGOING');
    assert.equal(wire.settlement_date, '2024-03-05');
    assert.equal(wire.amount.value, 250_000);
    assert.equal(wire.fee.value, Number(FEE_CENTS));
    assert.equal(wire.pocket_id, pocketId);
    assert.equal(wire.customer_id, customerId);

    assert.equal(await systemBalance(client, 'fee_income'), FEE_CENTS);
    assert.equal(await systemBalance(client, 'wire_clearing'), 250_000n);
    assert.deepEqual(await eventTypes(client, wire.id), ['transfers.wire.out.processing', 'transfers.wire.out.success']);

    const xml = await client.get(`/api/v1/wires/${wireId}/pacs008`);
    assert.equal(xml.statusCode, 200, xml.body);
    assert.match(String(xml.headers['content-type']), /^application\/xml/);
    const at = await validPacs008(xml.body);
    assert.equal(at('p:CdtTrfTxInf/p:PmtId/p:UETR'), wire.uetr);
    assert.equal(at('p:CdtTrfTxInf/p:IntrBkSttlmAmt'), '2500.00');
    assert.equal(at('p:CdtTrfTxInf/p:IntrBkSttlmDt'), '2024-03-05');
    assert.equal(at('p:CdtTrfTxInf/p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId'), '011000015');
    assert.equal(at('p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:Othr/p:Id'), '987654321');
    assert.equal(at('p:CdtTrfTxInf/p:Cdtr/p:Nm'), 'Hopper Ledger Corp.');
    assert.equal(at('p:CdtTrfTxInf/p:RmtInf/p:Ustrd'), 'Invoice 42');

    // Get by either id; list with filters.
    assert.equal((await client.get(`/api/v1/wires/${wire.id}`)).json().wire_id, wireId);
    const listed = await client.get(`/api/v1/wires/?filter[pocket_id]=${pocketId}&direction=OUTGOING`);
    assert.equal(listed.statusCode, 200, listed.body);
    assert.deepEqual(listed.json().items.map((w: { id: string }) => w.id), [wire.id]);
    assert.deepEqual((await client.get(`/api/v1/wires/?direction=INCOMING`)).json().items, []);
    assert.deepEqual((await client.get(`/api/v1/wires/?filter[customer_id]=${randomUUID()}`)).json().items, []);

    // The same wire_id with the same body is the same wire; with another body it is refused.
    const again = await send(client, pocketId, {
      description: 'Invoice 42', counterparty_id: counterpartyId, amount_usdc: 250_000, created_by: 'ops@example.com', wire_id: wireId,
    });
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.json().id, wire.id);
    const reused = await send(client, pocketId, { description: 'Invoice 42', counterparty_id: counterpartyId, amount_usdc: 250_001, wire_id: wireId });
    assert.equal(reused.statusCode, 422, reused.body);
    assert.equal(await wireCount(client), 1);
    assert.equal(await systemBalance(client, 'fee_income'), FEE_CENTS);
    await assertSound(t.db, client.partnerId);
  });

  test('after the cut-off a wire waits, held, for the next business day', async () => {
    // Tuesday 2024-03-05 17:30 New York: after the 17:00 cut-off.
    const { client, pocketId, counterpartyId } = await setup('2024-03-05T22:30:00Z', INTERNATIONAL_COUNTERPARTY);
    const response = await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 100_000, description: 'Order 77' });
    assert.equal(response.statusCode, 201, response.body);
    const wire = response.json();
    assert.equal(wire.status, 'PENDING');
    assert.equal(wire.settlement_date, '2024-03-06');
    // Held, not yet sent: no fee income, nothing cleared, no message.
    assert.equal(await systemBalance(client, 'fee_income'), 0n);
    assert.equal(await systemBalance(client, 'wire_clearing'), 0n);
    const [held] = await t.db.query<{ held: bigint }>(
      `SELECT pending_debit_cents AS held FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = $2 AND kind = 'bank_cash'`,
      [client.partnerId, pocketId],
    );
    assert.equal(held!.held, 100_000n + FEE_CENTS);
    assert.equal((await client.get(`/api/v1/wires/${wire.id}/pacs008`)).statusCode, 404);
    await assertSound(t.db, client.partnerId);

    await client.advanceClock({ to: '2024-03-06T15:00:00Z' });
    const settled = (await client.get(`/api/v1/wires/${wire.id}`)).json();
    assert.equal(settled.status, 'COMPLETED');
    assert.equal(settled.settlement_date, '2024-03-06');
    assert.equal(await systemBalance(client, 'fee_income'), FEE_CENTS);
    assert.equal(await systemBalance(client, 'wire_clearing'), 100_000n);
    assert.deepEqual(await eventTypes(client, wire.id), ['transfers.wire.out.processing', 'transfers.wire.out.success']);
    const at = await validPacs008((await client.get(`/api/v1/wires/${wire.id}/pacs008`)).body);
    assert.equal(at('p:CdtTrfTxInf/p:IntrBkSttlmDt'), '2024-03-06');
    assert.equal(at('p:CdtTrfTxInf/p:CdtrAgt/p:FinInstnId/p:BICFI'), 'NWBKGB2L');
    assert.equal(at('p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN'), 'GB82WEST12345698765432');
    await assertSound(t.db, client.partnerId);
  });

  test('a wire asked for after the cut-off is PROCESSING once sent at its Fedwire day and COMPLETED when it settles', async () => {
    const { client, pocketId, counterpartyId } = await setup('2024-03-05T22:30:00Z');
    const wire = (await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 100_000 })).json();
    assert.equal(wire.status, 'PENDING');
    // 01:00 New York on Wednesday: the wire.send run (00:00) sent it; not settled yet.
    await client.advanceClock({ to: '2024-03-06T06:00:00Z' });
    const sent = (await client.get(`/api/v1/wires/${wire.id}`)).json();
    assert.equal(sent.status, 'PROCESSING');
    assert.equal(sent.sent_at, '2024-03-06T05:00:00.000Z');
    assert.equal(sent.completed_at, null);
    assert.deepEqual(await eventTypes(client, wire.id), ['transfers.wire.out.processing']);
    assert.equal((await client.get(`/api/v1/wires/${wire.id}/pacs008`)).statusCode, 200, 'the message went out');
    // Still in flight: the hold is a pending entry, no fee income yet.
    assert.equal(await systemBalance(client, 'fee_income'), 0n);
    const [held] = await t.db.query<{ held: bigint }>(
      `SELECT pending_debit_cents AS held FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = $2 AND kind = 'bank_cash'`,
      [client.partnerId, pocketId],
    );
    assert.equal(held!.held, 100_000n + FEE_CENTS);
    await assertSound(t.db, client.partnerId);

    await client.advanceClock({ to: '2024-03-06T15:00:00Z' });
    const settled = (await client.get(`/api/v1/wires/${wire.id}`)).json();
    assert.equal(settled.status, 'COMPLETED');
    assert.equal(settled.sent_at, '2024-03-06T05:00:00.000Z');
    assert.equal(settled.completed_at, '2024-03-06T14:00:00.000Z');
    assert.deepEqual(await eventTypes(client, wire.id), ['transfers.wire.out.processing', 'transfers.wire.out.success']);
    assert.equal(await systemBalance(client, 'fee_income'), FEE_CENTS);
    await assertSound(t.db, client.partnerId);
  });

  test('a PROCESSING wire returned by the beneficiary bank comes back with a pacs.004; the fee is kept', async () => {
    const { client, pocketId, counterpartyId } = await setup('2024-03-05T22:30:00Z');
    const wire = (await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 100_000 })).json();
    await client.advanceClock({ to: '2024-03-06T06:00:00Z' });
    assert.equal((await client.get(`/api/v1/wires/${wire.id}`)).json().status, 'PROCESSING');
    const returned = await client.post(`/api/v1/sandbox/wires/${wire.id}/return`, { reason: 'AC03' }, { unsigned: true });
    assert.equal(returned.statusCode, 200, returned.body);
    assert.equal(returned.json().status, 'REJECTED');
    assert.equal((await client.get(`/api/v1/wires/${wire.id}/pacs004`)).statusCode, 200);
    assert.equal(await systemBalance(client, 'wire_clearing'), 0n);
    assert.equal(await systemBalance(client, 'fee_income'), FEE_CENTS);
    assert.deepEqual(await t.db.query(`SELECT id FROM ledger_entries WHERE partner_id = $1 AND status = 'pending'`, [client.partnerId]), []);
    await client.advanceClock({ to: '2024-03-06T15:00:00Z' });
    assert.equal((await client.get(`/api/v1/wires/${wire.id}`)).json().status, 'REJECTED');
    assert.deepEqual(await eventTypes(client, wire.id), ['transfers.wire.out.processing', 'transfers.wire.out.rejected']);
    await assertSound(t.db, client.partnerId);
  });

  test('held money is neither invested nor spent twice while wires wait', async () => {
    // Saturday 2024-03-09: two wires wait for Monday; money arriving meanwhile is invested on Monday without the held cash.
    const { client, pocketId, counterpartyId } = await setup('2024-03-09T15:00:00Z');
    const first = (await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 600_000 })).json();
    assert.equal(first.status, 'PENDING');
    assert.equal(first.settlement_date, '2024-03-11');
    // 10,000.00 funded, 6,025.00 held: a second wire of 4,000.00 + 25.00 fee does not fit.
    const second = await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 400_000 });
    assert.equal(second.statusCode, 422, second.body);
    const third = (await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 300_000 })).json();
    assert.equal(third.status, 'PENDING');
    await fund(client, pocketId, 200_000);
    await assertSound(t.db, client.partnerId);
    await client.advanceClock({ to: '2024-03-11T15:00:00Z' });
    for (const wire of [first, third]) assert.equal((await client.get(`/api/v1/wires/${wire.id}`)).json().status, 'COMPLETED');
    assert.equal(await systemBalance(client, 'wire_clearing'), 900_000n);
    assert.equal(await systemBalance(client, 'fee_income'), 2n * FEE_CENTS);
    await assertSound(t.db, client.partnerId);
  });

  test('an unverified counterparty, too little money or a bad body is a 422 that moves nothing', async () => {
    const { client, customerId, pocketId } = await setup('2024-03-05T15:00:00Z');
    const { verification_method: _, ...unverifiedBody } = WIRE_COUNTERPARTY;
    const unverified = await client.post(`/api/v2/customers/${customerId}/counterparties/`, { ...unverifiedBody, verification_method: 'supporting_documents' });
    assert.equal(unverified.statusCode, 201, unverified.body);
    assert.notEqual(unverified.json().status, 'LINKED');
    const refused = await send(client, pocketId, { counterparty_id: unverified.json().id, amount_usdc: 10_000 });
    assert.equal(refused.statusCode, 422, refused.body);

    const linked = await client.post(`/api/v2/customers/${customerId}/counterparties/`, WIRE_COUNTERPARTY);
    const tooMuch = await send(client, pocketId, { counterparty_id: linked.json().id, amount_usdc: 1_000_000 });
    assert.equal(tooMuch.statusCode, 422, tooMuch.body);
    const noAmount = await send(client, pocketId, { counterparty_id: linked.json().id });
    assert.equal(noAmount.statusCode, 422, noAmount.body);

    assert.equal(await wireCount(client), 0);
    assert.equal(await systemBalance(client, 'fee_income'), 0n);
    await assertSound(t.db, client.partnerId);
  });

  test("another tenant's pocket, counterparty and wire are not found", async () => {
    const a = await setup('2024-03-05T15:00:00Z');
    const b = await setup('2024-03-05T15:00:00Z');
    const wire = (await send(a.client, a.pocketId, { counterparty_id: a.counterpartyId, amount_usdc: 10_000 })).json();
    assert.equal((await b.client.get(`/api/v1/wires/${wire.id}`)).statusCode, 404);
    assert.equal((await b.client.get(`/api/v1/wires/${wire.id}/pacs008`)).statusCode, 404);
    assert.deepEqual((await b.client.get('/api/v1/wires/')).json().items, []);
    assert.equal((await send(b.client, a.pocketId, { counterparty_id: b.counterpartyId, amount_usdc: 10_000 })).statusCode, 404);
    assert.equal((await send(b.client, b.pocketId, { counterparty_id: a.counterpartyId, amount_usdc: 10_000 })).statusCode, 404);
    assert.equal(await wireCount(b.client), 0);
    await assertSound(t.db, a.client.partnerId);
    await assertSound(t.db, b.client.partnerId);
  });
});

describe('incoming wires (sandbox)', () => {
  test('a simulated incoming wire credits the pocket, is invested and emits transfers.wire.in.success', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocketId = await createPocket(client, customerId, 'UST-4W');
    const response = await client.post('/api/v1/sandbox/wires/incoming', { account_id: pocketId, amount_usdc: 500_000, sender_name: 'Acme Supplies LLC' }, { unsigned: true });
    assert.equal(response.statusCode, 201, response.body);
    const wire = response.json();
    assert.equal(wire.direction, 'INCOMING');
    assert.equal(wire.status, 'COMPLETED');
    assert.equal(wire.amount.value, 500_000);
    assert.equal(wire.fee.value, 0);
    assert.equal(await systemBalance(client, 'wire_clearing'), -500_000n);
    assert.deepEqual(await eventTypes(client, wire.id), ['transfers.wire.in.success']);
    // Invested: the cash went into bills at once (a business day), and the pocket is worth the credit.
    const [securities] = await t.db.query<{ cost: bigint }>(
      `SELECT balance_cents AS cost FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = $2 AND kind = 'securities_at_cost'`,
      [client.partnerId, pocketId],
    );
    assert.ok(securities!.cost > 490_000n, `invested ${securities!.cost}`);
    const listed = (await client.get(`/api/v1/wires/?direction=INCOMING&filter[customer_id]=${customerId}`)).json();
    assert.deepEqual(listed.items.map((w: { id: string }) => w.id), [wire.id]);
    assert.equal((await client.get(`/api/v1/wires/${wire.id}/pacs008`)).statusCode, 404);
    await assertSound(t.db, client.partnerId);
  });

  test('an incoming wire to a closed portal is rejected and nothing stays in the pocket', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocketId = await createPocket(client, customerId, 'UST-4W');
    const portal = await client.post(`/api/v1/jiko-accounts/${pocketId}/portals`, { name: 'Closing soon' });
    assert.equal(portal.statusCode, 201, portal.body);
    assert.equal((await client.post(`/api/v1/jiko-accounts/${pocketId}/portals/${portal.json().id}/close`, {})).statusCode, 204);
    const response = await client.post(
      '/api/v1/sandbox/wires/incoming', { account_id: pocketId, portal_id: portal.json().id, amount_usdc: 500_000 }, { unsigned: true },
    );
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().status, 'REJECTED');
    assert.deepEqual(await eventTypes(client, response.json().id), ['transfers.wire.in.rejected']);
    assert.equal(await systemBalance(client, 'wire_clearing'), 0n);
    const [bank] = await t.db.query<{ total: bigint }>(
      `SELECT coalesce(sum(balance_cents), 0)::bigint AS total FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = $2`,
      [client.partnerId, pocketId],
    );
    assert.equal(BigInt(bank!.total), 0n);
    const other = await client.post('/api/v1/sandbox/wires/incoming', { account_id: randomUUID(), amount_usdc: 100 }, { unsigned: true });
    assert.equal(other.statusCode, 404, other.body);
    await assertSound(t.db, client.partnerId);
  });
});

describe('rejected outgoing wires (sandbox)', () => {
  test('a sent wire returned comes back as a valid pacs.004: the amount back in the pocket, the fee kept', async () => {
    const { client, pocketId, counterpartyId } = await setup('2024-03-05T15:00:00Z');
    const wire = (await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 250_000 })).json();
    assert.equal(wire.status, 'COMPLETED');
    assert.equal((await client.get(`/api/v1/wires/${wire.id}/pacs004`)).statusCode, 404);
    const returned = await client.post(`/api/v1/sandbox/wires/${wire.id}/return`, { reason: 'AC04' }, { unsigned: true });
    assert.equal(returned.statusCode, 200, returned.body);
    assert.equal(returned.json().status, 'REJECTED');
    assert.equal(returned.json().return_reason, 'AC04');
    assert.equal(await systemBalance(client, 'wire_clearing'), 0n);
    assert.equal(await systemBalance(client, 'fee_income'), FEE_CENTS);
    assert.deepEqual(await eventTypes(client, wire.id), ['transfers.wire.out.processing', 'transfers.wire.out.success', 'transfers.wire.out.rejected']);
    const xml = await client.get(`/api/v1/wires/${wire.id}/pacs004`);
    assert.equal(xml.statusCode, 200, xml.body);
    const at = await validMessage(xml.body, PACS004, 'PmtRtr');
    assert.equal(at('p:TxInf/p:OrgnlUETR'), wire.uetr);
    assert.equal(at('p:TxInf/p:RtrdIntrBkSttlmAmt'), '2500.00');
    assert.equal(at('p:TxInf/p:RtrRsnInf/p:Rsn/p:Cd'), 'AC04');
    // A second return changes nothing.
    assert.equal((await client.post(`/api/v1/sandbox/wires/${wire.id}/return`, { reason: 'AC04' }, { unsigned: true })).statusCode, 200);
    assert.equal(await systemBalance(client, 'wire_clearing'), 0n);
    assert.deepEqual((await eventTypes(client, wire.id)).length, 3);
    await assertSound(t.db, client.partnerId);
  });

  test('a wire rejected before it is sent releases its hold: amount and fee back, no fee income', async () => {
    const { client, pocketId, counterpartyId } = await setup('2024-03-05T22:30:00Z');
    const wire = (await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 100_000 })).json();
    assert.equal(wire.status, 'PENDING');
    const rejected = await client.post(`/api/v1/sandbox/wires/${wire.id}/return`, {}, { unsigned: true });
    assert.equal(rejected.statusCode, 200, rejected.body);
    assert.equal(rejected.json().status, 'REJECTED');
    const [bank] = await t.db.query<{ balance: bigint; held: bigint }>(
      `SELECT balance_cents AS balance, pending_debit_cents AS held FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = $2 AND kind = 'bank_cash'`,
      [client.partnerId, pocketId],
    );
    assert.deepEqual([BigInt(bank!.balance), BigInt(bank!.held)], [0n, 0n]);
    assert.equal((await client.get(`/api/v1/wires/${wire.id}/pacs004`)).statusCode, 404);
    // The next business day's run sends nothing.
    await client.advanceClock({ to: '2024-03-06T15:00:00Z' });
    assert.equal((await client.get(`/api/v1/wires/${wire.id}`)).json().status, 'REJECTED');
    assert.equal(await systemBalance(client, 'fee_income'), 0n);
    assert.equal(await systemBalance(client, 'wire_clearing'), 0n);
    assert.deepEqual(await eventTypes(client, wire.id), ['transfers.wire.out.rejected']);
    await assertSound(t.db, client.partnerId);
  });
});

describe('wires in the pocket activity lists', () => {
  test('an outgoing wire and its fee, and an incoming wire, are Jiko Transactions (v2 WIRE/FEE, v1 WIRE/WIRE_FEE)', async () => {
    const { client, pocketId, counterpartyId } = await setup('2024-03-05T15:00:00Z');
    const out = (await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 100_000 })).json();
    const incoming = await client.post('/api/v1/sandbox/wires/incoming', { account_id: pocketId, amount_usdc: 300_000, sender_name: 'Acme Supplies LLC' }, { unsigned: true });
    assert.equal(incoming.statusCode, 201, incoming.body);
    const inWire = incoming.json();

    const v2 = await client.get(`/api/v2/pockets/${pocketId}/transactions/?filter[type]=WIRE&filter[type]=FEE&order=asc`);
    assert.equal(v2.statusCode, 200, v2.body);
    const rows = v2.json().items as { type: string; direction: string; status: string; amount: { value: number }; wire_id: string; counterparty_name: string; reference_number: string }[];
    // The wire and its fee are booked at the same instant: their order between them is the ids'.
    assert.deepEqual(rows.map((r) => [r.type, r.direction, r.status, r.amount.value, r.wire_id, r.counterparty_name]).sort(), [
      ['FEE', 'DEBIT', 'SETTLED', Number(FEE_CENTS), out.wire_id, 'Hopper Ledger Corp.'],
      ['WIRE', 'CREDIT', 'SETTLED', 300_000, inWire.wire_id, 'Acme Supplies LLC'],
      ['WIRE', 'DEBIT', 'SETTLED', 100_000, out.wire_id, 'Hopper Ledger Corp.'],
    ]);
    assert.equal(rows.find((r) => r.wire_id === out.wire_id)!.reference_number, out.uetr);
    const byWire = await client.get(`/api/v2/pockets/${pocketId}/transactions/?filter[wire]=${out.wire_id}`);
    assert.equal(byWire.json().items.length, 2);

    const v1 = await client.get(`/api/v1/jiko-accounts/${pocketId}/transactions?filter[types]=WIRE&filter[types]=WIRE_FEE`);
    assert.equal(v1.statusCode, 200, v1.body);
    const legacy = v1.json().items as { amount: { value: number }; details: { transaction_type: string; wire_transaction?: { wire_id: string }; wire_fee_transaction?: { wire_id: string } } }[];
    const fee = legacy.find((r) => r.details.transaction_type === 'WIRE_FEE');
    assert.equal(fee?.amount.value, -Number(FEE_CENTS));
    assert.equal(fee?.details.wire_fee_transaction?.wire_id, out.wire_id);
    assert.equal(legacy.find((r) => r.amount.value === -100_000)?.details.wire_transaction?.wire_id, out.wire_id);
    // Wires are flows, not earnings.
    const earnings = (await getPortfolio(client, pocketId)).all_time_earnings.value;
    assert.ok(Math.abs(earnings) < 200, `earnings ${earnings}`);
    await assertSound(t.db, client.partnerId);
  });

  test('a wire sent after the cut-off reaches the bank side only when it settles', async () => {
    const { client, pocketId, counterpartyId } = await setup('2024-03-05T22:30:00Z');
    const wire = (await send(client, pocketId, { counterparty_id: counterpartyId, amount_usdc: 100_000 })).json();
    const list = async () => (await client.get(`/api/v2/pockets/${pocketId}/transactions/?filter[wire]=${wire.wire_id}`)).json().items as unknown[];
    await client.advanceClock({ to: '2024-03-06T06:00:00Z' });
    assert.equal((await list()).length, 0, 'PROCESSING: still held');
    await client.advanceClock({ to: '2024-03-06T15:00:00Z' });
    assert.equal((await list()).length, 2);
  });
});
