/**
 * The event store (outbox) and the delivery worker's claims, on the real database: events exist
 * exactly when their transaction commits, per-object sequence numbers stay dense under concurrency,
 * and on PostgreSQL two worker processes never make the same attempt twice.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEventsService, emitEvent } from '../src/modules/events/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import { openPostgres } from '../src/platform/db/index.ts';
import { newId } from '../src/platform/ids.ts';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

async function createPartner(): Promise<string> {
  const suffix = newId();
  const partner = await t.services.auth.createPartner({ username: `events-${suffix}`, password: `pw-${suffix}`, sharedSecret: `secret-${suffix}` });
  return partner.id;
}

test('an event written in a transaction that rolls back leaves nothing behind', async () => {
  const partnerId = await createPartner();
  const tenant = { partnerId, now: new Date() };
  await t.services.events.createSubscription(tenant, { url: 'http://127.0.0.1:9/x', events: ['pocket.status.open'], sharedSecret: 'rollback-secret-0123456' });
  const objectId = newId();
  await assert.rejects(
    t.db.tx(async (tx) => {
      await emitEvent(tx, { partnerId, eventType: 'pocket.status.open', objectType: 'Pocket', objectId, payload: { pocket_id: objectId }, occurredAt: new Date() });
      throw new Error('the change failed');
    }),
    /the change failed/,
  );
  const events = await t.db.query('SELECT id FROM events WHERE partner_id = $1', [partnerId]);
  const deliveries = await t.db.query('SELECT id FROM webhook_deliveries WHERE partner_id = $1', [partnerId]);
  assert.equal(events.length, 0);
  assert.equal(deliveries.length, 0);
  // The sequence counter rolled back too: the next committed event is number 1.
  await t.db.tx((tx) => emitEvent(tx, { partnerId, eventType: 'pocket.status.open', objectType: 'Pocket', objectId, payload: {}, occurredAt: new Date() }));
  const [row] = await t.db.query<{ sequence: number }>('SELECT sequence FROM events WHERE partner_id = $1', [partnerId]);
  assert.equal(row?.sequence, 1);
  const pending = await t.db.query('SELECT id FROM webhook_deliveries WHERE partner_id = $1', [partnerId]);
  assert.equal(pending.length, 1, 'the committed event has its delivery, created with it');
  await t.db.query(`UPDATE webhook_deliveries SET status = 'cancelled' WHERE partner_id = $1`, [partnerId]);
});

test('emitEvent refuses an unknown event type (a programmer error)', async () => {
  const partnerId = await createPartner();
  await assert.rejects(
    t.db.tx((tx) => emitEvent(tx, { partnerId, eventType: 'pocket.exploded', objectType: 'Pocket', objectId: newId(), payload: {}, occurredAt: new Date() })),
    /unknown event type/,
  );
});

test('per-object sequence numbers are 1..n without gaps or repeats under concurrent transactions', async () => {
  const partnerId = await createPartner();
  const objectA = newId();
  const objectB = newId();
  const writers = 24;
  await Promise.all(
    Array.from({ length: writers }, (_, index) =>
      t.db.tx(async (tx) => {
        const objectId = index % 2 === 0 ? objectA : objectB;
        await emitEvent(tx, { partnerId, eventType: 'trade.buy', objectType: 'Pocket', objectId, payload: { index }, occurredAt: new Date() });
        // Hold the transaction open a little so that others queue behind the counter row.
        await tx.query('SELECT pg_sleep(0.005)');
      }),
    ),
  );
  for (const objectId of [objectA, objectB]) {
    const rows = await t.db.query<{ sequence: number }>('SELECT sequence FROM events WHERE partner_id = $1 AND object_id = $2 ORDER BY sequence', [partnerId, objectId]);
    assert.deepEqual(rows.map((row) => row.sequence), Array.from({ length: writers / 2 }, (_, index) => index + 1));
  }
});

test('two worker processes on PostgreSQL make each attempt exactly once', { skip: !process.env.DATABASE_URL ? 'PostgreSQL only (set DATABASE_URL)' : false }, async () => {
  const url = process.env.DATABASE_URL!;
  const client = await newPartner(t);
  const calls = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = `${request.url} ${JSON.parse(Buffer.concat(chunks).toString('utf8')).event_id}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      // A little latency so that both workers are busy at once.
      setTimeout(() => response.writeHead(200).end(), 5);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dbs = [await openPostgres(url), await openPostgres(url)];
  try {
    const tenant = { partnerId: client.partnerId, now: new Date() };
    for (const path of ['/a', '/b']) {
      await t.services.events.createSubscription(tenant, { url: base + path, events: ['transfers.on-us.success'], sharedSecret: 'two-workers-secret-0123' });
    }
    const eventCount = 80;
    for (let index = 0; index < eventCount; index++) {
      await t.db.tx((tx) => emitEvent(tx, {
        partnerId: client.partnerId, eventType: 'transfers.on-us.success', objectType: 'OnUsTransfer', objectId: newId(), payload: { index }, occurredAt: new Date(),
      }));
    }
    const workers = dbs.map((db) => createEventsService({ ...t.deps, db, wallClock: systemClock }));
    const handled = [0, 0];
    const deadline = Date.now() + 20_000;
    await Promise.all(workers.map(async (worker, index) => {
      while (calls.size < eventCount * 2 && Date.now() < deadline) {
        const count = await worker.runOnce();
        handled[index]! += count;
        if (count === 0) await sleep(5);
      }
    }));
    assert.equal(calls.size, eventCount * 2, 'every (event, subscription) delivered');
    assert.ok([...calls.values()].every((count) => count === 1), 'no delivery made twice');
    assert.ok(handled[0]! > 0 && handled[1]! > 0, `both workers took a share (${handled.join(' / ')})`);
    // One successful attempt per delivery, and no attempt number recorded twice.
    const attempts = await t.db.query<{ delivery_id: string; attempt_number: number; success: boolean }>(
      'SELECT delivery_id, attempt_number, success FROM webhook_delivery_attempts WHERE partner_id = $1',
      [client.partnerId],
    );
    assert.equal(attempts.filter((attempt) => attempt.success).length, eventCount * 2);
    assert.equal(new Set(attempts.map((attempt) => `${attempt.delivery_id}/${attempt.attempt_number}`)).size, attempts.length);
  } finally {
    for (const db of dbs) await db.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
