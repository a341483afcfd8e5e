/**
 * A newer pocketbook on an older database: tasks registered since a tenant enrolled (the card
 * issuer's clearing, the ACH scenario returns...) get their cursors when the background loop
 * starts (`scheduler.enrollNewTasks`), starting at the tenant's clock with nothing due before it,
 * while the tasks the tenant had keep their progress. Without it a tenant enrolled before an
 * upgrade would never run the new tasks until it made another pocket.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';
import { createCustomer, createPocket } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

async function cursors(partnerId: string): Promise<Map<string, string>> {
  const rows = await t.db.query<{ task: string; done_through: string }>(
    `SELECT task, done_through FROM scheduler_cursors WHERE partner_id = $1`,
    [partnerId],
  );
  return new Map(rows.map((row) => [row.task, row.done_through] as const));
}

test('tasks registered after a tenant enrolled are enrolled at its clock; the others keep their progress', async () => {
  const client = await newPartner(t);
  await client.setClock('2024-03-04T16:00:00Z');
  const customerId = await createCustomer(client);
  await createPocket(client, customerId, 'UST-4W');
  await client.advanceClock({ to: '2024-03-13T15:00:00Z' });
  const before = await cursors(client.partnerId);
  assert.ok(before.size >= 4, 'the tenant is enrolled in every task');
  // As a database of a version without the card issuer: its cursor was never written.
  const added = 'card.settlement';
  assert.ok(before.has(added));
  await t.db.query(`DELETE FROM scheduler_cursors WHERE partner_id = $1 AND task = $2`, [client.partnerId, added]);
  const other = await newPartner(t);
  const otherCustomer = await createCustomer(other);
  await createPocket(other, otherCustomer, 'UST-4W');
  const otherBefore = await cursors(other.partnerId);

  assert.ok((await t.services.scheduler.enrollNewTasks()) >= 1);

  const after = await cursors(client.partnerId);
  // Wednesday 2024-03-13 at 11:00 New York: the 10:00 clearing of that day counts as done.
  assert.equal(after.get(added), '2024-03-13');
  for (const [task, doneThrough] of before) if (task !== added) assert.equal(after.get(task), doneThrough, task);
  assert.deepEqual(await cursors(other.partnerId), otherBefore, 'a tenant with every task is left alone');
  assert.equal(await t.services.scheduler.enrollNewTasks(), 0, 'a second call finds nothing to do');
});
