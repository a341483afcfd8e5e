/**
 * Pockets open asynchronously, as Jiko documents: a new pocket is PENDING, takes no money, and a
 * job of the queue opens it `pocketOpenDelayMs` of wall-clock time later, with its event, once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../src/platform/clock.ts';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, fund, getPortfolio } from './support/fixtures.ts';

const OPEN_DELAY_MS = 1_000;
// Wall-clock time moves only when the test says so: the job is due exactly OPEN_DELAY_MS later.
const wall = new ManualClock(new Date());

let t: TestApp;
before(async () => {
  t = await startTestApp({ config: { pocketOpenDelayMs: OPEN_DELAY_MS }, wallClock: wall });
});
after(async () => t.close());

async function openEvents(partnerId: string, pocketId: string): Promise<{ occurred_at: Date }[]> {
  return t.db.query<{ occurred_at: Date }>(
    `SELECT occurred_at FROM events WHERE partner_id = $1 AND event_type = 'pocket.status.open' AND object_id = $2`,
    [partnerId, pocketId],
  );
}

test('a new pocket is PENDING and refuses money until the job opens it, once, with its event', async () => {
  const client = await newPartner(t);
  await client.setClock('2024-03-05T15:00:00Z');
  const customerId = await createCustomer(client);
  const created = await client.post(`/api/v2/customers/${customerId}/pockets/`, { pocket_name: 'Later', deposit_strategy_id: 'UST-4W' });
  assert.equal(created.statusCode, 201, created.body);
  const pocketId = created.json().id as string;
  assert.equal(created.json().status, 'PENDING');
  assert.deepEqual(await openEvents(client.partnerId, pocketId), []);

  const early = await client.post('/api/v1/sandbox/fund/', { account_id: pocketId, amount_usdc: 10_000, count: 1 }, { unsigned: true });
  assert.equal(early.statusCode, 422, early.body);
  // Not due yet: the job waits for its time.
  wall.advance(OPEN_DELAY_MS - 1);
  assert.equal(await t.services.events.runOnce({ tenantId: client.partnerId }), 0);
  assert.equal((await client.get(`/api/v2/pockets/${pocketId}/`)).json().status, 'PENDING');

  wall.advance(1);
  assert.ok((await t.services.events.runOnce({ tenantId: client.partnerId })) >= 1, 'the opening job ran');
  const opened = (await client.get(`/api/v2/pockets/${pocketId}/`)).json();
  assert.equal(opened.status, 'OPEN');
  const events = await openEvents(client.partnerId, pocketId);
  assert.equal(events.length, 1);
  // The event carries the tenant's clock, not the wall clock.
  assert.equal(events[0]!.occurred_at.toISOString().slice(0, 10), '2024-03-05');
  assert.equal((await client.get(`/api/v1/customers/${customerId}`)).json().account_status, 'OPEN');

  await t.services.events.runOnce({ tenantId: client.partnerId });
  assert.equal((await openEvents(client.partnerId, pocketId)).length, 1, 'nothing opens twice');
  await fund(client, pocketId, 1_000_000);
  assert.ok((await getPortfolio(client, pocketId)).total_value.value > 0);
  await assertSound(t.db, client.partnerId);
});
