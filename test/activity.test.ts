/**
 * Activity end to end: trades (BUY, SELL, MATURITY) and bank transactions (ACH credits, on-us
 * moves) listed per customer and per pocket through Jiko's v1 and v2 paths, every filter, both
 * orders, cursor pagination forward and back, validation and tenant isolation. The data comes
 * from the real flows (sandbox fund, on-us transfers, clock advances through a maturity). Runs on
 * PGlite, or on PostgreSQL when DATABASE_URL is set (assertions stay inside the test's partners).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Value } from 'typebox/value';
import { TradeV1Schema, TradeV2Schema, TransactionV1Schema, TransactionV2Schema } from '../src/api/partner/activity.mappers.ts';
import { encodeCursor } from '../src/platform/http/index.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { createCustomer, createPocket, fund } from './support/fixtures.ts';

interface Money {
  value: number;
  currency: string;
  formatted: string;
}

interface TradeV2 {
  id: string;
  trade_datetime: string;
  book_date: string;
  settled_date: string | null;
  status: 'BOOKED' | 'SETTLED';
  pocket_id: string;
  activity: 'BUY' | 'SELL' | 'MATURITY';
  cusip: string;
  notional: Money;
  quantity: number;
  price: string;
  maturity_date: string;
  yield_to_maturity: string;
  tradable_id: string;
  object_type: 'Trade';
}

interface TransactionV2 {
  id: string;
  transaction_id: string;
  description: string;
  amount: Money;
  time_booked: string;
  time_settled: string | null;
  status: 'BOOKED' | 'SETTLED';
  title: string;
  direction: 'CREDIT' | 'DEBIT';
  type: 'ACH' | 'ON_US';
  pocket_id: string;
  company_name?: string;
  trace_number?: string | null;
  portal_id?: string | null;
  on_us_transfer_id?: string;
  object_type: 'Transaction';
}

interface CursorList<T> {
  prev_page: string | null;
  next_page: string | null;
  items: T[];
  object_type: 'CursorList';
}

let t: TestApp;
let a: PartnerClient;
let b: PartnerClient;
/** Partner A: customer c1 with pockets p1 and p2, customer c2 with pocket p3. */
let c1: string;
let c2: string;
let p1: string;
let p2: string;
let p3: string;
let onUsTransferId: string;
/** Partner B: its own customer and pocket. */
let bCustomer: string;
let bPocket: string;

async function list<T>(client: PartnerClient, url: string): Promise<CursorList<T>> {
  const response = await client.get(url);
  assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
  const body = response.json() as CursorList<T>;
  assert.equal(body.object_type, 'CursorList');
  return body;
}

function withQuery(url: string, query: string): string {
  if (!query) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

/** Follows next_page from the first page to the last, then prev_page back to the first. */
async function walk<T extends { id: string }>(client: PartnerClient, url: string): Promise<{ forward: string[]; backward: string[]; pages: number }> {
  const forward: string[] = [];
  const pageIds: string[][] = [];
  let page = await list<T>(client, url);
  assert.equal(page.prev_page, null, 'the first page has no previous page');
  for (;;) {
    pageIds.push(page.items.map((item) => item.id));
    forward.push(...page.items.map((item) => item.id));
    if (!page.next_page) break;
    assert.ok(pageIds.length < 50, 'pagination must end');
    page = await list<T>(client, withQuery(url, `cursor=${encodeURIComponent(page.next_page)}`));
  }
  // Back from the last page: each previous page is exactly the page seen before it.
  const backward: string[] = [...(pageIds[pageIds.length - 1] ?? [])];
  let index = pageIds.length - 1;
  while (page.prev_page) {
    page = await list<T>(client, withQuery(url, `cursor=${encodeURIComponent(page.prev_page)}`));
    index -= 1;
    assert.deepEqual(page.items.map((item) => item.id), pageIds[index], `page ${index} again, walking back`);
    backward.unshift(...page.items.map((item) => item.id));
  }
  assert.equal(index, 0, 'walking back ends on the first page');
  return { forward, backward, pages: pageIds.length };
}

function isSortedBy<T>(items: T[], key: (item: T) => [string, string], order: 'asc' | 'desc'): boolean {
  for (let i = 1; i < items.length; i++) {
    const [ta, ia] = key(items[i - 1] as T);
    const [tb, ib] = key(items[i] as T);
    const cmp = ta === tb ? (ia < ib ? -1 : ia > ib ? 1 : 0) : ta < tb ? -1 : 1;
    if (order === 'desc' ? cmp < 0 : cmp > 0) return false;
  }
  return true;
}

const ids = (items: { id: string }[]) => items.map((item) => item.id);

before(async () => {
  t = await startTestApp();
  a = await newPartner(t);
  b = await newPartner(t);
  await a.setClock('2024-03-05T15:00:00Z');
  await b.setClock('2024-03-05T15:00:00Z');

  c1 = await createCustomer(a);
  c2 = await createCustomer(a);
  p1 = await createPocket(a, c1, 'UST-4W', 'Operating');
  p2 = await createPocket(a, c1, 'UST-4W', 'Reserve');
  p3 = await createPocket(a, c2, 'UST-4W', 'Other customer');
  await fund(a, p1, 1_000_000, 3);
  await fund(a, p3, 700_000, 1);
  const transfer = await a.post('/api/v1/transfers/on-us', {
    type: 'INTERNAL_REALLOCATION',
    from_account: { id: p1, type: 'JIKO_ACCOUNT' },
    to_account: { id: p2, type: 'JIKO_ACCOUNT' },
    amount: { type: 'REQUESTED_AMOUNT', amount_usdc: 250_000 },
  });
  assert.equal(transfer.statusCode, 201, transfer.body);
  onUsTransferId = transfer.json().id;
  await a.advanceClock({ days: 1 });
  await fund(a, p2, 50_000, 2);
  // Through the maturity of the first 4-week bill (2 April 2024) and its reinvestment.
  await a.advanceClock({ days: 40 });

  bCustomer = await createCustomer(b);
  bPocket = await createPocket(b, bCustomer, 'UST-4W');
  await fund(b, bPocket, 100_000, 1);
});

after(async () => {
  await t?.close();
});

describe('trades', () => {
  test('v2 per customer: every trade of its pockets, Jiko Trade shape, newest first; asc reverses', async () => {
    const desc = await list<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=100`);
    assert.ok(desc.items.length >= 6, `expected several trades, got ${desc.items.length}`);
    assert.equal(desc.next_page, null);
    assert.equal(desc.prev_page, null);
    for (const trade of desc.items) {
      assert.ok(Value.Check(TradeV2Schema, trade), JSON.stringify(trade));
      assert.ok([p1, p2].includes(trade.pocket_id), 'only the customer’s pockets');
      assert.equal(trade.tradable_id, trade.cusip);
      assert.equal(trade.object_type, 'Trade');
      assert.equal(trade.settled_date, trade.status === 'SETTLED' ? trade.settled_date : null);
      if (trade.status === 'SETTLED') assert.ok(trade.settled_date && trade.settled_date >= trade.book_date);
      if (trade.activity === 'MATURITY') {
        assert.equal(Number(trade.price), 100);
        assert.equal(trade.notional.value, trade.quantity * 10_000, 'a maturity pays par');
      }
    }
    const activities = new Set(desc.items.map((trade) => trade.activity));
    assert.deepEqual([...activities].sort(), ['BUY', 'MATURITY', 'SELL']);
    assert.ok(isSortedBy(desc.items, (x) => [x.trade_datetime, x.id], 'desc'));

    const asc = await list<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=100&order=asc`);
    assert.deepEqual(ids(asc.items), ids(desc.items).reverse());

    // Default page size is 30: all of them here.
    assert.deepEqual(ids((await list<TradeV2>(a, `/api/v2/customers/${c1}/trades/`)).items), ids(desc.items));
  });

  test('v2 per pocket, and pocket_id[] on the customer list, narrow to those pockets', async () => {
    const all = (await list<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=100`)).items;
    for (const pocket of [p1, p2]) {
      const perPocket = await list<TradeV2>(a, `/api/v2/pockets/${pocket}/trades/?limit=100`);
      assert.deepEqual(ids(perPocket.items), ids(all.filter((x) => x.pocket_id === pocket)));
      const filtered = await list<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=100&pocket_id[]=${pocket}`);
      assert.deepEqual(ids(filtered.items), ids(perPocket.items));
    }
    const both = await list<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=100&pocket_id[]=${p1}&pocket_id[]=${p2}`);
    assert.deepEqual(ids(both.items), ids(all));
    // Another customer's pocket does not widen the list.
    const foreign = await list<TradeV2>(a, `/api/v2/customers/${c1}/trades/?pocket_id[]=${p3}`);
    assert.deepEqual(foreign.items, []);
    const p3Trades = await list<TradeV2>(a, `/api/v2/pockets/${p3}/trades/`);
    assert.ok(p3Trades.items.length >= 1 && p3Trades.items.every((x) => x.pocket_id === p3));
  });

  test('v2 filters: book and settlement dates inclusive, trade_datetime by instant or by day', async () => {
    const base = `/api/v2/customers/${c1}/trades/?limit=100`;
    const all = (await list<TradeV2>(a, base)).items;
    const check = async (query: string, keep: (x: TradeV2) => boolean) => {
      const got = await list<TradeV2>(a, `${base}&${query}`);
      const want = all.filter(keep);
      assert.deepEqual(ids(got.items), ids(want), query);
      return want.length;
    };
    assert.ok((await check('book_date_from=2024-04-02', (x) => x.book_date >= '2024-04-02')) > 0);
    assert.ok((await check('book_date_to=2024-03-05', (x) => x.book_date <= '2024-03-05')) > 0);
    assert.ok((await check('book_date_from=2024-03-05&book_date_to=2024-03-05', (x) => x.book_date === '2024-03-05')) > 0);
    assert.ok((await check('settlement_date_from=2024-04-02&settlement_date_to=2024-04-02', (x) => x.settled_date === '2024-04-02')) > 0);
    assert.equal(await check('settlement_date_from=2030-01-01', () => false), 0);
    const maturityTime = all.find((x) => x.activity === 'MATURITY')?.trade_datetime;
    assert.ok(maturityTime);
    assert.ok((await check(`trade_datetime_from=${encodeURIComponent(maturityTime)}`, (x) => x.trade_datetime >= maturityTime)) > 0);
    assert.ok((await check(`trade_datetime_to=${encodeURIComponent(maturityTime)}`, (x) => x.trade_datetime <= maturityTime)) > 0);
    // A bare date covers that whole New York day.
    assert.ok((await check('trade_datetime_from=2024-03-05&trade_datetime_to=2024-03-05', (x) => x.book_date === '2024-03-05')) > 0);
    await check('trade_datetime_from=2024-03-06T00:00:00-05:00', (x) => x.trade_datetime >= '2024-03-06T05:00:00.000Z');
    // The per-pocket list takes the same filters.
    const perPocket = await list<TradeV2>(a, `/api/v2/pockets/${p1}/trades/?book_date_from=2024-04-02`);
    assert.deepEqual(ids(perPocket.items), ids(all.filter((x) => x.pocket_id === p1 && x.book_date >= '2024-04-02')));
  });

  test('v1 per customer and per Jiko account: legacy shape, account[] and trade_datetime filters', async () => {
    const v2 = (await list<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=100`)).items;
    const v1 = await list<Record<string, unknown>>(a, `/api/v1/customers/${c1}/trades?limit=100`);
    assert.deepEqual(ids(v1.items as { id: string }[]), ids(v2));
    for (const trade of v1.items) {
      assert.ok(Value.Check(TradeV1Schema, trade), JSON.stringify(trade));
      assert.equal(typeof trade.is_settled, 'boolean');
      assert.ok(!('pocket_id' in trade) && !('status' in trade) && !('book_date' in trade));
      assert.equal('settled_date' in trade, trade.is_settled);
      assert.ok([p1, p2].includes(trade.jiko_account_id as string));
    }
    const account = await list<{ id: string; jiko_account_id: string }>(a, `/api/v1/jiko-accounts/${p2}/trades`);
    assert.deepEqual(ids(account.items), ids(v2.filter((x) => x.pocket_id === p2)));
    const filtered = await list<{ id: string }>(a, `/api/v1/customers/${c1}/trades?account[]=${p2}`);
    assert.deepEqual(ids(filtered.items), ids(account.items));
    const since = await list<{ id: string }>(a, `/api/v1/customers/${c1}/trades?trade_datetime_from=2024-03-06`);
    assert.deepEqual(ids(since.items), ids(v2.filter((x) => x.trade_datetime >= '2024-03-06T05:00:00.000Z')));
  });

  test('pagination with limit=2: every trade once, in order, and prev_page walks back', async () => {
    const all = ids((await list<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=100`)).items);
    const desc = await walk<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=2`);
    assert.ok(desc.pages >= 3);
    assert.deepEqual(desc.forward, all);
    assert.deepEqual(desc.backward, all);
    const asc = await walk<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=2&order=asc`);
    assert.deepEqual(asc.forward, [...all].reverse());
    const v1 = await walk<{ id: string }>(a, `/api/v1/customers/${c1}/trades?limit=2`);
    assert.deepEqual(v1.forward, all);
    // A filter holds on every page.
    const filtered = await walk<TradeV2>(a, `/api/v2/customers/${c1}/trades/?limit=2&pocket_id[]=${p1}`);
    assert.deepEqual(filtered.forward, ids((await list<TradeV2>(a, `/api/v2/pockets/${p1}/trades/?limit=100`)).items));
  });
});

describe('bank transactions', () => {
  test('v2 per pocket: ACH credits and the on-us debit, Jiko Transaction shape', async () => {
    const page = await list<TransactionV2>(a, `/api/v2/pockets/${p1}/transactions/`);
    assert.equal(page.items.length, 4);
    assert.ok(isSortedBy(page.items, (x) => [x.time_booked, x.id], 'desc'));
    for (const item of page.items) {
      assert.ok(Value.Check(TransactionV2Schema, item), JSON.stringify(item));
      assert.equal(item.pocket_id, p1);
      assert.equal(item.object_type, 'Transaction');
    }
    const achs = page.items.filter((x) => x.type === 'ACH');
    assert.equal(achs.length, 3);
    for (const ach of achs) {
      assert.equal(ach.direction, 'CREDIT');
      assert.equal(ach.amount.value, 1_000_000);
      assert.equal(typeof ach.company_name, 'string');
      assert.match(ach.trace_number ?? '', /^\d{15}$/);
      assert.ok(ach.portal_id);
      assert.equal(ach.status, 'SETTLED');
      assert.ok(ach.time_settled);
    }
    const [onUs] = page.items.filter((x) => x.type === 'ON_US');
    assert.ok(onUs);
    assert.equal(onUs.direction, 'DEBIT');
    assert.equal(onUs.amount.value, 250_000);
    assert.equal(onUs.on_us_transfer_id, onUsTransferId);
    assert.ok(!('company_name' in onUs));
    // The receiving side shares the ledger transaction.
    const p2Page = await list<TransactionV2>(a, `/api/v2/pockets/${p2}/transactions/`);
    const credit = p2Page.items.find((x) => x.type === 'ON_US');
    assert.ok(credit);
    assert.equal(credit.direction, 'CREDIT');
    assert.equal(credit.transaction_id, onUs.transaction_id);
    assert.notEqual(credit.id, onUs.id);

    const one = await a.get(`/api/v2/pockets/${p1}/transactions/${onUs.id}/`);
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(one.json(), onUs);
    const noSlash = await a.get(`/api/v2/pockets/${p1}/transactions/${onUs.id}`);
    assert.deepEqual(noSlash.json(), onUs);
  });

  test('v2 per customer: every pocket of the customer; pocket[] narrows', async () => {
    const all = await list<TransactionV2>(a, `/api/v2/customers/${c1}/transactions/?limit=100`);
    assert.equal(all.items.length, 7);
    assert.ok(all.items.every((x) => x.pocket_id === p1 || x.pocket_id === p2));
    assert.ok(isSortedBy(all.items, (x) => [x.time_booked, x.id], 'desc'));
    const onlyP2 = await list<TransactionV2>(a, `/api/v2/customers/${c1}/transactions/?pocket[]=${p2}`);
    assert.deepEqual(ids(onlyP2.items), ids(all.items.filter((x) => x.pocket_id === p2)));
    assert.equal(onlyP2.items.length, 3);
    const other = await list<TransactionV2>(a, `/api/v2/customers/${c2}/transactions/`);
    assert.equal(other.items.length, 1);
    assert.equal(other.items[0]?.pocket_id, p3);
    const asc = await list<TransactionV2>(a, `/api/v2/customers/${c1}/transactions/?order=asc&limit=100`);
    assert.deepEqual(ids(asc.items), ids(all.items).reverse());
  });

  test('v2 filters: direction, amounts, type, portal, on-us transfer, booked and settled times', async () => {
    const base = `/api/v2/customers/${c1}/transactions/?limit=100`;
    const all = (await list<TransactionV2>(a, base)).items;
    const check = async (query: string, keep: (x: TransactionV2) => boolean, url = base) => {
      const got = await list<TransactionV2>(a, `${url}&${query}`);
      const want = all.filter(keep).filter((x) => url === base || x.pocket_id === p1);
      assert.deepEqual(ids(got.items), ids(want), query);
      return want.length;
    };
    assert.equal(await check('direction=DEBIT', (x) => x.direction === 'DEBIT'), 1);
    assert.equal(await check('direction=CREDIT', (x) => x.direction === 'CREDIT'), 6);
    assert.equal(await check('amount_from=250000', (x) => x.amount.value >= 250_000), 5);
    assert.equal(await check('amount_to=250000', (x) => x.amount.value <= 250_000), 4);
    assert.equal(await check('amount_from=50000&amount_to=50000', (x) => x.amount.value === 50_000), 2);
    assert.equal(await check('filter[type]=ON_US', (x) => x.type === 'ON_US'), 2);
    assert.equal(await check('filter[type]=ACH&filter[type]=ON_US', () => true), 7);
    assert.equal(await check('filter[type]=WIRE', () => false), 0);
    const portal = all.find((x) => x.pocket_id === p2 && x.type === 'ACH')?.portal_id;
    assert.ok(portal);
    assert.equal(await check(`filter[portal]=${portal}`, (x) => x.portal_id === portal), 2);
    assert.equal(await check(`filter[on_us_transfer]=${onUsTransferId}`, (x) => x.on_us_transfer_id === onUsTransferId), 2);
    assert.equal(await check(`filter[wire]=${randomUUID()}`, () => false), 0);
    assert.equal(await check('time_booked_from=2024-03-06', (x) => x.time_booked >= '2024-03-06T05:00:00.000Z'), 2);
    assert.equal(await check('time_booked_to=2024-03-05', (x) => x.time_booked < '2024-03-06T05:00:00.000Z'), 5);
    const first = all[all.length - 1]?.time_booked;
    assert.ok(first);
    assert.equal(await check(`time_booked_to=${encodeURIComponent(first)}`, (x) => x.time_booked <= first), 3);
    assert.equal(await check('time_settled_from=2024-03-06T00:00:00Z', (x) => (x.time_settled ?? '') >= '2024-03-06T00:00:00.000Z'), 2);
    assert.equal(await check('time_settled_to=2024-03-05T23:59:59Z', (x) => x.time_settled !== null && x.time_settled <= '2024-03-05T23:59:59.000Z'), 5);
    // Several at once: all must hold.
    assert.equal(await check('direction=CREDIT&filter[type]=ON_US', (x) => x.direction === 'CREDIT' && x.type === 'ON_US'), 1);
    // The per-pocket list takes the same filters.
    await check('filter[type]=ACH', (x) => x.type === 'ACH', `/api/v2/pockets/${p1}/transactions/?limit=100`);
    await check('include_sweeps=true', () => true, `/api/v2/pockets/${p1}/transactions/?limit=100`);
  });

  test('v1 per customer and per Jiko account: legacy shape and filters', async () => {
    const v2 = (await list<TransactionV2>(a, `/api/v2/customers/${c1}/transactions/?limit=100`)).items;
    const v1 = await list<Record<string, unknown> & { id: string }>(a, `/api/v1/customers/${c1}/transactions`);
    assert.deepEqual(ids(v1.items), ids(v2));
    for (const item of v1.items) {
      assert.ok(Value.Check(TransactionV1Schema, item), JSON.stringify(item));
      const twin = v2.find((x) => x.id === item.id);
      assert.ok(twin);
      assert.equal(item.jiko_account_id, twin.pocket_id);
      assert.equal(item.timestamp, twin.time_booked);
      assert.equal(item.status, twin.status === 'SETTLED' ? 'COMPLETED' : 'PENDING');
      assert.equal((item.amount as Money).value, twin.direction === 'DEBIT' ? -twin.amount.value : twin.amount.value);
      const details = item.details as Record<string, unknown>;
      assert.equal(details.transaction_type, twin.type);
      assert.equal(details.title, twin.title);
      assert.equal(details.transaction_type_title, twin.description);
      if (twin.type === 'ACH') {
        assert.deepEqual(details.ach_transaction, { company_name: twin.company_name, trace_number: twin.trace_number, portal_id: twin.portal_id });
      } else {
        assert.deepEqual(details.on_us_transaction, { on_us_transfer_id: onUsTransferId, on_us_transfer_type: 'INTERNAL_REALLOCATION' });
      }
    }
    const account = await list<{ id: string }>(a, `/api/v1/jiko-accounts/${p1}/transactions?filter[types]=ON_US`);
    assert.deepEqual(ids(account.items), ids(v2.filter((x) => x.pocket_id === p1 && x.type === 'ON_US')));
    const byAccount = await list<{ id: string }>(a, `/api/v1/customers/${c1}/transactions?account[]=${p2}&order=asc`);
    assert.deepEqual(ids(byAccount.items), ids(v2.filter((x) => x.pocket_id === p2)).reverse());
    const late = await list<{ id: string }>(a, `/api/v1/customers/${c1}/transactions?timestamp_from=2024-03-06T00:00:00Z&timestamp_to=2024-03-07`);
    assert.deepEqual(ids(late.items), ids(v2.filter((x) => x.time_booked >= '2024-03-06T00:00:00.000Z')));
    const cards = await list<{ id: string }>(a, `/api/v1/customers/${c1}/transactions?filter[types]=CARD`);
    assert.deepEqual(cards.items, []);
    const portal = v2.find((x) => x.pocket_id === p1 && x.type === 'ACH')?.portal_id;
    const viaPortal = await list<{ id: string }>(a, `/api/v1/jiko-accounts/${p1}/transactions?filter[portal]=${portal}`);
    assert.equal(viaPortal.items.length, 3);

    const onUs = v2.find((x) => x.pocket_id === p1 && x.type === 'ON_US');
    assert.ok(onUs);
    const one = await a.get(`/api/v1/jiko-accounts/${p1}/transactions/${onUs.id}/`);
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(one.json(), v1.items.find((x) => x.id === onUs.id));
  });

  test('pagination with limit=2: every transaction once, both orders, prev_page back', async () => {
    const all = ids((await list<TransactionV2>(a, `/api/v2/customers/${c1}/transactions/?limit=100`)).items);
    const desc = await walk<TransactionV2>(a, `/api/v2/customers/${c1}/transactions/?limit=2`);
    assert.equal(desc.pages, 4);
    assert.deepEqual(desc.forward, all);
    assert.deepEqual(desc.backward, all);
    const asc = await walk<TransactionV2>(a, `/api/v2/customers/${c1}/transactions/?limit=2&order=asc`);
    assert.deepEqual(asc.forward, [...all].reverse());
    assert.deepEqual(asc.backward, [...all].reverse());
    // Three ACH credits booked at the same instant page apart without loss (ties broken by id).
    const pocket = await walk<TransactionV2>(a, `/api/v2/pockets/${p1}/transactions/?limit=1`);
    assert.equal(pocket.pages, 4);
    assert.equal(new Set(pocket.forward).size, 4);
    const v1 = await walk<{ id: string }>(a, `/api/v1/jiko-accounts/${p1}/transactions?limit=2`);
    assert.deepEqual(v1.forward, pocket.forward);
  });
});

describe('validation', () => {
  test('a cursor we did not make is 422 on every list', async () => {
    const garbage = ['not-a-cursor', encodeCursor(['2024-03-05T15:00:00Z', 'nope'], false), encodeCursor([1, 2], true), Buffer.from('{"k":1}').toString('base64url')];
    const urls = [
      `/api/v2/customers/${c1}/trades/`,
      `/api/v2/pockets/${p1}/trades/`,
      `/api/v1/customers/${c1}/trades`,
      `/api/v1/jiko-accounts/${p1}/trades`,
      `/api/v2/pockets/${p1}/transactions/`,
      `/api/v2/customers/${c1}/transactions/`,
      `/api/v1/customers/${c1}/transactions`,
      `/api/v1/jiko-accounts/${p1}/transactions`,
    ];
    for (const url of urls) {
      for (const cursor of garbage) {
        const response = await a.get(`${url}?cursor=${encodeURIComponent(cursor)}`);
        assert.equal(response.statusCode, 422, `${url} ${cursor}: ${response.body}`);
        assert.deepEqual(response.json().detail[0].loc, ['query', 'cursor']);
      }
    }
  });

  test('bad limits, enums, dates, ids and reversed ranges are 422 naming the parameter', async () => {
    const cases: [string, string][] = [
      [`/api/v2/customers/${c1}/trades/?limit=0`, 'limit'],
      [`/api/v2/customers/${c1}/trades/?limit=101`, 'limit'],
      [`/api/v2/customers/${c1}/trades/?order=newest`, 'order'],
      [`/api/v2/customers/${c1}/trades/?book_date_from=2024-02-30`, 'book_date_from'],
      [`/api/v2/customers/${c1}/trades/?settlement_date_to=soon`, 'settlement_date_to'],
      [`/api/v2/customers/${c1}/trades/?trade_datetime_from=yesterday`, 'trade_datetime_from'],
      [`/api/v2/customers/${c1}/trades/?book_date_from=2024-03-02&book_date_to=2024-03-01`, 'book_date_from'],
      [`/api/v2/customers/${c1}/trades/?pocket_id[]=not-a-uuid`, 'pocket_id[]'],
      [`/api/v2/pockets/${p1}/transactions/?direction=SIDEWAYS`, 'direction'],
      [`/api/v2/pockets/${p1}/transactions/?filter[type]=CHEQUE`, 'filter[type]'],
      [`/api/v2/pockets/${p1}/transactions/?amount_from=-1`, 'amount_from'],
      [`/api/v2/pockets/${p1}/transactions/?amount_from=12.5`, 'amount_from'],
      [`/api/v2/pockets/${p1}/transactions/?amount_from=10&amount_to=9`, 'amount_from'],
      [`/api/v2/pockets/${p1}/transactions/?time_booked_to=2024-03-32`, 'time_booked_to'],
      [`/api/v2/pockets/${p1}/transactions/?time_settled_from=2024-03-06T00:00:00Z&time_settled_to=2024-03-05T00:00:00Z`, 'time_settled_from'],
      [`/api/v2/customers/${c1}/transactions/?pocket[]=nope`, 'pocket[]'],
      [`/api/v1/customers/${c1}/transactions?filter[types]=ON-US`, 'filter[types]'],
      [`/api/v1/customers/${c1}/transactions?timestamp_from=tomorrow`, 'timestamp_from'],
    ];
    for (const [url, parameter] of cases) {
      const response = await a.get(url);
      assert.equal(response.statusCode, 422, `${url}: ${response.body}`);
      const detail = response.json().detail as { loc: (string | number)[]; msg: string; type: string }[];
      assert.ok(Array.isArray(detail) && detail.length > 0, url);
      assert.equal(detail[0]?.loc[0], 'query', url);
      assert.equal(detail[0]?.loc[1], parameter, `${url}: ${JSON.stringify(detail)}`);
      assert.equal(typeof detail[0]?.msg, 'string');
    }
    const badPath = await a.get('/api/v2/pockets/not-a-uuid/transactions/');
    assert.equal(badPath.statusCode, 422);
  });
});

describe('tenant isolation', () => {
  test("another partner's customer, pocket or transaction is 404 Not Found on every path", async () => {
    const ach = (await list<TransactionV2>(a, `/api/v2/pockets/${p1}/transactions/?filter[type]=ACH&limit=1`)).items[0];
    assert.ok(ach);
    const urls = [
      `/api/v2/customers/${c1}/trades/`,
      `/api/v2/pockets/${p1}/trades/`,
      `/api/v1/customers/${c1}/trades`,
      `/api/v1/jiko-accounts/${p1}/trades`,
      `/api/v2/pockets/${p1}/transactions/`,
      `/api/v2/pockets/${p1}/transactions/${ach.id}/`,
      `/api/v2/customers/${c1}/transactions/`,
      `/api/v1/customers/${c1}/transactions`,
      `/api/v1/jiko-accounts/${p1}/transactions`,
      `/api/v1/jiko-accounts/${p1}/transactions/${ach.id}`,
    ];
    for (const url of urls) {
      const response = await b.get(url);
      assert.equal(response.statusCode, 404, `${url}: ${response.body}`);
      assert.deepEqual(response.json(), { detail: 'Not Found' });
      const unknown = await a.get(url.replace(p1, randomUUID()).replace(c1, randomUUID()));
      assert.equal(unknown.statusCode, 404, `unknown id: ${url}`);
      assert.deepEqual(unknown.json(), { detail: 'Not Found' });
    }
    // Partner B's own data never shows through A's filters, nor A's through B's.
    const bOwn = await list<TransactionV2>(b, `/api/v2/customers/${bCustomer}/transactions/`);
    assert.equal(bOwn.items.length, 1);
    assert.equal(bOwn.items[0]?.pocket_id, bPocket);
    const leak = await list<TransactionV2>(b, `/api/v2/customers/${bCustomer}/transactions/?pocket[]=${p1}`);
    assert.deepEqual(leak.items, []);
    const bOnP1 = await b.get(`/api/v2/pockets/${bPocket}/transactions/${ach.id}/`);
    assert.equal(bOnP1.statusCode, 404);
    // Within one tenant: a transaction is found only under its own pocket.
    const wrongPocket = await a.get(`/api/v2/pockets/${p2}/transactions/${ach.id}/`);
    assert.equal(wrongPocket.statusCode, 404);
    assert.deepEqual(wrongPocket.json(), { detail: 'Not Found' });
    const missing = await a.get(`/api/v1/jiko-accounts/${p1}/transactions/${randomUUID()}`);
    assert.equal(missing.statusCode, 404);
  });

  test('the endpoints are documented in /openapi.json with their query parameters', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
    };
    const expected: [string, string[]][] = [
      ['/api/v2/customers/{customer_id}/trades/', ['trade_datetime_from', 'book_date_to', 'settlement_date_from', 'pocket_id[]', 'order', 'cursor', 'limit']],
      ['/api/v2/pockets/{pocket_id}/trades/', ['book_date_from', 'order']],
      ['/api/v1/customers/{customer_id}/trades', ['account[]', 'trade_datetime_to']],
      ['/api/v1/jiko-accounts/{account_id}/trades', ['trade_datetime_from']],
      ['/api/v2/pockets/{pocket_id}/transactions/', ['direction', 'amount_from', 'filter[type]', 'filter[portal]', 'filter[on_us_transfer]', 'time_settled_to']],
      ['/api/v2/pockets/{pocket_id}/transactions/{transaction_id}/', []],
      ['/api/v2/customers/{customer_id}/transactions/', ['pocket[]', 'time_booked_from']],
      ['/api/v1/customers/{customer_id}/transactions', ['account[]', 'filter[types]', 'timestamp_from', 'order']],
      ['/api/v1/jiko-accounts/{account_id}/transactions', ['filter[portal]', 'timestamp_to']],
      ['/api/v1/jiko-accounts/{account_id}/transactions/{transaction_id}', []],
    ];
    for (const [path, parameters] of expected) {
      const operation = spec.paths[path]?.get;
      assert.ok(operation, `${path} is documented`);
      const names = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      for (const name of parameters) assert.ok(names.includes(name), `${path} documents ${name}`);
    }
  });
});
