/**
 * On-us transfers through the Partner API on a real database: reallocation sells nearest maturity
 * first and the target buys, full withdrawal, partner funding and defunding, idempotent
 * transfer_id, and the transfers that must be refused or rejected with nothing moved.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { SALE_LOTS_OLDEST } from '../src/modules/portfolio/index.ts';
import { assertSound, createCustomer, createPocket, fund, getPortfolio, reallocate } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

function onUs(type: string, from: string, to: string, amount: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    type,
    from_account: { id: from, type: 'JIKO_ACCOUNT' },
    to_account: { id: to, type: 'JIKO_ACCOUNT' },
    amount,
    ...(type === 'PARTNER_CUSTOMER_FUNDING' ? { source: 'Partner operating account' } : {}),
    ...(type === 'PARTNER_CUSTOMER_DEFUNDING' ? { target: 'Customer external account' } : {}),
    ...extra,
  };
}

async function tradesOf(pocketId: string) {
  return t.db.query<{ activity: string; cusip: string; quantity: bigint; notional_cents: bigint; on_us_transfer_id: string | null }>(
    `SELECT activity, cusip, quantity, notional_cents, on_us_transfer_id FROM trades WHERE pocket_id = $1 ORDER BY trade_datetime, id`,
    [pocketId],
  );
}

/** A customer with a pocket holding a 4-week bill and a 13-week bill, and an empty 26-week pocket. */
async function twoBillSetup() {
  const client = await newPartner(t);
  await client.setClock('2024-03-05T15:00:00Z');
  const customerId = await createCustomer(client);
  const source = await createPocket(client, customerId, 'UST-4W');
  const target = await createPocket(client, customerId, 'UST-26W');
  await fund(client, source, 1_000_000);
  const patched = await client.patch(`/api/v2/pockets/${source}/`, { deposit_strategy_id: 'UST-13W' });
  assert.equal(patched.statusCode, 200, patched.body);
  await fund(client, source, 2_000_000);
  return { client, customerId, source, target };
}

describe('on-us transfers', () => {
  test('INTERNAL_REALLOCATION sells the nearest maturity first, just enough, and the target buys', async () => {
    const { client, source, target } = await twoBillSetup();
    const before = await getPortfolio(client, source);
    assert.equal(before.securities.length, 2);
    const [nearest, later] = [...before.securities].sort((a, b) => (a.maturity_date < b.maturity_date ? -1 : 1));

    const response = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, target, { type: 'REQUESTED_AMOUNT', amount_usdc: 500_000 }));
    assert.equal(response.statusCode, 201, response.body);
    const transfer = response.json();
    assert.equal(transfer.status, 'COMPLETED');
    assert.equal(transfer.object_type, 'OnUsTransfer');
    assert.deepEqual(transfer.fees, []);
    assert.equal(transfer.transfer.amount.value, 500_000);
    assert.equal(transfer.transfer.type, 'INTERNAL_REALLOCATION');

    const sells = (await tradesOf(source)).filter((row) => row.activity === 'SELL');
    assert.deepEqual(sells.map((row) => row.cusip), [nearest!.cusip]);
    assert.equal(sells[0]!.on_us_transfer_id, transfer.id);
    const after = await getPortfolio(client, source);
    // Just enough: the old residual plus the sale's overshoot, each less than one unit's price.
    assert.ok(after.cash.value < 20_000);
    assert.equal(after.securities.find((s) => s.cusip === later!.cusip)!.quantity, later!.quantity);

    const targetPortfolio = await getPortfolio(client, target);
    assert.equal(targetPortfolio.securities.length, 1);
    assert.equal(targetPortfolio.securities[0]!.cusip, t.services.market.billToBuy('UST-26W', '2024-03-05').cusip);
    assert.ok(targetPortfolio.cash.value < 10_000);
    assert.equal(targetPortfolio.all_time_earnings.value, targetPortfolio.total_value.value - 500_000);

    const fetched = await client.get(`/api/v1/transfers/on-us/${transfer.id}`);
    assert.equal(fetched.statusCode, 200);
    assert.equal(fetched.json().status, 'COMPLETED');
    const events = await t.db.query<{ event_type: string; payload: Record<string, string> }>(
      `SELECT event_type, payload FROM events WHERE partner_id = $1 AND object_id = $2 ORDER BY sequence`,
      [client.partnerId, transfer.id],
    );
    assert.deepEqual(events.map((e) => e.event_type), ['transfers.on-us.processing', 'transfers.on-us.success', 'transfers.on-us.received']);
    assert.deepEqual(events[1]!.payload, { on_us_id: transfer.id, origin_account_id: source, destination_account_id: target });

    // A larger amount sells all of the nearest bill, then part of the next.
    const big = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, target, { type: 'REQUESTED_AMOUNT', amount_usdc: 1_500_000 }));
    assert.equal(big.json().status, 'COMPLETED');
    const left = await getPortfolio(client, source);
    assert.equal(left.securities.length, 1);
    assert.equal(left.securities[0]!.cusip, later!.cusip);
    assert.ok(left.securities[0]!.quantity < later!.quantity);
    await assertSound(t.db, client.partnerId);
  });

  test('a sale takes the oldest lots first, also when it needs more lots than are read with the locks', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const source = await createPocket(client, customerId, 'UST-4W');
    const target = await createPocket(client, customerId, 'UST-4W');
    await fund(client, target, 4_000_000);
    // Each transfer in buys one lot of the same bill on the same trade date: lots ordered by id.
    const lotCount = SALE_LOTS_OLDEST + 8;
    for (let i = 0; i < lotCount; i++) await reallocate(client, target, source, { type: 'REQUESTED_AMOUNT', amount_usdc: 100_000 });
    type Lot = { id: string; units: bigint; cost_cents: bigint };
    const openLots = () =>
      t.db.query<Lot>('SELECT id, units, cost_cents FROM pocket_lots WHERE partner_id = $1 AND pocket_id = $2 AND units > 0 ORDER BY trade_date, id', [client.partnerId, source]);
    let lots = await openLots();
    assert.equal(lots.length, lotCount);
    const unitsPerLot = lots[0]!.units;

    // First within the oldest lots read with the locks, then past them.
    for (const lotsToSell of [2.5, SALE_LOTS_OLDEST + 2.5]) {
      const amountCents = Math.round(Number(unitsPerLot) * lotsToSell * 9_900);
      const moved = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, target, { type: 'REQUESTED_AMOUNT', amount_usdc: amountCents }));
      assert.equal(moved.statusCode, 201, moved.body);
      assert.equal(moved.json().status, 'COMPLETED', moved.body);
      const [sold] = await t.db.query<{ units: bigint }>(
        `SELECT coalesce(sum(quantity), 0)::bigint AS units FROM trades WHERE partner_id = $1 AND on_us_transfer_id = $2 AND activity = 'SELL'`,
        [client.partnerId, moved.json().id],
      );
      assert.ok(sold!.units > unitsPerLot * BigInt(Math.floor(lotsToSell)), `the sale reaches lot ${Math.ceil(lotsToSell)}`);
      // FIFO by (trade date, id): whole lots leave with all their cost, a part with cost x sold / held, rounded down.
      let left = sold!.units;
      const expected = lots.flatMap((lot) => {
        const n = left < lot.units ? left : lot.units;
        left -= n;
        if (n === lot.units) return [];
        return [{ id: lot.id, units: lot.units - n, cost_cents: lot.cost_cents - (lot.cost_cents * n) / lot.units }];
      });
      lots = await openLots();
      assert.deepEqual(lots, expected);
    }
    await assertSound(t.db, client.partnerId);
  });

  test('FULL_WITHDRAWAL sells everything and moves all of it', async () => {
    const { client, source, target } = await twoBillSetup();
    const before = await getPortfolio(client, source);
    const response = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, target, { type: 'FULL_WITHDRAWAL' }));
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().status, 'COMPLETED');
    assert.equal(response.json().transfer.amount.value, before.liquidation_value_t0.value);
    const after = await getPortfolio(client, source);
    assert.equal(after.total_value.value, 0);
    assert.equal(after.securities.length, 0);
    const targetPortfolio = await getPortfolio(client, target);
    assert.equal(targetPortfolio.total_value.value - targetPortfolio.all_time_earnings.value, before.liquidation_value_t0.value);
    await assertSound(t.db, client.partnerId);
  });

  test('partner funding and defunding go through the partner funding pocket', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocket = await createPocket(client, customerId, 'UST-4W');
    const fundingId = (await client.get('/api/v2/partner/funding-pocket/')).json().id as string;
    await fund(client, fundingId, 4_000_000, 2);

    const funded = await client.post('/api/v1/transfers/on-us', onUs('PARTNER_CUSTOMER_FUNDING', fundingId, pocket, { type: 'REQUESTED_AMOUNT', amount_usdc: 3_000_000 }));
    assert.equal(funded.statusCode, 201, funded.body);
    assert.equal(funded.json().status, 'COMPLETED');
    assert.equal(funded.json().transfer.source, 'Partner operating account');
    const full = await client.post('/api/v1/transfers/on-us', onUs('PARTNER_CUSTOMER_FUNDING', fundingId, pocket, { type: 'FULL_WITHDRAWAL' }));
    assert.equal(full.statusCode, 422);
    const wrongWay = await client.post('/api/v1/transfers/on-us', onUs('PARTNER_CUSTOMER_FUNDING', pocket, fundingId, { type: 'REQUESTED_AMOUNT', amount_usdc: 100 }));
    assert.equal(wrongWay.statusCode, 422);

    const defunded = await client.post('/api/v1/transfers/on-us', onUs('PARTNER_CUSTOMER_DEFUNDING', pocket, fundingId, { type: 'FULL_WITHDRAWAL' }));
    assert.equal(defunded.json().status, 'COMPLETED', defunded.body);
    assert.equal((await getPortfolio(client, pocket)).total_value.value, 0);
    await assertSound(t.db, client.partnerId);
  });

  test('a repeated transfer_id returns the existing transfer and moves nothing again', async () => {
    const { client, source, target } = await twoBillSetup();
    const transferId = '7b0c4c2e-8f53-4c36-9a39-4b8f7f1d2e01';
    const body = onUs('INTERNAL_REALLOCATION', source, target, { type: 'REQUESTED_AMOUNT', amount_usdc: 100_000 }, { transfer_id: transferId });
    const first = await client.post('/api/v1/transfers/on-us', body);
    const second = await client.post('/api/v1/transfers/on-us', body);
    assert.equal(first.json().id, second.json().id);
    assert.equal(second.json().transfer.transfer_id, transferId);
    const moves = await t.db.query(`SELECT id FROM bank_transactions WHERE on_us_transfer_id = $1`, [first.json().id]);
    assert.equal(moves.length, 2);
    assert.equal((await client.get(`/api/v1/transfers/on-us/${transferId}`)).json().id, first.json().id);
    await assertSound(t.db, client.partnerId);
  });

  test('insufficient funds: REJECTED, nothing sold, nothing moved', async () => {
    const { client, source, target } = await twoBillSetup();
    const before = await getPortfolio(client, source);
    const tradesBefore = (await tradesOf(source)).length;
    const response = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, target, { type: 'REQUESTED_AMOUNT', amount_usdc: before.total_value.value + 1 }));
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().status, 'REJECTED');
    assert.equal(response.json().reason, 'INSUFFICIENT_FUNDS');
    assert.deepEqual(await getPortfolio(client, source), before);
    assert.equal((await tradesOf(source)).length, tradesBefore);
    assert.equal((await getPortfolio(client, target)).total_value.value, 0);
    const events = await t.db.query<{ event_type: string }>(`SELECT event_type FROM events WHERE object_id = $1 ORDER BY sequence`, [response.json().id]);
    assert.deepEqual(events.map((e) => e.event_type), ['transfers.on-us.processing', 'transfers.on-us.rejected']);
    await assertSound(t.db, client.partnerId);
  });

  test('refused with 422 and nothing moved: same pocket, another customer, a closed pocket, zero amount', async () => {
    const { client, customerId, source, target } = await twoBillSetup();
    const before = await getPortfolio(client, source);
    const same = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, source, { type: 'REQUESTED_AMOUNT', amount_usdc: 100 }));
    assert.equal(same.statusCode, 422);

    const otherCustomer = await createCustomer(client);
    const otherPocket = await createPocket(client, otherCustomer, 'UST-4W');
    const other = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, otherPocket, { type: 'REQUESTED_AMOUNT', amount_usdc: 100 }));
    assert.equal(other.statusCode, 422);

    const spare = await createPocket(client, customerId, 'UST-4W');
    const closed = await client.patch(`/api/v2/customers/${customerId}/pockets/${spare}/`, { status: 'CLOSED', closure_reason: 'NO_LONGER_NEEDED' });
    assert.equal(closed.statusCode, 200, closed.body);
    assert.equal(closed.json().status, 'CLOSED');
    const intoClosed = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, spare, { type: 'REQUESTED_AMOUNT', amount_usdc: 100 }));
    assert.equal(intoClosed.statusCode, 422);

    const zero = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, target, { type: 'REQUESTED_AMOUNT', amount_usdc: 0 }));
    assert.equal(zero.statusCode, 422);

    assert.deepEqual(await getPortfolio(client, source), before);
    const count = await t.db.query(`SELECT id FROM on_us_transfers WHERE partner_id = $1`, [client.partnerId]);
    assert.equal(count.length, 0);
    await assertSound(t.db, client.partnerId);
  });

  test('a transfer on a Saturday is instant; the target invests on Monday', async () => {
    const { client, source, target } = await twoBillSetup();
    await client.advanceClock({ to: '2024-03-09T15:00:00Z' });
    const response = await client.post('/api/v1/transfers/on-us', onUs('INTERNAL_REALLOCATION', source, target, { type: 'REQUESTED_AMOUNT', amount_usdc: 300_000 }));
    assert.equal(response.json().status, 'COMPLETED');
    let targetPortfolio = await getPortfolio(client, target);
    assert.equal(targetPortfolio.cash.value, 300_000);
    await client.advanceClock({ to: '2024-03-11T15:00:00Z' });
    targetPortfolio = await getPortfolio(client, target);
    assert.equal(targetPortfolio.securities.length, 1);
    assert.ok(targetPortfolio.cash.value < 10_000);
    await assertSound(t.db, client.partnerId);
  });
});
