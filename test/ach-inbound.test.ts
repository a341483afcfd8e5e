/**
 * Received NACHA files (docs/ACH.md "Received files"): inbound ACH credits through a portal (the
 * sandbox fund, including a credit returned R02 from a closed portal) become entries of the
 * tenant's RECEIVED file of the business day, through the in-process HTTP tier on the sandbox
 * clock: the file passes the independent validator (test/support/nacha-validator.ts), its entries
 * carry the trace numbers and amounts of the bank transactions, the portal's routing and account
 * numbers, a batch per SEC code and Originator; `filter[direction]` lists one kind of file; a file
 * is another tenant's 404.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund } from './support/fixtures.ts';
import { validateNacha } from './support/nacha-validator.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

// Tuesday 5 March 2024, 10:00 New York (EST).
const TUESDAY = '2024-03-05T15:00:00Z';

interface PortalJson { id: string; routing_number: string; account_number: string }
interface FileJson { id: string; direction: string; window_date: string; file_id_modifier: string; entry_count: number; total_debit: { value: number }; total_credit: { value: number } }
interface TxJson { id: string; direction: string; amount: { value: number }; trace_number: string | null; description: string }

async function files(client: PartnerClient, query = ''): Promise<FileJson[]> {
  const response = await client.get(`/api/v1/ach-files/${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json().items as FileJson[];
}

async function download(client: PartnerClient, id: string) {
  const response = await client.get(`/api/v1/ach-files/${id}`);
  assert.equal(response.statusCode, 200, response.body);
  const { errors, file } = validateNacha(response.body);
  assert.deepEqual(errors, [], response.body);
  return file!;
}

/** The pocket's ACH bank transactions through `portalId`. */
async function achTransactions(client: PartnerClient, pocketId: string, portalId: string): Promise<TxJson[]> {
  const response = await client.get(`/api/v2/pockets/${pocketId}/transactions/?filter[type]=ACH&filter[portal]=${portalId}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json().items as TxJson[];
}

async function setup() {
  const client = await newPartner(t);
  await client.setClock(TUESDAY);
  const customerId = await createCustomer(client);
  const pocketId = await createPocket(client, customerId, 'UST-4W');
  const portals = (await client.get(`/api/v2/pockets/${pocketId}/portals/`)).json().portals as PortalJson[];
  assert.equal(portals.length, 1);
  return { client, pocketId, portal: portals[0]! };
}

describe('received NACHA files of inbound portal credits', () => {
  test('two fund calls on a day: one RECEIVED file, valid, its entries the transactions; filter and isolation', async () => {
    const { client, pocketId, portal } = await setup();
    await fund(client, pocketId, 150_000);
    const body = { account_id: pocketId, amount_usdc: 25_000, count: 2, company_name: 'Ácme Payroll', sec_code: 'CCD', company_entry_description: 'PAYROLL' };
    const key = randomUUID();
    const second = await client.post('/api/v1/sandbox/fund/', body, { idempotencyKey: key });
    assert.equal(second.statusCode, 202, second.body);
    const replayed = await client.post('/api/v1/sandbox/fund/', body, { idempotencyKey: key });
    assert.equal(replayed.statusCode, 202, replayed.body);

    const received = await files(client, '?filter[direction]=RECEIVED');
    assert.equal(received.length, 1, 'one received file per tenant and business day');
    const [f] = received;
    assert.deepEqual(
      { direction: f!.direction, date: f!.window_date, modifier: f!.file_id_modifier, count: f!.entry_count, credit: f!.total_credit.value, debit: f!.total_debit.value },
      { direction: 'RECEIVED', date: '2024-03-05', modifier: 'A', count: 3, credit: 200_000, debit: 0 },
      'a replayed fund request adds nothing',
    );
    assert.deepEqual(await files(client, '?filter[direction]=ORIGINATED'), [], 'no window ran: nothing originated');
    assert.deepEqual((await files(client)).map((x) => x.id), [f!.id], 'the unfiltered list holds received files too');
    const bad = await client.get('/api/v1/ach-files/?filter[direction]=SIDEWAYS');
    assert.ok(bad.statusCode >= 400 && bad.statusCode < 500, bad.body);

    const file = await download(client, f!.id);
    assert.equal(file.immediateDestination.trim(), portal.routing_number, "the file goes to the portals' bank");
    assert.equal(file.totalCreditCents, 200_000n);
    assert.equal(file.totalDebitCents, 0n);
    assert.deepEqual(
      file.batches.map((b) => [b.serviceClassCode, b.secCode, b.companyName.trim(), b.companyEntryDescription.trim(), b.effectiveEntryDate, b.entries.length]),
      [['220', 'PPD', 'FAKECOMPANY', 'DEPOSIT', '240305', 1], ['220', 'CCD', 'ACME PAYROLL', 'PAYROLL', '240305', 2]],
      'a batch per SEC code and Originator: the person gets PPD by default, the request chose CCD',
    );
    const entries = file.batches.flatMap((b) => b.entries);
    for (const e of entries) {
      assert.equal(e.transactionCode, '22', 'a checking credit');
      assert.equal(e.rdfi + portal.routing_number.slice(8), portal.routing_number);
      assert.equal(e.accountNumber, portal.account_number);
    }
    const transactions = await achTransactions(client, pocketId, portal.id);
    assert.equal(transactions.length, 3);
    assert.deepEqual(
      entries.map((e) => [e.traceNumber, Number(e.amountCents)]).sort(),
      transactions.map((x) => [x.trace_number, x.amount.value]).sort(),
      'each entry is a bank transaction: same trace number, same amount',
    );

    const stranger = await newPartner(t);
    assert.equal((await stranger.get(`/api/v1/ach-files/${f!.id}`)).statusCode, 404);
    assert.deepEqual(await files(stranger, '?filter[direction]=RECEIVED'), []);
    await assertSound(t.db, client.partnerId);
  });

  test('a credit returned R02 from a closed portal is received too; the next business day opens a new file', async () => {
    const { client, pocketId, portal } = await setup();
    await fund(client, pocketId, 40_000);
    const closed = (await client.post(`/api/v1/jiko-accounts/${pocketId}/portals`, { name: 'Old payroll' })).json() as PortalJson;
    assert.equal((await client.post(`/api/v1/jiko-accounts/${pocketId}/portals/${closed.id}/close`)).statusCode, 204);
    const sent = await client.post('/api/v1/sandbox/fund/', { account_id: pocketId, amount_usdc: 25_000, portal_id: closed.id }, { unsigned: true });
    assert.equal(sent.statusCode, 202, sent.body);

    const [today] = await files(client, '?filter[direction]=RECEIVED');
    const file = await download(client, today!.id);
    const entries = file.batches.flatMap((b) => b.entries);
    assert.deepEqual(entries.map((e) => [e.accountNumber, Number(e.amountCents)]), [[portal.account_number, 40_000], [closed.account_number, 25_000]]);
    const returned = await achTransactions(client, pocketId, closed.id);
    const credit = returned.find((x) => x.direction === 'CREDIT');
    assert.equal(entries[1]!.traceNumber, credit?.trace_number, 'the received entry is the returned credit');

    // Wednesday: a new day's file, its traces numbered from 1 again, Tuesday's unchanged.
    await client.advanceClock({ days: 1 });
    await fund(client, pocketId, 10_000);
    const received = await files(client, '?filter[direction]=RECEIVED');
    assert.deepEqual(received.map((x) => [x.window_date, x.entry_count, x.total_credit.value]), [['2024-03-06', 1, 10_000], ['2024-03-05', 2, 65_000]]);
    const wednesday = await download(client, received[0]!.id);
    assert.equal(wednesday.batches[0]!.entries[0]!.traceNumber.slice(8), '0000001');
    await assertSound(t.db, client.partnerId);
  });
});
