/**
 * Subscriptions, the events API and webhook delivery end to end: real receivers on 127.0.0.1,
 * signatures checked with the standardwebhooks library as a receiver would.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { type EventType, type NewEvent, createEventsService, emitEvent, emitEvents } from '../src/modules/events/index.ts';
import { JOBS_TENANT_IN_FLIGHT_MAX, countJobs } from '../src/platform/jobs/index.ts';
import { partnerContext } from '../src/platform/context.ts';
import { newId } from '../src/platform/ids.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp, testConfig } from './support/app.ts';

interface Received {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A webhook receiver on 127.0.0.1; `respond` picks the status of each call (1-based count). */
async function startReceiver(respond: (call: Received, count: number) => number = () => 200, port = 0) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const call = {
        path: request.url ?? '',
        headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(call);
      response.writeHead(respond(call, received.length), { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}/hook`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Jiko's sample receiver's check (webhooks-testing-example, `handle_webhook`): the header
 * `x-jiko-signature` equals base64(HMAC-SHA256(shared secret as UTF-8, raw body)).
 */
function jikoReceiverAccepts(secret: string, call: Received): boolean {
  const expected = Buffer.from(createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(call.body, 'utf8')).digest('base64'));
  const given = Buffer.from(call.headers['x-jiko-signature'] ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Verifies a delivery as both kinds of receiver would (Jiko's and Standard Webhooks') and returns the envelope. */
function verified(secret: string, call: Received): Record<string, unknown> {
  assert.ok(jikoReceiverAccepts(secret, call), 'Jiko\'s receiver accepts the x-jiko-signature');
  assert.ok(!jikoReceiverAccepts(`${secret}-not`, call), 'another secret does not verify');
  const receiver = new Webhook(`whsec_${Buffer.from(secret, 'utf8').toString('base64')}`);
  return receiver.verify(call.body, call.headers) as Record<string, unknown>;
}

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

/** Runs the tenant's due jobs until `done()` holds (only this tenant's: test files may share a database). */
async function deliverUntil(tenantId: string, done: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('deliveries did not complete in time');
    await t.services.events.runOnce({ tenantId });
    await sleep(15);
  }
}

/** A payload of `eventType` that fits the catalog, about `objectId`. */
function payloadOf(eventType: EventType, objectId: string): Record<string, unknown> {
  if (eventType.startsWith('trade.')) return { trade_id: objectId, pocket_id: newId(), cusip: '912797KX4' };
  if (eventType.startsWith('pocket.')) return { pocket_id: objectId };
  if (eventType.startsWith('transfers.on-us.')) return { on_us_id: objectId, origin_account_id: newId(), destination_account_id: newId() };
  throw new Error(`no sample payload for ${eventType}`);
}

async function emit(partnerId: string, eventType: EventType, objectId = newId()): Promise<string> {
  const event = { partnerId, eventType, objectId, payload: payloadOf(eventType, objectId), occurredAt: new Date() } as NewEvent;
  return t.db.tx((tx) => emitEvent(tx, event));
}

async function subscribe(client: PartnerClient, url: string, events: string[], secret = 'receiver-secret-0123456789'): Promise<string> {
  const response = await client.post('/api/v1/subscriptions/', { url, events, shared_secret: secret, description: 'test' });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().id;
}

/** Stops whatever this partner still has pending, so later tests' worker runs do not meet it. */
async function quiet(partnerId: string): Promise<void> {
  await t.db.query(`UPDATE webhook_deliveries SET status = 'cancelled' WHERE partner_id = $1 AND status = 'pending'`, [partnerId]);
}

test('subscriptions: create, get, list, update, delete in Jiko shapes; the shared secret is never returned', async () => {
  const client = await newPartner(t);
  const secret = 'very-secret-value-0123456789';
  const created = await client.post('/api/v1/subscriptions/', {
    url: 'http://127.0.0.1:9/hook',
    events: ['trade.buy', 'pocket.status.open', 'trade.buy'],
    shared_secret: secret,
  });
  assert.equal(created.statusCode, 201, created.body);
  const subscription = created.json();
  assert.equal(subscription.object_type, 'Subscription');
  assert.deepEqual(subscription.events, ['trade.buy', 'pocket.status.open']);
  assert.equal(subscription.status, 'enabled');
  assert.equal(subscription.description, '');
  assert.equal(subscription.retry_policy, null);
  assert.ok(subscription.time_created && subscription.updated_at);

  const responses = [
    created,
    await client.get(`/api/v1/subscriptions/${subscription.id}/`),
    await client.get('/api/v1/subscriptions/?limit=10'),
    await client.patch(`/api/v1/subscriptions/${subscription.id}/`, {
      description: 'renamed',
      status: 'disabled',
      events: ['trade.sell'],
      retry_policy: { maximum_attempts: 3, initial_interval_seconds: 30 },
      shared_secret: 'another-secret-0123456789',
    }),
  ];
  for (const response of responses) {
    assert.ok(response.statusCode < 300, response.body);
    assert.ok(!response.body.includes('secret-'), 'no secret in a response');
    assert.ok(!response.body.includes('shared_secret'), 'no shared_secret field in a response');
  }
  const listed = responses[2]!.json();
  assert.equal(listed.object_type, 'CursorList');
  assert.deepEqual(listed.items.map((item: { id: string }) => item.id), [subscription.id]);
  const patched = responses[3]!.json();
  assert.equal(patched.status, 'disabled');
  assert.equal(patched.description, 'renamed');
  assert.deepEqual(patched.events, ['trade.sell']);
  assert.deepEqual(patched.retry_policy, { maximum_attempts: 3, initial_interval_seconds: 30 });

  assert.equal((await client.delete(`/api/v1/subscriptions/${subscription.id}/`)).statusCode, 204);
  assert.equal((await client.get(`/api/v1/subscriptions/${subscription.id}/`)).statusCode, 404);
  assert.equal((await client.get('/api/v1/subscriptions/')).json().items.length, 0);
});

test('subscriptions: invalid requests get 422 without echoing the secret', async () => {
  const client = await newPartner(t);
  const base = { url: 'http://127.0.0.1:9/hook', events: ['trade.buy'], shared_secret: 'long-enough-secret-123' };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...base, shared_secret: 'short-secret' }, 'shared_secret'],
    [{ ...base, events: [] }, 'events'],
    [{ ...base, events: ['no.such.type'] }, 'events'],
    [{ ...base, url: 'ftp://127.0.0.1/hook' }, 'url'],
    [{ ...base, url: 'not a url' }, 'url'],
    [{ ...base, url: `https://example.com/${'x'.repeat(2100)}` }, 'url'],
    [{ events: ['trade.buy'], shared_secret: base.shared_secret }, 'url'],
  ];
  for (const [body, field] of cases) {
    const response = await client.post('/api/v1/subscriptions/', body);
    assert.equal(response.statusCode, 422, `${field}: ${response.body}`);
    assert.ok(JSON.stringify(response.json().detail).includes(field), response.body);
    assert.ok(!response.body.includes('short-secret') && !response.body.includes(base.shared_secret));
  }
  const created = await subscribe(client, base.url, base.events);
  const patch = await client.patch(`/api/v1/subscriptions/${created}/`, { events: ['nope'] });
  assert.equal(patch.statusCode, 422);
  const status = await client.patch(`/api/v1/subscriptions/${created}/`, { status: 'paused' });
  assert.equal(status.statusCode, 422);
});

test('event types are listed in a List of EventType', async () => {
  const client = await newPartner(t);
  const response = await client.get('/api/v1/events/types/');
  assert.equal(response.statusCode, 200);
  const list = response.json();
  assert.equal(list.object_type, 'List');
  assert.equal(list.count, list.items.length);
  const names = list.items.map((item: { event: string; object_type: string }) => {
    assert.equal(item.object_type, 'EventType');
    return item.event;
  });
  for (const name of ['application.approved', 'transfers.on-us.success', 'transfers.ach.in.success', 'pocket.status.open', 'trade.maturity']) {
    assert.ok(names.includes(name), name);
  }  // Jiko's Partner API documents the first three; the others are pocketbook extensions there.
  const extension = new Map(list.items.map((item: { event: string; pocketbook_extension: boolean }) => [item.event, item.pocketbook_extension]));
  for (const name of ['application.approved', 'transfers.on-us.success', 'transfers.ach.in.success']) assert.equal(extension.get(name), false, name);
  for (const name of ['pocket.status.open', 'trade.maturity', 'trade.buy', 'transfers.on-us.received']) assert.equal(extension.get(name), true, name);
});

test('a receiver that is down gets every event once it is back, each signature valid, attempts recorded', async () => {
  const client = await newPartner(t);
  const secret = 'down-receiver-secret-0123';
  // Find a free port, then leave it closed: the receiver is down.
  const probe = await startReceiver();
  const port = probe.port;
  await probe.close();
  const subscriptionId = await subscribe(client, `http://127.0.0.1:${port}/hook`, ['trade.buy'], secret);
  const eventIds = [await emit(client.partnerId, 'trade.buy'), await emit(client.partnerId, 'trade.buy'), await emit(client.partnerId, 'trade.buy')];

  await t.services.events.runOnce({ tenantId: client.partnerId });
  await sleep(120);
  await t.services.events.runOnce({ tenantId: client.partnerId });
  const receiver = await startReceiver(() => 200, port);
  try {
    await deliverUntil(client.partnerId, () => receiver.received.length >= 3);
    const delivered = receiver.received.map((call) => verified(secret, call));
    assert.deepEqual(delivered.map((envelope) => envelope.event_id).sort(), [...eventIds].sort());
    for (const envelope of delivered) {
      assert.equal(envelope.event_type, 'trade.buy');
      assert.equal(envelope.sequence, 1);
      assert.equal(typeof envelope.timestamp, 'string');
      assert.equal(receiver.received.find((call) => call.body.includes(String(envelope.event_id)))!.headers['webhook-id'], envelope.event_id);
    }

    const listed = (await client.get(`/api/v1/events/?subscription_id=${subscriptionId}`)).json();
    assert.equal(listed.items.length, 3);
    for (const item of listed.items) {
      assert.equal(item.object_type, 'PartnerEvent');
      const attempts = item.delivery_attempts as { success: boolean; response_code: number; subscription_id: string }[];
      assert.ok(attempts.length >= 2, 'at least one failure and the success');
      assert.deepEqual(attempts.map((attempt) => attempt.success), [...attempts.slice(0, -1).map(() => false), true]);
      assert.equal(attempts[0]!.response_code, 0);
      assert.equal(attempts.at(-1)!.response_code, 200);
      assert.ok(attempts.every((attempt) => attempt.subscription_id === subscriptionId));
    }
  } finally {
    await receiver.close();
    await quiet(client.partnerId);
  }
});

test('a receiver answering 500 then 200 gets the event once, after the failure is recorded', async () => {
  const client = await newPartner(t);
  const receiver = await startReceiver((_call, count) => (count === 1 ? 500 : 200));
  try {
    await subscribe(client, receiver.url, ['transfers.on-us.success']);
    const eventId = await emit(client.partnerId, 'transfers.on-us.success');
    await deliverUntil(client.partnerId, () => receiver.received.length >= 2);
    await sleep(200);
    await t.services.events.runOnce({ tenantId: client.partnerId });
    assert.equal(receiver.received.length, 2, 'no call after the success');
    const listed = (await client.get('/api/v1/events/')).json();
    const item = listed.items.find((entry: { event: { event_id: string } }) => entry.event.event_id === eventId);
    assert.deepEqual(
      item.delivery_attempts.map((attempt: { success: boolean; response_code: number }) => [attempt.success, attempt.response_code]),
      [[false, 500], [true, 200]],
    );
    assert.equal(item.delivery_attempts[0].response_message, 'thanks');
  } finally {
    await receiver.close();
    await quiet(client.partnerId);
  }
});

test('410 Gone disables the subscription', async () => {
  const client = await newPartner(t);
  const receiver = await startReceiver(() => 410);
  try {
    const subscriptionId = await subscribe(client, receiver.url, ['trade.sell']);
    await emit(client.partnerId, 'trade.sell');
    await emit(client.partnerId, 'trade.sell');
    await deliverUntil(client.partnerId, async () => (await client.get(`/api/v1/subscriptions/${subscriptionId}/`)).json().status === 'disabled');
    await sleep(150);
    await t.services.events.runOnce({ tenantId: client.partnerId });
    assert.ok(receiver.received.length <= 2, 'nothing more after 410');
    await emit(client.partnerId, 'trade.sell');
    await sleep(100);
    await t.services.events.runOnce({ tenantId: client.partnerId });
    assert.ok(receiver.received.length <= 2, 'a disabled subscription gets no new events');
  } finally {
    await receiver.close();
    await quiet(client.partnerId);
  }
});

test('a subscription to one type never receives another', async () => {
  const client = await newPartner(t);
  const receiver = await startReceiver();
  try {
    await subscribe(client, receiver.url, ['pocket.status.open']);
    await emit(client.partnerId, 'pocket.status.closed');
    await emit(client.partnerId, 'trade.buy');
    const wanted = await emit(client.partnerId, 'pocket.status.open');
    await deliverUntil(client.partnerId, () => receiver.received.length >= 1);
    await sleep(100);
    await t.services.events.runOnce({ tenantId: client.partnerId });
    assert.equal(receiver.received.length, 1);
    assert.equal(JSON.parse(receiver.received[0]!.body).event_id, wanted);
  } finally {
    await receiver.close();
    await quiet(client.partnerId);
  }
});

test('partners never see each other\'s subscriptions or events', async () => {
  const alice = await newPartner(t);
  const bob = await newPartner(t);
  const subscriptionId = await subscribe(alice, 'http://127.0.0.1:9/a', ['trade.buy']);
  const eventId = await emit(alice.partnerId, 'trade.buy');

  assert.equal((await bob.get(`/api/v1/subscriptions/${subscriptionId}/`)).statusCode, 404);
  assert.equal((await bob.patch(`/api/v1/subscriptions/${subscriptionId}/`, { description: 'x' })).statusCode, 404);
  assert.equal((await bob.delete(`/api/v1/subscriptions/${subscriptionId}/`)).statusCode, 404);
  assert.equal((await bob.get('/api/v1/subscriptions/')).json().items.length, 0);
  assert.equal((await bob.get('/api/v1/events/')).json().items.length, 0);
  assert.equal((await bob.get(`/api/v1/events/?subscription_id=${subscriptionId}`)).json().items.length, 0);
  assert.equal((await bob.post(`/api/v1/events/${eventId}/redeliver/`, {})).statusCode, 404);
  assert.equal((await bob.post('/api/v1/events/redeliver/', { subscription_id: subscriptionId })).statusCode, 404);
  const bobsOwn = await subscribe(bob, 'http://127.0.0.1:9/b', ['trade.buy']);
  assert.equal((await bob.post(`/api/v1/events/${eventId}/redeliver/`, { subscription_id: bobsOwn })).statusCode, 404);

  const alicesEvents = (await alice.get('/api/v1/events/')).json();
  assert.deepEqual(alicesEvents.items.map((item: { event: { event_id: string } }) => item.event.event_id), [eventId]);
  await quiet(alice.partnerId);
  await quiet(bob.partnerId);
});

test('events list: newest first, cursor pages, `after` filter, per-object sequence', async () => {
  const client = await newPartner(t);
  const objectId = newId();
  const base = Date.parse('2025-03-03T15:00:00Z');
  const ids: string[] = [];
  for (let index = 0; index < 5; index++) {
    ids.push(await t.db.tx((tx) => emitEvent(tx, {
      partnerId: client.partnerId, eventType: 'pocket.status.open', objectType: 'Pocket', objectId, customerId: objectId,
      payload: { pocket_id: objectId }, occurredAt: new Date(base + index * 60_000),
    })));
  }
  const first = (await client.get('/api/v1/events/?limit=2')).json();
  assert.deepEqual(first.items.map((item: { event: { event_id: string } }) => item.event.event_id), [ids[4], ids[3]]);
  assert.equal(first.prev_page, null);
  const second = (await client.get(`/api/v1/events/?limit=2&cursor=${first.next_page}`)).json();
  assert.deepEqual(second.items.map((item: { event: { event_id: string } }) => item.event.event_id), [ids[2], ids[1]]);
  const back = (await client.get(`/api/v1/events/?limit=2&cursor=${second.prev_page}`)).json();
  assert.deepEqual(back.items.map((item: { event: { event_id: string } }) => item.event.event_id), [ids[4], ids[3]]);
  const third = (await client.get(`/api/v1/events/?limit=2&cursor=${second.next_page}`)).json();
  assert.deepEqual(third.items.map((item: { event: { event_id: string } }) => item.event.event_id), [ids[0]]);
  assert.equal(third.next_page, null);

  const later = (await client.get(`/api/v1/events/?after=${encodeURIComponent(new Date(base + 2 * 60_000).toISOString())}`)).json();
  assert.equal(later.items.length, 2);
  const event = first.items[0].event;
  assert.deepEqual(event, {
    event_id: ids[4], event_type: 'pocket.status.open', timestamp: new Date(base + 4 * 60_000).toISOString(),
    payload: { pocket_id: objectId }, customer_id: objectId, object_id: objectId, sequence: 5,
  });
  assert.equal((await client.get('/api/v1/events/?limit=101')).statusCode, 422);
  assert.equal((await client.get('/api/v1/events/?cursor=garbage')).statusCode, 422);
});

test('redeliver one event, and every event after a time, to a subscription', async () => {
  const client = await newPartner(t);
  const receiver = await startReceiver();
  try {
    const early = await emit(client.partnerId, 'trade.maturity');
    await sleep(5);
    const cut = new Date();
    await sleep(5);
    const late1 = await emit(client.partnerId, 'trade.maturity');
    const late2 = await emit(client.partnerId, 'trade.maturity');
    await emit(client.partnerId, 'trade.buy');
    // Subscribed after the events: nothing is sent until a replay asks for it.
    const subscriptionId = await subscribe(client, receiver.url, ['trade.maturity']);
    await t.services.events.runOnce({ tenantId: client.partnerId });
    assert.equal(receiver.received.length, 0);

    const one = await client.post(`/api/v1/events/${early}/redeliver/`, {});
    assert.equal(one.statusCode, 202, one.body);
    assert.deepEqual(one.json(), { count: 1 });
    await deliverUntil(client.partnerId, () => receiver.received.length >= 1);
    assert.equal(JSON.parse(receiver.received[0]!.body).event_id, early);

    const bulk = await client.post('/api/v1/events/redeliver/', { subscription_id: subscriptionId, after: cut.toISOString() });
    assert.equal(bulk.statusCode, 202, bulk.body);
    assert.deepEqual(bulk.json(), { count: 2 });
    await deliverUntil(client.partnerId, () => receiver.received.length >= 3);
    assert.deepEqual(receiver.received.slice(1).map((call) => JSON.parse(call.body).event_id).sort(), [late1, late2].sort());

    const targeted = await client.post(`/api/v1/events/${late1}/redeliver/`, { subscription_id: subscriptionId });
    assert.deepEqual(targeted.json(), { count: 1 });
    await deliverUntil(client.partnerId, () => receiver.received.length >= 4);
    assert.equal(receiver.received.length, 4);

    assert.equal((await client.post(`/api/v1/events/${newId()}/redeliver/`, {})).statusCode, 404);
    await client.patch(`/api/v1/subscriptions/${subscriptionId}/`, { status: 'disabled' });
    assert.equal((await client.post('/api/v1/events/redeliver/', { subscription_id: subscriptionId })).statusCode, 409);
  } finally {
    await receiver.close();
    await quiet(client.partnerId);
  }
});

test('the sandbox webhook trigger delivers the given event to matching subscriptions', async () => {
  const client = await newPartner(t);
  const secret = 'sandbox-trigger-secret-01';
  const receiver = await startReceiver();
  try {
    await subscribe(client, receiver.url, ['application.approved'], secret);
    const eventId = newId();
    const applicationId = newId();
    const response = await client.post(
      '/api/v1/sandbox/webhook/',
      { event_id: eventId, timestamp: '2026-01-30T16:09:35.775108Z', event_type: 'application.approved', payload: { application_id: applicationId } },
      { unsigned: true },
    );
    assert.equal(response.statusCode, 202, response.body);
    assert.deepEqual(response.json(), { event_id: eventId, count: 1 });
    await deliverUntil(client.partnerId, () => receiver.received.length >= 1);
    const envelope = verified(secret, receiver.received[0]!);
    assert.equal(envelope.event_id, eventId);
    assert.equal(envelope.event_type, 'application.approved');
    assert.equal(envelope.timestamp, '2026-01-30T16:09:35.775Z');
    assert.deepEqual(envelope.payload, { application_id: applicationId });

    const again = await client.post('/api/v1/sandbox/webhook/', { event_id: eventId, event_type: 'application.approved', payload: {} }, { unsigned: true });
    assert.equal(again.statusCode, 409);
    const unknown = await client.post('/api/v1/sandbox/webhook/', { event_type: 'nope', payload: {} }, { unsigned: true });
    assert.equal(unknown.statusCode, 422);
    const other = await client.post('/api/v1/sandbox/webhook/', { event_type: 'trade.buy', payload: {} }, { unsigned: true });
    assert.equal(other.statusCode, 202);
    assert.equal(other.json().count, 0);
  } finally {
    await receiver.close();
    await quiet(client.partnerId);
  }
});

test('outside sandbox mode private targets are refused at create and again at delivery', async () => {
  const client = await newPartner(t);
  const strictConfig = testConfig({ mode: 'production' });
  const strict = createEventsService({ ...t.deps, config: { ...strictConfig, webhooks: { ...strictConfig.webhooks, allowPrivateTargets: false } } });
  const tenant = partnerContext(client.partnerId, new Date());
  for (const url of ['http://127.0.0.1:9/x', 'http://10.0.0.1/x', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://localhost:9/x']) {
    await assert.rejects(strict.createSubscription(tenant, { url, events: ['trade.buy'], sharedSecret: 'strict-secret-0123456789' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'subscriptions.url_refused', url);
      return true;
    });
  }
  const sandboxStrictConfig = testConfig();
  const sandboxStrict = createEventsService({ ...t.deps, config: { ...sandboxStrictConfig, webhooks: { ...sandboxStrictConfig.webhooks, allowPrivateTargets: false } } });
  await sandboxStrict.createSubscription(tenant, { url: 'http://127.0.0.1:9/x', events: ['trade.buy'], sharedSecret: 'strict-secret-0123456789' });
  await assert.rejects(sandboxStrict.createSubscription(tenant, { url: 'http://192.168.1.10/x', events: ['trade.buy'], sharedSecret: 'strict-secret-0123456789' }));
  await quiet(client.partnerId);

  // A subscription accepted earlier (permissive config) is checked again when delivering.
  const receiver = await startReceiver();
  try {
    await subscribe(client, receiver.url, ['trade.sell']);
    const eventId = await emit(client.partnerId, 'trade.sell');
    await strict.runOnce({ tenantId: client.partnerId });
    assert.equal(receiver.received.length, 0);
    const listed = (await client.get('/api/v1/events/')).json();
    const item = listed.items.find((entry: { event: { event_id: string } }) => entry.event.event_id === eventId);
    assert.equal(item.delivery_attempts[0].success, false);
    assert.equal(item.delivery_attempts[0].response_message, 'target address not allowed');
  } finally {
    await receiver.close();
    await quiet(client.partnerId);
  }
});

test('the delivery worker loop starts, delivers and stops', async () => {
  const client = await newPartner(t);
  const receiver = await startReceiver();
  const worker = t.services.events.startWorker({ tenantId: client.partnerId });
  try {
    await subscribe(client, receiver.url, ['trade.buy']);
    await emit(client.partnerId, 'trade.buy');
    const deadline = Date.now() + 5000;
    while (receiver.received.length === 0 && Date.now() < deadline) await sleep(20);
    assert.equal(receiver.received.length, 1);
  } finally {
    await worker.stop();
    await receiver.close();
    await quiet(client.partnerId);
  }
});

/** A TCP server on 127.0.0.1 that accepts connections and never answers. */
async function startBlackHole() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    /** Connections open right now. */
    open: () => sockets.size,
    close() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

test("a tenant whose endpoint never answers does not delay another tenant's webhooks", async () => {
  const slow = await newPartner(t);
  const fast = await newPartner(t);
  const hole = await startBlackHole();
  const receiver = await startReceiver();
  try {
    await subscribe(slow, hole.url, ['trade.buy']);
    await subscribe(fast, receiver.url, ['trade.buy']);
    const backlog = 100;
    await t.db.tx((tx) => emitEvents(tx, Array.from({ length: backlog }, () => {
      const objectId = newId();
      return { partnerId: slow.partnerId, eventType: 'trade.buy' as const, objectId, payload: payloadOf('trade.buy', objectId), occurredAt: new Date() } as NewEvent;
    })));
    const worker = t.services.events.startWorker({ tenantIds: [slow.partnerId, fast.partnerId] });
    let stopping: Promise<void> | undefined;
    try {
      // Let the pool take its fill of the black hole first.
      const filled = Date.now() + 2000;
      while (hole.open() < JOBS_TENANT_IN_FLIGHT_MAX && Date.now() < filled) await sleep(10);
      assert.equal(hole.open(), JOBS_TENANT_IN_FLIGHT_MAX, 'the slow tenant holds its in-flight cap, no more');
      const started = Date.now();
      const eventId = await emit(fast.partnerId, 'trade.buy');
      while (receiver.received.length === 0 && Date.now() - started < 5000) await sleep(5);
      const elapsedMs = Date.now() - started;
      assert.equal(receiver.received.length, 1);
      assert.equal(JSON.parse(receiver.received[0]!.body).event_id, eventId);
      assert.ok(elapsedMs < 1500, `delivered in ${elapsedMs} ms despite the other tenant's backlog`);
      const slowJobs = await countJobs(t.db, slow.partnerId, 'webhook.deliver');
      assert.ok(slowJobs.pending + slowJobs.running === backlog, `the backlog is still there: ${JSON.stringify(slowJobs)}`);
      assert.ok(slowJobs.running <= JOBS_TENANT_IN_FLIGHT_MAX);
    } finally {
      stopping = worker.stop();
      hole.close();
      await stopping;
    }
  } finally {
    hole.close();
    await receiver.close();
    await quiet(slow.partnerId);
    await quiet(fast.partnerId);
  }
});
