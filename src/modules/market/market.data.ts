/**
 * Reading the market data shipped in data/market/ (see the README there): Treasury auction results,
 * daily bill rates, FRED bill rates, the one-off bond-market closures, and (for tests) the
 * 2023-2027 holiday list. Files are parsed once, with csv-parse, into typed rows; every field is
 * checked, and a malformed file stops the boot with the file, line and field in the message. Rates
 * and prices stay decimal strings.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { isIsoDate } from '../../platform/clock.ts';
import { isDecimalText } from './pricing.ts';

/** The folder of the shipped data, found from this file so it works from any working directory. */
export const MARKET_DATA_DIR = new URL('../../../data/market/', import.meta.url);

/** The quoted terms of the daily bill rates: CSV column suffix and nominal days to maturity. */
export const QUOTED_TERMS = [
  { weeks: 4, days: 28 },
  { weeks: 6, days: 42 },
  { weeks: 8, days: 56 },
  { weeks: 13, days: 91 },
  { weeks: 17, days: 119 },
  { weeks: 26, days: 182 },
  { weeks: 52, days: 364 },
] as const;

/** One bill auction (auctions.csv). Rates in percent, price per 100; undefined where blank. */
export interface AuctionRow {
  readonly cusip: string;
  /** Treasury's term as written in the data: "4-Week", "42-Day", ... */
  readonly term: string;
  readonly auctionDate: string;
  readonly issueDate: string;
  readonly maturityDate: string;
  readonly days: number;
  readonly highDiscountRate: string | undefined;
  readonly highInvestmentRate: string | undefined;
  readonly pricePer100: string | undefined;
  readonly discountRateRecovered: string | undefined;
  readonly cashManagementBill: boolean | undefined;
  readonly source: string;
}

/** Bank discount rates (percent) of one day, by nominal days of the quoted term (28, 42, ..., 364). */
export interface RateRow {
  readonly date: string;
  readonly bankDiscountByDays: ReadonlyMap<number, string>;
}

/** One FRED row (fred_tbill_rates.csv): DTB4WK, DTB3, DTB1YR in percent; undefined where blank. */
export interface FredRow {
  readonly date: string;
  readonly dtb4wk: string | undefined;
  readonly dtb3: string | undefined;
  readonly dtb1yr: string | undefined;
}

/** One weekday of holidays.csv (reference data for tests; the engine's calendar is by rule). */
export interface HolidayRow {
  readonly date: string;
  readonly name: string;
  /** False when bonds do not settle that day (`bond_settlement_day = N`). */
  readonly bondSettlementDay: boolean;
}

/** One row of closures.csv: a weekday the bond market closed that no holiday rule gives. */
export interface ClosureRow {
  readonly date: string;
  readonly name: string;
  /** Where the closure is known from (free text). */
  readonly source: string;
}

/**
 * One row of auction_results_term_level.csv: a bill auction known by date and term only (no CUSIP,
 * no issue or maturity date, no discount rate). Rate in percent, price per 100 of face.
 */
export interface TermAuctionRow {
  readonly auctionDate: string;
  /** Treasury's term as written in the data: "4-Week", "42-Day", ... */
  readonly term: string;
  readonly highInvestmentRate: string;
  readonly pricePer100: string;
  /** True when auctions.csv has the same auction, with its CUSIP and dates. */
  readonly inAuctionsCsv: boolean;
}

export interface MarketData {
  readonly auctions: readonly AuctionRow[];
  /** Auction results by date and term, for the terms of days the other sources do not quote (rates.ts). */
  readonly termAuctions: readonly TermAuctionRow[];
  readonly dailyRates: readonly RateRow[];
  readonly fredRates: readonly FredRow[];
  /** One-off closures, for the calendar (src/modules/market/calendar.ts). */
  readonly closures: readonly ClosureRow[];
}

type CsvRecord = Record<string, string>;

/** Parses one CSV file of `dir` into records keyed by header, checking the header names. */
export function readCsv(dir: URL, file: string, requiredColumns: readonly string[]): CsvRecord[] {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const records = parse<CsvRecord>(text, { columns: true, skip_empty_lines: true, trim: true });
  const first = records[0];
  if (!first) throw new Error(`${file}: no rows`);
  for (const column of requiredColumns) {
    if (!(column in first)) throw new Error(`${file}: missing column "${column}"`);
  }
  return records;
}

class FieldReader {
  readonly file: string;
  readonly line: number;
  readonly record: CsvRecord;

  constructor(file: string, line: number, record: CsvRecord) {
    this.file = file;
    this.line = line;
    this.record = record;
  }

  #fail(column: string, what: string): never {
    throw new Error(`${this.file} row ${this.line}: ${column} ${what}, got "${this.record[column]}"`);
  }

  text(column: string): string {
    const value = this.record[column] ?? '';
    if (value === '') this.#fail(column, 'is empty');
    return value;
  }

  date(column: string): string {
    const value = this.text(column);
    if (!isIsoDate(value)) this.#fail(column, 'is not a YYYY-MM-DD date');
    return value;
  }

  optionalDecimal(column: string): string | undefined {
    const value = this.record[column] ?? '';
    if (value === '') return undefined;
    if (!isDecimalText(value)) this.#fail(column, 'is not a decimal');
    return value;
  }

  decimal(column: string): string {
    const value = this.optionalDecimal(column);
    if (value === undefined) this.#fail(column, 'is empty');
    return value;
  }

  days(column: string): number {
    const value = this.text(column);
    if (!/^\d{1,4}$/.test(value)) this.#fail(column, 'is not a day count');
    return Number.parseInt(value, 10);
  }

  yesNo(column: string): boolean | undefined {
    const value = this.record[column] ?? '';
    if (value === '') return undefined;
    if (value === 'Y' || value === 'Yes') return true;
    if (value === 'N' || value === 'No') return false;
    this.#fail(column, 'is not Y/N');
  }
}

function rows<T>(dir: URL, file: string, columns: readonly string[], map: (field: FieldReader) => T): T[] {
  // Line numbers count the header as line 1, as an editor shows them.
  return readCsv(dir, file, columns).map((record, index) => map(new FieldReader(file, index + 2, record)));
}

/** auctions.csv: one row per bill auction (CUSIP + auction date). */
export function readAuctions(dir: URL = MARKET_DATA_DIR): AuctionRow[] {
  const columns = ['cusip', 'security_term', 'auction_date', 'issue_date', 'maturity_date', 'days_to_maturity',
    'high_discount_rate', 'high_investment_rate', 'price_per_100', 'discount_rate_recovered_from_price',
    'cash_management_bill', 'source'];
  return rows(dir, 'auctions.csv', columns, (f) => ({
    cusip: f.text('cusip'),
    term: f.text('security_term'),
    auctionDate: f.date('auction_date'),
    issueDate: f.date('issue_date'),
    maturityDate: f.date('maturity_date'),
    days: f.days('days_to_maturity'),
    highDiscountRate: f.optionalDecimal('high_discount_rate'),
    highInvestmentRate: f.optionalDecimal('high_investment_rate'),
    pricePer100: f.optionalDecimal('price_per_100'),
    discountRateRecovered: f.optionalDecimal('discount_rate_recovered_from_price'),
    cashManagementBill: f.yesNo('cash_management_bill'),
    source: f.text('source'),
  }));
}

/** auction_results_term_level.csv: bill auction results by date and term. */
export function readTermAuctions(dir: URL = MARKET_DATA_DIR): TermAuctionRow[] {
  const columns = ['auction_date', 'security_term', 'high_investment_rate', 'price_per_100', 'in_auctions_csv'];
  return rows(dir, 'auction_results_term_level.csv', columns, (f) => ({
    auctionDate: f.date('auction_date'),
    term: f.text('security_term'),
    highInvestmentRate: f.decimal('high_investment_rate'),
    pricePer100: f.decimal('price_per_100'),
    inAuctionsCsv: f.yesNo('in_auctions_csv') === true,
  }));
}

/** daily_bill_rates.csv: Treasury's daily bank discount rates by term (coupon equivalents are not read). */
export function readDailyRates(dir: URL = MARKET_DATA_DIR): RateRow[] {
  const columns = ['date', ...QUOTED_TERMS.map((term) => `bank_discount_${term.weeks}w`)];
  return rows(dir, 'daily_bill_rates.csv', columns, (f) => {
    const byDays = new Map<number, string>();
    for (const term of QUOTED_TERMS) {
      const rate = f.optionalDecimal(`bank_discount_${term.weeks}w`);
      if (rate !== undefined) byDays.set(term.days, rate);
    }
    return { date: f.date('date'), bankDiscountByDays: byDays };
  });
}

/** fred_tbill_rates.csv: FRED's DTB4WK, DTB3 and DTB1YR series. */
export function readFredRates(dir: URL = MARKET_DATA_DIR): FredRow[] {
  return rows(dir, 'fred_tbill_rates.csv', ['date', 'DTB4WK', 'DTB3', 'DTB1YR'], (f) => ({
    date: f.date('date'),
    dtb4wk: f.optionalDecimal('DTB4WK'),
    dtb3: f.optionalDecimal('DTB3'),
    dtb1yr: f.optionalDecimal('DTB1YR'),
  }));
}

/**
 * holidays.csv: weekdays of 2023-2027 with a holiday, closure or early close. Not read by the
 * engine: the tests check the calendar's rules against it.
 */
export function readHolidays(dir: URL = MARKET_DATA_DIR): HolidayRow[] {
  return rows(dir, 'holidays.csv', ['date', 'name', 'bond_settlement_day'], (f) => {
    const settles = f.yesNo('bond_settlement_day');
    if (settles === undefined) throw new Error(`holidays.csv row ${f.line}: bond_settlement_day is empty`);
    return { date: f.date('date'), name: f.text('name'), bondSettlementDay: settles };
  });
}

/** closures.csv: the one-off closures (days of mourning, storms), oldest first. */
export function readClosures(dir: URL = MARKET_DATA_DIR): ClosureRow[] {
  return rows(dir, 'closures.csv', ['date', 'name', 'source'], (f) => ({ date: f.date('date'), name: f.text('name'), source: f.text('source') }));
}

/** Everything the market service needs, read from `dir` (default: the shipped data/market/). */
export function loadMarketData(dir: URL = MARKET_DATA_DIR): MarketData {
  return {
    auctions: readAuctions(dir),
    termAuctions: readTermAuctions(dir),
    dailyRates: readDailyRates(dir),
    fredRates: readFredRates(dir),
    closures: readClosures(dir),
  };
}
