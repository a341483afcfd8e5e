import { EngineWork, type TradeTime, heldBillPrices, holdingsValueRelation, investCash, matureLots, maturingLots } from '../portfolio/index.ts';
import { pocketCashRelation } from '../ledger/index.ts';
import type { MarketService } from '../market/index.ts';
import type { ScheduledTask } from '../scheduler/index.ts';
import { addDays, marketInstant } from '../../platform/clock.ts';
import * as repo from './pockets.repo.ts';

/**
 * The pockets' business-day tasks, registered with the scheduler:
 * - `portfolio.start-of-day` (00:00 New York of each business day): lots maturing by then pay par,
 *   then the pockets' waiting and matured cash is invested (reinvestment strategy for matured cash);
 *   all pockets of the tenant at once, set-based.
 * - `pockets.end-of-day` (end of the business day): every pocket's value at the day's same-day bid,
 *   kept for earnings of past periods; a pocket closed since the previous business day's end gets
 *   its last value (0: only an empty pocket closes). One statement values and writes them all (the
 *   ledger's cash and the portfolio's holdings as SQL relations those modules own).
 */
export function pocketTasks(market: MarketService): ScheduledTask[] {
  return [
    {
      name: 'portfolio.start-of-day',
      atMinutes: 0,
      async run(tx, ctx, date) {
        const tenantId = ctx.tenantId;
        const lots = await maturingLots(tx, tenantId, date);
        const waiting = await repo.pocketsWithPendingCash(tx, tenantId);
        const ids = [...new Set([...lots.map((lot) => lot.pocket_id), ...waiting])].sort();
        if (ids.length === 0) return;
        const pockets = await repo.lockPockets(tx, tenantId, ids);
        const time: TradeTime = { at: marketInstant(date, 0), bookDate: date, pricingDate: date, settlementDate: date };
        const work = await EngineWork.begin(tx, tenantId, market, ids);
        const paid = matureLots(work, pockets, lots, time);
        for (const id of ids) {
          const pocket = pockets.get(id);
          if (pocket?.status === 'OPEN') investCash(work, pocket, time, paid.get(id) ?? 0n);
        }
        await work.flush(tx, () => repo.setInvestPending(tx, tenantId, work.investPending));
      },
    },
    {
      name: 'pockets.end-of-day',
      atMinutes: 1440,
      async run(tx, ctx, date) {
        const dayEnd = (businessDate: string) => marketInstant(addDays(businessDate, 1), 0);
        const prices = await heldBillPrices(tx, market, ctx.tenantId, date);
        await repo.insertDailyValues(
          tx,
          ctx.tenantId,
          { date, dayEnd: dayEnd(date), closedSince: dayEnd(market.calendar.previousBusinessDay(date)) },
          { cash: pocketCashRelation, holdings: holdingsValueRelation },
          prices,
        );
      },
    },
  ];
}
