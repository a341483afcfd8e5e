/**
 * A sale decided on the first lots of a pocket (balancesAndSaleLots reads a prefix in sale order) is the sale
 * all its lots would give, or it asks for them all (MORE_LOTS): never a different sale.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays } from '../../platform/clock.ts';
import { prepareMarket } from '../market/index.ts';
import { EngineWork, type PortfolioPocket, type TradeTime, MORE_LOTS, heldLotsFrom, raiseCash } from './portfolio.engine.ts';
import type { LotRow } from './portfolio.repo.ts';

const DATE = '2024-03-05';
const TIME: TradeTime = { at: new Date(`${DATE}T15:00:00Z`), bookDate: DATE, pricingDate: DATE, settlementDate: DATE };
const POCKET: PortfolioPocket = { id: 'pocket', customerId: null, status: 'OPEN', depositStrategyId: 'UST-4W', reinvestmentStrategyId: null, investPending: false };

/** `count` lots of one bill bought on successive days, each of a few units, oldest first (sale order). */
function lotsOf(cusip: string, maturityDate: string, count: number, first: number): LotRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `lot-${String(first + i).padStart(4, '0')}`,
    pocket_id: POCKET.id,
    cusip,
    maturity_date: maturityDate,
    units: BigInt(3 + ((first + i) % 5)),
    cost_cents: BigInt(3 + ((first + i) % 5)) * 9_900n,
    trade_date: addDays('2023-12-01', i),
  }));
}

/**
 * The sale `held` gives for `needCents` from a pocket whose lots cost `costCents` in all: the
 * outcome, and the trades and lot reductions written.
 */
function sell(held: ReturnType<typeof heldLotsFrom>, costCents: bigint, needCents: bigint | undefined) {
  const market = prepareMarket(0);
  const work = new EngineWork('tenant', market, new Map([[POCKET.id, { bank_cash: 0n, brokerage_cash: 0n, securities_at_cost: costCents }]]));
  const outcome = raiseCash(work, POCKET, held, needCents, TIME, null);
  return {
    outcome,
    trades: work.trades.map((trade) => [trade.cusip, trade.quantity, trade.notionalCents, trade.realizedGainCents]),
    reductions: work.reductions,
  };
}

test('a sale on the first lots read is the sale of all the lots, or asks for all of them', () => {
  const market = prepareMarket(0);
  const near = market.billToBuy('UST-4W', DATE);
  const far = market.billToBuy('UST-13W', DATE);
  assert.ok(near.maturityDate < far.maturityDate);
  const read = 16;
  // The prefix ends inside the near bill, or inside the far one after all of the near bill.
  for (const nearLots of [5, 24]) {
    const all = [...lotsOf(near.cusip, near.maturityDate, nearLots, 0), ...lotsOf(far.cusip, far.maturityDate, 30, nearLots)];
    const prefix = all.slice(0, read);
    const full = heldLotsFrom(all);
    const first = heldLotsFrom(prefix, prefix.length >= read);
    const unitsRead = prefix.reduce((sum, lot) => sum + lot.units, 0n);
    const cost = all.reduce((sum, lot) => sum + lot.cost_cents, 0n);
    let decided = 0;
    let askedForAll = 0;
    for (let units = 1n; units <= unitsRead + 40n; units += 3n) {
      const need = units * 9_990n;
      const fromAll = sell(full, cost, need);
      const fromFirst = sell(first, cost, need);
      assert.notEqual(fromAll.outcome, MORE_LOTS);
      if (fromFirst.outcome === MORE_LOTS) {
        askedForAll++;
        assert.deepEqual(fromFirst.trades, [], 'nothing is sold before all the lots are read');
        continue;
      }
      decided++;
      assert.deepEqual(fromFirst, fromAll, `need ${need} with ${nearLots} lots of the near bill`);
    }
    assert.ok(decided > 0 && askedForAll > 0, `both paths taken (${decided} decided, ${askedForAll} asked for all)`);
    assert.equal(sell(first, cost, undefined).outcome, MORE_LOTS, 'a full withdrawal needs every lot');
    assert.equal(sell(first, cost, 10n ** 12n).outcome, MORE_LOTS, 'short on the first lots is not short on all');
    assert.equal(sell(full, cost, 10n ** 12n).outcome, undefined);
  }
});
