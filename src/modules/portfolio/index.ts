/**
 * The portfolio: the T-bill engine (buy, raise cash, mature, reinvest, value) over the lots and
 * trades of pockets. Decisions are made in memory on an `EngineWork` and written set-based.
 * Rules: docs/ENGINE.md.
 */
export {
  EngineWork,
  type HeldLots,
  MORE_LOTS,
  type PortfolioPocket,
  QuoteBook,
  type SecurityPosition,
  type TradeTime,
  type Valuation,
  buyBills,
  heldBillPrices,
  heldLotsFrom,
  investCash,
  matureLots,
  raiseCash,
  valueFrom,
  valuePockets,
} from './portfolio.engine.ts';
export {
  type Holding,
  type LotPosition,
  type PlannedSale,
  UNIT_FACE_CENTS,
  planSale,
  priceMicros,
  takeFromLots,
  unitsAffordable,
  unitsToRaise,
  unitsValueCents,
} from './portfolio.domain.ts';
export { type LotRow, SALE_LOTS_OLDEST, holdingsValueRelation, maturingLots, openLots, openLotsFromJson, openLotsJson } from './portfolio.repo.ts';
export { type TradeRow, selectTrades } from './trades.repo.ts';
export { checkPortfolioInvariants } from './portfolio.invariants.ts';
