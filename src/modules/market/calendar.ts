/**
 * The US bond-market business calendar: the days on which Treasury bills trade and settle
 * (tbill-math.md section 7, "Business days"), derived by rule for every year of
 * CALENDAR_FIRST_DATE .. CALENDAR_LAST_DATE, plus the one-off closures of data/market/closures.csv.
 *
 * A business day is a weekday that is neither a holiday of HOLIDAY_RULES (as observed) nor Good
 * Friday nor a one-off closure. The rules are SIFMA's holiday recommendations for the US bond
 * market, which close it on the federal holidays of 5 U.S.C. 6103 (the days the Federal Reserve,
 * and so Fedwire settlement, is closed) and on Good Friday. With the one-off closures they give
 * exactly the `bond_settlement_day = N` days of data/market/holidays.csv (2023-2027), and from
 * 1990 to 2026 exactly the weekdays without a bill rate in fred_tbill_rates.csv, but for the Good
 * Fridays on which the market traded until noon (calendar.test.ts).
 */
import { assert } from '../../platform/assert.ts';
import { addDays, isIsoDate, weekday } from '../../platform/clock.ts';
import { marketErrors } from './market.errors.ts';
import type { BusinessCalendar } from './market.types.ts';

/** First day the calendar answers for (the rules are checked against published data from here). */
export const CALENDAR_FIRST_DATE = '1990-01-01';
/** Last day the calendar answers for. */
export const CALENDAR_LAST_DATE = '2100-12-31';

const FIRST_YEAR = Number(CALENDAR_FIRST_DATE.slice(0, 4));
const LAST_YEAR = Number(CALENDAR_LAST_DATE.slice(0, 4));

/** One closure that no rule gives (data/market/closures.csv): a weekday without settlement. */
export interface MarketClosure {
  readonly date: string;
  readonly name: string;
}

/** Longest run of closed days the calendar will step over before it calls the data broken. */
const CLOSED_RUN_DAYS_MAX = 10;

const SUNDAY = 0;
const MONDAY = 1;
const THURSDAY = 4;
const FRIDAY = 5;
const SATURDAY = 6;

/** YYYY-MM-DD of a year, month (1-12) and day. */
function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The `n`th (1-based) `day` (0 Sunday .. 6 Saturday) of a month; n = -1 for the last one. */
function nthWeekday(year: number, month: number, day: number, n: number): string {
  if (n < 0) {
    const last = addDays(month === 12 ? isoDate(year + 1, 1, 1) : isoDate(year, month + 1, 1), -1);
    return addDays(last, -((weekday(last) - day + 7) % 7));
  }
  const first = isoDate(year, month, 1);
  return addDays(first, ((day - weekday(first) + 7) % 7) + 7 * (n - 1));
}

/**
 * Easter Sunday of a Gregorian year, by the anonymous Gregorian algorithm ("Meeus/Jones/Butcher"
 * computus: Nature, 20 April 1876; J. Meeus, Astronomical Algorithms, 2nd ed. 1998, chapter 8),
 * which is exact for every Gregorian year. Integer arithmetic only.
 * @returns YYYY-MM-DD
 */
export function easterSunday(year: number): string {
  assert(Number.isSafeInteger(year) && year >= 1583, `not a Gregorian year: ${year}`);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

/**
 * A holiday that closes the bond market every year from `fromYear` on.
 * - `date(year)`: the holiday's own date that year (before observance).
 * - `saturday`: what a holiday falling on a Saturday closes: `'friday'` the Friday before (SIFMA's
 *   full close, as the federal observance of 5 U.S.C. 6103(b) and Executive Order 11582), or
 *   `'none'` (the market stays open; the Federal Reserve does not observe Saturday holidays, see
 *   its holiday schedule). A Sunday holiday always closes the Monday after (5 U.S.C. 6103(b)).
 * Holidays fixed to a weekday by statute never fall on a weekend.
 */
export interface HolidayRule {
  readonly name: string;
  readonly fromYear: number;
  readonly date: (year: number) => string;
  readonly saturday: 'friday' | 'none';
  /** Where the rule comes from. */
  readonly source: string;
}

/**
 * The holidays that close the US bond market (SIFMA's recommendations; names as in 5 U.S.C. 6103(a)).
 * Every one but Juneteenth applied before 1990; the Monday holidays follow the Uniform Monday
 * Holiday Act (Pub. L. 90-363, from 1971), Martin Luther King Jr.'s Birthday Pub. L. 98-144 (from
 * 1986), Veterans Day on 11 November Pub. L. 94-97 (from 1978).
 */
export const HOLIDAY_RULES: readonly HolidayRule[] = [
  {
    name: "New Year's Day",
    fromYear: FIRST_YEAR,
    date: (year) => isoDate(year, 1, 1),
    // SIFMA keeps 31 December open (an early close) when 1 January is a Saturday: holidays.csv
    // 2027-12-31, and the FRED bill series has rates on 1993-12-31, 1999-12-31, 2004-12-31,
    // 2010-12-31 and 2021-12-31.
    saturday: 'none',
    source: '5 U.S.C. 6103(a); SIFMA; holidays.csv 2027-12-31',
  },
  {
    name: 'Birthday of Martin Luther King, Jr.',
    fromYear: FIRST_YEAR,
    date: (year) => nthWeekday(year, 1, MONDAY, 3),
    saturday: 'none',
    source: '5 U.S.C. 6103(a), third Monday in January (Pub. L. 98-144, from 1986)',
  },
  {
    name: "Washington's Birthday",
    fromYear: FIRST_YEAR,
    date: (year) => nthWeekday(year, 2, MONDAY, 3),
    saturday: 'none',
    source: '5 U.S.C. 6103(a), third Monday in February',
  },
  {
    name: 'Memorial Day',
    fromYear: FIRST_YEAR,
    date: (year) => nthWeekday(year, 5, MONDAY, -1),
    saturday: 'none',
    source: '5 U.S.C. 6103(a), last Monday in May',
  },
  {
    name: 'Juneteenth National Independence Day',
    // Made a federal holiday on 17 June 2021 (Pub. L. 117-17); the bond market stayed open on its
    // first observance, Friday 18 June 2021, and closed from 2022 (Monday 20 June 2022).
    fromYear: 2022,
    date: (year) => isoDate(year, 6, 19),
    // holidays.csv closes Friday 2027-06-18 (marked uncertain there), as for 4 July.
    saturday: 'friday',
    source: '5 U.S.C. 6103(a) (Pub. L. 117-17); SIFMA from 2022; holidays.csv 2027-06-18',
  },
  {
    name: 'Independence Day',
    fromYear: FIRST_YEAR,
    date: (year) => isoDate(year, 7, 4),
    saturday: 'friday',
    source: '5 U.S.C. 6103(a); SIFMA; holidays.csv 2026-07-03; FRED 1992-07-03, 1998-07-03, 2009-07-03, 2015-07-03, 2020-07-03',
  },
  {
    name: 'Labor Day',
    fromYear: FIRST_YEAR,
    date: (year) => nthWeekday(year, 9, MONDAY, 1),
    saturday: 'none',
    source: '5 U.S.C. 6103(a), first Monday in September',
  },
  {
    name: 'Columbus Day',
    fromYear: FIRST_YEAR,
    date: (year) => nthWeekday(year, 10, MONDAY, 2),
    saturday: 'none',
    source: '5 U.S.C. 6103(a), second Monday in October (NYSE open, bond market and Fed closed)',
  },
  {
    name: 'Veterans Day',
    fromYear: FIRST_YEAR,
    date: (year) => isoDate(year, 11, 11),
    // SIFMA kept Friday 2023-11-10 open (holidays.csv, confirmed); the FRED bill series has rates
    // on 1995-11-10, 2000-11-10, 2006-11-10 and 2017-11-10.
    saturday: 'none',
    source: '5 U.S.C. 6103(a); SIFMA; holidays.csv 2023-11-10',
  },
  {
    name: 'Thanksgiving Day',
    fromYear: FIRST_YEAR,
    date: (year) => nthWeekday(year, 11, THURSDAY, 4),
    saturday: 'none',
    source: '5 U.S.C. 6103(a), fourth Thursday in November',
  },
  {
    name: 'Christmas Day',
    fromYear: FIRST_YEAR,
    date: (year) => isoDate(year, 12, 25),
    saturday: 'friday',
    source: '5 U.S.C. 6103(a); SIFMA; holidays.csv 2027-12-24; FRED 1993-12-24, 1999-12-24, 2004-12-24, 2010-12-24, 2021-12-24',
  },
];

/**
 * The weekdays of `year` that the rules close: each HOLIDAY_RULES holiday as observed (named
 * "... (observed)" when moved off its date) and Good Friday (Easter Sunday minus two days; the NYSE
 * is closed and SIFMA recommends a full close, or a noon close in years when the monthly jobs
 * report falls on it, which holidays.csv still counts as no settlement day: 2023-04-07, 2026-04-03).
 * @returns closures of weekdays, unsorted; `year` must lie in the calendar's span.
 */
export function ruleClosures(year: number): MarketClosure[] {
  assert(Number.isSafeInteger(year) && year >= FIRST_YEAR && year <= LAST_YEAR, `year outside the calendar: ${year}`);
  const closures: MarketClosure[] = [{ date: addDays(easterSunday(year), -2), name: 'Good Friday' }];
  for (const rule of HOLIDAY_RULES) {
    if (year < rule.fromYear) continue;
    const date = rule.date(year);
    const day = weekday(date);
    if (day === SUNDAY) closures.push({ date: addDays(date, 1), name: `${rule.name} (observed)` });
    else if (day === SATURDAY && rule.saturday === 'friday') closures.push({ date: addDays(date, -1), name: `${rule.name} (observed)` });
    else if (day !== SATURDAY) closures.push({ date, name: rule.name });
  }
  for (const closure of closures) assert(weekday(closure.date) >= MONDAY && weekday(closure.date) <= FRIDAY, `rule closes a weekend: ${closure.date}`);
  return closures;
}

/** True when `date` (YYYY-MM-DD) lies within CALENDAR_FIRST_DATE .. CALENDAR_LAST_DATE. */
export function calendarCovers(date: string): boolean {
  return isIsoDate(date) && date >= CALENDAR_FIRST_DATE && date <= CALENDAR_LAST_DATE;
}

/**
 * The bond-market business calendar over 1990-01-01 .. 2100-12-31: weekdays that no rule
 * (`ruleClosures`) and no one-off closure (`closures`, from data/market/closures.csv) closes.
 * Every method takes and returns YYYY-MM-DD. A malformed date is an assertion error; a date
 * outside the span (which a sandbox clock can reach) is DomainError `market.outside_calendar`,
 * also when stepping would leave the span.
 */
export class MarketCalendar implements BusinessCalendar {
  readonly #closed: ReadonlyMap<string, string>;

  /** @param closures one-off closures: weekdays within the span that no rule closes. */
  constructor(closures: readonly MarketClosure[]) {
    const closed = new Map<string, string>();
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      for (const closure of ruleClosures(year)) closed.set(closure.date, closure.name);
    }
    for (const closure of closures) {
      assert(calendarCovers(closure.date), `closure date outside the calendar: ${closure.date}`);
      const day = weekday(closure.date);
      assert(day !== SATURDAY && day !== SUNDAY, `closure on a weekend: ${closure.date}`);
      assert(!closed.has(closure.date), `closure already closed by rule: ${closure.date} (${closed.get(closure.date)})`);
      closed.set(closure.date, closure.name);
    }
    this.#closed = closed;
  }

  /**
   * True on a bond-market settlement day.
   * @throws DomainError `market.outside_calendar` outside 1990-01-01 .. 2100-12-31.
   */
  isBusinessDay(date: string): boolean {
    assert(isIsoDate(date), `not a date: ${date}`);
    if (!calendarCovers(date)) throw marketErrors.outsideCalendar(date, CALENDAR_FIRST_DATE, CALENDAR_LAST_DATE);
    const day = weekday(date);
    return day !== SATURDAY && day !== SUNDAY && !this.#closed.has(date);
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
