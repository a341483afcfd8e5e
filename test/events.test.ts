/**
 * The event store (outbox) and webhook delivery jobs, on the real database: events exist exactly
 * when their transaction commits, per-object sequence numbers stay dense under concurrency and in
 * array order within one set-based call, a call records any number of events with one statement,
 * and on PostgreSQL two worker processes never make the same attempt twice.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type NewEvent, createEventsService, emitEvent, emitEvents } from '../src/modules/events/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import { partnerContext } from '../src/platform/context.ts';
import { type Tx, openPostgres } from '../src/platform/db/index.ts';
import { newId } from '../src/platform/ids.ts';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

function tradePayload(pocketId: string) {
  return { trade_id: newId(), pocket_id: pocketId, cusip: '912797KX4' };
}

async function createPartner(): Promise<string> {
  const suffix = newId();
  const partner = await t.services.auth.createPartner({ username: `events-${suffix}`, password: `pw-${suffix}`, sharedSecret: `secret-${suffix}` });
  return partner.id;
}

test('an event written in a transaction that rolls back leaves nothing behind', async () => {
  const partnerId = await createPartner();
  const ctx = partnerContext(partnerId, new Date());
  await t.services.events.createSubscription(ctx, { url: 'http://127.0.0.1:9/x', events: ['pocket.status.open'], sharedSecret: 'rollback-secret-0123456' });
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
  await t.db.tx((tx) => emitEvent(tx, { partnerId, eventType: 'pocket.status.open', objectType: 'Pocket', objectId, payload: { pocket_id: objectId }, occurredAt: new Date() }));
  const [row] = await t.db.query<{ sequence: number }>('SELECT sequence FROM events WHERE partner_id = $1', [partnerId]);
  assert.equal(row?.sequence, 1);
  const pending = await t.db.query('SELECT id FROM webhook_deliveries WHERE partner_id = $1', [partnerId]);
  assert.equal(pending.length, 1, 'the committed event has its delivery, created with it');
  const jobs = await t.db.query<{ payload: { delivery_id: string } }>(`SELECT payload FROM jobs WHERE partner_id = $1 AND kind = 'webhook.deliver'`, [partnerId]);
  assert.deepEqual(jobs.map((job) => job.payload.delivery_id), pending.map((row) => row.id), 'and its delivery job');
  await t.db.query(`UPDATE webhook_deliveries SET status = 'cancelled' WHERE partner_id = $1`, [partnerId]);
});

test('emitEvent refuses an unknown event type (a programmer error)', async () => {
  const partnerId = await createPartner();
  const unknown = { partnerId, eventType: 'pocket.exploded', objectType: 'Pocket', objectId: newId(), payload: {}, occurredAt: new Date() } as unknown as NewEvent;
  await assert.rejects(t.db.tx((tx) => emitEvent(tx, unknown)), /unknown event type/);
});

test('emitEvent refuses a payload or an object type that does not fit the catalog', async () => {
  const partnerId = await createPartner();
  const objectId = newId();
  const cases: [unknown, RegExp][] = [
    [{ pocket_id: 'not-a-uuid' }, /payload does not fit the catalog: \/pocket_id/],
    [{}, /payload does not fit the catalog/],
    [{ pocket_id: objectId, extra: 1 }, /payload does not fit the catalog/],
  ];
  for (const [payload, message] of cases) {
    const event = { partnerId, eventType: 'pocket.status.open', objectId, payload, occurredAt: new Date() } as unknown as NewEvent;
    await assert.rejects(t.db.tx((tx) => emitEvent(tx, event)), message);
  }
  const wrongObject = { partnerId, eventType: 'trade.buy', objectType: 'Pocket', objectId, payload: { trade_id: objectId, pocket_id: objectId, cusip: '912797KX4' }, occurredAt: new Date() } as unknown as NewEvent;
  await assert.rejects(t.db.tx((tx) => emitEvent(tx, wrongObject)), /is about a Trade, not a Pocket/);
  assert.equal((await t.db.query('SELECT id FROM events WHERE partner_id = $1', [partnerId])).length, 0);
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
        await emitEvent(tx, { partnerId, eventType: 'trade.buy', objectId, payload: tradePayload(objectId), occurredAt: new Date() });
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

test('a new object is numbered from 1 without a counter row; later events, also concurrent ones, continue after its last', async () => {
  const partnerId = await createPartner();
  const objectId = newId();
  const event = (newObject: boolean): NewEvent => ({ partnerId, eventType: 'trade.buy', objectId, payload: tradePayload(objectId), occurredAt: new Date(), newObject });
  await t.db.tx((tx) => emitEvents(tx, [event(true), event(true), event(true)]));
  const sequences = async () => (await t.db.query<{ sequence: number }>('SELECT sequence FROM events WHERE partner_id = $1 AND object_id = $2 ORDER BY sequence', [partnerId, objectId])).map((row) => row.sequence);
  const counter = async () => (await t.db.query<{ last_sequence: number }>('SELECT last_sequence FROM event_sequences WHERE partner_id = $1 AND object_id = $2', [partnerId, objectId]))[0]?.last_sequence;
  assert.deepEqual(await sequences(), [1, 2, 3]);
  assert.equal(await counter(), undefined, 'no counter row for a new object');
  // Writers about the object that now exists: the first to get there makes the counter from event
  // 3; the others wait on its row and add theirs (the conflict's update).
  const writers = 12;
  await Promise.all(
    Array.from({ length: writers }, () =>
      t.db.tx(async (tx) => {
        await emitEvents(tx, [event(false), event(false)]);
        await tx.query('SELECT pg_sleep(0.005)');
      }),
    ),
  );
  assert.deepEqual(await sequences(), Array.from({ length: 3 + 2 * writers }, (_, index) => index + 1));
  assert.equal(await counter(), 3 + 2 * writers);
  // One call cannot say both of one object.
  const other = newId();
  const mixed = [true, false].map((newObject): NewEvent => ({ partnerId, eventType: 'trade.buy', objectId: other, payload: tradePayload(other), occurredAt: new Date(), newObject }));
  await assert.rejects(t.db.tx((tx) => emitEvents(tx, mixed)), /must all say newObject alike/);
});

/** A transaction handle that counts the statements sent through it (run or deferred). */
function counted(tx: Tx): { tx: Tx; statements: () => number } {
  let statements = 0;
  return {
    tx: {
      query: (sql, params) => {
        statements++;
        return tx.query(sql, params);
      },
      gather: (sql, params, keys) => {
        statements++;
        return tx.gather(sql, params, keys);
      },
      defer: (sql, params) => {
        statements++;
        tx.defer(sql, params);
      },
      flush: () => tx.flush(),
      alone: tx.alone,
    },
    statements: () => statements,
  };
}

test('emitEvents records many events of many objects and tenants with one statement, numbered in array order', async () => {
  const [alice, bob] = [await createPartner(), await createPartner()];
  const ctx = partnerContext(alice, new Date());
  await t.services.events.createSubscription(ctx, { url: 'http://127.0.0.1:9/x', events: ['trade.buy'], sharedSecret: 'bulk-secret-0123456789' });
  const objects = [newId(), newId(), newId()];
  // Object 0 already has two events: the call continues its numbering.
  await t.db.tx(async (tx) => {
    await emitEvent(tx, { partnerId: alice, eventType: 'pocket.status.open', objectId: objects[0]!, payload: { pocket_id: objects[0]! }, occurredAt: new Date() });
    await emitEvent(tx, { partnerId: alice, eventType: 'pocket.status.closed', objectId: objects[0]!, payload: { pocket_id: objects[0]! }, occurredAt: new Date() });
  });
  const events: NewEvent[] = Array.from({ length: 60 }, (_, index) => {
    const objectId = objects[index % 3]!;
    return { partnerId: index % 4 === 0 ? bob : alice, eventType: 'trade.buy', objectId, payload: tradePayload(objectId), occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, index)) };
  });
  const { ids, statements } = await t.db.tx(async (tx) => {
    const counter = counted(tx);
    const ids = await emitEvents(counter.tx, events);
    return { ids, statements: counter.statements() };
  });
  assert.equal(statements, 1, 'one statement for 60 events');
  assert.equal(new Set(ids).size, 60);
  const rows = await t.db.query<{ id: string; partner_id: string; object_id: string; sequence: number; event_type: string }>(
    'SELECT id, partner_id, object_id, sequence, event_type FROM events WHERE id = ANY ($1::uuid[])', [ids],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const partnerId of [alice, bob]) {
    for (const [objectIndex, objectId] of objects.entries()) {
      const mine = ids.map((id) => byId.get(id)!).filter((row) => row.partner_id === partnerId && row.object_id === objectId);
      const first = partnerId === alice && objectIndex === 0 ? 3 : 1;
      assert.deepEqual(mine.map((row) => row.sequence), mine.map((_, index) => first + index), 'array order, no gaps, after the existing ones');
    }
  }
  const deliveries = await t.db.query<{ n: bigint }>('SELECT count(*) AS n FROM webhook_deliveries WHERE event_id = ANY ($1::uuid[])', [ids]);
  assert.equal(Number(deliveries[0]!.n), events.filter((event) => event.partnerId === alice).length, "one delivery per alice event; bob has no subscription");
  await t.db.query(`UPDATE webhook_deliveries SET status = 'cancelled' WHERE partner_id = $1`, [alice]);
  assert.deepEqual(await t.db.tx((tx) => emitEvents(tx, [])), []);
});

test('concurrent emitEvents calls about the same objects keep every object gapless', async () => {
  const partnerId = await createPartner();
  const objects = [newId(), newId()];
  await Promise.all(Array.from({ length: 8 }, (_, call) =>
    t.db.tx(async (tx) => {
      // Each call names the objects in a different order; the statement locks them in one order.
      const order = call % 2 === 0 ? objects : [...objects].reverse();
      await emitEvents(tx, order.flatMap((objectId) => [0, 1, 2].map(() => ({
        partnerId, eventType: 'trade.sell' as const, objectId, payload: tradePayload(objectId), occurredAt: new Date(),
      }))));
      await tx.query('SELECT pg_sleep(0.002)');
    })));
  for (const objectId of objects) {
    const rows = await t.db.query<{ sequence: number }>('SELECT sequence FROM events WHERE partner_id = $1 AND object_id = $2 ORDER BY sequence', [partnerId, objectId]);
    assert.deepEqual(rows.map((row) => row.sequence), Array.from({ length: 24 }, (_, index) => index + 1));
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
    const ctx = partnerContext(client.partnerId, new Date());
    for (const path of ['/a', '/b']) {
      await t.services.events.createSubscription(ctx, { url: base + path, events: ['transfers.on-us.success'], sharedSecret: 'two-workers-secret-0123' });
    }
    const eventCount = 80;
    for (let index = 0; index < eventCount; index++) {
      const transferId = newId();
      await t.db.tx((tx) => emitEvent(tx, {
        partnerId: client.partnerId, eventType: 'transfers.on-us.success', objectType: 'OnUsTransfer', objectId: transferId,
        payload: { on_us_id: transferId, origin_account_id: newId(), destination_account_id: newId() }, occurredAt: new Date(),
      }));
    }
    const workers = dbs.map((db) => createEventsService({ ...t.deps, db, wallClock: systemClock }));
    const handled = [0, 0];
    const deadline = Date.now() + 20_000;
    await Promise.all(workers.map(async (worker, index) => {
      while (calls.size < eventCount * 2 && Date.now() < deadline) {
        const count = await worker.runOnce({ tenantId: client.partnerId });
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
