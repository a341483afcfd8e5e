/**
 * Real flows reach subscribers: applications decided, a pocket opened, sandbox funding, bills
 * bought and matured, each delivered as a signed webhook, once.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';
import { applicationRequest, createCustomer, createPocket, fund, getPortfolio } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});


test('deciding applications sends application.* webhooks, each once and signed', async () => {
  const secret = 'flow-receiver-secret-0123';
  const bodies: { headers: Record<string, string>; body: string }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push({
        headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = await newPartner(t);
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const subscription = await client.post('/api/v1/subscriptions/', { url, events: ['application.approved', 'application.rejected'], shared_secret: secret });
    assert.equal(subscription.statusCode, 201, subscription.body);

    const decided: Record<string, { id: string; customer_id?: string | null }> = {};
    for (const lastName of ['Lovelace', 'Reject', 'Review']) {
      const created = await client.post('/api/v1/applications', applicationRequest(lastName));
      assert.equal(created.statusCode, 201, created.body);
      const applied = await client.post(`/api/v1/applications/${created.json().id}/apply`);
      assert.equal(applied.statusCode, 200, applied.body);
      decided[lastName] = applied.json();
    }

    const deadline = Date.now() + 10_000;
    while (bodies.length < 2 && Date.now() < deadline) {
      await t.services.events.runOnce({ tenantId: client.partnerId });
      await sleep(15);
    }
    await sleep(100);
    await t.services.events.runOnce({ tenantId: client.partnerId });
    assert.equal(bodies.length, 2, 'approved and rejected; manual review is not subscribed');

    const receiver = new Webhook(`whsec_${Buffer.from(secret, 'utf8').toString('base64')}`);
    const envelopes = bodies.map((call) => receiver.verify(call.body, call.headers) as Record<string, unknown>);
    const approved = envelopes.find((envelope) => envelope.event_type === 'application.approved')!;
    const rejected = envelopes.find((envelope) => envelope.event_type === 'application.rejected')!;
    assert.equal((approved.payload as { application_id: string }).application_id, decided.Lovelace!.id);
    assert.equal(approved.customer_id, decided.Lovelace!.customer_id);
    assert.equal(approved.object_id, decided.Lovelace!.id);
    assert.equal(approved.sequence, 1);
    assert.equal((rejected.payload as { application_id: string }).application_id, decided.Reject!.id);
    assert.equal(rejected.customer_id, undefined);
  } finally {
    await t.db.query(`UPDATE webhook_deliveries SET status = 'cancelled' WHERE partner_id = $1 AND status = 'pending'`, [client.partnerId]);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('a pocket opened, funded and held to maturity sends its events once each, stamped with the tenant clock', async () => {
  const secret = 'pocket-flow-secret-0123456';
  const calls: { headers: Record<string, string>; body: string }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      calls.push({
        headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = await newPartner(t);
  try {
    await client.setClock('2024-03-05T15:00:00Z');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const types = ['application.approved', 'pocket.status.open', 'transfers.ach.in.success', 'trade.buy', 'trade.sell', 'trade.maturity'];
    const subscription = await client.post('/api/v1/subscriptions/', { url, events: types, shared_secret: secret });
    assert.equal(subscription.statusCode, 201, subscription.body);

    const customerId = await createCustomer(client);
    const pocketId = await createPocket(client, customerId, 'UST-4W');
    await fund(client, pocketId, 4_000_000);
    const first = (await getPortfolio(client, pocketId)).securities[0]!;
    await client.advanceClock({ to: `${first.maturity_date}T20:00:00Z` });
    // Advancing again past the same date must not mature the bill a second time.
    await client.advanceClock({ days: 1 });

    const stored = (await t.db.query<{ n: bigint }>('SELECT count(*) AS n FROM events WHERE partner_id = $1', [client.partnerId]))[0]!.n;
    const deadline = Date.now() + 15_000;
    while (BigInt(calls.length) < stored && Date.now() < deadline) {
      await t.services.events.runOnce({ tenantId: client.partnerId });
      await sleep(15);
    }
    await sleep(100);
    await t.services.events.runOnce({ tenantId: client.partnerId });

    const receiver = new Webhook(`whsec_${Buffer.from(secret, 'utf8').toString('base64')}`);
    const envelopes = calls.map((call) => receiver.verify(call.body, call.headers) as { event_id: string; event_type: string; timestamp: string; payload: Record<string, string>; customer_id?: string });
    assert.equal(new Set(envelopes.map((envelope) => envelope.event_id)).size, envelopes.length, 'no event delivered twice');
    const count = (type: string) => envelopes.filter((envelope) => envelope.event_type === type).length;
    assert.equal(count('application.approved'), 1);
    // Other pockets may open along the way (e.g. the partner's funding pocket); ours opens once.
    assert.equal(envelopes.filter((envelope) => envelope.event_type === 'pocket.status.open' && envelope.payload.pocket_id === pocketId).length, 1);
    assert.equal(count('transfers.ach.in.success'), 1);
    assert.equal(count('trade.maturity'), 1, 'the maturity is sent exactly once');
    assert.ok(count('trade.buy') >= 2, 'the first buy and the reinvestment');
    const maturity = envelopes.find((envelope) => envelope.event_type === 'trade.maturity')!;
    assert.equal(maturity.payload.pocket_id, pocketId);
    assert.equal(maturity.payload.cusip, first.cusip);
    assert.equal(maturity.customer_id, customerId);
    assert.ok(maturity.timestamp.startsWith(first.maturity_date), `stamped with the tenant clock: ${maturity.timestamp}`);
    const opened = envelopes.find((envelope) => envelope.event_type === 'pocket.status.open' && envelope.payload.pocket_id === pocketId)!;
    assert.ok(opened.timestamp.startsWith('2024-03-05'));
  } finally {
    await t.db.query(`UPDATE webhook_deliveries SET status = 'cancelled' WHERE partner_id = $1 AND status = 'pending'`, [client.partnerId]);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('on-us transfers emit processing then success (or rejected) once each, with Jiko payloads', async () => {
  const client = await newPartner(t);
  await client.setClock('2024-03-05T15:00:00Z');
  const customerId = await createCustomer(client);
  const source = await createPocket(client, customerId, 'UST-13W');
  const target = await createPocket(client, customerId, 'UST-4W');
  await fund(client, source, 1_000_000);

  const move = async (amount: Record<string, unknown>) => {
    const response = await client.post('/api/v1/transfers/on-us', {
      type: 'INTERNAL_REALLOCATION',
      from_account: { id: source, type: 'JIKO_ACCOUNT' },
      to_account: { id: target, type: 'JIKO_ACCOUNT' },
      amount,
    });
    assert.ok(response.statusCode === 200 || response.statusCode === 201, response.body);
    return response.json() as { id: string; status: string };
  };
  const completed = await move({ type: 'REQUESTED_AMOUNT', amount_usdc: 250_000 });
  assert.equal(completed.status, 'COMPLETED');
  const rejected = await move({ type: 'REQUESTED_AMOUNT', amount_usdc: 5_000_000 });
  assert.equal(rejected.status, 'REJECTED');

  const events = await t.db.query<{ event_type: string; object_id: string; sequence: number; payload: Record<string, string>; customer_id: string | null }>(
    `SELECT event_type, object_id, sequence, payload, customer_id FROM events
      WHERE partner_id = $1 AND event_type LIKE 'transfers.on-us.%' ORDER BY object_id, sequence`,
    [client.partnerId],
  );
  const of = (id: string) => events.filter((event) => event.object_id === id);
  assert.deepEqual(of(completed.id).map((event) => [event.event_type, event.sequence]), [
    ['transfers.on-us.processing', 1],
    ['transfers.on-us.success', 2],
    ['transfers.on-us.received', 3],
  ]);
  const received = of(completed.id)[2]!;
  assert.equal(received.payload.receiving_pocket_id, target);
  const [credit] = await t.db.query<{ pocket_id: string; direction: string; amount_cents: bigint }>(
    'SELECT pocket_id, direction, amount_cents FROM bank_transactions WHERE partner_id = $1 AND id = $2',
    [client.partnerId, received.payload.transaction_activity_id],
  );
  assert.deepEqual(credit, { pocket_id: target, direction: 'CREDIT', amount_cents: 250_000n });
  assert.deepEqual(of(rejected.id).map((event) => [event.event_type, event.sequence]), [
    ['transfers.on-us.processing', 1],
    ['transfers.on-us.rejected', 2],
  ]);
  for (const event of events) {
    assert.equal(event.payload.on_us_id, event.object_id);
    if (event.event_type === 'transfers.on-us.received') continue;
    assert.equal(event.payload.origin_account_id, source);
    assert.equal(event.payload.destination_account_id, target);
    assert.equal(event.customer_id, customerId);
  }
  // The sale in the source and the buy in the target are trades with their own events.
  const trades = await t.db.query<{ event_type: string; n: bigint }>(
    `SELECT event_type, count(*) AS n FROM events WHERE partner_id = $1 AND event_type LIKE 'trade.%' GROUP BY event_type ORDER BY event_type`,
    [client.partnerId],
  );
  assert.deepEqual(trades.map((row) => [row.event_type, Number(row.n)]), [
    ['trade.buy', 2],
    ['trade.sell', 1],
  ]);
});
