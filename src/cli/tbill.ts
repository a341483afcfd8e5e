/**
 * `pocketbook tbill`: Treasury bill arithmetic from the command line.
 *
 *   pocketbook tbill --rate 5.290 --issue 2023-11-14 --maturity 2023-12-12
 *   pocketbook tbill --price 99.588556 --issue 2023-11-14 --maturity 2023-12-12
 *
 * Prints one JSON object: price per 100 (6 decimals), discount rate and investment rate (percent,
 * 3 decimals), days and the `y` of the investment-rate formula. Formulas: tbill-math.md sections 1-2.
 * Exit codes: 0 done, 2 bad or missing arguments (message on stderr).
 */
import { Decimal, fixed } from '../money/index.ts';
import { daysBetween, isIsoDate } from '../platform/clock.ts';
import {
  PRICE_DECIMALS,
  RATE_DECIMALS,
  SIMPLE_YIELD_DAYS_MAX,
  daysInYear,
  discountRateFromPrice,
  investmentRate,
  isDecimalText,
  pricePer100,
} from '../modules/market/index.ts';
import { UsageError } from './errors.ts';

/** Longest bill the command prices: 52 weeks plus a holiday shift, with a day to spare. */
const BILL_DAYS_MAX = 366;

function decimalPlaces(text: string): number {
  return text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
}

/** The options of `pocketbook tbill`, as parsed from the command line. */
export interface TbillOptions {
  readonly rate?: string;
  readonly price?: string;
  readonly issue?: string;
  readonly maturity?: string;
}

function compute(values: TbillOptions): Record<string, unknown> {
  const { rate, price, issue, maturity } = values;
  if ((rate === undefined) === (price === undefined)) throw new UsageError('give exactly one of --rate and --price');
  if (issue === undefined || !isIsoDate(issue)) throw new UsageError('--issue must be a date YYYY-MM-DD');
  if (maturity === undefined || !isIsoDate(maturity)) throw new UsageError('--maturity must be a date YYYY-MM-DD');
  const days = daysBetween(issue, maturity);
  if (days < 1 || days > BILL_DAYS_MAX) throw new UsageError(`maturity must be 1 to ${BILL_DAYS_MAX} days after issue (got ${days})`);
  const common = {
    days,
    days_in_year: daysInYear(issue),
    investment_rate_formula: days <= SIMPLE_YIELD_DAYS_MAX ? 'simple' : 'quadratic',
    issue_date: issue,
    maturity_date: maturity,
  };

  if (rate !== undefined) {
    if (!isDecimalText(rate) || rate.startsWith('-')) throw new UsageError('--rate must be a decimal number of percent, e.g. 5.290');
    const d = new Decimal(rate);
    if (!d.times(days).dividedBy(360).lessThan(100)) throw new UsageError('--rate is too high: the price would not be positive');
    const pricePer = pricePer100(d, days);
    return {
      price_per_100: pricePer,
      investment_rate: investmentRate(pricePer, days, issue),
      discount_rate: fixed(d, Math.max(RATE_DECIMALS, decimalPlaces(rate))),
      ...common,
    };
  }

  const p = price!;
  if (!isDecimalText(p) || p.startsWith('-') || decimalPlaces(p) > PRICE_DECIMALS) {
    throw new UsageError('--price must be a positive decimal with at most 6 decimals, e.g. 99.588556');
  }
  const priceDecimal = new Decimal(p);
  if (!priceDecimal.greaterThan(0)) throw new UsageError('--price must be positive');
  const recovered = discountRateFromPrice(priceDecimal, days);
  return {
    price_per_100: fixed(priceDecimal, PRICE_DECIMALS),
    investment_rate: investmentRate(priceDecimal, days, issue),
    discount_rate: recovered ?? null,
    ...(recovered === undefined
      ? { discount_rate_note: `no discount rate of 3 decimals gives exactly this price over ${days} days` }
      : {}),
    ...common,
  };
}

/**
 * Runs `pocketbook tbill` with its parsed options: prints the JSON object.
 * @throws UsageError for missing, malformed or inconsistent options (exit 2).
 */
export async function tbillCommand(options: TbillOptions): Promise<void> {
  process.stdout.write(`${JSON.stringify(compute(options), null, 2)}\n`);
}
