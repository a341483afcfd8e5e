/**
 * Treasury bill arithmetic, exact: bank-discount price, recovery of the discount rate from a price,
 * and the investment rate (coupon-equivalent yield). Rates are percent, prices are per 100 of face,
 * days are actual calendar days. Formulas and rounding rules: tbill-math.md sections 1 and 2.
 * No JavaScript number ever holds a rate or a price; everything is Decimal or bigint.
 */
import { Decimal, type DecimalValue, fixed } from '../../money/index.ts';
import { assert } from '../../platform/assert.ts';
import { daysBetween, isIsoDate } from '../../platform/clock.ts';

/** Decimals of a price per 100 as Treasury publishes it (since Sept 2004). */
export const PRICE_DECIMALS = 6;
/** Decimals of a discount or investment rate in percent. */
export const RATE_DECIMALS = 3;
/** Decimals of a yield written as a fraction in the Jiko API ("0.0540"). */
export const FRACTION_DECIMALS = 4;
/** Longest bill, in days, priced with the simple investment-rate formula (tbill-math.md section 2). */
export const SIMPLE_YIELD_DAYS_MAX = 183;

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

function assertDays(days: number): void {
  assert(Number.isSafeInteger(days) && days > 0, `days to maturity must be a positive integer, got ${days}`);
}

/** Half-up rounding of n / 9 for a bigint n; n / 9 is never a tie, so this is nearest. */
function roundNinths(n: bigint): bigint {
  return n >= 0n ? (2n * n + 9n) / 18n : -((-2n * n + 9n) / 18n);
}

/**
 * Price per 100 in millionths (99.588556 -> 99588556n) from a discount rate in thousandths of a
 * percent (5.290% -> 5290n): `100_000_000 - round_half_up(d_milli x days x 25 / 9)`, the exact
 * integer form of the bank-discount formula (tbill-math.md section 1).
 */
export function priceMicros(discountRateMilli: bigint, days: number): bigint {
  assertDays(days);
  return 100_000_000n - roundNinths(discountRateMilli * BigInt(days) * 25n);
}

/**
 * Price per 100 of face for a bank discount rate (percent) and actual days to maturity:
 * `P = 100 x (1 - d/100 x days/360)`, rounded half up to 6 decimals (tbill-math.md section 1).
 * Rates with at most 3 decimals go through the integer form; finer rates through 40-digit decimals.
 * @returns e.g. "99.588556" for 5.290% over 28 days.
 */
export function pricePer100(discountRate: DecimalValue, days: number): string {
  assertDays(days);
  const rate = new Decimal(discountRate);
  const milli = rate.times(1000);
  if (milli.isInteger()) {
    const micros = priceMicros(BigInt(milli.toFixed(0)), days);
    return new Decimal(micros.toString()).dividedBy(1_000_000).toFixed(PRICE_DECIMALS);
  }
  return fixed(new Decimal(100).minus(rate.times(days).dividedBy(360)), PRICE_DECIMALS);
}

/**
 * The 3-decimal discount rate (percent) that gives `price` over `days`, or undefined when none
 * does: `d = (100 - P) x 360 / days` (percent) rounded half up to 3 decimals, accepted only if it
 * prices back to `price` exactly (tbill-math.md section 1, "Recovering d from P").
 */
export function discountRateFromPrice(price: DecimalValue, days: number): string | undefined {
  assertDays(days);
  const p = new Decimal(price);
  // (100 - P) / 100 is the discount as a fraction of face; x 360 / days annualizes; x 100 makes percent.
  const rate = fixed(new Decimal(100).minus(p).times(360).dividedBy(days), RATE_DECIMALS);
  return pricePer100(rate, days) === p.toFixed(PRICE_DECIMALS) ? rate : undefined;
}

/**
 * `y` of the investment-rate formula: 366 when the twelve months after `basisDate` (the issue
 * date, or the settlement date of a secondary trade) contain a 29 February, else 365
 * (tbill-math.md section 2). The basis date itself is not counted.
 */
export function daysInYear(basisDate: string): 365 | 366 {
  assert(isIsoDate(basisDate), `not a date: ${basisDate}`);
  const [year, month, day] = basisDate.split('-');
  // The year runs from the day after the basis date to the same day a year later, so a bill
  // issued on 29 February itself counts 365 (Treasury: 912797HS9, issued 2024-02-29, 5.400%).
  if (month === '02' && day === '29') return 365;
  const next = new Date(Date.UTC(Number(year) + 1, Number(month) - 1, Number(day))).toISOString().slice(0, 10);
  return daysBetween(basisDate, next) === 366 ? 366 : 365;
}

/**
 * Investment rate (percent, unrounded) of a price per 100 over `days` from `basisDate`:
 * simple formula `(100 - P) / P x y / days x 100` up to 183 days, otherwise the quadratic
 * `(-2a + 2 sqrt(a^2 - b c)) / b x 100` with `a = days/y`, `b = 2a - 1`, `c = 1 - 100/P`
 * (tbill-math.md section 2).
 */
export function investmentRateExact(price: DecimalValue, days: number, basisDate: string): Decimal {
  assertDays(days);
  const p = new Decimal(price);
  assert(p.greaterThan(0), `price must be positive, got ${p.toString()}`);
  const y = daysInYear(basisDate);
  if (days <= SIMPLE_YIELD_DAYS_MAX) {
    return new Decimal(100).minus(p).dividedBy(p).times(y).dividedBy(days).times(100);
  }
  const a = new Decimal(days).dividedBy(y);
  const b = a.times(2).minus(1);
  const c = new Decimal(1).minus(new Decimal(100).dividedBy(p));
  return a.times(-2).plus(a.pow(2).minus(b.times(c)).sqrt().times(2)).dividedBy(b).times(100);
}

/**
 * Investment rate as Treasury publishes it: percent, rounded half up to 3 decimals ("5.400").
 * `price` should be the rounded 6-decimal price; `basisDate` the issue (or settlement) date.
 */
export function investmentRate(price: DecimalValue, days: number, basisDate: string): string {
  return fixed(investmentRateExact(price, days, basisDate), RATE_DECIMALS);
}

/**
 * A percent rate as a fraction, rounded half up once to 4 decimals: "5.25" -> "0.0525". Give it the
 * exact rate: a percent already rounded (say to Treasury's 3 decimals) would be rounded twice.
 */
export function percentToFraction(percent: DecimalValue, places = FRACTION_DECIMALS): string {
  return fixed(new Decimal(percent).dividedBy(100), places);
}

/**
 * Jiko's `yield_to_maturity` of a price per 100 over `days` from `basisDate` (the settlement
 * date): the investment rate (bond-equivalent yield, tbill-math.md section 2) as a fraction,
 * rounded half up once, from the exact rate, to 4 decimals. Not from the 3-decimal percent that
 * investmentRate returns: 912797HS9 at 98.672917 over 91 days from 2024-02-29 yields
 * 5.394505...%, which is "0.0539" rounded once but "0.0540" by way of 5.395%.
 */
export function yieldToMaturityFraction(price: DecimalValue, days: number, basisDate: string): string {
  return percentToFraction(investmentRateExact(price, days, basisDate));
}

/** True for a plain decimal number written with digits ("5.29", "-0.010", "100"). */
export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text);
}
