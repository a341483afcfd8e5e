/**
 * Portals through the Partner API on a real database: several portals per pocket, the v1 and v2
 * lists and the tenant-wide list, renaming, closing (once: 204, then 412), funding instructions,
 * exactly-once creates, money sent to a closed portal returned R02 with the pocket unchanged and
 * the ledger sound, and tenant isolation.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isValidRoutingNumber } from '../src/modules/rails/portal/index.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, getPortfolio } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

interface PortalJson {
  id: string;
  jiko_account_id: string;
  routing_number: string;
  account_number: string;
  status: string;
  name: string;
  object_type: string;
}

/** A partner on a business day, with one customer and one funded pocket. */
async function setup(): Promise<{ client: PartnerClient; pocketId: string }> {
  const client = await newPartner(t);
  await client.setClock('2024-03-05T15:00:00Z');
  const customerId = await createCustomer(client);
  const pocketId = await createPocket(client, customerId, 'UST-4W');
  await fund(client, pocketId, 100_000);
  return { client, pocketId };
}

const v1 = (pocketId: string) => `/api/v1/jiko-accounts/${pocketId}/portals`;
const v2 = (pocketId: string) => `/api/v2/pockets/${pocketId}/portals/`;

describe('portals', () => {
  test('a second portal: create (v1 and v2, exactly once), list v1, v2 and tenant-wide, get, rename', async () => {
    const { client, pocketId } = await setup();
    const key = randomUUID();
    const created = await client.post(v1(pocketId), { name: 'Payroll' }, { idempotencyKey: key });
    assert.equal(created.statusCode, 201, created.body);
    const payroll = created.json() as PortalJson;
    assert.equal(payroll.name, 'Payroll');
    assert.equal(payroll.status, 'OPEN');
    assert.equal(payroll.jiko_account_id, pocketId);
    assert.equal(payroll.object_type, 'Portal');
    assert.ok(isValidRoutingNumber(payroll.routing_number));
    assert.match(payroll.account_number, /^[1-9]\d{11}$/);
    const replay = await client.post(v1(pocketId), { name: 'Payroll' }, { idempotencyKey: key });
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.json().id, payroll.id, 'a retried create answers the same portal');

    const viaV2 = await client.post(v2(pocketId), { name: 'Rent' });
    assert.equal(viaV2.statusCode, 201, viaV2.body);
    const rent = viaV2.json() as PortalJson;
    assert.notEqual(rent.account_number, payroll.account_number);

    const listV1 = (await client.get(v1(pocketId))).json();
    assert.equal(listV1.object_type, 'List');
    assert.deepEqual(listV1.portals.map((p: PortalJson) => p.name), ['Default', 'Payroll', 'Rent'], 'three portals, one not made twice');
    assert.equal(listV1.count, 3);
    const listV2 = (await client.get(v2(pocketId))).json();
    assert.deepEqual(listV2.portals.map((p: PortalJson) => p.id), listV1.portals.map((p: PortalJson) => p.id));

    // Tenant-wide: every pocket's portals (the funding pocket's too), cursor-paged.
    const first = await client.get('/api/v2/portals/?limit=2');
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().object_type, 'CursorList');
    assert.equal(first.json().items.length, 2);
    const rest = (await client.get(`/api/v2/portals/?limit=10&cursor=${first.json().next_page}`)).json();
    const all = [...first.json().items, ...rest.items] as PortalJson[];
    assert.equal(all.length, 4, "the customer pocket's three portals and the funding pocket's one");
    assert.deepEqual(new Set(all.map((p) => p.id)).size, 4);
    assert.ok(listV1.portals.every((p: PortalJson) => all.some((q) => q.id === p.id)));

    const got = await client.get(`${v1(pocketId)}/${payroll.id}`);
    assert.equal(got.statusCode, 200, got.body);
    assert.deepEqual(got.json(), payroll);
    const renamed = await client.patch(`${v1(pocketId)}/${payroll.id}`, { name: 'Salary' });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().name, 'Salary');
    const renamedV2 = await client.patch(`${v2(pocketId)}${rent.id}/`, { name: 'Landlord' });
    assert.equal(renamedV2.statusCode, 204, renamedV2.body);
    assert.equal((await client.get(`${v1(pocketId)}/${rent.id}`)).json().name, 'Landlord');
    const tooLong = await client.patch(`${v1(pocketId)}/${payroll.id}`, { name: 'x'.repeat(51) });
    assert.equal(tooLong.statusCode, 422, 'Jiko caps a new name at 50 characters');
    assert.equal((await client.get(`${v1(pocketId)}/${payroll.id}`)).json().name, 'Salary');
  });

  test('closing: 204 once, then 412; v2 status CLOSED is irreversible; funding instructions', async () => {
    const { client, pocketId } = await setup();
    const portal = (await client.post(v1(pocketId), { name: 'Payroll' })).json() as PortalJson;
    const instructions = await client.get(`${v2(pocketId)}${portal.id}/funding-instructions/`);
    assert.equal(instructions.statusCode, 200, instructions.body);
    const body = instructions.json();
    assert.equal(body.object_type, 'FundingInstructions');
    assert.equal(body.portal_id, portal.id);
    assert.equal(body.jiko_account_id, pocketId);
    assert.equal(typeof body.bank_name, 'string');
    assert.ok(body.bank_name.length > 0);
    for (const rail of [body.ach, body.wire]) {
      assert.equal(rail.routing_number, portal.routing_number);
      assert.equal(rail.account_number, portal.account_number);
    }
    assert.equal(body.ach.account_type, 'CHECKING');
    assert.equal(typeof body.wire.bank_address, 'string');
    assert.equal(typeof body.wire.beneficiary_name, 'string');

    const key = randomUUID();
    const closed = await client.post(`${v1(pocketId)}/${portal.id}/close`, {}, { idempotencyKey: key });
    assert.equal(closed.statusCode, 204, closed.body);
    assert.equal(closed.body, '');
    const retried = await client.post(`${v1(pocketId)}/${portal.id}/close`, {}, { idempotencyKey: key });
    assert.equal(retried.statusCode, 204, 'a retried close replays its answer');
    const again = await client.post(`${v1(pocketId)}/${portal.id}/close`);
    assert.equal(again.statusCode, 412, again.body);
    assert.equal((await client.get(`${v1(pocketId)}/${portal.id}`)).json().status, 'CLOSED');
    const noInstructions = await client.get(`${v2(pocketId)}${portal.id}/funding-instructions/`);
    assert.equal(noInstructions.statusCode, 412, 'a closed portal takes no money: no instructions to give');

    const other = (await client.post(v2(pocketId), { name: 'Other' })).json() as PortalJson;
    const reopen = await client.patch(`${v2(pocketId)}${portal.id}/`, { status: 'OPEN' });
    assert.equal(reopen.statusCode, 422, 'CLOSED is the only status a portal can be given');
    const closeV2 = await client.patch(`${v2(pocketId)}${other.id}/`, { status: 'CLOSED' });
    assert.equal(closeV2.statusCode, 204, closeV2.body);
    assert.equal((await client.patch(`${v2(pocketId)}${other.id}/`, { status: 'CLOSED' })).statusCode, 412);
    // Two closes at once: one closes, the other finds it closed.
    const third = (await client.post(v2(pocketId), { name: 'Third' })).json() as PortalJson;
    const both = await Promise.all([1, 2].map(() => client.post(`${v1(pocketId)}/${third.id}/close`)));
    assert.deepEqual(both.map((r) => r.statusCode).sort(), [204, 412]);
    const statuses = (await client.get(v1(pocketId))).json().portals.map((p: PortalJson) => [p.name, p.status]);
    assert.deepEqual(statuses, [['Default', 'OPEN'], ['Payroll', 'CLOSED'], ['Other', 'CLOSED'], ['Third', 'CLOSED']]);
  });

  test('money sent to a closed portal is returned R02: the pocket is unchanged and the ledger sound', async () => {
    const { client, pocketId } = await setup();
    const portal = (await client.post(v1(pocketId), { name: 'Old payroll' })).json() as PortalJson;
    assert.equal((await client.post(`${v1(pocketId)}/${portal.id}/close`)).statusCode, 204);
    const before = await getPortfolio(client, pocketId);

    const sent = await client.post('/api/v1/sandbox/fund/', { account_id: pocketId, amount_usdc: 25_000, portal_id: portal.id }, { unsigned: true });
    assert.equal(sent.statusCode, 202, sent.body);
    assert.deepEqual(await getPortfolio(client, pocketId), before, 'nothing of the credit stays in the pocket');
    await assertSound(t.db, client.partnerId);

    const transactions = (await client.get(`/api/v2/pockets/${pocketId}/transactions/?filter[portal]=${portal.id}`)).json();
    type Row = { id: string; direction: string; amount: { value: number }; status: string; description: string };
    // Both are booked at the same instant: compare them credit first.
    const rows = (transactions.items as Row[]).sort((a, b) => a.direction.localeCompare(b.direction));
    assert.deepEqual(
      rows.map((x) => [x.direction, x.amount.value, x.status]),
      [['CREDIT', 25_000, 'SETTLED'], ['DEBIT', 25_000, 'SETTLED']],
      'the credit received through the closed portal and its return',
    );
    assert.match(rows[1]!.description, /R02/);
    const events = await t.db.query<{ event_type: string; object_id: string }>(
      // Two objects, each at sequence 1: in the order of their requests (one after the other).
      'SELECT event_type, object_id FROM events WHERE partner_id = $1 AND event_type LIKE $2 ORDER BY created_at, sequence',
      [client.partnerId, 'transfers.ach.in.%'],
    );
    assert.deepEqual(events.map((e) => e.event_type), ['transfers.ach.in.success', 'transfers.ach.in.rejected'], "setup's credit, then the returned one (no success)");
    assert.equal(events[1]!.object_id, rows[0]!.id);

    // Through the open Default portal the money arrives as before.
    const open = (await client.get(v1(pocketId))).json().portals.find((p: PortalJson) => p.name === 'Default') as PortalJson;
    const credited = await client.post('/api/v1/sandbox/fund/', { account_id: pocketId, amount_usdc: 25_000, portal_id: open.id }, { unsigned: true });
    assert.equal(credited.statusCode, 202, credited.body);
    assert.equal((await getPortfolio(client, pocketId)).total_value.value, before.total_value.value + 25_000);
    await assertSound(t.db, client.partnerId);
  });

  test("another tenant's pocket and portal are 404, and nothing changes", async () => {
    const { client, pocketId } = await setup();
    const portal = (await client.post(v1(pocketId), { name: 'Payroll' })).json() as PortalJson;
    const stranger = await newPartner(t);
    await stranger.setClock('2024-03-05T15:00:00Z');
    assert.equal((await stranger.get(v1(pocketId))).statusCode, 404);
    assert.equal((await stranger.get(v2(pocketId))).statusCode, 404);
    assert.equal((await stranger.post(v1(pocketId), { name: 'Mine' })).statusCode, 404);
    assert.equal((await stranger.post(v2(pocketId), { name: 'Mine' })).statusCode, 404);
    assert.equal((await stranger.get(`${v1(pocketId)}/${portal.id}`)).statusCode, 404);
    assert.equal((await stranger.patch(`${v1(pocketId)}/${portal.id}`, { name: 'Mine' })).statusCode, 404);
    assert.equal((await stranger.post(`${v1(pocketId)}/${portal.id}/close`)).statusCode, 404);
    assert.equal((await stranger.patch(`${v2(pocketId)}${portal.id}/`, { status: 'CLOSED' })).statusCode, 404);
    assert.equal((await stranger.get(`${v2(pocketId)}${portal.id}/funding-instructions/`)).statusCode, 404);
    assert.deepEqual((await stranger.get('/api/v2/portals/')).json().items, []);
    const fundTheirs = await stranger.post('/api/v1/sandbox/fund/', { account_id: pocketId, amount_usdc: 100, portal_id: portal.id }, { unsigned: true });
    assert.equal(fundTheirs.statusCode, 404);
    // A portal of another pocket of the same tenant is not this pocket's.
    const customerId = await createCustomer(client);
    const otherPocket = await createPocket(client, customerId, 'UST-13W');
    assert.equal((await client.get(`${v1(otherPocket)}/${portal.id}`)).statusCode, 404);
    const after = (await client.get(`${v1(pocketId)}/${portal.id}`)).json();
    assert.deepEqual([after.name, after.status], ['Payroll', 'OPEN']);
  });
});
