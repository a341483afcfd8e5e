import type { AppDeps } from '../../deps.ts';
import { loadMarketData } from './market.data.ts';
import { TbillMarket } from './market.service.ts';

export * from './market.types.ts';
export { CALENDAR_FIRST_DATE, CALENDAR_LAST_DATE, MarketCalendar } from './calendar.ts';
export { cusipCheckDigit, isValidCusip } from './cusip.ts';
export { marketErrors } from './market.errors.ts';
export { type MarketCoverage, type MarketOptions, ONE_WEEK_DAYS_MIN, STRATEGY_TERMS, TbillMarket } from './market.service.ts';
export {
  PRICE_DECIMALS,
  RATE_DECIMALS,
  SIMPLE_YIELD_DAYS_MAX,
  daysInYear,
  discountRateFromPrice,
  investmentRate,
  isDecimalText,
  percentToFraction,
  priceMicros,
  pricePer100,
  yieldToMaturityFraction,
} from './pricing.ts';
export { SYNTHETIC_ISSUE_DATE_MAX } from './securities.ts';

/**
 * Builds the market service: reads the data shipped in data/market/ once (a few hundred
 * milliseconds), builds the calendar, the securities master and the rate series in memory, and
 * prices with `deps.config.spreadBps`. Never touches the database.
 * @throws Error when a data file is missing or malformed (the message names file, row and field).
 */
let marketData: ReturnType<typeof loadMarketData> | undefined;

/** Markets built in this process, by spread: a market holds no state, so engines of one process share it. */
const markets = new Map<number, TbillMarket>();

export async function createMarketService(deps: AppDeps): Promise<TbillMarket> {
  // The shipped data never changes while the process runs: read, parsed and built once per process.
  marketData ??= loadMarketData();
  const { spreadBps } = deps.config;
  let market = markets.get(spreadBps);
  if (!market) markets.set(spreadBps, (market = new TbillMarket(marketData, { spreadBps })));
  return market;
}
