/**
 * Pockets: lifecycle (create, rename, change strategies, close), valuation and earnings, the
 * pockets' business-day tasks, and the activity lists of their brokerage and bank sides.
 */
export { type EarningsView, type NewPocketInput, type PocketCloseHooks, type PocketView, type PocketsService, type UpdatePocketInput, createPocketsService } from './pockets.service.ts';
export { type EarningsPeriod, type Pocket, type PocketStatus, type PocketType, earningsWindow } from './pockets.domain.ts';
export * from './activity.domain.ts';
export * from './activity.service.ts';
