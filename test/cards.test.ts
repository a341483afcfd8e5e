/**
 * Cards through the Partner API on a real database: a virtual card's details come back encrypted
 * with the caller's key (a Luhn-valid PAN of the test BIN, a CVV, the expiry), are revealed again
 * the same, and never appear in lists or at rest in clear; status changes (partners set only OPEN
 * and LOCKED, CLOSED is final, STOLEN needs its date); a physical card order moving to RECEIVED on
 * the sandbox clock, its card generated, its PIN set encrypted with the served key (plain digits
 * refused), and activated; other tenants' and other pockets' ids are 404; and a run whose every
 * log line is captured shows no PAN or CVV anywhere.
 */
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { createCustomer, createPocket } from './support/fixtures.ts';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.ts';
import { cliProgram } from '../src/cli/program.ts';
import { encryptPin, isLuhnValid } from '../src/modules/cards/index.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

/** The client's single-use key pair (Jiko asks for 4096 bits; 2048 keeps the test fast). */
const client = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_KEY = client.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const decrypt = (b64: string) =>
  privateDecrypt({ key: client.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(b64, 'base64')).toString('utf8');

const ADDRESS = { street_address: '12 St James Square', city: 'New York', postal_code: '10001', state: 'NY', country: 'US' };

/** A partner on a fixed clock (Monday 4 March 2024, 10:00 New York) with a customer pocket. */
async function setUp(app: TestApp = t): Promise<{ c: PartnerClient; pocketId: string; base: string }> {
  const c = await newPartner(app);
  await c.setClock('2024-03-04T15:00:00Z');
  const customerId = await createCustomer(c);
  const pocketId = await createPocket(c, customerId, 'UST-4W');
  return { c, pocketId, base: `/api/v1/jiko-accounts/${pocketId}` };
}

interface Details { card_id: string; pan: string; cvv: string; expiration: string }

async function createVirtual(c: PartnerClient, base: string): Promise<Details> {
  const created = await c.post(`${base}/virtual-cards`, { public_key: PUBLIC_KEY });
  assert.equal(created.statusCode, 201, created.body);
  const body = created.json();
  assert.equal(body.object_type, 'VirtualCardResponse');
  return { card_id: body.card_id, pan: decrypt(body.encrypted_pan), cvv: decrypt(body.encrypted_cvv), expiration: decrypt(body.encrypted_expiration) };
}

async function servedPinKey(c: PartnerClient): Promise<string> {
  const keys = await c.get('/api/v1/public-keys', { unsigned: true });
  assert.equal(keys.statusCode, 200, keys.body);
  const pem = keys.json().set_pin as string;
  assert.match(pem, /^-----BEGIN PUBLIC KEY-----/);
  return pem;
}

/** An order through generate-card, the clock to RECEIVED, an encrypted PIN and activation. @returns the card id. */
async function physicalCardFlow(c: PartnerClient, base: string): Promise<string> {
  const ordered = await c.post(`${base}/card-orders`, { name_on_card: 'ADA LOVELACE', shipping_address: ADDRESS });
  assert.equal(ordered.statusCode, 201, ordered.body);
  const orderId = ordered.json().card_order_id as string;
  const generated = await c.post('/api/v1/sandbox/generate-card', { card_order_id: orderId }, { unsigned: true });
  assert.equal(generated.statusCode, 202, generated.body);
  const order = (await c.get(`${base}/card-orders/${orderId}`)).json();
  assert.equal(order.status, 'CARD_CREATED');
  const cardId = order.card_id as string;
  await c.advanceClock({ days: 14 });
  assert.equal((await c.get(`${base}/card-orders/${orderId}`)).json().status, 'RECEIVED');
  const pin = await c.post(`${base}/cards/${cardId}/pin`, { encrypted_pin: encryptPin(await servedPinKey(c), '4821') });
  assert.equal(pin.statusCode, 200, pin.body);
  const activated = await c.patch(`${base}/cards/${cardId}/status`, { status: 'OPEN' });
  assert.equal(activated.statusCode, 200, activated.body);
  return cardId;
}

describe('virtual cards', () => {
  test('create, reveal and delete: a Luhn-valid PAN of the test BIN, shown encrypted only, never in lists or at rest', async () => {
    const { c, base } = await setUp();
    const card = await createVirtual(c, base);
    assert.match(card.pan, /^400000\d{10}$/);
    assert.ok(isLuhnValid(card.pan));
    assert.match(card.cvv, /^\d{3}$/);
    assert.equal(card.expiration, '03/28', 'issued March 2024, good for four years');

    const revealed = await c.post(`${base}/virtual-cards/${card.card_id}`, { public_key: PUBLIC_KEY });
    assert.equal(revealed.statusCode, 200, revealed.body);
    assert.equal(decrypt(revealed.json().encrypted_pan), card.pan);
    assert.equal(decrypt(revealed.json().encrypted_cvv), card.cvv);

    const list = await c.get(`${base}/cards`);
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(list.json().items, [{ card_id: card.card_id, name: 'Virtual card', status: 'OPEN', type: 'VIRTUAL', pocket_id: base.split('/').pop() }]);
    assert.ok(!list.body.includes(card.pan) && !list.body.includes(card.pan.slice(6)), 'no PAN in the list');

    const [row] = await t.db.query<Record<string, unknown>>('SELECT * FROM cards WHERE id = $1', [card.card_id]);
    assert.ok(!JSON.stringify(row).includes(card.pan), 'the PAN is stored encrypted');
    assert.equal(row!.last4, card.pan.slice(-4));
    assert.equal(String(row!.expires_on instanceof Date ? row!.expires_on.toISOString().slice(0, 10) : row!.expires_on), '2028-03-31');

    const deleted = await c.delete(`${base}/virtual-cards/${card.card_id}`);
    assert.equal(deleted.statusCode, 204, deleted.body);
    assert.equal((await c.get(`${base}/cards/${card.card_id}/status`)).json().status, 'CLOSED');
    assert.equal((await c.post(`${base}/virtual-cards/${card.card_id}`, { public_key: PUBLIC_KEY })).statusCode, 422);
    assert.deepEqual((await c.get(`${base}/cards?filter[status]=OPEN`)).json().items, []);
    assert.deepEqual((await c.get(`${base}/cards?filter[status]=CLOSED&filter[status]=LOCKED`)).json().items.map((i: { card_id: string }) => i.card_id), [card.card_id]);
    const events = await t.db.query<{ event_type: string }>(
      `SELECT event_type FROM events WHERE partner_id = $1 AND object_id = $2 ORDER BY sequence`, [c.partnerId, card.card_id]);
    assert.deepEqual(events.map((e) => e.event_type), ['card.created', 'card.status.open', 'card.status.closed']);
  });

  test('a bad public key is 422 and creates nothing', async () => {
    const { c, base } = await setUp();
    const response = await c.post(`${base}/virtual-cards`, { public_key: 'not a key' });
    assert.equal(response.statusCode, 422, response.body);
    assert.deepEqual(response.json().detail[0].loc, ['body', 'public_key']);
    assert.deepEqual((await c.get(`${base}/cards`)).json().items, []);
  });
});

describe('card status', () => {
  test('partners set OPEN and LOCKED only; CLOSED is final; STOLEN needs lost_stolen_date', async () => {
    const { c, base } = await setUp();
    const { card_id } = await createVirtual(c, base);
    const status = `${base}/cards/${card_id}/status`;
    const locked = await c.patch(status, { status: 'LOCKED' });
    assert.deepEqual([locked.statusCode, locked.json()], [200, { card_id, status: 'LOCKED' }]);
    assert.equal((await c.patch(status, { status: 'CLOSED' })).statusCode, 422, 'a partner cannot set CLOSED');
    assert.equal((await c.patch(status, { status: 'FROZEN' })).statusCode, 422);
    assert.equal((await c.get(status)).json().status, 'LOCKED');

    const noDate = await c.post(`${base}/cards/${card_id}/close`, { closure_reason: 'STOLEN' });
    assert.equal(noDate.statusCode, 422, noDate.body);
    assert.deepEqual(noDate.json().detail[0].loc, ['body', 'lost_stolen_date']);
    assert.equal((await c.get(status)).json().status, 'LOCKED', 'the refused close changed nothing');
    const future = await c.post(`${base}/cards/${card_id}/close`, { closure_reason: 'LOST', lost_stolen_date: '2024-03-05' });
    assert.equal(future.statusCode, 422, future.body);

    const closed = await c.post(`${base}/cards/${card_id}/close`, { closure_reason: 'STOLEN', lost_stolen_date: '2024-03-03' });
    assert.equal(closed.statusCode, 204, closed.body);
    const [row] = await t.db.query<{ closure_reason: string; lost_stolen_date: string }>(
      'SELECT closure_reason, lost_stolen_date::text AS lost_stolen_date FROM cards WHERE id = $1', [card_id]);
    assert.deepEqual({ ...row }, { closure_reason: 'STOLEN', lost_stolen_date: '2024-03-03' });
    const reopen = await c.patch(status, { status: 'OPEN' });
    assert.equal(reopen.statusCode, 422, 'closed is terminal');
    assert.equal((await c.post(`${base}/cards/${card_id}/close`, { closure_reason: 'DAMAGED' })).statusCode, 422);
    assert.equal((await c.get(status)).json().status, 'CLOSED');
  });
});

describe('physical cards', () => {
  test('an order moves to RECEIVED on the clock; its card needs an encrypted PIN before activation', async () => {
    const { c, base } = await setUp();
    const ordered = await c.post(`${base}/card-orders`, { name_on_card: 'ADA LOVELACE', shipping_address: ADDRESS });
    assert.equal(ordered.statusCode, 201, ordered.body);
    assert.equal(ordered.json().status, 'INITIAL');
    assert.equal(ordered.json().card_id, null);
    const orderId = ordered.json().card_order_id as string;

    assert.equal((await c.post('/api/v1/sandbox/generate-card', { card_order_id: orderId }, { unsigned: true })).statusCode, 202);
    const order = (await c.get(`${base}/card-orders/${orderId}`)).json();
    assert.equal(order.status, 'CARD_CREATED');
    const cardId = order.card_id as string;
    assert.equal((await c.post('/api/v1/sandbox/generate-card', { card_order_id: orderId }, { unsigned: true })).statusCode, 422, 'one card per order');
    const status = `${base}/cards/${cardId}/status`;
    assert.deepEqual((await c.get(status)).json(), { card_id: cardId, status: 'NOT_ACTIVATED' });
    assert.equal((await c.patch(status, { status: 'OPEN' })).statusCode, 422, 'no activation before the PIN');
    assert.equal((await c.patch(status, { status: 'LOCKED' })).statusCode, 422, 'a card not activated cannot be locked');

    const plain = await c.post(`${base}/cards/${cardId}/pin`, { encrypted_pin: '4821' });
    assert.equal(plain.statusCode, 422, 'a plaintext PIN is refused');
    assert.deepEqual(plain.json().detail[0].loc, ['body', 'encrypted_pin']);
    const pinKey = await servedPinKey(c);
    assert.equal((await c.post(`${base}/cards/${cardId}/pin`, { encrypted_pin: encryptPin(PUBLIC_KEY, '4821') })).statusCode, 422, "another key's ciphertext is refused");
    const pin = await c.post(`${base}/cards/${cardId}/pin`, { encrypted_pin: encryptPin(pinKey, '4821') });
    assert.deepEqual([pin.statusCode, pin.json()], [200, { success: true }]);
    const [row] = await t.db.query<{ pin_encrypted: string }>('SELECT pin_encrypted FROM cards WHERE id = $1', [cardId]);
    assert.ok(row!.pin_encrypted.startsWith('v1:') && !row!.pin_encrypted.includes('4821'));
    assert.equal((await c.patch(status, { status: 'OPEN' })).statusCode, 422, 'not activated before the card is received');

    await c.advanceClock({ days: 3 });
    assert.equal((await c.get(`${base}/card-orders/${orderId}`)).json().status, 'ORDERED');
    await c.advanceClock({ days: 11 });
    const received = (await c.get(`${base}/card-orders/${orderId}`)).json();
    assert.deepEqual({ status: received.status, card_id: received.card_id }, { status: 'RECEIVED', card_id: cardId });
    const activated = await c.patch(status, { status: 'OPEN' });
    assert.deepEqual([activated.statusCode, activated.json()], [200, { card_id: cardId, status: 'OPEN' }]);
    assert.equal((await c.post(`${base}/cards/${cardId}/pin`, { encrypted_pin: encryptPin(pinKey, '1111') })).statusCode, 422, 'PINs are set before activation');
    assert.equal((await c.delete(`${base}/virtual-cards/${cardId}`)).statusCode, 422, 'a physical card is not closed as a virtual one');
    assert.equal((await c.post(`${base}/cards/${cardId}/close`, {})).statusCode, 422, 'a physical card needs a closure reason');
    const list = (await c.get(`${base}/card-orders`)).json();
    assert.deepEqual(list.items, [{ card_order_id: orderId, card_id: cardId, status: 'RECEIVED', object_type: 'MinimalPhysicalCardOrderResponse' }]);
  });

  test('without generate-card the business-day run makes the card', async () => {
    const { c, base } = await setUp();
    const orderId = (await c.post(`${base}/card-orders`, { name_on_card: 'GRACE HOPPER', shipping_address: ADDRESS })).json().card_order_id as string;
    await c.advanceClock({ to: '2024-03-05T15:00:00Z' });
    const order = (await c.get(`${base}/card-orders/${orderId}`)).json();
    assert.equal(order.status, 'CARD_CREATED');
    const cards = (await c.get(`${base}/cards`)).json().items;
    assert.deepEqual(cards, [{ card_id: order.card_id, name: 'GRACE HOPPER', status: 'NOT_ACTIVATED', type: 'PHYSICAL', pocket_id: base.split('/').pop() }]);
  });
});

describe('PIN encryption', () => {
  test('GET /api/v1/public-keys needs no credentials, and `pocketbook cards encrypt-pin` encrypts a PIN the server takes', async () => {
    const keys = await t.app.inject({ method: 'GET', url: '/api/v1/public-keys' });
    assert.equal(keys.statusCode, 200, keys.body);
    const served = keys.json().set_pin as string;
    assert.match(served, /^-----BEGIN PUBLIC KEY-----/);

    const server = await buildApp(t.deps, t.services);
    try {
      await server.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
      let out = '';
      await cliProgram({ code: 0, command: '' }, { stdout: (text) => (out += text), stderr: (text) => (out += text) })
        .parseAsync(['cards', 'encrypt-pin', '2468', '--url', url], { from: 'user' });
      const encryptedPin = out.trim();
      assert.match(encryptedPin, /^[A-Za-z0-9+/]+={0,2}$/);

      const { c, base } = await setUp();
      const orderId = (await c.post(`${base}/card-orders`, { name_on_card: 'ADA LOVELACE', shipping_address: ADDRESS })).json().card_order_id as string;
      await c.post('/api/v1/sandbox/generate-card', { card_order_id: orderId }, { unsigned: true });
      const cardId = (await c.get(`${base}/card-orders/${orderId}`)).json().card_id as string;
      const pin = await c.post(`${base}/cards/${cardId}/pin`, { encrypted_pin: encryptedPin });
      assert.deepEqual([pin.statusCode, pin.json()], [200, { success: true }]);
    } finally {
      await server.close();
    }
  });
});

describe('tenant isolation', () => {
  test("another partner's card and order are 404, and so is a card under another pocket", async () => {
    const { c, base, pocketId } = await setUp();
    const { card_id } = await createVirtual(c, base);
    const orderId = (await c.post(`${base}/card-orders`, { name_on_card: 'ADA LOVELACE', shipping_address: ADDRESS })).json().card_order_id as string;
    const other = await setUp();
    const theirs = `/api/v1/jiko-accounts/${pocketId}`;
    assert.equal((await other.c.get(`${theirs}/cards/${card_id}/status`)).statusCode, 404);
    assert.equal((await other.c.get(`${other.base}/cards/${card_id}/status`)).statusCode, 404);
    assert.equal((await other.c.post(`${other.base}/virtual-cards/${card_id}`, { public_key: PUBLIC_KEY })).statusCode, 404);
    assert.equal((await other.c.patch(`${other.base}/cards/${card_id}/status`, { status: 'LOCKED' })).statusCode, 404);
    assert.equal((await other.c.get(`${other.base}/card-orders/${orderId}`)).statusCode, 404);
    assert.equal((await other.c.post('/api/v1/sandbox/generate-card', { card_order_id: orderId }, { unsigned: true })).statusCode, 404);
    assert.equal((await other.c.get(`${theirs}/cards`)).statusCode, 404);
    assert.equal((await other.c.post(`${theirs}/virtual-cards`, { public_key: PUBLIC_KEY })).statusCode, 404);
    const customerId = await createCustomer(c);
    const secondPocket = await createPocket(c, customerId, 'UST-4W', 'second');
    assert.equal((await c.get(`/api/v1/jiko-accounts/${secondPocket}/cards/${card_id}/status`)).statusCode, 404);
    assert.equal((await c.get(`${base}/cards/${card_id}/status`)).json().status, 'OPEN', 'nothing changed');
  });
});

describe('card data in logs', () => {
  test('no PAN or CVV in any log line or list response of a run logged at trace', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const app = await buildApp({ ...t.deps, config: { ...t.deps.config, logLevel: 'trace' } }, t.services, { logger: true, logStream: stream });
    try {
      const logged: TestApp = { ...t, app };
      const { c, base } = await setUp(logged);
      const cards = [await createVirtual(c, base), await createVirtual(c, base)];
      await c.post(`${base}/virtual-cards/${cards[0]!.card_id}`, { public_key: PUBLIC_KEY });
      await c.post(`${base}/virtual-cards/${cards[0]!.card_id}`, { public_key: 'bad' });
      await c.patch(`${base}/cards/${cards[1]!.card_id}/status`, { status: 'LOCKED' });
      await c.post(`${base}/cards/${cards[1]!.card_id}/close`, { closure_reason: 'STOLEN' });
      const physical = await physicalCardFlow(c, base);
      await c.post(`${base}/cards/${physical}/pin`, { encrypted_pin: '1234' });
      const list = await c.get(`${base}/cards`);
      assert.equal(list.json().items.length, 3);
      const [row] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cards WHERE partner_id = $1`, [c.partnerId]);
      assert.equal(row!.n, 3);
      assert.ok(lines.length >= 10, `the run was logged (${lines.length} lines)`);
      // Each request's logger (made at its first line, app.ts lazyChildLogger) carries the request id.
      assert.ok(lines.some((line) => (JSON.parse(line) as { reqId?: unknown }).reqId !== undefined), 'request lines carry their request id');
      for (const card of cards) {
        for (const text of [...lines, list.body]) {
          assert.ok(!text.includes(card.pan), `PAN in: ${text}`);
          assert.ok(!text.includes(card.pan.slice(6)), `PAN digits in: ${text}`);
          assert.ok(!text.includes(`"${card.cvv}"`) && !/"cvv"/i.test(text), `CVV in: ${text}`);
        }
      }
      assert.ok(!lines.some((line) => line.includes('4821')), 'no PIN in the logs');
    } finally {
      await app.close();
    }
  });
});

describe('closing a pocket', () => {
  test("closes its cards (CANCELED, card.status.closed; a swipe is declined) and stops its card orders; another pocket's card is untouched", async () => {
    const c = await newPartner(t);
    await c.setClock('2024-03-04T15:00:00Z');
    const customerId = await createCustomer(c);
    const pocketId = await createPocket(c, customerId, 'UST-4W');
    const otherPocketId = await createPocket(c, customerId, 'UST-13W');
    const base = `/api/v1/jiko-accounts/${pocketId}`;
    const virtual = (await createVirtual(c, base)).card_id;
    const locked = (await createVirtual(c, base)).card_id;
    assert.equal((await c.patch(`${base}/cards/${locked}/status`, { status: 'LOCKED' })).statusCode, 200);
    const kept = (await createVirtual(c, `/api/v1/jiko-accounts/${otherPocketId}`)).card_id;
    // One order whose card is made (NOT_ACTIVATED), one still INITIAL.
    const order = async () => {
      const response = await c.post(`${base}/card-orders`, { name_on_card: 'ADA LOVELACE', shipping_address: ADDRESS });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().card_order_id as string;
    };
    const made = await order();
    assert.equal((await c.post('/api/v1/sandbox/generate-card', { card_order_id: made }, { unsigned: true })).statusCode, 202);
    const physical = (await c.get(`${base}/card-orders/${made}`)).json().card_id as string;
    const initial = await order();

    const closed = await c.patch(`/api/v2/pockets/${pocketId}/`, { status: 'CLOSED', closure_reason: 'CUSTOMER_REQUEST' });
    assert.equal(closed.statusCode, 200, closed.body);
    for (const cardId of [virtual, locked, physical]) {
      assert.deepEqual((await c.get(`${base}/cards/${cardId}/status`)).json(), { card_id: cardId, status: 'CLOSED' });
    }
    const rows = await t.db.query<{ id: string; closure_reason: string }>(
      'SELECT id, closure_reason FROM cards WHERE partner_id = $1 AND pocket_id = $2', [c.partnerId, pocketId]);
    assert.deepEqual(rows.map((r) => r.closure_reason), ['CANCELED', 'CANCELED', 'CANCELED']);
    const events = await t.db.query<{ object_id: string; payload: { status: string } }>(
      `SELECT object_id, payload FROM events WHERE partner_id = $1 AND event_type = 'card.status.closed'`, [c.partnerId]);
    assert.deepEqual(events.map((e) => e.object_id).sort(), [virtual, locked, physical].sort());
    assert.ok(events.every((e) => e.payload.status === 'CLOSED'));
    assert.deepEqual((await c.get(`/api/v1/jiko-accounts/${otherPocketId}/cards/${kept}/status`)).json(), { card_id: kept, status: 'OPEN' });

    const swipe = await c.post('/api/v1/sandbox/card-swipe', { card_id: virtual, amount_usdc: 100 });
    assert.equal(swipe.statusCode, 202, swipe.body);
    assert.deepEqual([swipe.json().status, swipe.json().decline_reason], ['DECLINED', 'card_closed']);

    // The orders stay where they were: no run moves them, no card is made for the INITIAL one.
    await c.advanceClock({ days: 14 });
    const orders = (await c.get(`${base}/card-orders`)).json().items as { card_order_id: string; status: string; card_id: string | null }[];
    const byId = new Map(orders.map((o) => [o.card_order_id, [o.status, o.card_id]]));
    assert.deepEqual([byId.size, byId.get(made), byId.get(initial)], [2, ['CARD_CREATED', physical], ['INITIAL', null]]);
    const generate = await c.post('/api/v1/sandbox/generate-card', { card_order_id: initial }, { unsigned: true });
    assert.equal(generate.statusCode, 422, generate.body);
    const [count] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM cards WHERE partner_id = $1', [c.partnerId]);
    assert.equal(count!.n, 4);
  });
});
