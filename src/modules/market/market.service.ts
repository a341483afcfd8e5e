/**
 * The market service: calendar, securities master, quotes and trading strategies, all in memory,
 * built once from the shipped data. Pure after construction: no database, no clock.
 */
import { Decimal, fixed } from '../../money/index.ts';
import { assert } from '../../platform/assert.ts';
import { addDays, daysBetween, isIsoDate } from '../../platform/clock.ts';
import { CALENDAR_FIRST_DATE, CALENDAR_LAST_DATE, MarketCalendar } from './calendar.ts';
import type { MarketData } from './market.data.ts';
import { marketErrors } from './market.errors.ts';
import type {
  MarketService,
  MasterSecurity,
  Quote,
  QuoteSide,
  StrategyId,
  TradingStrategy,
} from './market.types.ts';
import { STRATEGY_IDS } from './market.types.ts';
import { RATE_DECIMALS, percentToFraction, pricePer100, yieldToMaturityFraction } from './pricing.ts';
import { type AuctionRate, RateSeries, auctionRates } from './rates.ts';
import { SYNTHETIC_ISSUE_DATE_MAX, SecuritiesMaster } from './securities.ts';

export interface MarketOptions {
  /** Bid/ask spread around the mid discount rate, in basis points of discount rate (whole bps, >= 0). */
  readonly spreadBps: number;
}

/**
 * The span of New York calendar dates (YYYY-MM-DD, both inclusive) on which the market has what a
 * pocket needs: a bill rate to price with, bills issued to buy, and the business calendar. A
 * tenant clock outside it would price nothing (before) or find no bill to buy (after).
 */
export interface MarketCoverage {
  readonly from: string;
  readonly through: string;
}

/** The term each buy-and-hold strategy buys; UST-1W has none (it buys any bill about a week out). */
export const STRATEGY_TERMS: Readonly<Record<Exclude<StrategyId, 'UST-1W'>, string>> = {
  'UST-4W': '4-Week',
  'UST-13W': '13-Week',
  'UST-26W': '26-Week',
  'UST-52W': '52-Week',
};

/** Shortest time to maturity, in days, of the bill UST-1W buys. */
export const ONE_WEEK_DAYS_MIN = 7;

const STRATEGY_LABELS: Readonly<Record<StrategyId, string>> = {
  'UST-1W': '1-week',
  'UST-4W': '4-week',
  'UST-13W': '13-week',
  'UST-26W': '26-week',
  'UST-52W': '52-week',
};

/**
 * The market service over loaded data. Implements the MarketService contract and adds read
 * access to the securities master and the rate series.
 */
export class TbillMarket implements MarketService {
  readonly calendar: MarketCalendar;
  /** Half the spread, in percent of discount rate (1 bp = 0.01%). */
  readonly #halfSpread: Decimal;
  readonly #data: MarketData;
  readonly #auctions: readonly AuctionRate[] | undefined;
  #rates: RateSeries | undefined;
  #master: SecuritiesMaster | undefined;

  /** `auctions`: auctionRates(data.auctions, data.termAuctions), given when already known (market.cache.ts). */
  constructor(data: MarketData, options: MarketOptions, auctions?: readonly AuctionRate[]) {
    assert(Number.isSafeInteger(options.spreadBps) && options.spreadBps >= 0, `spreadBps must be a whole number >= 0, got ${options.spreadBps}`);
    this.calendar = new MarketCalendar(data.closures);
    this.#halfSpread = new Decimal(options.spreadBps).dividedBy(200);
    this.#data = data;
    this.#auctions = auctions;
  }

  /**
   * The daily rate series and the yield curves derived from it, built at first use (about a tenth
   * of a second of start-up that a server answering its health check does not need yet).
   */
  get rates(): RateSeries {
    this.#rates ??= new RateSeries(this.#data.dailyRates, this.#data.fredRates, this.#auctions ?? auctionRates(this.#data.auctions, this.#data.termAuctions));
    return this.#rates;
  }

  /** The securities master (every bill and its issues), built at first use, as `rates`. */
  get master(): SecuritiesMaster {
    this.#master ??= new SecuritiesMaster(this.#data.auctions, this.calendar);
    return this.#master;
  }

  /**
   * The dates the market data covers (see MarketCoverage), computed once: the later of the first
   * bill rate, the first issue of the securities master and the calendar's first day, through the
   * earlier of the last scheduled issue date (SYNTHETIC_ISSUE_DATE_MAX) and the calendar's last day.
   */
  get coverage(): MarketCoverage {
    if (!this.#coverage) {
      let firstIssue = SYNTHETIC_ISSUE_DATE_MAX;
      for (const bill of this.master.all()) if (bill.issueDate < firstIssue) firstIssue = bill.issueDate;
      const from = [this.rates.firstDate, firstIssue, CALENDAR_FIRST_DATE].reduce((a, b) => (a > b ? a : b));
      const through = SYNTHETIC_ISSUE_DATE_MAX < CALENDAR_LAST_DATE ? SYNTHETIC_ISSUE_DATE_MAX : CALENDAR_LAST_DATE;
      this.#coverage = { from, through };
    }
    return this.#coverage;
  }

  #coverage: MarketCoverage | undefined;

  /** The bill with this CUSIP and all its issues, or undefined. */
  security(cusip: string): MasterSecurity | undefined {
    return this.master.get(cusip);
  }

  /**
   * See MarketService.billToBuy. `date` is YYYY-MM-DD (normally a business date).
   * @throws DomainError `market.no_bill` when no bill fits: before the data, or past the last
   *   scheduled issue (SYNTHETIC_ISSUE_DATE_MAX).
   */
  billToBuy(strategy: StrategyId, date: string): MasterSecurity {
    assert(isIsoDate(date), `not a date: ${date}`);
    const beyond = date > this.master.horizon ? `the securities master ends with bills issued ${this.master.horizon}` : 'no bill in the data';
    if (strategy === 'UST-1W') {
      const bill = this.master.nearestMaturity(addDays(date, ONE_WEEK_DAYS_MIN), date);
      if (!bill) throw marketErrors.noBill(strategy, date, beyond);
      return bill;
    }
    const term = STRATEGY_TERMS[strategy];
    assert(term !== undefined, `unknown strategy ${String(strategy)}`);
    const issue = this.master.latestIssue(term, date);
    if (!issue) throw marketErrors.noBill(strategy, date, beyond);
    return this.master.get(issue.cusip)!;
  }

  /**
   * See MarketService.quote. The mid discount rate is the interpolated daily rate for the days
   * from settlement to maturity (RateSeries.midDiscountRate); the bid is the mid plus half the
   * spread, the ask the mid minus half (tbill-math.md section 6). Each side's price is Treasury's
   * formula (section 1); its discount yield is its rate, and its yield to maturity the investment
   * rate of its price with the settlement date as basis (section 2), each a fraction rounded once,
   * from the exact value, to 4 decimals.
   * @throws DomainError `market.unknown_security`, `market.matured`, `market.no_rates`.
   */
  quote(cusip: string, pricingDate: string, settlementDate: string = pricingDate): Quote {
    assert(isIsoDate(pricingDate) && isIsoDate(settlementDate), `not a date: ${pricingDate} / ${settlementDate}`);
    assert(settlementDate >= pricingDate, `settlement ${settlementDate} is before pricing date ${pricingDate}`);
    const security = this.master.get(cusip);
    if (!security) throw marketErrors.unknownSecurity(cusip);
    const days = daysBetween(settlementDate, security.maturityDate);
    if (days <= 0) throw marketErrors.matured(cusip, security.maturityDate, settlementDate);
    const mid = new Decimal(this.rates.midDiscountRate(days, pricingDate));
    const side = (rate: Decimal): QuoteSide => {
      const price = pricePer100(rate, days);
      return {
        discountRate: fixed(rate, Math.max(RATE_DECIMALS, rate.decimalPlaces())),
        pricePer100: price,
        discountYield: percentToFraction(rate),
        yieldToMaturity: yieldToMaturityFraction(price, days, settlementDate),
      };
    };
    return {
      cusip,
      settlementDate,
      days,
      midDiscountRate: fixed(mid, RATE_DECIMALS),
      mid: side(mid),
      bid: side(mid.plus(this.#halfSpread)),
      ask: side(mid.minus(this.#halfSpread)),
    };
  }

  /**
   * See MarketService.strategies: for each strategy, the ask side of the bill billToBuy picks on
   * `date`, settling the same day; yields as fractions with 4 decimals.
   * @throws DomainError `market.no_bill` or `market.no_rates` for a date outside the data.
   */
  strategies(date: string): TradingStrategy[] {
    return STRATEGY_IDS.map((id) => {
      const bill = this.billToBuy(id, date);
      const { ask } = this.quote(bill.cusip, date);
      return {
        id,
        description: `US T-bills, ${STRATEGY_LABELS[id]}, Buy-and-hold`,
        yield_to_maturity: ask.yieldToMaturity,
        discount_yield: ask.discountYield,
        applicable_to: ['DEPOSIT', 'REINVESTMENT'],
      };
    });
  }

  /** Mid discount rate (percent, 3 decimals) for `days` to maturity on `date`; see RateSeries. */
  midDiscountRate(days: number, date: string): string {
    return this.rates.midDiscountRate(days, date);
  }
}
