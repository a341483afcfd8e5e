/**
 * ACH originations through the Partner API on a real database, on the tenant's clock: a DEBIT pull
 * pending until its window and then invested, a CREDIT push that sells bills and is held until it
 * settles, the $25,000 and 12:00 ET rules sending an entry to the next business day, refusals
 * (unverified counterparty 422, another tenant's pocket or counterparty 404), and every NACHA file
 * written checked by the independent validator (test/support/nacha-validator.ts) against the entries.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, getPortfolio, reallocate } from './support/fixtures.ts';
import { validateNacha } from './support/nacha-validator.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

// Tuesday 5 March 2024 (EST, UTC-5): 09:00, 12:30 (after the window), 17:30 (after settlement) New York.
const MORNING = '2024-03-05T14:00:00Z';
const AFTER_WINDOW = '2024-03-05T17:30:00Z';
const AFTER_SETTLEMENT = '2024-03-05T22:30:00Z';

const ACH_COUNTERPARTY = {
  type: 'ach',
  counterparty_name: { type: 'business', business_name: 'Hopper Ledger Corp.' },
  routing_number: '021000021',
  account_number: '123456789',
  account_type: 'CHECKING',
};

interface Setup {
  client: PartnerClient;
  customerId: string;
  pocketId: string;
  counterpartyId: string;
}

async function setup(verified = true, app: TestApp = t): Promise<Setup> {
  const client = await newPartner(app);
  await client.setClock(MORNING);
  const customerId = await createCustomer(client);
  const pocketId = await createPocket(client, customerId, 'UST-4W');
  const body = verified ? { ...ACH_COUNTERPARTY, verification_method: 'pre_verified' } : ACH_COUNTERPARTY;
  const created = await client.post(`/api/v2/customers/${customerId}/counterparties/`, body);
  assert.equal(created.statusCode, 201, created.body);
  return { client, customerId, pocketId, counterpartyId: created.json().id as string };
}

async function originate(s: Setup, body: Record<string, unknown>, status = 200) {
  const response = await s.client.post(`/api/v1/jiko-accounts/${s.pocketId}/ach-originating`, { counterparty_id: s.counterpartyId, ...body });
  assert.equal(response.statusCode, status, response.body);
  return response.json();
}

async function origination(s: Setup, id: string) {
  const response = await s.client.get(`/api/v1/jiko-accounts/${s.pocketId}/ach-originating/${id}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

/** The pocket's account balances: posted and held, in cents. */
async function accounts(client: PartnerClient, pocketId: string) {
  const rows = await t.db.query<{ kind: string; balance_cents: bigint; pending_debit_cents: bigint }>(
    `SELECT kind, balance_cents, pending_debit_cents FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = $2`,
    [client.partnerId, pocketId],
  );
  return Object.fromEntries(rows.map((r) => [r.kind, { posted: BigInt(r.balance_cents), held: BigInt(r.pending_debit_cents) }]));
}

/** Pending ledger entries of the tenant (money in flight). */
async function pendingEntries(client: PartnerClient) {
  return t.db.query<{ id: string; entry_type: string }>(`SELECT id, entry_type FROM ledger_entries WHERE partner_id = $1 AND status = 'pending'`, [
    client.partnerId,
  ]);
}

async function eventTypes(client: PartnerClient, objectId: string): Promise<string[]> {
  const rows = await t.db.query<{ event_type: string }>(
    `SELECT event_type FROM events WHERE partner_id = $1 AND object_id = $2 ORDER BY sequence`,
    [client.partnerId, objectId],
  );
  return rows.map((r) => r.event_type);
}

/**
 * Every file of the tenant, downloaded through the API, passes the independent validator, and its
 * entries are exactly the originations and verification entries (micro-entries, prenotes) it
 * carries (amounts, sides, transaction codes, routing, trace numbers).
 */
async function assertFilesValid(client: PartnerClient): Promise<number> {
  const list = await client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED');
  assert.equal(list.statusCode, 200, list.body);
  const files = list.json().items as { id: string; entry_count: number; total_debit: { value: number }; total_credit: { value: number } }[];
  for (const f of files) {
    const download = await client.get(`/api/v1/ach-files/${f.id}`);
    assert.equal(download.statusCode, 200, download.body);
    assert.match(String(download.headers['content-type']), /^text\/plain/);
    const { errors, file } = validateNacha(download.body);
    assert.deepEqual(errors, [], `file ${f.id}`);
    const rows = await t.db.query<{ direction: string; amount_cents: bigint; trace_number: string; routing: string; code: string | null }>(
      `SELECT direction, amount_cents, trace_number, receiver_routing_number AS routing, NULL AS code FROM ach_originations WHERE partner_id = $1 AND ach_file_id = $2
       UNION ALL
       SELECT direction, amount_cents, trace_number, receiver_routing_number, transaction_code FROM ach_verification_entries WHERE partner_id = $1 AND ach_file_id = $2`,
      [client.partnerId, f.id],
    );
    const entries = file!.batches.flatMap((b) => b.entries.map((e) => ({ ...e, sec: b.secCode })));
    assert.equal(entries.length, rows.length);
    assert.equal(f.entry_count, rows.length);
    for (const row of rows) {
      const entry = entries.find((e) => e.traceNumber === row.trace_number);
      assert.ok(entry, `no entry with trace ${row.trace_number}`);
      assert.equal(entry.amountCents, BigInt(row.amount_cents));
      assert.equal(entry.rdfi, row.routing.slice(0, 8));
      assert.equal(entry.transactionCode, row.code ?? (row.direction === 'DEBIT' ? '27' : '22'));
    }
    const sum = (direction: string) => rows.filter((r) => r.direction === direction).reduce((total, r) => total + BigInt(r.amount_cents), 0n);
    assert.equal(file!.totalDebitCents, sum('DEBIT'));
    assert.equal(file!.totalCreditCents, sum('CREDIT'));
    assert.equal(BigInt(f.total_debit.value), sum('DEBIT'));
    assert.equal(BigInt(f.total_credit.value), sum('CREDIT'));
  }
  return files.length;
}

/** Posted and pending balance of one of the tenant's system accounts, in cents. */
async function systemAccount(client: PartnerClient, kind: string): Promise<{ posted: bigint; pending: bigint }> {
  const [row] = await t.db.query<{ posted: string; pending: string }>(
    `SELECT coalesce(sum(p.amount_cents) FILTER (WHERE e.status = 'posted'), 0)::text AS posted,
            coalesce(sum(p.amount_cents) FILTER (WHERE e.status = 'pending'), 0)::text AS pending
       FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id LEFT JOIN ledger_entries e ON e.id = p.entry_id
      WHERE a.partner_id = $1 AND a.pocket_id IS NULL AND a.kind = $2`,
    [client.partnerId, kind],
  );
  return { posted: BigInt(row!.posted), pending: BigInt(row!.pending) };
}

describe('ACH originations', () => {
  test('a $5,000 DEBIT pull is pending, goes out at the window, settles and is invested', async () => {
    const s = await setup();
    const ach = await originate(s, { direction: 'DEBIT', amount_usdc: 500_000 });
    assert.equal(ach.status, 'PENDING');
    assert.equal(ach.object_type, 'ACHResponse');
    assert.equal(ach.sec_code, 'WEB');
    assert.equal(ach.company_entry_description, 'Funding TX');
    assert.equal(ach.amount.value, 500_000);
    assert.equal(ach.jiko_account_id, s.pocketId);
    assert.equal(ach.settlement_date, '2024-03-05');
    // Not available until it settles: the pending credit moves no balance.
    assert.equal((await accounts(s.client, s.pocketId)).bank_cash!.posted, 0n);
    assert.equal((await getPortfolio(s.client, s.pocketId)).total_value.value, 0);
    assert.equal((await pendingEntries(s.client)).length, 1);
    await assertSound(t.db, s.client.partnerId);
    // Empty by its posted balances, but money is on its way in: the pocket cannot be closed.
    await createPocket(s.client, s.customerId, 'UST-4W');
    const close = await s.client.patch(`/api/v2/pockets/${s.pocketId}/`, { status: 'CLOSED', closure_reason: 'CUSTOMER_REQUEST' });
    assert.equal(close.statusCode, 409, close.body);
    assert.match(close.json().detail, /money in flight/);

    await s.client.advanceClock({ to: AFTER_WINDOW });
    const sent = await origination(s, ach.id);
    assert.equal(sent.status, 'IN_TRANSIT');
    assert.equal(await assertFilesValid(s.client), 1);
    await assertSound(t.db, s.client.partnerId);

    await s.client.advanceClock({ to: AFTER_SETTLEMENT });
    assert.equal((await origination(s, ach.id)).status, 'PROCESSED');
    assert.deepEqual(await pendingEntries(s.client), []);
    const portfolio = await getPortfolio(s.client, s.pocketId);
    assert.ok(portfolio.securities.length > 0, 'the pulled money was invested');
    assert.ok(portfolio.cash.value < 10_000, `cash left ${portfolio.cash.value}`);
    const invested = portfolio.securities.reduce((total, sec) => total + sec.market_value.value, 0);
    assert.ok(Math.abs(invested + portfolio.cash.value - 500_000) < 1_000, `value ${invested + portfolio.cash.value}`);
    assert.deepEqual(await eventTypes(s.client, ach.id), ['transfers.ach.in.success']);
    await assertSound(t.db, s.client.partnerId);
  });

  test('a $2,000 CREDIT push sells bills, is held, goes out in a file and settles', async () => {
    const s = await setup();
    await fund(s.client, s.pocketId, 1_000_000);
    const before = await getPortfolio(s.client, s.pocketId);
    assert.ok(before.securities.length > 0);
    const ach = await originate(s, { direction: 'CREDIT', amount_usdc: 200_000, sec_code: 'PPD', company_entry_description: 'PAYOUT' });
    assert.equal(ach.status, 'PENDING');
    assert.equal(ach.company_entry_description, 'PAYOUT');
    const sells = await t.db.query(`SELECT id FROM trades WHERE partner_id = $1 AND activity = 'SELL'`, [s.client.partnerId]);
    assert.ok(sells.length > 0, 'bills were sold');
    const held = await accounts(s.client, s.pocketId);
    assert.equal(held.bank_cash!.posted, 200_000n);
    assert.equal(held.bank_cash!.held, 200_000n, 'the money in flight is held');
    assert.equal((await pendingEntries(s.client)).map((e) => e.entry_type).join(), 'ACH_DEBIT');
    await assertSound(t.db, s.client.partnerId);

    await s.client.advanceClock({ to: AFTER_WINDOW });
    assert.equal((await origination(s, ach.id)).status, 'IN_TRANSIT');
    assert.match((await origination(s, ach.id)).trace_number, /^\d{15}$/);
    assert.equal(await assertFilesValid(s.client), 1);

    await s.client.advanceClock({ to: AFTER_SETTLEMENT });
    assert.equal((await origination(s, ach.id)).status, 'PROCESSED');
    const settled = await accounts(s.client, s.pocketId);
    assert.deepEqual(settled.bank_cash, { posted: 0n, held: 0n });
    assert.deepEqual(await eventTypes(s.client, ach.id), ['transfers.ach.out.sent', 'transfers.ach.out.success']);
    await assertSound(t.db, s.client.partnerId);
  });

  test('a CREDIT the pocket cannot cover is refused and nothing moves', async () => {
    const s = await setup();
    await fund(s.client, s.pocketId, 100_000);
    const response = await s.client.post(`/api/v1/jiko-accounts/${s.pocketId}/ach-originating`, {
      counterparty_id: s.counterpartyId, direction: 'CREDIT', amount_usdc: 200_000,
    });
    assert.equal(response.statusCode, 422, response.body);
    assert.deepEqual(response.json().detail[0].loc, ['body', 'amount_usdc']);
    assert.deepEqual(await pendingEntries(s.client), []);
    assert.equal((await t.db.query(`SELECT id FROM trades WHERE partner_id = $1 AND activity = 'SELL'`, [s.client.partnerId])).length, 0);
    await assertSound(t.db, s.client.partnerId);
  });

  test('$30,000 waits for the next business day; after 12:00 ET too; a file per window', async () => {
    const s = await setup();
    const large = await originate(s, { direction: 'DEBIT', amount_usdc: 3_000_000 });
    assert.equal(large.settlement_date, '2024-03-06');
    await s.client.advanceClock({ to: AFTER_WINDOW });
    assert.equal((await origination(s, large.id)).status, 'PENDING');
    const late = await originate(s, { direction: 'DEBIT', amount_usdc: 10_000, sec_code: 'CCD', company_entry_description: 'INVOICE 12' });
    assert.equal(late.settlement_date, '2024-03-06');
    await s.client.advanceClock({ to: AFTER_SETTLEMENT });
    assert.equal((await origination(s, large.id)).status, 'PENDING');
    assert.equal(await assertFilesValid(s.client), 0);

    await s.client.advanceClock({ to: '2024-03-06T22:30:00Z' });
    assert.equal((await origination(s, large.id)).status, 'PROCESSED');
    assert.equal((await origination(s, late.id)).status, 'PROCESSED');
    assert.equal(await assertFilesValid(s.client), 1);
    const files = (await s.client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED')).json().items;
    assert.equal(files[0].window_date, '2024-03-06');
    const { file } = validateNacha((await s.client.get(`/api/v1/ach-files/${files[0].id}`)).body);
    assert.deepEqual(file!.batches.map((b) => b.secCode).sort(), ['CCD', 'WEB'], 'one batch per SEC code');
    await assertSound(t.db, s.client.partnerId);
  });

  test('lists with filter[status], direction and cursors', async () => {
    const s = await setup();
    await fund(s.client, s.pocketId, 1_000_000);
    const a = await originate(s, { direction: 'DEBIT', amount_usdc: 1_000 });
    const b = await originate(s, { direction: 'CREDIT', amount_usdc: 2_000 });
    const c = await originate(s, { direction: 'DEBIT', amount_usdc: 3_000_000 });
    await s.client.advanceClock({ to: AFTER_WINDOW });
    const path = `/api/v1/jiko-accounts/${s.pocketId}/ach-originating`;
    const ids = async (query: string) => ((await s.client.get(`${path}${query}`)).json().items as { id: string }[]).map((i) => i.id);
    assert.deepEqual(await ids(''), [c.id, b.id, a.id]);
    assert.deepEqual(await ids('?direction=DEBIT'), [c.id, a.id]);
    assert.deepEqual(await ids('?filter[status]=IN_TRANSIT'), [b.id, a.id]);
    assert.deepEqual(await ids('?filter[status]=PENDING&direction=DEBIT'), [c.id]);
    const first = (await s.client.get(`${path}?limit=2`)).json();
    assert.deepEqual(first.items.map((i: { id: string }) => i.id), [c.id, b.id]);
    const second = (await s.client.get(`${path}?limit=2&cursor=${first.next_page}`)).json();
    assert.deepEqual(second.items.map((i: { id: string }) => i.id), [a.id]);
    assert.equal(second.next_page, null);
    assert.equal((await s.client.get(`${path}?cursor=bm90IGEgY3Vyc29y`)).statusCode, 422);
  });

  test('an unverified counterparty is 422; a bad description is 422; nothing moves', async () => {
    const s = await setup(false);
    const response = await s.client.post(`/api/v1/jiko-accounts/${s.pocketId}/ach-originating`, {
      counterparty_id: s.counterpartyId, direction: 'DEBIT', amount_usdc: 500_000,
    });
    assert.equal(response.statusCode, 422, response.body);
    assert.deepEqual(response.json().detail[0].loc, ['body', 'counterparty_id']);
    const verified = await setup();
    for (const body of [{ sec_code: 'CCD' }, { company_entry_description: 'TOO LONG TEXT' }, { company_entry_description: 'BAD-CHAR' }]) {
      const refused = await verified.client.post(`/api/v1/jiko-accounts/${verified.pocketId}/ach-originating`, {
        counterparty_id: verified.counterpartyId, direction: 'DEBIT', amount_usdc: 500_000, ...body,
      });
      assert.equal(refused.statusCode, 422, `${JSON.stringify(body)}: ${refused.body}`);
    }
    assert.equal((await t.db.query(`SELECT id FROM ach_originations WHERE partner_id = ANY($1::uuid[])`, [[s.client.partnerId, verified.client.partnerId]])).length, 0);
    assert.deepEqual(await pendingEntries(s.client), []);
  });

  test("another tenant's pocket, counterparty, origination and file are 404", async () => {
    const mine = await setup();
    const other = await setup();
    const ach = await originate(other, { direction: 'DEBIT', amount_usdc: 1_000 });
    await other.client.advanceClock({ to: AFTER_WINDOW });
    const [otherFile] = (await other.client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED')).json().items;
    assert.ok(otherFile);
    const post = (pocketId: string, counterpartyId: string) =>
      mine.client.post(`/api/v1/jiko-accounts/${pocketId}/ach-originating`, { counterparty_id: counterpartyId, direction: 'DEBIT', amount_usdc: 1_000 });
    assert.equal((await post(other.pocketId, mine.counterpartyId)).statusCode, 404);
    assert.equal((await post(mine.pocketId, other.counterpartyId)).statusCode, 404);
    assert.equal((await mine.client.get(`/api/v1/jiko-accounts/${other.pocketId}/ach-originating`)).statusCode, 404);
    assert.equal((await mine.client.get(`/api/v1/jiko-accounts/${other.pocketId}/ach-originating/${ach.id}`)).statusCode, 404);
    assert.equal((await mine.client.get(`/api/v1/jiko-accounts/${mine.pocketId}/ach-originating/${ach.id}`)).statusCode, 404);
    assert.equal((await mine.client.get(`/api/v1/ach-files/${otherFile.id}`)).statusCode, 404);
    assert.deepEqual((await mine.client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED')).json().items, []);
  });

  test('a keyed request is carried out once', async () => {
    const s = await setup();
    const path = `/api/v1/jiko-accounts/${s.pocketId}/ach-originating`;
    const body = { counterparty_id: s.counterpartyId, direction: 'DEBIT', amount_usdc: 1_000 };
    const KEY = randomUUID();
    const first = await s.client.post(path, body, { idempotencyKey: KEY });
    const again = await s.client.post(path, body, { idempotencyKey: KEY });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(again.body, first.body);
    assert.equal((await t.db.query(`SELECT id FROM ach_originations WHERE partner_id = $1`, [s.client.partnerId])).length, 1);
    assert.equal((await pendingEntries(s.client)).length, 1);
  });

  test('R01 on a pull after it was invested sells the bills, takes back what is there and records the rest as a receivable', async () => {
    const s = await setup();
    const other = await createPocket(s.client, s.customerId, 'UST-4W', 'second pocket');
    const ach = await originate(s, { direction: 'DEBIT', amount_usdc: 500_000 });
    await s.client.advanceClock({ to: AFTER_SETTLEMENT });
    await reallocate(s.client, s.pocketId, other, { type: 'REQUESTED_AMOUNT', amount_usdc: 300_000 });
    const left = (await getPortfolio(s.client, s.pocketId)).liquidation_value_t0.value;
    assert.ok(left > 0 && left < 300_000, `left ${left}`);

    const response = await s.client.post(`/api/v1/sandbox/ach-originating/${ach.id}/return`, { return_code: 'R01' }, { unsigned: true });
    assert.equal(response.statusCode, 200, response.body);
    const returned = response.json();
    assert.equal(returned.status, 'REJECTED');
    assert.equal(returned.return_code, 'R01');
    assert.equal(returned.receivable.value, 500_000 - left, 'what the pocket could not give back');
    const after = await getPortfolio(s.client, s.pocketId);
    assert.deepEqual(after.securities, []);
    assert.equal(after.total_value.value, 0);
    assert.equal((await origination(s, ach.id)).receivable.value, 500_000 - left);
    assert.deepEqual(await eventTypes(s.client, ach.id), ['transfers.ach.in.success', 'transfers.ach.in.rejected']);
    const again = await s.client.post(`/api/v1/sandbox/ach-originating/${ach.id}/return`, { return_code: 'R01' }, { unsigned: true });
    assert.equal(again.statusCode, 422, again.body);
    await assertSound(t.db, s.client.partnerId);
  });

  test('a returned CREDIT comes back and is invested; returns outside their time frame or before settlement are 422', async () => {
    const s = await setup();
    await fund(s.client, s.pocketId, 1_000_000);
    const push = await originate(s, { direction: 'CREDIT', amount_usdc: 200_000 });
    const early = await s.client.post(`/api/v1/sandbox/ach-originating/${push.id}/return`, { return_code: 'R03' }, { unsigned: true });
    assert.equal(early.statusCode, 422, early.body);
    await s.client.advanceClock({ to: AFTER_SETTLEMENT });
    const before = await getPortfolio(s.client, s.pocketId);
    const response = await s.client.post(`/api/v1/sandbox/ach-originating/${push.id}/return`, { return_code: 'R03' }, { unsigned: true });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().receivable.value, 0);
    const after = await getPortfolio(s.client, s.pocketId);
    assert.ok(after.cash.value < 10_000, `the money was invested again; cash ${after.cash.value}`);
    assert.ok(Math.abs(after.total_value.value - before.total_value.value - 200_000) < 1_000, `${before.total_value.value} -> ${after.total_value.value}`);
    assert.deepEqual(await eventTypes(s.client, push.id), ['transfers.ach.out.sent', 'transfers.ach.out.success', 'transfers.ach.out.rejected']);
    await assertSound(t.db, s.client.partnerId);

    const pull = await originate(s, { direction: 'DEBIT', amount_usdc: 1_000 });
    assert.equal(pull.settlement_date, '2024-03-06');
    await s.client.advanceClock({ to: '2024-03-11T22:30:00Z' });
    const late = await s.client.post(`/api/v1/sandbox/ach-originating/${pull.id}/return`, { return_code: 'R01' }, { unsigned: true });
    assert.equal(late.statusCode, 422, late.body);
    assert.deepEqual(late.json().detail[0].loc, ['body', 'return_code']);
    const unauthorized = await s.client.post(`/api/v1/sandbox/ach-originating/${pull.id}/return`, { return_code: 'R10' }, { unsigned: true });
    assert.equal(unauthorized.statusCode, 200, unauthorized.body);
    await assertSound(t.db, s.client.partnerId);
  });
});

describe('micro-deposits', () => {
  test('two ACCTVERIFY credits under $1 and their offsetting debit go out in the window file and net to zero once settled', async () => {
    const s = await setup();
    const created = await s.client.post(`/api/v2/customers/${s.customerId}/counterparties/`, {
      ...ACH_COUNTERPARTY, counterparty_name: { type: 'individual', first_name: 'Ada', last_name: 'Lovelace' }, account_number: '55501234', account_type: 'SAVINGS',
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;
    const [record] = await t.db.query<{ amount1_cents: bigint; amount2_cents: bigint; sent_at: Date | null }>(
      `SELECT amount1_cents, amount2_cents, sent_at FROM counterparty_micro_deposits WHERE counterparty_id = $1`, [id],
    );
    assert.equal(record!.sent_at, null);
    const amounts = [BigInt(record!.amount1_cents), BigInt(record!.amount2_cents)];

    await s.client.advanceClock({ to: AFTER_WINDOW });
    assert.equal(await assertFilesValid(s.client), 1);
    const [f] = (await s.client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED')).json().items;
    const { file } = validateNacha((await s.client.get(`/api/v1/ach-files/${f.id}`)).body);
    assert.equal(file!.batches.length, 2, 'credits and debit in batches of their own side');
    for (const batch of file!.batches) {
      assert.equal(batch.companyEntryDescription.trim(), 'ACCTVERIFY');
      assert.equal(batch.secCode, 'PPD', 'an individual');
    }
    const entries = file!.batches.flatMap((b) => b.entries);
    assert.deepEqual(entries.filter((e) => e.transactionCode === '32').map((e) => e.amountCents).sort(), [...amounts].sort());
    assert.deepEqual(entries.filter((e) => e.transactionCode === '37').map((e) => e.amountCents), [amounts[0]! + amounts[1]!]);
    for (const e of entries) assert.equal(e.accountNumber.trim(), '55501234');
    const [sent] = await t.db.query<{ sent_at: Date | null }>(`SELECT sent_at FROM counterparty_micro_deposits WHERE counterparty_id = $1`, [id]);
    assert.ok(sent!.sent_at, 'marked sent');
    // In flight: the credits left the verification account, the debit is on its way back; nothing of a pocket moved.
    assert.deepEqual(await systemAccount(s.client, 'ach_verification'), { posted: 0n, pending: 0n });
    assert.equal((await pendingEntries(s.client)).length, 3);
    assert.deepEqual(await accounts(s.client, s.pocketId), { bank_cash: { posted: 0n, held: 0n }, brokerage_cash: { posted: 0n, held: 0n }, securities_at_cost: { posted: 0n, held: 0n } });
    await assertSound(t.db, s.client.partnerId);

    await s.client.advanceClock({ to: AFTER_SETTLEMENT });
    assert.deepEqual(await pendingEntries(s.client), []);
    const posted = await t.db.query<{ entry_type: string; total: string }>(
      `SELECT e.entry_type, sum(p.amount_cents) FILTER (WHERE a.kind = 'ach_verification')::text AS total
         FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
        WHERE e.partner_id = $1 AND e.reference_id = $2 AND e.status = 'posted' GROUP BY e.id, e.entry_type ORDER BY e.entry_type, 2`,
      [s.client.partnerId, id],
    );
    assert.equal(posted.length, 3, 'one ledger entry per NACHA entry');
    assert.deepEqual(await systemAccount(s.client, 'ach_verification'), { posted: 0n, pending: 0n });
    assert.deepEqual(await systemAccount(s.client, 'ach_clearing'), { posted: 0n, pending: 0n });
    const states = await t.db.query<{ status: string }>(`SELECT status FROM ach_verification_entries WHERE counterparty_id = $1`, [id]);
    assert.deepEqual(states.map((r) => r.status), ['PROCESSED', 'PROCESSED', 'PROCESSED']);
    await assertSound(t.db, s.client.partnerId);

    // Sent once: the next window has nothing of it; the customer confirms the amounts.
    await s.client.advanceClock({ to: '2024-03-06T22:30:00Z' });
    assert.equal(await assertFilesValid(s.client), 1);
    const confirm = await s.client.post(`/api/v2/counterparties/${id}/micro-deposits/`, { amounts_usdc: amounts.map(Number) });
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.equal(confirm.json().status, 'LINKED');
  });
});

describe('micro-deposits of a partner with no pocket', () => {
  test('the verification enrolls the tenant: the window sends the micro-deposits in a valid file, and they can be confirmed', async () => {
    const client = await newPartner(t);
    await client.setClock(MORNING);
    const customerId = await createCustomer(client);
    const created = await client.post(`/api/v2/customers/${customerId}/counterparties/`, ACH_COUNTERPARTY);
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;
    const [pockets] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pockets WHERE partner_id = $1', [client.partnerId]);
    assert.equal(pockets!.n, 0, 'no pocket, not even the funding one');
    const [record] = await t.db.query<{ amount1_cents: bigint; amount2_cents: bigint }>(
      'SELECT amount1_cents, amount2_cents FROM counterparty_micro_deposits WHERE counterparty_id = $1', [id],
    );
    const amounts = [BigInt(record!.amount1_cents), BigInt(record!.amount2_cents)];
    const early = await client.post(`/api/v2/counterparties/${id}/micro-deposits/`, { amounts_usdc: amounts.map(Number) });
    assert.equal(early.statusCode, 409, early.body);

    await client.advanceClock({ to: AFTER_WINDOW });
    assert.equal(await assertFilesValid(client), 1);
    const [f] = (await client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED')).json().items;
    const { file } = validateNacha((await client.get(`/api/v1/ach-files/${f.id}`)).body);
    const entries = file!.batches.flatMap((b) => b.entries);
    assert.deepEqual(entries.filter((e) => e.transactionCode === '22').map((e) => e.amountCents).sort(), [...amounts].sort());
    assert.deepEqual(entries.filter((e) => e.transactionCode === '27').map((e) => e.amountCents), [amounts[0]! + amounts[1]!]);
    const confirm = await client.post(`/api/v2/counterparties/${id}/micro-deposits/`, { amounts_usdc: amounts.map(Number) });
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.deepEqual([confirm.json().verification_status, confirm.json().status], ['VERIFIED', 'LINKED']);
    await assertSound(t.db, client.partnerId);
  });
});

describe('micro-deposits: names and states', () => {
  test('a business name with accents goes out as CCD in plain ASCII (upper case, as the writer writes names); an unlinked counterparty\'s micro-deposits are never sent', async () => {
    const s = await setup();
    const create = async (name: string) => {
      const response = await s.client.post(`/api/v2/customers/${s.customerId}/counterparties/`, { ...ACH_COUNTERPARTY, counterparty_name: { type: 'business', business_name: name } });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().id as string;
    };
    await create('Café Ñandú SA');
    const unlinked = await create('Gone Away LLC');
    assert.equal((await s.client.patch(`/api/v2/counterparties/${unlinked}/`, { status: 'UNLINKED' })).statusCode, 200);
    await s.client.advanceClock({ to: AFTER_WINDOW });
    assert.equal(await assertFilesValid(s.client), 1);
    const [f] = (await s.client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED')).json().items;
    const { file } = validateNacha((await s.client.get(`/api/v1/ach-files/${f.id}`)).body);
    assert.deepEqual(file!.batches.map((b) => b.secCode), ['CCD', 'CCD']);
    const names = new Set(file!.batches.flatMap((b) => b.entries.map((e) => e.individualName.trim())));
    assert.deepEqual([...names], ['CAFE NANDU SA']);
    const [never] = await t.db.query<{ sent_at: Date | null }>(`SELECT sent_at FROM counterparty_micro_deposits WHERE counterparty_id = $1`, [unlinked]);
    assert.equal(never!.sent_at, null);
  });
});

describe('prenotes (POCKETBOOK_ACH_PRENOTES)', () => {
  let withPrenotes: TestApp;
  before(async () => {
    withPrenotes = await startTestApp({ config: { achPrenotes: true } });
  });
  after(async () => {
    await withPrenotes.close();
  });

  test('the first entry to a counterparty follows a zero-dollar prenote in its file; later entries do not', async () => {
    const s = await setup(true, withPrenotes);
    const first = await originate(s, { direction: 'DEBIT', amount_usdc: 10_000, sec_code: 'PPD', company_entry_description: 'DUES' });
    await s.client.advanceClock({ to: AFTER_WINDOW });
    assert.equal(await assertFilesValid(s.client), 1);
    const files = async () => (await s.client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED')).json().items as { id: string }[];
    const [f] = await files();
    const { file } = validateNacha((await s.client.get(`/api/v1/ach-files/${f!.id}`)).body);
    assert.equal(file!.batches.length, 1, 'the prenote rides in the live entry\'s batch');
    const [prenote, live] = file!.batches[0]!.entries;
    assert.equal(prenote!.transactionCode, '28', 'prenote of a checking debit');
    assert.equal(prenote!.amountCents, 0n);
    assert.equal(prenote!.accountNumber.trim(), '123456789');
    assert.equal(live!.transactionCode, '27');
    assert.equal(live!.traceNumber, (await origination(s, first.id)).trace_number);
    assert.ok(prenote!.traceNumber < live!.traceNumber, 'the prenote precedes the live entry');
    const [row] = await t.db.query<{ purpose: string; counterparty_id: string; ledger_entry_id: string | null }>(
      `SELECT purpose, counterparty_id, ledger_entry_id FROM ach_verification_entries WHERE partner_id = $1`, [s.client.partnerId],
    );
    assert.deepEqual(row, { purpose: 'prenote', counterparty_id: s.counterpartyId, ledger_entry_id: null });
    await s.client.advanceClock({ to: AFTER_SETTLEMENT });
    const settled = await t.db.query<{ status: string }>(`SELECT status FROM ach_verification_entries WHERE partner_id = $1`, [s.client.partnerId]);
    assert.deepEqual(settled, [{ status: 'PROCESSED' }]);

    // A push the next day: the counterparty was reached, no new prenote (a credit would be 23).
    await fund(s.client, s.pocketId, 100_000);
    await originate(s, { direction: 'CREDIT', amount_usdc: 5_000 });
    await s.client.advanceClock({ to: '2024-03-06T17:30:00Z' });
    assert.equal(await assertFilesValid(s.client), 2);
    const [latest] = await files();
    const next = validateNacha((await s.client.get(`/api/v1/ach-files/${latest!.id}`)).body).file!;
    assert.deepEqual(next.batches.flatMap((b) => b.entries.map((e) => e.transactionCode)), ['22']);
    await assertSound(t.db, s.client.partnerId);
  });

  test('without the setting no prenote is written', async () => {
    const s = await setup();
    await originate(s, { direction: 'DEBIT', amount_usdc: 10_000 });
    await s.client.advanceClock({ to: AFTER_WINDOW });
    const [f] = (await s.client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED')).json().items;
    const { file } = validateNacha((await s.client.get(`/api/v1/ach-files/${f.id}`)).body);
    assert.deepEqual(file!.batches.flatMap((b) => b.entries.map((e) => e.transactionCode)), ['27']);
  });
});

describe('notifications of change', () => {
  const noc = (s: Setup, id: string, body: Record<string, unknown>) =>
    s.client.post(`/api/v1/sandbox/ach-originating/${id}/notification-of-change`, body, { unsigned: true });

  test('C01 then C02 correct the counterparty, are recorded, emit counterparties.noc.received, and the next entries carry the data', async () => {
    const s = await setup();
    const first = await originate(s, { direction: 'DEBIT', amount_usdc: 10_000 });
    const early = await noc(s, first.id, { change_code: 'C01', corrected_account_number: '1234567890' });
    assert.equal(early.statusCode, 422, 'not in a file yet');
    await s.client.advanceClock({ to: AFTER_WINDOW });
    // A pull requested after the window waits for tomorrow's file (PENDING): the correction reaches it too.
    const waiting = await originate(s, { direction: 'DEBIT', amount_usdc: 20_000 });

    const response = await noc(s, first.id, { change_code: 'C01', corrected_account_number: '1234567890' });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.object_type, 'NotificationOfChange');
    assert.equal(body.transfer_id, first.id);
    assert.equal(body.counterparty_id, s.counterpartyId);
    assert.deepEqual(body.previous, { routing_number: '021000021', account_number: '123456789' });
    assert.deepEqual(body.corrected, { routing_number: '021000021', account_number: '1234567890' });
    const counterparty = (await s.client.get(`/api/v2/counterparties/${s.counterpartyId}/`)).json();
    assert.equal(counterparty.account_number, '1234567890');
    assert.equal(counterparty.routing_number, '021000021');
    assert.deepEqual(await eventTypes(s.client, s.counterpartyId), ['counterparties.noc.received']);
    const [event] = await t.db.query<{ payload: unknown }>(`SELECT payload FROM events WHERE partner_id = $1 AND object_id = $2`, [s.client.partnerId, s.counterpartyId]);
    assert.deepEqual(event!.payload, { counterparty_id: s.counterpartyId, transfer_id: first.id, change_code: 'C01' });

    const c02 = await noc(s, first.id, { change_code: 'C02', corrected_routing_number: '011000015' });
    assert.equal(c02.statusCode, 200, c02.body);
    assert.deepEqual(c02.json().corrected, { routing_number: '011000015', account_number: '1234567890' });
    const recorded = await t.db.query<{ change_code: string }>(
      `SELECT change_code FROM ach_notifications_of_change WHERE partner_id = $1 ORDER BY time_received, change_code`, [s.client.partnerId],
    );
    assert.deepEqual(recorded.map((r) => r.change_code), ['C01', 'C02']);

    const next = await originate(s, { direction: 'DEBIT', amount_usdc: 30_000 });
    await s.client.advanceClock({ to: '2024-03-06T17:30:00Z' });
    assert.equal(await assertFilesValid(s.client), 2);
    const [latest] = (await s.client.get('/api/v1/ach-files/?filter[direction]=ORIGINATED')).json().items;
    const { file } = validateNacha((await s.client.get(`/api/v1/ach-files/${latest.id}`)).body);
    const entries = file!.batches.flatMap((b) => b.entries);
    assert.equal(entries.length, 2);
    for (const e of entries) {
      assert.equal(e.rdfi, '01100001');
      assert.equal(e.accountNumber.trim(), '1234567890');
    }
    for (const id of [waiting.id, next.id]) {
      const [row] = await t.db.query<{ receiver_routing_number: string; receiver_account_number: string }>(
        `SELECT receiver_routing_number, receiver_account_number FROM ach_originations WHERE id = $1`, [id],
      );
      assert.deepEqual(row, { receiver_routing_number: '011000015', receiver_account_number: '1234567890' });
    }
    await assertSound(t.db, s.client.partnerId);
  });

  test('corrected data that is missing, unused, unchanged or fails the ABA check is 422 and changes nothing; another tenant is 404', async () => {
    const s = await setup();
    const sent = await originate(s, { direction: 'DEBIT', amount_usdc: 10_000 });
    await s.client.advanceClock({ to: AFTER_WINDOW });
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ change_code: 'C02', corrected_routing_number: '021000022' }, ['body', 'corrected_routing_number']],
      [{ change_code: 'C03', corrected_routing_number: '011000015' }, ['body', 'corrected_account_number']],
      [{ change_code: 'C01', corrected_account_number: '1234567890', corrected_routing_number: '011000015' }, ['body', 'corrected_routing_number']],
      [{ change_code: 'C01', corrected_account_number: '123456789' }, ['body', 'corrected_account_number']],
    ];
    for (const [body, loc] of cases) {
      const refused = await noc(s, sent.id, body);
      assert.equal(refused.statusCode, 422, `${JSON.stringify(body)}: ${refused.body}`);
      assert.deepEqual(refused.json().detail[0].loc, loc, JSON.stringify(body));
    }
    const other = await setup();
    assert.equal((await noc(other, sent.id, { change_code: 'C01', corrected_account_number: '1234567890' })).statusCode, 404);
    const counterparty = (await s.client.get(`/api/v2/counterparties/${s.counterpartyId}/`)).json();
    assert.deepEqual([counterparty.routing_number, counterparty.account_number], ['021000021', '123456789']);
    assert.equal((await t.db.query(`SELECT id FROM ach_notifications_of_change WHERE partner_id = $1`, [s.client.partnerId])).length, 0);
    assert.deepEqual(await eventTypes(s.client, s.counterpartyId), []);
    const c03 = await noc(s, sent.id, { change_code: 'C03', corrected_routing_number: '121000358', corrected_account_number: '99887766' });
    assert.equal(c03.statusCode, 200, c03.body);
    assert.deepEqual(c03.json().corrected, { routing_number: '121000358', account_number: '99887766' });
  });
});

describe('ACH in the pocket activity lists', () => {
  interface TxV2 { type: string; direction: string; status: string; amount: { value: number }; trace_number: string | null; company_name: string; description: string; time_settled: string | null }
  const achRows = async (s: Setup) => {
    const response = await s.client.get(`/api/v2/pockets/${s.pocketId}/transactions/?filter[type]=ACH&order=asc`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json().items as TxV2[];
  };

  test('a settled pull, a settled push and the return of the push are Jiko Transactions; all-time earnings stay earnings', async () => {
    const s = await setup();
    const pull = await originate(s, { direction: 'DEBIT', amount_usdc: 500_000 });
    assert.deepEqual(await achRows(s), [], 'nothing on the bank side before it settles');
    await s.client.advanceClock({ to: AFTER_SETTLEMENT });
    const settledPull = await origination(s, pull.id);
    const [inward] = await achRows(s);
    assert.ok(inward);
    assert.deepEqual(
      { type: inward.type, direction: inward.direction, status: inward.status, amount: inward.amount.value, trace: inward.trace_number, name: inward.company_name },
      { type: 'ACH', direction: 'CREDIT', status: 'SETTLED', amount: 500_000, trace: settledPull.trace_number, name: 'Hopper Ledger Corp.' },
    );
    // The pulled money is principal, not earnings.
    const portfolio = await getPortfolio(s.client, s.pocketId);
    assert.ok(Math.abs(portfolio.all_time_earnings.value) < 100, `earnings ${portfolio.all_time_earnings.value}`);

    const push = await originate(s, { direction: 'CREDIT', amount_usdc: 200_000 });
    await s.client.advanceClock({ to: '2024-03-06T22:30:00Z' });
    const returned = await s.client.post(`/api/v1/sandbox/ach-originating/${push.id}/return`, { return_code: 'R03' }, { unsigned: true });
    assert.equal(returned.statusCode, 200, returned.body);
    const rows = await achRows(s);
    assert.deepEqual(rows.map((r) => [r.direction, r.amount.value, r.status]), [['CREDIT', 500_000, 'SETTLED'], ['DEBIT', 200_000, 'SETTLED'], ['CREDIT', 200_000, 'SETTLED']]);
    assert.equal(rows[1]!.trace_number, (await origination(s, push.id)).trace_number);
    assert.match(rows[2]!.description, /Return R03/);

    const v1 = await s.client.get(`/api/v1/jiko-accounts/${s.pocketId}/transactions`);
    assert.equal(v1.statusCode, 200, v1.body);
    const pushV1 = (v1.json().items as { amount: { value: number }; details: { transaction_type: string; ach_transaction?: { trace_number?: string } } }[])
      .find((row) => row.amount.value === -200_000);
    assert.ok(pushV1, 'the push, negative in v1');
    assert.equal(pushV1.details.transaction_type, 'ACH');
    assert.equal(pushV1.details.ach_transaction?.trace_number, rows[1]!.trace_number);
    const after = await getPortfolio(s.client, s.pocketId);
    assert.ok(Math.abs(after.all_time_earnings.value) < 200, `earnings ${after.all_time_earnings.value}`);
    await assertSound(t.db, s.client.partnerId);
  });
});
