/**
 * The US bond-market business calendar: the days on which Treasury bills trade and settle
 * (tbill-math.md section 7, "Business days").
 */
import { assert } from '../../platform/assert.ts';
import { addDays, isIsoDate, weekday } from '../../platform/clock.ts';
import type { BusinessCalendar } from './market.types.ts';

/** One closure read from holidays.csv: a weekday that is not a settlement day. */
export interface MarketClosure {
  readonly date: string;
  readonly name: string;
}

/** First and last day covered by holidays.csv; outside them only weekends are closed. */
export const HOLIDAYS_KNOWN_FROM = '2023-01-01';
export const HOLIDAYS_KNOWN_THROUGH = '2027-12-31';

/** Longest run of closed days the calendar will step over before it calls the data broken. */
const CLOSED_RUN_DAYS_MAX = 10;

/**
 * A business calendar over a list of closures. A business day is a weekday (Monday to Friday)
 * that is not in `closures`. The shipped closures cover 2023-2027 (every weekday with
 * `bond_settlement_day = N` in holidays.csv); before and after that span only Saturdays and
 * Sundays are closed, so a holiday outside it counts as a business day.
 * Every method takes and returns YYYY-MM-DD and throws an assertion error on anything else.
 */
export class MarketCalendar implements BusinessCalendar {
  readonly #closed: ReadonlyMap<string, string>;

  constructor(closures: readonly MarketClosure[]) {
    const closed = new Map<string, string>();
    for (const closure of closures) {
      assert(isIsoDate(closure.date), `closure date is not a date: ${closure.date}`);
      closed.set(closure.date, closure.name);
    }
    this.#closed = closed;
  }

  /** True on a bond-market settlement day. */
  isBusinessDay(date: string): boolean {
    assert(isIsoDate(date), `not a date: ${date}`);
    const day = weekday(date);
    return day !== 0 && day !== 6 && !this.#closed.has(date);
  }

  /** The name of the closure on `date` ("Thanksgiving Day"), "weekend", or undefined when open. */
  closureName(date: string): string | undefined {
    if (this.isBusinessDay(date)) return undefined;
    return this.#closed.get(date) ?? 'weekend';
  }

  nextBusinessDay(date: string): string {
    return this.#step(date, 1, false);
  }

  previousBusinessDay(date: string): string {
    return this.#step(date, -1, false);
  }

  onOrAfter(date: string): string {
    return this.#step(date, 1, true);
  }

  onOrBefore(date: string): string {
    return this.#step(date, -1, true);
  }

  /** Business days strictly after `from` up to and including `to` (0 when `to` <= `from`). */
  businessDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let day = this.nextBusinessDay(from); day <= to; day = this.nextBusinessDay(day)) count++;
    return count;
  }

  #step(date: string, direction: 1 | -1, inclusive: boolean): string {
    assert(isIsoDate(date), `not a date: ${date}`);
    let day = inclusive ? date : addDays(date, direction);
    for (let steps = 0; steps <= CLOSED_RUN_DAYS_MAX; steps++) {
      if (this.isBusinessDay(day)) return day;
      day = addDays(day, direction);
    }
    throw new Error(`no business day within ${CLOSED_RUN_DAYS_MAX} days of ${date}`);
  }
}
