/**
 * The card issuer on a real database, on the tenant's clock: a virtual card's $25 swipe approved
 * and held (bills sold only when cash is short: a cash-rich pocket and an all-in-bills one),
 * settled the next business day at $27.50 (the overage posted too) or at the amount held; a swipe
 * beyond what the pocket can pay, a locked card and a swipe over the velocity limit declined with
 * nothing changed; an uncaptured hold released after 7 days and its cash invested again; a
 * refund credited and invested; incremental and reversal; the CARD bank transaction with its
 * merchant and `filter[card]`; events; exactly-once; another tenant's card is a 404. Every test
 * ends with the ledger, portfolio and issuer invariants sound.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { partnerContext } from '../src/platform/context.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund } from './support/fixtures.ts';

let t: TestApp;
let publicKeyPem: string;
before(async () => {
  t = await startTestApp();
  publicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
});
after(async () => {
  await t.close();
});

// Tuesday 5 March 2024, 09:00 New York (EST, UTC-5); the network settles at 10:00.
const TUESDAY = '2024-03-05T14:00:00Z';
const WEDNESDAY_NOON = '2024-03-06T17:00:00Z';

interface Setup {
  client: PartnerClient;
  pocketId: string;
  cardId: string;
}

/** A customer's UST-4W pocket funded with `fundCents` on Tuesday morning, and a virtual card on it. */
async function setup(fundCents: number): Promise<Setup> {
  const client = await newPartner(t);
  await client.setClock(TUESDAY);
  const customerId = await createCustomer(client);
  const pocketId = await createPocket(client, customerId, 'UST-4W');
  if (fundCents > 0) await fund(client, pocketId, fundCents);
  const cardId = await createVirtualCard(client, pocketId);
  return { client, pocketId, cardId };
}

/** A virtual card through Jiko's Create Virtual Card. */
async function createVirtualCard(client: PartnerClient, pocketId: string): Promise<string> {
  const response = await client.post(`/api/v1/jiko-accounts/${pocketId}/virtual-cards`, { public_key: publicKeyPem });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().card_id as string;
}

async function swipe(s: Setup, body: Record<string, unknown>, status = 202, options: { idempotencyKey?: string } = {}) {
  const response = await s.client.post('/api/v1/sandbox/card-swipe', { card_id: s.cardId, ...body }, options);
  assert.equal(response.statusCode, status, response.body);
  return response.json();
}

/** The pocket's accounts: posted balance and held debits, cents. */
async function accounts(s: Setup) {
  const rows = await t.db.query<{ kind: string; balance_cents: bigint; pending_debit_cents: bigint }>(
    `SELECT kind, balance_cents, pending_debit_cents FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = $2`,
    [s.client.partnerId, s.pocketId],
  );
  return Object.fromEntries(rows.map((r) => [r.kind, { posted: BigInt(r.balance_cents), held: BigInt(r.pending_debit_cents) }]));
}

async function trades(s: Setup, activity: 'BUY' | 'SELL'): Promise<number> {
  const rows = await t.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM trades WHERE partner_id = $1 AND pocket_id = $2 AND activity = $3`, [
    s.client.partnerId, s.pocketId, activity,
  ]);
  return Number(rows[0]!.n);
}

async function eventsOf(s: Setup, objectId: string): Promise<{ type: string; amount: number }[]> {
  const rows = await t.db.query<{ event_type: string; payload: { amount: number } }>(
    `SELECT event_type, payload FROM events WHERE partner_id = $1 AND object_id = $2 ORDER BY sequence`,
    [s.client.partnerId, objectId],
  );
  return rows.map((r) => ({ type: r.event_type, amount: r.payload.amount }));
}

/** The ledger entries of the pocket's card payments and their sweeps and sales, oldest first, with postings. */
async function cardEntries(s: Setup, since: string) {
  return t.db.query<{ at: string; entry_type: string; status: string; description: string; postings: string }>(
    `SELECT to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') AS at, e.entry_type, e.status, e.description,
            string_agg(coalesce(a.kind, '?') || ' ' || p.amount_cents::text, ', ' ORDER BY p.amount_cents) AS postings
       FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
      WHERE e.partner_id = $1 AND e.occurred_at >= $2 AND e.entry_type <> 'ACH_CREDIT'
      GROUP BY e.id, e.entry_type, e.status, e.description, e.occurred_at, e.created_at
      ORDER BY e.occurred_at, e.entry_type LIKE 'CARD%', e.entry_type`,
    [s.client.partnerId, since],
  );
}

/** With POCKETBOOK_CARD_LEDGER_LOG set, prints a run's entries (for the issuer's docs and reviews). */
function printEntries(title: string, entries: Awaited<ReturnType<typeof cardEntries>>): void {
  if (!process.env.POCKETBOOK_CARD_LEDGER_LOG) return;
  const lines = entries.map((e) => `${e.at} ${e.entry_type.padEnd(19)} ${e.status.padEnd(7)} ${e.description.padEnd(38)} ${e.postings}`);
  process.stdout.write(`-- ${title}\n${lines.join('\n')}\n`);
}

async function sound(s: Setup): Promise<void> {
  await assertSound(t.db, s.client.partnerId);
  assert.deepEqual(await t.services.cardIssuer.checkInvariants(t.db, s.client.partnerId), []);
}

describe('card swipe: authorization and settlement', () => {
  test('a cash-rich pocket holds $25 without selling, and settles the next business day at $27.50', async () => {
    const s = await setup(15_000);
    const cashBefore = (await accounts(s)).brokerage_cash!.posted;
    assert.ok(cashBefore > 2_750n, `the pocket keeps ${cashBefore} cents of cash`);
    const sells = await trades(s, 'SELL');

    const auth = await swipe(s, { amount_usdc: 2500, merchant_name: 'Lovelace Books', mcc: '5942', settlement_amount_usdc: 2750 });
    assert.equal(auth.status, 'PENDING');
    assert.equal(auth.held_usdc, 2500);
    assert.equal(auth.sold_usdc, 0);
    assert.equal(auth.settle_on, '2024-03-06');
    assert.equal(await trades(s, 'SELL'), sells, 'no bill sold');
    let acc = await accounts(s);
    assert.deepEqual(acc.bank_cash, { posted: 2_500n, held: 2_500n });
    assert.equal(acc.brokerage_cash!.posted, cashBefore - 2_500n);
    await sound(s);

    await s.client.advanceClock({ to: WEDNESDAY_NOON });
    const settled = await t.services.cardIssuer.get(partnerContext(s.client.partnerId, new Date(WEDNESDAY_NOON)), auth.id);
    assert.equal(settled.status, 'SETTLED');
    assert.equal(settled.settledCents, 2_750n);
    assert.equal(settled.shortfallCents, 0n);
    acc = await accounts(s);
    assert.deepEqual(acc.bank_cash, { posted: 0n, held: 0n });

    // The pocket's bank side shows the card payment with its merchant; filter[card] finds it.
    const list = await s.client.get(`/api/v2/pockets/${s.pocketId}/transactions/?filter[card]=${s.cardId}`);
    assert.equal(list.statusCode, 200, list.body);
    const items = list.json().items as Record<string, unknown>[];
    assert.equal(items.length, 1);
    assert.deepEqual(
      { type: items[0]!.type, direction: items[0]!.direction, amount: (items[0]!.amount as { value: number }).value, counterparty: items[0]!.counterparty, merchant_type: items[0]!.merchant_type, pre_authorization: items[0]!.pre_authorization, card_id: items[0]!.card_id },
      { type: 'CARD', direction: 'DEBIT', amount: 2750, counterparty: 'Lovelace Books', merchant_type: '5942', pre_authorization: true, card_id: s.cardId },
    );
    const other = await s.client.get(`/api/v2/pockets/${s.pocketId}/transactions/?filter[card]=${randomUUID()}`);
    assert.equal(other.json().items.length, 0);
    const v1 = await s.client.get(`/api/v1/jiko-accounts/${s.pocketId}/transactions?filter[card]=${s.cardId}`);
    assert.equal(v1.statusCode, 200, v1.body);
    assert.equal(v1.json().items[0].details.card_transaction.counterparty, 'Lovelace Books');
    assert.equal(v1.json().items[0].details.transaction_type, 'CARD');

    assert.deepEqual(await eventsOf(s, auth.id), [{ type: 'card.transaction.approved', amount: 2500 }, { type: 'card.transaction.settled', amount: 2750 }]);
    const entries = await cardEntries(s, TUESDAY);
    printEntries('cash-rich pocket, $25 held, cleared at $27.50', entries);
    assert.deepEqual(entries.filter((e) => e.entry_type.startsWith('CARD')).map((e) => [e.entry_type, e.status]), [
      ['CARD_AUTHORIZATION', 'voided'],
      ['CARD_SETTLEMENT', 'posted'],
    ]);
    await sound(s);
  });

  test('an all-in-bills pocket sells bills for the hold; the clearing at the amount held posts the hold', async () => {
    const s = await setup(10_000);
    assert.ok((await accounts(s)).brokerage_cash!.posted < 2_500n, 'the money is in bills');
    const auth = await swipe(s, { amount_usdc: 2500 });
    assert.equal(auth.status, 'PENDING');
    assert.ok(auth.sold_usdc > 0, 'bills were sold');
    assert.equal(await trades(s, 'SELL'), 1);
    assert.deepEqual((await accounts(s)).bank_cash, { posted: 2_500n, held: 2_500n });
    await sound(s);

    await s.client.advanceClock({ to: WEDNESDAY_NOON });
    const settled = await t.services.cardIssuer.get(partnerContext(s.client.partnerId, new Date(WEDNESDAY_NOON)), auth.id);
    assert.equal(settled.status, 'SETTLED');
    assert.equal(settled.settledCents, 2_500n);
    const statuses = await t.db.query<{ entry_type: string; status: string }>(
      `SELECT entry_type, status FROM ledger_entries WHERE partner_id = $1 AND id = $2`,
      [s.client.partnerId, settled.ledgerEntryId],
    );
    assert.deepEqual({ ...statuses[0] }, { entry_type: 'CARD_AUTHORIZATION', status: 'posted' }, 'the hold itself posted');
    printEntries('all-in-bills pocket, $25 held (bills sold), cleared at $25', await cardEntries(s, TUESDAY));
    assert.deepEqual((await accounts(s)).bank_cash, { posted: 0n, held: 0n });
    await sound(s);
  });

  test('a swipe beyond what the pocket can pay is declined and changes nothing', async () => {
    const s = await setup(10_000);
    const before = await accounts(s);
    const sells = await trades(s, 'SELL');
    const declined = await swipe(s, { amount_usdc: 20_000 });
    assert.equal(declined.status, 'DECLINED');
    assert.equal(declined.decline_reason, 'insufficient_funds');
    assert.equal(declined.held_usdc, 0);
    assert.deepEqual(await accounts(s), before);
    assert.equal(await trades(s, 'SELL'), sells);
    assert.deepEqual(await eventsOf(s, declined.id), [{ type: 'card.transaction.rejected', amount: 20_000 }]);
    // Over the per-transaction velocity limit ($10,000 by default): declined before funds are looked at.
    const limited = await swipe(s, { amount_usdc: 1_000_001 });
    assert.equal(limited.decline_reason, 'limit_exceeded');
    await sound(s);
  });

  test('a locked card is declined; a closed one too', async () => {
    const s = await setup(10_000);
    const locked = await s.client.patch(`/api/v1/jiko-accounts/${s.pocketId}/cards/${s.cardId}/status`, { status: 'LOCKED' });
    assert.equal(locked.statusCode, 200, locked.body);
    const before = await accounts(s);
    const declined = await swipe(s, { amount_usdc: 2500 });
    assert.equal(declined.decline_reason, 'card_locked');
    assert.deepEqual(await accounts(s), before);
    const closed = await s.client.delete(`/api/v1/jiko-accounts/${s.pocketId}/virtual-cards/${s.cardId}`);
    assert.ok(closed.statusCode < 300, closed.body);
    assert.equal((await swipe(s, { amount_usdc: 2500 })).decline_reason, 'card_closed');
    assert.deepEqual(await accounts(s), before);
    await sound(s);
  });

  test('an uncaptured hold expires after 7 days; its cash goes back into bills', async () => {
    const s = await setup(10_000);
    const auth = await swipe(s, { amount_usdc: 2500, capture: false });
    assert.equal(auth.status, 'PENDING');
    assert.equal(auth.settle_on, null);
    await s.client.advanceClock({ to: '2024-03-11T17:00:00Z' });
    const ctx = () => partnerContext(s.client.partnerId, new Date('2024-03-13T17:00:00Z'));
    assert.equal((await t.services.cardIssuer.get(ctx(), auth.id)).status, 'PENDING', 'still held after 6 days');
    const buys = await trades(s, 'BUY');
    await s.client.advanceClock({ to: '2024-03-13T17:00:00Z' });
    const expired = await t.services.cardIssuer.get(ctx(), auth.id);
    assert.equal(expired.status, 'EXPIRED');
    assert.equal(expired.heldCents, 0n);
    assert.deepEqual((await accounts(s)).bank_cash, { posted: 0n, held: 0n });
    assert.ok((await trades(s, 'BUY')) > buys, 'the released cash bought bills');
    assert.deepEqual((await eventsOf(s, auth.id)).map((e) => e.type), ['card.transaction.approved', 'card.transaction.expired']);
    const list = await s.client.get(`/api/v2/pockets/${s.pocketId}/transactions/?filter[card]=${s.cardId}`);
    assert.equal(list.json().items.length, 0, 'nothing left the pocket');
    await sound(s);
  });

  test('a refund credits the pocket and is invested', async () => {
    const s = await setup(10_000);
    const buys = await trades(s, 'BUY');
    const refund = await swipe(s, { amount_usdc: 15_000, type: 'refund', merchant_name: 'Lovelace Books' });
    assert.equal(refund.status, 'SETTLED');
    assert.equal(refund.settled_usdc, 15_000);
    assert.ok((await trades(s, 'BUY')) > buys, 'the refund bought bills');
    const list = await s.client.get(`/api/v2/pockets/${s.pocketId}/transactions/?filter[card]=${s.cardId}`);
    const items = list.json().items as { direction: string; amount: { value: number } }[];
    assert.deepEqual(items.map((i) => [i.direction, i.amount.value]), [['CREDIT', 15_000]]);
    assert.deepEqual((await eventsOf(s, refund.id)).map((e) => e.type), ['card.transaction.refunded']);
    await sound(s);
  });

  test('incremental raises a hold, reversal releases part of it, exactly once per key', async () => {
    const s = await setup(15_000);
    const auth = await swipe(s, { amount_usdc: 2500, capture: false });
    const key = randomUUID();
    const more = await swipe(s, { amount_usdc: 1000, type: 'incremental', authorization_id: auth.id }, 202, { idempotencyKey: key });
    assert.equal(more.status, 'APPROVED');
    assert.equal(more.authorization.held_usdc, 3500);
    const replay = await swipe(s, { amount_usdc: 1000, type: 'incremental', authorization_id: auth.id }, 202, { idempotencyKey: key });
    assert.deepEqual(replay, more, 'the replay is the recorded answer');
    assert.deepEqual((await accounts(s)).bank_cash, { posted: 3_500n, held: 3_500n });
    const back = await swipe(s, { amount_usdc: 1500, type: 'reversal', authorization_id: auth.id });
    assert.equal(back.authorization.held_usdc, 2000);
    assert.equal(back.authorization.status, 'PENDING');
    assert.deepEqual((await accounts(s)).bank_cash, { posted: 2_000n, held: 2_000n });
    const all = await swipe(s, { amount_usdc: 5000, type: 'reversal', authorization_id: auth.id });
    assert.equal(all.authorization.status, 'REVERSED');
    assert.deepEqual((await accounts(s)).bank_cash, { posted: 0n, held: 0n });
    await swipe(s, { amount_usdc: 100, type: 'reversal', authorization_id: auth.id }, 409);
    await swipe(s, { amount_usdc: 100, type: 'incremental' }, 422);
    await sound(s);
  });

  test("another tenant's card is not found, and nothing is recorded", async () => {
    const s = await setup(0);
    const stranger = await newPartner(t);
    const response = await stranger.post('/api/v1/sandbox/card-swipe', { card_id: s.cardId, amount_usdc: 100 });
    assert.equal(response.statusCode, 404, response.body);
    const rows = await t.db.query(`SELECT 1 FROM card_authorizations WHERE card_id = $1`, [s.cardId]);
    assert.equal(rows.length, 0);
  });
});
