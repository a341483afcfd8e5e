/**
 * The contract of the market module (securities master, calendar, pricing), as other modules use
 * it. Dates are YYYY-MM-DD strings; rates and prices are exact decimal strings; percent rates have
 * 3 decimals ("5.290"), prices per 100 of face have 6 ("99.588556").
 */

/** Jiko's trading strategy ids. */
export type StrategyId = 'UST-1W' | 'UST-4W' | 'UST-13W' | 'UST-26W' | 'UST-52W';
export const STRATEGY_IDS: readonly StrategyId[] = ['UST-1W', 'UST-4W', 'UST-13W', 'UST-26W', 'UST-52W'];

/** A Treasury bill in the securities master. */
export interface Security {
  readonly cusip: string;
  /** Treasury's term of the original issue, e.g. "4-Week", "13-Week", "42-Day". */
  readonly term: string;
  /** Issue date of the original issue; reopenings are listed in MasterSecurity.issues. */
  readonly issueDate: string;
  /** Maturity date: the same for every issue of the CUSIP; a business day. */
  readonly maturityDate: string;
  /**
   * True for bills the weekly schedule would have issued where the data has no real auction
   * (every issue of the CUSIP synthetic; a real CUSIP whose first issue fell in the data's gap
   * stays false).
   */
  readonly synthetic: boolean;
}

/**
 * One issue of a bill: an auction (real) or a slot of the weekly schedule (synthetic). A CUSIP
 * that Treasury reopens has several issues with the same maturity date. Added by the market
 * module beyond the first contract.
 */
export interface BillIssue {
  readonly cusip: string;
  /** The term this issue was offered as ("13-Week" for a 13-week reopening of a 26-week bill). */
  readonly term: string;
  /** Auction date; undefined for synthetic issues. */
  readonly auctionDate: string | undefined;
  readonly issueDate: string;
  readonly maturityDate: string;
  /** Actual days from issue to maturity. */
  readonly days: number;
  readonly synthetic: boolean;
  /** Published price per 100 (6 decimals since Sept 2004, 3 before); undefined when not known. */
  readonly pricePer100: string | undefined;
  /** Published high discount rate, else the one recovered from the price (percent, 3 decimals). */
  readonly discountRate: string | undefined;
  /** Published high investment rate (percent, 3 decimals); undefined when not known. */
  readonly investmentRate: string | undefined;
}

/** A bill of the securities master with all its issues, oldest first. */
export interface MasterSecurity extends Security {
  readonly issues: readonly BillIssue[];
}

/** One side of a quote: the discount rate used and the price per 100 it gives. */
export interface QuoteSide {
  /** Bank discount rate, percent, 3 decimals (or more when a spread of odd bps applies). */
  readonly discountRate: string;
  /** Price per 100 of face, 6 decimals, half up (Treasury's formula). */
  readonly pricePer100: string;
  /** Jiko's `discount_yield`: `discountRate` as a fraction, rounded half up once to 4 decimals ("0.0525"). */
  readonly discountYield: string;
  /**
   * Jiko's `yield_to_maturity`: the investment rate (bond-equivalent yield, tbill-math.md section
   * 2) of that price from the settlement date, as a fraction rounded half up once, from the exact
   * rate, to 4 decimals ("0.0539"); Treasury's daily "coupon equivalent" is the same measure.
   */
  readonly yieldToMaturity: string;
}

/** The price of a bill for a settlement date. */
export interface Quote {
  readonly cusip: string;
  readonly settlementDate: string;
  /** Actual days from settlement to maturity. */
  readonly days: number;
  /** Interpolated mid discount rate, percent, rounded half up to 3 decimals. */
  readonly midDiscountRate: string;
  readonly mid: QuoteSide;
  /** What the pocket gets when it sells (higher rate, lower price). */
  readonly bid: QuoteSide;
  /** What the pocket pays when it buys (lower rate, higher price). */
  readonly ask: QuoteSide;
}

export interface TradingStrategy {
  readonly id: StrategyId;
  readonly description: string;
  /** The ask side's QuoteSide.yieldToMaturity: a fraction with 4 decimals, e.g. "0.0522". */
  readonly yield_to_maturity: string;
  /** The ask side's QuoteSide.discountYield: a fraction with 4 decimals. */
  readonly discount_yield: string;
  readonly applicable_to: ('DEPOSIT' | 'REINVESTMENT')[];
}

export interface BusinessCalendar {
  /** A bond-market settlement day: a weekday that no holiday rule and no one-off closure closes. */
  isBusinessDay(date: string): boolean;
  /** The first business day strictly after `date`. */
  nextBusinessDay(date: string): string;
  /** The last business day strictly before `date`. */
  previousBusinessDay(date: string): string;
  /** `date` if a business day, else the next one. */
  onOrAfter(date: string): string;
  /** `date` if a business day, else the previous one. */
  onOrBefore(date: string): string;
}

export interface MarketService {
  readonly calendar: BusinessCalendar;
  security(cusip: string): Security | undefined;
  /**
   * The bill a strategy buys on business date `date`: for the 4/13/26/52-week strategies the bill
   * of that term with the latest issue date on or before `date`; for UST-1W the outstanding bill
   * with the nearest maturity at least 7 days after `date`.
   */
  billToBuy(strategy: StrategyId, date: string): Security;
  /**
   * Quote of `cusip` on business date `pricingDate` for settlement on `settlementDate` (defaults to
   * `pricingDate`, same-day settlement). Uses the latest daily rates on or before `pricingDate`.
   * @throws Error when the bill is unknown or has matured by `settlementDate`.
   */
  quote(cusip: string, pricingDate: string, settlementDate?: string): Quote;
  /** The five strategies with yields for business date `date`. */
  strategies(date: string): TradingStrategy[];
}
