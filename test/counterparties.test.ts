/**
 * Counterparties through the Partner API on a real database: each type created and read back
 * (v2 and v1 shapes), the identifier checks (ABA check digit, IBAN mod 97, BIC shape) refused
 * with Jiko's 422 and nothing stored, updates and unlinking, verification by pre_verified, by
 * Plaid's sandbox and by micro-deposits (right amounts, and three wrong tries), tenant isolation
 * and idempotent creates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { createCustomer, createPocket } from './support/fixtures.ts';
import { partnerContext } from '../src/platform/context.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const ADDRESS = { street_address: '1 Main Street', city: 'Springfield', postal_code: '07081', state: 'NJ', country: 'US' };
const BUSINESS = { type: 'business', business_name: 'Hopper Ledger Corp.' };

const ACH = { type: 'ach', counterparty_name: BUSINESS, routing_number: '021000021', account_number: '123456789', account_type: 'CHECKING' };
const WIRE = { type: 'wire', counterparty_name: BUSINESS, routing_number: '011000015', identifier: '987654321', address: ADDRESS, verification_method: 'pre_verified' };
const INTERNATIONAL = {
  type: 'international_wire',
  counterparty_name: { type: 'individual', first_name: 'Ada', last_name: 'Lovelace' },
  bic: 'NWBKGB2L',
  identifier: 'GB82 WEST 1234 5698 7654 32',
  identifier_type: 'IBAN',
  address: { street_address: '10 Downing Street', city: 'London', postal_code: 'SW1A 2AA', country: 'GB' },
};

/** 17:30 UTC on Tuesday 5 March 2024: after that day's ACH window (12:00 New York, EST). */
const AFTER_ACH_WINDOW = '2024-03-05T17:30:00Z';

async function counterpartyRows(client: PartnerClient) {
  return t.db.query<{ id: string; type: string }>(`SELECT id, type FROM counterparties WHERE partner_id = $1 ORDER BY time_created, id`, [client.partnerId]);
}

async function microDeposits(id: string) {
  const [row] = await t.db.query<{ amount1_cents: bigint; amount2_cents: bigint; sent_at: Date | null }>(
    `SELECT amount1_cents, amount2_cents, sent_at FROM counterparty_micro_deposits WHERE counterparty_id = $1`,
    [id],
  );
  assert.ok(row, 'no micro-deposit record');
  return row;
}

async function setup() {
  const client = await newPartner(t);
  await client.setClock('2024-03-05T15:00:00Z');
  const customerId = await createCustomer(client);
  return { client, customerId };
}

async function create(client: PartnerClient, path: string, body: unknown) {
  const response = await client.post(path, body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

describe('counterparties', () => {
  test('creates each type and reads it back (v2)', async () => {
    const { client, customerId } = await setup();
    const pocketId = await createPocket(client, customerId, 'UST-4W');
    const [portal] = await t.db.query<{ account_number: string }>(`SELECT account_number FROM portals WHERE pocket_id = $1`, [pocketId]);

    const ach = await create(client, `/api/v2/customers/${customerId}/counterparties/`, ACH);
    assert.equal(ach.type, 'ach');
    assert.equal(ach.customer_id, customerId);
    assert.equal(ach.routing_number, '021000021');
    assert.equal(ach.account_number, '123456789');
    assert.equal(ach.account_type, 'CHECKING');
    assert.equal(ach.name_on_account, 'Hopper Ledger Corp.');
    assert.equal(ach.verification_method, 'micro_deposits');
    assert.equal(ach.verification_status, 'IN_PROGRESS');
    assert.equal(ach.status, 'PENDING');
    assert.deepEqual(ach.micro_deposits, { verification_failure_count: 0 });
    assert.equal(ach.object_type, 'Counterparty');
    const sent = await microDeposits(ach.id);
    assert.ok(sent.amount1_cents >= 1n && sent.amount1_cents <= 99n && sent.amount2_cents >= 1n && sent.amount2_cents <= 99n);
    assert.equal(sent.sent_at, null, 'the ACCTVERIFY entries wait for the next ACH window (test/ach.test.ts)');

    const wire = await create(client, '/api/v2/counterparties/', WIRE);
    assert.equal(wire.customer_id, null);
    assert.equal(wire.identifier, '987654321');
    assert.deepEqual(wire.address, ADDRESS);
    assert.equal(wire.verification_method, 'pre_verified');
    assert.equal(wire.verification_status, 'VERIFIED');
    assert.equal(wire.status, 'LINKED');

    const international = await create(client, `/api/v2/customers/${customerId}/counterparties/`, INTERNATIONAL);
    assert.equal(international.identifier, 'GB82WEST12345698765432');
    assert.equal(international.identifier_type, 'IBAN');
    assert.equal(international.bic, 'NWBKGB2L');
    assert.equal(international.name_on_account, 'Ada Lovelace');
    assert.equal(international.verification_method, 'supporting_documents');
    assert.equal(international.status, 'PENDING');

    const onUs = await create(client, `/api/v2/customers/${customerId}/counterparties/`, { type: 'on_us', counterparty_name: BUSINESS, account_number: portal!.account_number });
    assert.equal(onUs.account_number, portal!.account_number);
    assert.equal(onUs.jiko_account_id, pocketId);
    assert.equal(onUs.status, 'LINKED');

    const got = await client.get(`/api/v2/counterparties/${ach.id}/`);
    assert.equal(got.statusCode, 200, got.body);
    assert.deepEqual(got.json(), ach);

    const all = await client.get('/api/v2/counterparties/');
    assert.equal(all.statusCode, 200, all.body);
    assert.deepEqual(all.json().items.map((c: { id: string }) => c.id), [onUs.id, international.id, wire.id, ach.id]);
    const linked = await client.get('/api/v2/counterparties/?status=LINKED&type=wire');
    assert.deepEqual(linked.json().items.map((c: { id: string }) => c.id), [wire.id]);
    const mine = await client.get(`/api/v2/customers/${customerId}/counterparties/?limit=2`);
    assert.equal(mine.statusCode, 200, mine.body);
    assert.deepEqual(mine.json().items.map((c: { id: string }) => c.id), [onUs.id, international.id]);
    const next = await client.get(`/api/v2/customers/${customerId}/counterparties/?limit=2&cursor=${mine.json().next_page}`);
    assert.deepEqual(next.json().items.map((c: { id: string }) => c.id), [ach.id]);
  });

  test('bad routing numbers, IBANs, BICs and network addresses are refused with 422 and nothing is stored', async () => {
    const { client, customerId } = await setup();
    const path = `/api/v2/customers/${customerId}/counterparties/`;
    const cases: [unknown, (string | number)[], RegExp][] = [
      [{ ...ACH, routing_number: '021000022' }, ['body', 'routing_number'], /ABA check digit/],
      [{ ...WIRE, routing_number: '12345' }, ['body', 'routing_number'], /9 digits/],
      [{ ...INTERNATIONAL, identifier: 'GB82WEST12345698765433' }, ['body', 'identifier'], /ISO 13616/],
      [{ ...INTERNATIONAL, identifier: 'GB82WEST1234569876543' }, ['body', 'identifier'], /22 characters/],
      [{ ...INTERNATIONAL, bic: 'NWBK1B2L' }, ['body', 'bic'], /4 letters/],
      [{ ...INTERNATIONAL, bic: 'NWBKXXXX' }, ['body', 'bic'], /ISO 3166/],
      [{ ...ACH, routing_number: undefined }, ['body', 'routing_number'], /required/],
      [{ ...ACH, bic: 'NWBKGB2L' }, ['body', 'bic'], /not used/],
      [{ type: 'on_us', counterparty_name: BUSINESS, account_number: '123456789012' }, ['body', 'account_number'], /network address/],
      [{ ...ACH, counterparty_name: { type: 'business' } }, ['body', 'counterparty_name', 'business_name'], /required/],
      [{ ...WIRE, address: { ...ADDRESS, state: undefined } }, ['body', 'address', 'state'], /state/],
      [{ ...WIRE, address: { ...ADDRESS, country: 'ZZ' } }, ['body', 'address', 'country'], /ISO 3166/],
    ];
    for (const [body, loc, msg] of cases) {
      const response = await client.post(path, body);
      assert.equal(response.statusCode, 422, `${JSON.stringify(body)}: ${response.body}`);
      const [issue] = response.json().detail;
      assert.deepEqual(issue.loc, loc, response.body);
      assert.match(issue.msg, msg);
    }
    assert.deepEqual(await counterpartyRows(client), []);
  });

  test('PATCH renames, changes the address and unlinks', async () => {
    const { client } = await setup();
    const wire = await create(client, '/api/v2/counterparties/', WIRE);
    const renamed = await client.patch(`/api/v2/counterparties/${wire.id}/`, {
      counterparty_name: { type: 'business', business_name: 'Hopper Holdings' },
      address: { ...ADDRESS, street_address: '2 Main Street' },
    });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().name_on_account, 'Hopper Holdings');
    assert.equal(renamed.json().address.street_address, '2 Main Street');
    assert.equal(renamed.json().status, 'LINKED');

    const unlinked = await client.patch(`/api/v2/counterparties/${wire.id}/`, { status: 'UNLINKED' });
    assert.equal(unlinked.statusCode, 200, unlinked.body);
    assert.equal(unlinked.json().status, 'UNLINKED');
    const read = await client.get(`/api/v2/counterparties/${wire.id}/`);
    assert.equal(read.json().status, 'UNLINKED');
    assert.equal(read.json().name_on_account, 'Hopper Holdings');

    const relink = await client.patch(`/api/v2/counterparties/${wire.id}/`, { status: 'LINKED' });
    assert.equal(relink.statusCode, 422, relink.body);
  });

  test('v1 lists and gets a customer\'s ACH and wire counterparties in the v1 shape', async () => {
    const { client, customerId } = await setup();
    const ach = await create(client, `/api/v2/customers/${customerId}/counterparties/`, { ...ACH, verification_method: 'pre_verified' });
    const wire = await create(client, `/api/v2/customers/${customerId}/counterparties/`, WIRE);
    await create(client, '/api/v2/counterparties/', WIRE);

    const list = await client.get(`/api/v1/customers/${customerId}/counterparties`);
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json().object_type, 'CursorList');
    assert.deepEqual(list.json().items.map((c: { id: string; type: string }) => [c.id, c.type]), [[wire.id, 'WIRE'], [ach.id, 'ACH']]);

    const one = await client.get(`/api/v1/customers/${customerId}/counterparties/${ach.id}`);
    assert.equal(one.statusCode, 200, one.body);
    const body = one.json();
    assert.equal(body.type, 'ACH');
    assert.equal(body.object_type, 'Counterparty');
    assert.equal(body.ach.verification_type, 'PRE_VERIFIED');
    assert.equal(body.ach.status, 'VERIFIED');
    assert.equal(body.ach.routing_number, '021000021');
    assert.equal(body.ach.account_type, 'CHECKING');
    assert.equal(body.ach.name_on_account, 'Hopper Ledger Corp.');
    assert.equal(body.wire, undefined);
  });

  test('Plaid sandbox: link token, accounts linked at once with an institution, or after verify', async () => {
    const { client, customerId } = await setup();
    const base = `/api/v1/customers/${customerId}/counterparties`;
    const token = await client.post(`${base}/plaid/link-token`, { client_name: 'Hopper' });
    assert.equal(token.statusCode, 200, token.body);
    assert.match(token.json().link_token, /^link-sandbox-/);
    assert.ok(Date.parse(token.json().expiration) > Date.parse('2024-03-05T15:00:00Z'));
    const both = await client.post(`${base}/plaid/link-token`, { client_name: 'Hopper', redirect_uri: 'https://a.example', android_package_name: 'com.example' });
    assert.equal(both.statusCode, 422, both.body);

    const linked = await client.post(`${base}/plaid`, { public_token: 'public-sandbox-1', institution_id: 'ins_109508', accounts: [{ id: 'acc-1', name: 'Plaid Checking', mask: '0000' }] });
    assert.equal(linked.statusCode, 200, linked.body);
    assert.equal(linked.json().object_type, 'PlaidCreateCounterpartiesResponse');
    const [auto] = linked.json().items;
    assert.equal(auto.type, 'ACH');
    assert.equal(auto.ach.verification_type, 'PLAID');
    assert.equal(auto.ach.status, 'VERIFIED');
    assert.deepEqual(auto.ach.plaid, { mask: '0000', verification_status: 'AUTOMATICALLY_VERIFIED', object_type: 'CounterpartyPlaid' });

    const manual = await client.post(`${base}/plaid`, { public_token: 'public-sandbox-2', accounts: [{ id: 'acc-2', mask: '1111' }] });
    assert.equal(manual.statusCode, 200, manual.body);
    const [pending] = manual.json().items;
    assert.equal(pending.ach.status, 'IN_PROGRESS');
    assert.equal(pending.ach.plaid.verification_status, 'PENDING_MANUAL_VERIFICATION');
    const verified = await client.post(`${base}/${pending.id}/plaid/verify`);
    assert.equal(verified.statusCode, 204, verified.body);
    const after = await client.get(`${base}/${pending.id}`);
    assert.equal(after.json().ach.status, 'VERIFIED');
    assert.equal(after.json().ach.plaid.verification_status, 'MANUALLY_VERIFIED');
    assert.equal((await client.get(`/api/v2/counterparties/${pending.id}/`)).json().status, 'LINKED');

    const notSandbox = await client.post(`${base}/plaid`, { public_token: 'public-production-1', accounts: [{ id: 'acc-3' }] });
    assert.equal(notSandbox.statusCode, 422, notSandbox.body);
    assert.deepEqual(notSandbox.json().detail[0].loc, ['body', 'public_token']);
  });

  test('micro-deposits: the right amounts verify; three wrong tries fail the counterparty', async () => {
    const { client, customerId } = await setup();
    const path = `/api/v2/customers/${customerId}/counterparties/`;
    const good = await create(client, path, ACH);
    const bad = await create(client, path, ACH);
    // Sent in the ACH window at 12:00 New York (17:00 UTC in March before DST), even with no pocket yet.
    await client.advanceClock({ to: AFTER_ACH_WINDOW });
    const sent = await microDeposits(good.id);
    assert.ok(sent.sent_at, 'sent in the window');
    // The sandbox shows the amounts the customer would read on the bank statement.
    const shown = await client.get(`/api/v1/sandbox/counterparties/${good.id}/micro-deposits`, { unsigned: true });
    assert.equal(shown.statusCode, 200, shown.body);
    assert.deepEqual(shown.json(), { amounts_usdc: [Number(sent.amount1_cents), Number(sent.amount2_cents)], verification_failure_count: 0 });
    const right = await client.post(`/api/v2/counterparties/${good.id}/micro-deposits/`, { amounts_usdc: [Number(sent.amount2_cents), Number(sent.amount1_cents)] });
    assert.equal(right.statusCode, 200, right.body);
    assert.equal(right.json().verification_status, 'VERIFIED');
    assert.equal(right.json().status, 'LINKED');

    const sentBad = await microDeposits(bad.id);
    // A pair of one amount that is neither of those sent never matches.
    const wrong = [1, 2, 3].find((cents) => BigInt(cents) !== sentBad.amount1_cents && BigInt(cents) !== sentBad.amount2_cents)!;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const response = await client.post(`/api/v2/counterparties/${bad.id}/micro-deposits/`, { amounts_usdc: [wrong, wrong] });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().micro_deposits.verification_failure_count, attempt);
      assert.equal(response.json().verification_status, attempt < 3 ? 'IN_PROGRESS' : 'FAILED');
    }
    const failed = await client.get(`/api/v1/customers/${customerId}/counterparties/${bad.id}`);
    assert.equal(failed.json().ach.status, 'FAILED');
    assert.equal(failed.json().ach.micro_deposits.verification_failure_count, 3);
    const late = await client.post(`/api/v2/counterparties/${bad.id}/micro-deposits/`, { amounts_usdc: [1, 1] });
    assert.equal(late.statusCode, 422, late.body);
    assert.equal((await client.get(`/api/v2/counterparties/${bad.id}/`)).json().status, 'UNLINKED');
  });

  test('micro-deposits not sent yet cannot be confirmed: 409, nothing changes, no wrong try counted', async () => {
    const { client, customerId } = await setup();
    const created = await create(client, `/api/v2/customers/${customerId}/counterparties/`, ACH);
    const record = await microDeposits(created.id);
    assert.equal(record.sent_at, null);
    const amounts = [Number(record.amount1_cents), Number(record.amount2_cents)];
    const before = (await client.get(`/api/v2/counterparties/${created.id}/`)).json();
    for (const tried of [amounts, [amounts[0]!, amounts[0]!]]) {
      const early = await client.post(`/api/v2/counterparties/${created.id}/micro-deposits/`, { amounts_usdc: tried });
      assert.equal(early.statusCode, 409, early.body);
      assert.match(early.json().detail, /not been sent/);
    }
    assert.deepEqual((await client.get(`/api/v2/counterparties/${created.id}/`)).json(), before);
    assert.equal(before.verification_status, 'IN_PROGRESS');
    assert.equal((await microDeposits(created.id)).sent_at, null);
    const [failures] = await t.db.query<{ n: number }>(
      'SELECT verification_failure_count AS n FROM counterparty_micro_deposits WHERE counterparty_id = $1', [created.id]);
    assert.equal(Number(failures!.n), 0);

    await client.advanceClock({ to: AFTER_ACH_WINDOW });
    assert.ok((await microDeposits(created.id)).sent_at);
    const confirmed = await client.post(`/api/v2/counterparties/${created.id}/micro-deposits/`, { amounts_usdc: amounts });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.equal(confirmed.json().status, 'LINKED');
  });

  test("another tenant's counterparty and customer are not found", async () => {
    const { client, customerId } = await setup();
    const other = await newPartner(t);
    const ach = await create(client, `/api/v2/customers/${customerId}/counterparties/`, ACH);
    for (const response of [
      await other.get(`/api/v2/counterparties/${ach.id}/`),
      await other.patch(`/api/v2/counterparties/${ach.id}/`, { status: 'UNLINKED' }),
      await other.get(`/api/v1/customers/${customerId}/counterparties/${ach.id}`),
      await other.get(`/api/v1/customers/${customerId}/counterparties`),
      await other.get(`/api/v2/customers/${customerId}/counterparties/`),
      await other.post(`/api/v2/customers/${customerId}/counterparties/`, ACH),
      await other.post(`/api/v2/counterparties/${ach.id}/micro-deposits/`, { amounts_usdc: [1, 2] }),
      await other.get(`/api/v1/sandbox/counterparties/${ach.id}/micro-deposits`, { unsigned: true }),
    ]) {
      assert.equal(response.statusCode, 404, response.body);
      assert.deepEqual(response.json(), { detail: 'Not Found' });
    }
    assert.equal((await other.get('/api/v2/counterparties/')).json().items.length, 0);
    assert.equal((await client.get(`/api/v2/counterparties/${ach.id}/`)).json().status, 'PENDING');
  });

  test('a create repeated with its idempotency key is replayed, not made twice', async () => {
    const { client } = await setup();
    const first = await client.post('/api/v2/counterparties/', WIRE, { idempotencyKey: '5b0e6a43-0f6c-4c55-9c39-2f1d0c8b7a61' });
    const again = await client.post('/api/v2/counterparties/', WIRE, { idempotencyKey: '5b0e6a43-0f6c-4c55-9c39-2f1d0c8b7a61' });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.body, first.body);
    assert.equal((await counterpartyRows(client)).length, 1);
  });

  test('the rails get a counterparty only when it is LINKED and of their kind', async () => {
    const { client, customerId } = await setup();
    const pending = await create(client, `/api/v2/customers/${customerId}/counterparties/`, ACH);
    const linked = await create(client, `/api/v2/customers/${customerId}/counterparties/`, { ...ACH, verification_method: 'pre_verified' });
    const ctx = partnerContext(client.partnerId, new Date('2024-03-05T15:00:00Z'));
    const usable = (id: string, rail: 'ach' | 'wire') => t.services.counterparties.usable(t.db, ctx, id, rail);
    assert.equal((await usable(linked.id, 'ach')).id, linked.id);
    await assert.rejects(usable(pending.id, 'ach'), (error: { code?: string }) => error.code === 'counterparties.not_linked');
    await assert.rejects(usable(linked.id, 'wire'), (error: { code?: string }) => error.code === 'counterparties.not_linked');
    const other = await newPartner(t);
    await assert.rejects(
      t.services.counterparties.usable(t.db, partnerContext(other.partnerId, new Date()), linked.id, 'ach'),
      (error: { code?: string }) => error.code === 'counterparties.not_found',
    );
  });
});
