/**
 * Daily bank discount rates and the mid rate of any bill on any date (tbill-math.md section 3).
 *
 * A date has a curve when Treasury's Daily Treasury Bill Rates (daily_bill_rates.csv) or FRED
 * (fred_tbill_rates.csv: DTB4WK, DTB3, DTB1YR, the same numbers as Treasury's 4-, 13- and 52-week
 * columns wherever both exist) has a rate that day. Each of the seven quoted terms (4, 6, 8, 13,
 * 17, 26 and 52 weeks) of that curve takes, in this order:
 *   1. Treasury's rate of the term that day;
 *   2. FRED's rate of the term that day (Treasury's file lacks late 2024 and everything after
 *      2025-11-14; FRED has no 6-, 8-, 17- or 26-week series and no 52-week one after 2024);
 *   3. the high discount rate of the latest auction of that term held on or before the date, if it
 *      is at most the term's auction cycle (7 days; 28 for the 52-week bill) plus
 *      AUCTION_RATE_GRACE_DAYS old. Within that age it is the term's current auction: Treasury
 *      has held no newer one, or our data lacks it only by a holiday's shift. Older, a newer
 *      auction exists that the data lacks, so the rate is stale and is not used.
 * A term with none of the three is left out of the day's curve. A term is never filled with
 * another term's rate: the only place one term's rate prices a bill of another length is the
 * interpolation below, between (or flat beyond) the terms the day does have.
 *
 * Auction rates come from auctions.csv (published high discount rate, else the one recovered from
 * the price) and, for auctions missing there (most of August 2024 to October 2025), from
 * auction_results_term_level.csv, which has no discount rate, dates or CUSIP: the rate is recovered
 * from the published price for the term's nominal days or a day count a holiday can give
 * (termAuctionRate). Only regular bills count ("13-Week"; cash management bills such as "42-Day"
 * do not: Treasury's file did not quote the 6-week term while the 6-week bill was one).
 *
 * The mid rate for a bill with `days` to maturity on date D comes from the latest curve on or
 * before D, interpolated linearly in days between the neighbouring terms of that curve, flat
 * beyond the shortest and the longest, rounded half up to 3 decimals. After the last date with a
 * rate the last curve holds; before the first one there is no rate.
 */
import { Decimal, fixed } from '../../money/index.ts';
import { assert } from '../../platform/assert.ts';
import { addDays, daysBetween, isIsoDate } from '../../platform/clock.ts';
import { type AuctionRow, type FredRow, QUOTED_TERMS, type RateRow, type TermAuctionRow } from './market.data.ts';
import { marketErrors } from './market.errors.ts';
import { RATE_DECIMALS, discountRateFromPrice, investmentRate } from './pricing.ts';

/** Days past its term's auction cycle that an auction's rate still fills a term with no quote. */
export const AUCTION_RATE_GRACE_DAYS = 7;

/** Most day-count shift from a term's nominal days a holiday gives a bill (tbill-math.md section 7). */
const DAY_COUNT_SHIFT_MAX = 3;

/** One point of a day's curve: nominal days of a quoted term and its bank discount rate (percent). */
export interface CurvePoint {
  readonly days: number;
  /** Percent, as published ("5.26", or "4.070" for an auction's rate); a Decimal only when used. */
  readonly rate: string;
  /** Present when no source quoted the term that day: the date of the auction whose rate this is. */
  readonly auctionDate?: string;
}

/** A day's curve, points sorted by days. */
export interface RateCurve {
  readonly date: string;
  /** Where the day's quotes came from: Treasury's daily rates, or FRED alone (a day Treasury's file lacks). */
  readonly source: 'treasury' | 'fred';
  readonly points: readonly CurvePoint[];
}

/** The high discount rate of one auction of a quoted term. */
export interface AuctionRate {
  /** Nominal days of the term (28, 42, 56, 91, 119, 182, 364). */
  readonly days: number;
  readonly auctionDate: string;
  /** Percent, 3 decimals ("4.070"). */
  readonly rate: string;
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

/** Days between two auctions of a term: every 4 weeks for the 52-week bill, weekly otherwise (section 7). */
function auctionCycleDays(termDays: number): number {
  return termDays === 364 ? 28 : 7;
}

/** Oldest an auction may be, in days on the date it fills, to stand in for a term's quote. */
export function auctionRateAgeDaysMax(termDays: number): number {
  return auctionCycleDays(termDays) + AUCTION_RATE_GRACE_DAYS;
}

/** Calendar days from auction to issue of each regular term, by weeks (tbill-math.md section 7). */
const ISSUE_LAG_DAYS: Readonly<Record<number, number>> = { 4: 5, 6: 2, 8: 5, 13: 3, 17: 6, 26: 3, 52: 2 };

const QUOTED_TERM_BY_NAME = new Map(QUOTED_TERMS.map((term) => [`${term.weeks}-Week`, term]));

/** The quoted term of a regular bill's Treasury term name ("13-Week"); undefined for any other. */
function quotedTerm(name: string): (typeof QUOTED_TERMS)[number] | undefined {
  return QUOTED_TERM_BY_NAME.get(name);
}

const THREE_DECIMALS = /^\d+\.\d{3}$/;

/** Auction rates are multiples of 0.005% (tbill-math.md section 1). */
function isAuctionStep(rate: string): boolean {
  return new Decimal(rate).times(1000).modulo(5).isZero();
}

/**
 * The high discount rate (percent, 3 decimals) of an auction known by date, term and price only,
 * or undefined when the term is not a quoted regular term or no rate fits. The bill's days are not
 * in the row: they are the term's nominal days unless a holiday moved the issue or maturity date.
 * So the day counts nominal, +1, -1, ... +-DAY_COUNT_SHIFT_MAX are tried in that order, and the
 * first rate that (a) prices back to the published price (discountRateFromPrice), (b) is a multiple
 * of 0.005 like every auction rate, and (c) gives the published investment rate, with the issue
 * date the term's usual lag after the auction (it only decides `y`, 365 or 366), is the auction's
 * rate (tbill-math.md sections 1-2, 7). (c) picks one day count where (a) and (b) leave two.
 */
export function termAuctionRate(row: TermAuctionRow): string | undefined {
  const term = quotedTerm(row.term);
  if (term === undefined) return undefined;
  const issueDate = addDays(row.auctionDate, ISSUE_LAG_DAYS[term.weeks]!);
  const published = new Decimal(row.highInvestmentRate);
  for (let step = 0; step <= 2 * DAY_COUNT_SHIFT_MAX; step++) {
    // 0, +1, -1, +2, -2, ...
    const shift = step % 2 === 1 ? (step + 1) / 2 : -step / 2;
    const days = term.days + shift;
    const rate = discountRateFromPrice(row.pricePer100, days);
    if (rate === undefined || !isAuctionStep(rate)) continue;
    if (new Decimal(investmentRate(row.pricePer100, days, issueDate)).equals(published)) return rate;
  }
  return undefined;
}

/**
 * The auction rates of the quoted regular terms, sorted by term then auction date: every auction
 * of auctions.csv with a rate, then every auction of the term-level results that auctions.csv does
 * not have (same date and term) and whose rate termAuctionRate recovers.
 */
export function auctionRates(auctions: readonly AuctionRow[], termAuctions: readonly TermAuctionRow[]): AuctionRate[] {
  const byKey = new Map<string, AuctionRate>();
  for (const row of auctions) {
    const term = quotedTerm(row.term);
    const rate = row.highDiscountRate ?? row.discountRateRecovered;
    const key = `${term?.days}|${row.auctionDate}`;
    if (term === undefined || rate === undefined || byKey.has(key)) continue;
    // Published and recovered rates have 3 decimals already; fixed() only writes others the same way.
    const text = THREE_DECIMALS.test(rate) ? rate : fixed(rate, RATE_DECIMALS);
    byKey.set(key, { days: term.days, auctionDate: row.auctionDate, rate: text });
  }
  for (const row of termAuctions) {
    const term = quotedTerm(row.term);
    const key = `${term?.days}|${row.auctionDate}`;
    if (term === undefined || byKey.has(key)) continue;
    const rate = termAuctionRate(row);
    if (rate !== undefined) byKey.set(key, { days: term.days, auctionDate: row.auctionDate, rate });
  }
  return [...byKey.values()].sort((a, b) => a.days - b.days || (a.auctionDate < b.auctionDate ? -1 : a.auctionDate > b.auctionDate ? 1 : 0));
}

const FRED_TERMS: readonly { days: number; pick: (row: FredRow) => string | undefined }[] = [
  { days: 28, pick: (row) => row.dtb4wk },
  { days: 91, pick: (row) => row.dtb3 },
  { days: 364, pick: (row) => row.dtb1yr },
];

/** The latest auction of `list` (sorted by date) held on or before `date`, or undefined. */
function latestAuction(list: readonly AuctionRate[], date: string): AuctionRate | undefined {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (list[middle]!.auctionDate <= date) low = middle + 1;
    else high = middle;
  }
  return list[low - 1];
}

/** The merged daily series, searchable by date. */
export class RateSeries {
  readonly #curves: readonly RateCurve[];

  /**
   * Merges the sources per term (see the file comment); dates on which no source has a rate get
   * no curve. `auctions` as auctionRates returns them.
   */
  constructor(daily: readonly RateRow[], fred: readonly FredRow[], auctions: readonly AuctionRate[]) {
    const quotes = new Map<string, { source: RateCurve['source']; byDays: Map<number, string> }>();
    for (const row of fred) {
      const byDays = new Map<number, string>();
      for (const term of FRED_TERMS) {
        const rate = term.pick(row);
        if (rate !== undefined) byDays.set(term.days, rate);
      }
      if (byDays.size > 0) quotes.set(row.date, { source: 'fred', byDays });
    }
    for (const row of daily) {
      if (row.bankDiscountByDays.size === 0) continue;
      // Treasury's rates win; FRED's stay only for a term Treasury left blank that day.
      const byDays = new Map([...(quotes.get(row.date)?.byDays ?? []), ...row.bankDiscountByDays]);
      quotes.set(row.date, { source: 'treasury', byDays });
    }
    const auctionsByDays = new Map(QUOTED_TERMS.map((term) => [term.days, auctions.filter((a) => a.days === term.days)]));
    this.#curves = [...quotes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([date, { source, byDays }]) => ({ date, source, points: curvePoints(date, byDays, auctionsByDays) }));
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

/** The points of one date's curve: each quoted term from the day's quotes, else its current auction. */
function curvePoints(date: string, quoted: ReadonlyMap<number, string>, auctionsByDays: ReadonlyMap<number, readonly AuctionRate[]>): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const term of QUOTED_TERMS) {
    const rate = quoted.get(term.days);
    if (rate !== undefined) {
      points.push({ days: term.days, rate });
      continue;
    }
    const auction = latestAuction(auctionsByDays.get(term.days) ?? [], date);
    if (auction !== undefined && daysBetween(auction.auctionDate, date) <= auctionRateAgeDaysMax(term.days)) {
      points.push({ days: term.days, rate: auction.rate, auctionDate: auction.auctionDate });
    }
  }
  return points;
}
