/**
 * Pockets: pockets and their portals, the portfolio engine (buy, sell, mature, reinvest),
 * valuation and earnings, money movement (sandbox ACH credits, on-us transfers), the sandbox test
 * clock and the business-day work the scheduler runs. Rules: docs/ENGINE.md.
 */
export {
  type ClockView,
  type EarningsView,
  type NewPocketInput,
  type OnUsTransferInput,
  type PocketView,
  type PocketsService,
  type SandboxFundInput,
  type TransferAmount,
  type UpdatePocketInput,
  checkPortfolioInvariants,
  createPocketsService,
} from './pockets.service.ts';
export type { SecurityPosition, Valuation } from './portfolio.engine.ts';
export {
  type EarningsPeriod,
  type Pocket,
  type PocketStatus,
  type PocketType,
  UNIT_FACE_CENTS,
  earningsWindow,
  planSale,
  takeFromLots,
  unitsAffordable,
  unitsToRaise,
  unitsValueCents,
} from './pockets.domain.ts';
export * from './activity.service.ts';
