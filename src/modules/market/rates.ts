/**
 * Daily bank discount rates and the mid rate of any bill on any date (tbill-math.md section 3).
 *
 * The series merges Treasury's Daily Treasury Bill Rates with FRED: a date that is in
 * daily_bill_rates.csv uses that row (every term quoted that day); a date that is not uses FRED's
 * DTB4WK, DTB3 and DTB1YR as the 4-, 13- and 52-week rates (the same numbers where both exist).
 * The mid rate for a bill with `days` to maturity on date D comes from the latest row on or before
 * D, interpolated linearly in days between the neighbouring quoted terms of that row, flat beyond
 * the shortest and the longest, rounded half up to 3 decimals. After the last published date the
 * last row holds; before the first one there is no rate.
 */
import { Decimal, fixed } from '../../money/index.ts';
import { assert } from '../../platform/assert.ts';
import { isIsoDate } from '../../platform/clock.ts';
import type { FredRow, RateRow } from './market.data.ts';
import { marketErrors } from './market.errors.ts';
import { RATE_DECIMALS } from './pricing.ts';

/** One point of a day's curve: nominal days of a quoted term and its bank discount rate (percent). */
export interface CurvePoint {
  readonly days: number;
  /** Percent, as published ("5.26"); turned into a Decimal only when used. */
  readonly rate: string;
}

/** A day's quoted curve, points sorted by days. */
export interface RateCurve {
  readonly date: string;
  /** Where the row came from: Treasury's daily rates or FRED. */
  readonly source: 'treasury' | 'fred';
  readonly points: readonly CurvePoint[];
}

/**
 * Linear interpolation in days of a curve, flat beyond its ends (unrounded, percent).
 * Example (tbill-math.md section 9): 4w 5.26, 8w 5.18, 55 days -> 5.182857142857...
 */
export function interpolate(points: readonly CurvePoint[], days: number): Decimal {
  const first = points[0];
  const last = points[points.length - 1];
  assert(first !== undefined && last !== undefined, 'a curve needs at least one point');
  if (days <= first.days) return new Decimal(first.rate);
  if (days >= last.days) return new Decimal(last.rate);
  for (let i = 1; i < points.length; i++) {
    const upper = points[i]!;
    if (days > upper.days) continue;
    const lower = points[i - 1]!;
    const lowerRate = new Decimal(lower.rate);
    const weight = new Decimal(days - lower.days).dividedBy(upper.days - lower.days);
    return lowerRate.plus(new Decimal(upper.rate).minus(lowerRate).times(weight));
  }
  return new Decimal(last.rate);
}

const FRED_TERMS: readonly { days: number; pick: (row: FredRow) => string | undefined }[] = [
  { days: 28, pick: (row) => row.dtb4wk },
  { days: 91, pick: (row) => row.dtb3 },
  { days: 364, pick: (row) => row.dtb1yr },
];

/** The merged daily series, searchable by date. */
export class RateSeries {
  readonly #curves: readonly RateCurve[];

  /** Merges the two sources (see the file comment); rows without any rate are dropped. */
  constructor(daily: readonly RateRow[], fred: readonly FredRow[]) {
    const byDate = new Map<string, RateCurve>();
    for (const row of fred) {
      const points = FRED_TERMS.flatMap((term) => {
        const rate = term.pick(row);
        return rate === undefined ? [] : [{ days: term.days, rate }];
      });
      if (points.length > 0) byDate.set(row.date, { date: row.date, source: 'fred', points });
    }
    // Treasury's own rows win: they carry every term quoted that day.
    for (const row of daily) {
      const points = [...row.bankDiscountByDays]
        .map(([days, rate]) => ({ days, rate }))
        .sort((a, b) => a.days - b.days);
      if (points.length > 0) byDate.set(row.date, { date: row.date, source: 'treasury', points });
    }
    this.#curves = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    assert(this.#curves.length > 0, 'no bill rates at all');
  }

  /** First and last dates with a rate. */
  get firstDate(): string {
    return this.#curves[0]!.date;
  }
  get lastDate(): string {
    return this.#curves[this.#curves.length - 1]!.date;
  }

  /**
   * The latest curve on or before `date` (the last one for any later date).
   * @throws DomainError `market.no_rates` for a date before the first published rate.
   */
  curveOn(date: string): RateCurve {
    assert(isIsoDate(date), `not a date: ${date}`);
    let low = 0;
    let high = this.#curves.length - 1;
    if (this.#curves[0]!.date > date) {
      throw marketErrors.noRates(date, this.firstDate);
    }
    // Binary search for the last curve with curve.date <= date.
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.#curves[middle]!.date <= date) low = middle;
      else high = middle - 1;
    }
    return this.#curves[low]!;
  }

  /**
   * Mid bank discount rate (percent, 3 decimals, half up) of a bill with `days` to maturity on
   * `date`, per the rule in the file comment.
   * @throws DomainError `market.no_rates` before the first published rate.
   */
  midDiscountRate(days: number, date: string): string {
    return fixed(interpolate(this.curveOn(date).points, days), RATE_DECIMALS);
  }
}
