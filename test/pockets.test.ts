/**
 * Pockets and the portfolio engine through the Partner API, on a real database: funding buys the
 * right bill, weekend cash waits, maturities pay face and reinvest, portfolio JSON, closing rules,
 * tenant isolation. Ledger invariants are checked after each flow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { unitsAffordable, unitsValueCents } from '../src/modules/portfolio/index.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, getPortfolio } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

/** A partner with its clock set, one customer and one pocket. */
async function setup(clock: string, strategy = 'UST-4W', extra: { reinvestment?: string } = {}) {
  const client = await newPartner(t);
  await client.setClock(clock);
  const customerId = await createCustomer(client);
  const response = await client.post(`/api/v2/customers/${customerId}/pockets/`, {
    pocket_name: 'Main',
    deposit_strategy_id: strategy,
    ...(extra.reinvestment ? { reinvestment_strategy_id: extra.reinvestment } : {}),
  });
  assert.equal(response.statusCode, 201, response.body);
  return { client, customerId, pocketId: response.json().id as string, pocket: response.json() };
}

describe('pockets', () => {
  test('a new pocket is OPEN with the Jiko shape, a portal, and the partner funding pocket exists', async () => {
    const { client, customerId, pocketId, pocket } = await setup('2024-03-05T15:00:00Z');
    assert.equal(pocket.status, 'OPEN');
    assert.equal(pocket.object_type, 'CustomerPocket', 'customer-scoped paths answer Jiko\'s CustomerPocket');
    assert.equal(pocket.type, 'CUSTOMER');
    assert.deepEqual(pocket.portfolio.fees, [], 'fees is an array, as in Jiko\'s examples');
    assert.equal(pocket.customer_id, customerId);
    assert.deepEqual(pocket.attributes, []);
    assert.equal(pocket.deposit_strategy_id, 'UST-4W');
    assert.equal(pocket.reinvestment_strategy_id, null);
    assert.equal(pocket.portfolio.total_value.value, 0);

    const all = (await client.get('/api/v2/pockets/')).json();
    assert.equal(all.object_type, 'CursorList');
    assert.deepEqual(all.items.map((p: { id: string; type: string; object_type: string }) => [p.id, p.type, p.object_type]), [[pocketId, 'CUSTOMER', 'Pocket']]);
    assert.deepEqual(all.items[0].portfolio.fees, []);
    const funding = await client.get('/api/v2/partner/funding-pocket/');
    assert.equal(funding.statusCode, 200, funding.body);
    assert.equal(funding.json().type, 'PARTNER_FUNDING');
    assert.equal(funding.json().customer_id, null);
    assert.equal(funding.json().object_type, 'Pocket');
    assert.deepEqual(funding.json().portfolio.fees, []);
    assert.equal((await client.get(`/api/v2/pockets/${funding.json().id}/`)).json().type, 'PARTNER_FUNDING');
    const fresh = await newPartner(t);
    const none = await fresh.get('/api/v2/partner/funding-pocket/');
    assert.equal(none.statusCode, 404, 'no funding pocket before the first customer pocket');

    const portals = (await client.get(`/api/v2/pockets/${pocketId}/portals/`)).json();
    assert.equal(portals.count, 1);
    assert.match(portals.portals[0].routing_number, /^\d{9}$/);
    assert.equal(portals.portals[0].jiko_account_id, pocketId);

    const customer = (await client.get(`/api/v1/customers/${customerId}`)).json();
    assert.equal(customer.account_status, 'OPEN');

    const byCustomer = await client.get(`/api/v2/customers/${customerId}/pockets/${pocketId}/`);
    assert.equal(byCustomer.statusCode, 200);
    assert.equal(byCustomer.json().object_type, 'CustomerPocket');
    const customerList = (await client.get(`/api/v2/customers/${customerId}/pockets/`)).json();
    assert.deepEqual(customerList.items.map((p: { object_type: string }) => p.object_type), ['CustomerPocket']);
    assert.equal((await client.get(`/api/v2/pockets/${pocketId}/`)).json().object_type, 'Pocket');
    const filtered = (await client.get('/api/v2/pockets/?filter[status]=CLOSED')).json();
    assert.equal(filtered.items.length, 0);
    await assertSound(t.db, client.partnerId);
  });

  test('funding on a business day buys the 4-week bill at the ask, leaving less than one unit in cash', async () => {
    const { client, pocketId } = await setup('2024-03-05T15:00:00Z');
    await fund(client, pocketId, 2_500_000, 2);
    const market = t.services.market;
    const bill = market.billToBuy('UST-4W', '2024-03-05');
    const ask = market.quote(bill.cusip, '2024-03-05').ask.pricePer100;
    const units = unitsAffordable(5_000_000n, ask);
    const cost = unitsValueCents(units, ask);
    const portfolio = await getPortfolio(client, pocketId);
    assert.equal(portfolio.securities.length, 1);
    const security = portfolio.securities[0]!;
    assert.equal(security.cusip, bill.cusip);
    assert.equal(BigInt(security.quantity), units);
    assert.equal(BigInt(portfolio.cash.value), 5_000_000n - cost);
    assert.ok(BigInt(portfolio.cash.value) < unitsValueCents(1n, ask) + 1n);
    const bid = market.quote(bill.cusip, '2024-03-05').bid.pricePer100;
    assert.equal(BigInt(security.market_value.value), unitsValueCents(units, bid));
    assert.equal(portfolio.total_value.value, portfolio.cash.value + security.market_value.value);
    assert.equal(portfolio.liquidation_value_t0.value, portfolio.total_value.value);
    assert.ok(portfolio.liquidation_value_t1.value >= portfolio.liquidation_value_t0.value);
    assert.equal(portfolio.all_time_earnings.value, portfolio.total_value.value - 5_000_000);
    await assertSound(t.db, client.partnerId);
  });

  test('cash funded on a Saturday waits and is invested on Monday', async () => {
    const { client, pocketId } = await setup('2024-03-09T15:00:00Z');
    await fund(client, pocketId, 1_000_000);
    let portfolio = await getPortfolio(client, pocketId);
    assert.equal(portfolio.securities.length, 0);
    assert.equal(portfolio.cash.value, 1_000_000);
    const clock = await client.advanceClock({ to: '2024-03-11T15:00:00Z' });
    assert.equal(clock.business_date, '2024-03-11');
    portfolio = await getPortfolio(client, pocketId);
    assert.equal(portfolio.securities.length, 1);
    assert.equal(portfolio.securities[0]!.cusip, t.services.market.billToBuy('UST-4W', '2024-03-11').cusip);
    assert.ok(portfolio.cash.value < 10_000);
    await assertSound(t.db, client.partnerId);
  });

  test('a maturing 4-week bill pays face and is reinvested by the reinvestment strategy', async () => {
    const { client, pocketId } = await setup('2024-03-05T15:00:00Z', 'UST-4W', { reinvestment: 'UST-13W' });
    await fund(client, pocketId, 4_000_000);
    const first = (await getPortfolio(client, pocketId)).securities[0]!;
    const maturity = first.maturity_date;
    await client.advanceClock({ to: `${maturity}T20:00:00Z` });
    const portfolio = await getPortfolio(client, pocketId);
    assert.equal(portfolio.securities.length, 1);
    const bought = portfolio.securities[0]!;
    assert.notEqual(bought.cusip, first.cusip);
    assert.equal(bought.cusip, t.services.market.billToBuy('UST-13W', maturity).cusip);
    // Face paid: first.quantity units of $100 plus the cash left, all reinvested but less than one unit.
    assert.ok(portfolio.cash.value < 10_000);
    const trades = await t.db.query<{ activity: string; quantity: bigint; notional_cents: bigint }>(
      `SELECT activity, quantity, notional_cents FROM trades WHERE pocket_id = $1 ORDER BY trade_datetime, activity`,
      [pocketId],
    );
    assert.deepEqual(trades.map((row) => row.activity).sort(), ['BUY', 'BUY', 'MATURITY']);
    const maturityTrade = trades.find((row) => row.activity === 'MATURITY')!;
    assert.equal(maturityTrade.notional_cents, maturityTrade.quantity * 10_000n);
    assert.equal(Number(maturityTrade.quantity), first.quantity);
    await assertSound(t.db, client.partnerId);
  });

  test('closing needs a closure reason, an empty pocket and another open pocket; otherwise nothing changes', async () => {
    const { client, customerId, pocketId } = await setup('2024-03-05T15:00:00Z');
    const close = { status: 'CLOSED', closure_reason: 'CUSTOMER_REQUEST' };
    const last = await client.patch(`/api/v2/pockets/${pocketId}/`, close);
    assert.equal(last.statusCode, 409, last.body);
    const second = await createPocket(client, customerId, 'UST-13W');
    await fund(client, pocketId, 100_000);
    const notEmpty = await client.patch(`/api/v2/pockets/${pocketId}/`, close);
    assert.equal(notEmpty.statusCode, 409);
    const noReason = await client.patch(`/api/v2/pockets/${second}/`, { status: 'CLOSED' });
    assert.equal(noReason.statusCode, 422);
    const badStatus = await client.patch(`/api/v2/pockets/${second}/`, { status: 'FROZEN', closure_reason: 'x' });
    assert.equal(badStatus.statusCode, 422);
    assert.equal((await client.get(`/api/v2/pockets/${second}/`)).json().status, 'OPEN');

    const renamed = await client.patch(`/api/v2/customers/${customerId}/pockets/${second}/`, { pocket_name: 'Taxes', reinvestment_strategy_id: 'UST-26W' });
    assert.equal(renamed.statusCode, 200);
    assert.equal(renamed.json().pocket_name, 'Taxes');
    assert.equal(renamed.json().reinvestment_strategy_id, 'UST-26W');

    const closed = await client.patch(`/api/v2/customers/${customerId}/pockets/${second}/`, close);
    assert.equal(closed.statusCode, 200, closed.body);
    assert.equal(closed.json().status, 'CLOSED');
    const again = await client.patch(`/api/v2/pockets/${second}/`, { pocket_name: 'Back' });
    assert.equal(again.statusCode, 422);
    const fundClosed = await client.post('/api/v1/sandbox/fund/', { account_id: second, amount_usdc: 100 }, { unsigned: true });
    assert.equal(fundClosed.statusCode, 422);
    const onlyClosed = (await client.get(`/api/v2/customers/${customerId}/pockets/?filter[status]=CLOSED`)).json();
    assert.deepEqual(onlyClosed.items.map((p: { id: string }) => p.id), [second]);
    await assertSound(t.db, client.partnerId);
  });

  test("another tenant's ids are 404, and nothing moves", async () => {
    const { client, customerId, pocketId } = await setup('2024-03-05T15:00:00Z');
    await fund(client, pocketId, 100_000);
    const other = await newPartner(t);
    await other.setClock('2024-03-05T15:00:00Z');
    const otherCustomer = await createCustomer(other);
    for (const url of [
      `/api/v2/pockets/${pocketId}/`,
      `/api/v2/customers/${customerId}/pockets/`,
      `/api/v2/customers/${customerId}/pockets/${pocketId}/`,
      `/api/v2/customers/${otherCustomer}/pockets/${pocketId}/`,
      `/api/v2/pockets/${pocketId}/earnings/`,
      `/api/v2/pockets/${pocketId}/portals/`,
    ]) {
      const response = await other.get(url);
      assert.equal(response.statusCode, 404, url);
      assert.deepEqual(response.json(), { detail: 'Not Found' });
    }
    assert.equal((await other.patch(`/api/v2/pockets/${pocketId}/`, { pocket_name: 'Mine' })).statusCode, 404);
    assert.equal((await other.post(`/api/v2/customers/${customerId}/pockets/`, { pocket_name: 'x', deposit_strategy_id: 'UST-4W' })).statusCode, 404);
    const fundOther = await other.post('/api/v1/sandbox/fund/', { account_id: pocketId, amount_usdc: 100 }, { unsigned: true });
    assert.equal(fundOther.statusCode, 404);
    const otherPocket = await createPocket(other, otherCustomer, 'UST-4W');
    const transfer = await other.post('/api/v1/transfers/on-us', {
      type: 'INTERNAL_REALLOCATION',
      from_account: { id: pocketId, type: 'JIKO_ACCOUNT' },
      to_account: { id: otherPocket, type: 'JIKO_ACCOUNT' },
      amount: { type: 'REQUESTED_AMOUNT', amount_usdc: 100 },
    });
    assert.equal(transfer.statusCode, 404);
    const list = (await other.get('/api/v2/pockets/')).json();
    assert.ok(!list.items.some((p: { id: string }) => p.id === pocketId));
    assert.equal((await getPortfolio(client, pocketId)).total_value.value > 0, true);
    assert.equal((await other.get(`/api/v1/transfers/on-us/${pocketId}`)).statusCode, 404);
    await assertSound(t.db, client.partnerId);
    await assertSound(t.db, other.partnerId);
  });

  test('total value equals ledger cash plus lots marked at the bid, across pages of the list', async () => {
    const { client, customerId, pocketId } = await setup('2024-03-05T15:00:00Z', 'UST-26W');
    await fund(client, pocketId, 4_999_999, 3);
    const second = await createPocket(client, customerId, 'UST-52W');
    await fund(client, second, 1_234_567);
    await client.advanceClock({ to: '2024-04-18T18:00:00Z' });
    const market = t.services.market;
    for (const id of [pocketId, second]) {
      const portfolio = await getPortfolio(client, id);
      const [cash] = await t.db.query<{ cents: string }>(
        `SELECT sum(balance_cents)::text AS cents FROM ledger_accounts WHERE pocket_id = $1 AND kind IN ('bank_cash', 'brokerage_cash')`,
        [id],
      );
      const lots = await t.db.query<{ cusip: string; units: bigint }>(`SELECT cusip, sum(units)::bigint AS units FROM pocket_lots WHERE pocket_id = $1 AND units > 0 GROUP BY cusip`, [id]);
      let marks = 0n;
      for (const lot of lots) marks += unitsValueCents(lot.units, market.quote(lot.cusip, '2024-04-18').bid.pricePer100);
      assert.equal(BigInt(portfolio.total_value.value), BigInt(cash!.cents) + marks);
      assert.equal(BigInt(portfolio.cash.value), BigInt(cash!.cents));
    }
    // Two customer pockets (the funding pocket is not listed): one per page.
    const page1 = (await client.get('/api/v2/pockets/?limit=1')).json();
    assert.deepEqual(page1.items.map((p: { id: string }) => p.id), [pocketId]);
    assert.ok(page1.next_page);
    const page2 = (await client.get(`/api/v2/pockets/?limit=1&cursor=${page1.next_page}`)).json();
    assert.deepEqual(page2.items.map((p: { id: string }) => p.id), [second]);
    assert.equal(page2.next_page, null);
    const omitted = (await client.get('/api/v2/pockets/?omit[]=portfolio')).json();
    assert.ok(omitted.items.every((p: { portfolio: unknown }) => p.portfolio === null));
    // A GET reads its pocket with the portfolio's inputs in one statement; the list reads them
    // through each module: the same portfolio, earnings included.
    const listed = (await client.get('/api/v2/pockets/')).json().items as { id: string; portfolio: unknown }[];
    for (const id of [pocketId, second]) assert.deepEqual(listed.find((p) => p.id === id)?.portfolio, await getPortfolio(client, id));
    await assertSound(t.db, client.partnerId);
  });
});
