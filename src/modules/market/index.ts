import type { AppDeps } from '../../deps.ts';
import { type MarketInputs, loadMarketInputs } from './market.cache.ts';
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
export { loadMarketInputs, marketCacheKey } from './market.cache.ts';

/** The market inputs of this process (the shipped data never changes while it runs). */
let marketInputs: MarketInputs | undefined;

/** Markets built in this process, by spread: a market holds no state, so engines of one process share it. */
const markets = new Map<number, TbillMarket>();

/**
 * Builds the market service: reads the data shipped in data/market/ once (from the build
 * cache when current, market.cache.ts), builds the calendar, the securities master and the rate series in memory, and
 * prices with `deps.config.spreadBps`. Never touches the database.
 * @throws Error when a data file is missing or malformed (the message names file, row and field).
 */
export async function createMarketService(deps: AppDeps): Promise<TbillMarket> {
  return prepareMarket(deps.config.spreadBps);
}

/**
 * The market of this process for `spreadBps`, built now if not yet (it needs no database: main.ts
 * builds it while the database opens, and createMarketService returns the same one). Its rate
 * series and securities master are built at their first use (TbillMarket).
 * @throws Error when a data file is missing or malformed.
 */
export function prepareMarket(spreadBps: number): TbillMarket {
  // The shipped data never changes while the process runs: read, parsed and built once per process.
  // (From the build cache when it is current: market.cache.ts.)
  marketInputs ??= loadMarketInputs();
  let market = markets.get(spreadBps);
  if (!market) markets.set(spreadBps, (market = new TbillMarket(marketInputs.data, { spreadBps }, marketInputs.auctionRates)));
  return market;
}
