import { EVENTS_PER_CALL_MAX, type NewEvent, emitEvents } from '../events/index.ts';
import { type NewEntry, type PocketBalances, pocketBalances, writeEntries } from '../ledger/index.ts';
import type { MarketService, Quote, Security, StrategyId } from '../market/index.ts';
import { assert } from '../../platform/assert.ts';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { type Holding, UNIT_FACE_CENTS, planSale, priceMicros, takeFromLots, unitsAffordable, unitsValueCents } from './portfolio.domain.ts';
import * as repo from './portfolio.repo.ts';

/**
 * The portfolio engine: buy, sell, mature and value bills of pockets. The engine decides in memory:
 * each function adds what it does (ledger entries, trades, lots, events) to an `EngineWork`, which
 * keeps the pockets' running balances; `EngineWork.flush` then writes everything set-based, in a
 * handful of deferred statements whatever the number of trades. The caller's transaction has
 * locked the pockets concerned (rows of `pockets`, ascending id) and read their balances and
 * lots. Rules: docs/ENGINE.md.
 */

/** What the engine knows of a pocket (the pockets module owns the rest). */
export interface PortfolioPocket {
  readonly id: string;
  readonly customerId: string | null;
  readonly status: 'PENDING' | 'OPEN' | 'FROZEN' | 'CLOSED';
  readonly depositStrategyId: StrategyId;
  readonly reinvestmentStrategyId: StrategyId | null;
  /** Cash waits for the next business day's investing. */
  readonly investPending: boolean;
}

/** When and at which prices a trade happens. */
export interface TradeTime {
  /** Tenant clock instant of the trade. */
  readonly at: Date;
  /** New York date of `at` (the trade's book date). */
  readonly bookDate: string;
  /** Business date whose rates apply (today, or the last business day before). */
  readonly pricingDate: string;
  /**
   * Settlement date of sells and buys, from which a sale's days to maturity count: the pricing
   * date on a business day (T+0), else the next business day.
   */
  readonly settlementDate: string;
}

/** Price per 100 paid at maturity. */
const PAR = '100.000000';

/**
 * The writes of one engine run (a money movement, a business day's maturities), kept in memory
 * with the running balances of the pockets concerned, and written set-based by `flush`.
 */
export class EngineWork {
  readonly entries: NewEntry[] = [];
  readonly trades: repo.NewTrade[] = [];
  readonly lots: repo.NewLot[] = [];
  readonly reductions: repo.LotReduction[] = [];
  readonly events: NewEvent[] = [];
  /** Pockets whose waiting-cash flag changed, and its new value; the pockets module writes them. */
  readonly investPending = new Map<string, boolean>();
  readonly #balances: Map<string, PocketBalances>;
  readonly #buying = new Map<string, { bill: Security; quote: Quote }>();
  readonly tenantId: string;
  readonly market: MarketService;

  constructor(tenantId: string, market: MarketService, balances: ReadonlyMap<string, PocketBalances>) {
    this.tenantId = tenantId;
    this.market = market;
    this.#balances = new Map([...balances].map(([id, b]) => [id, { ...b }] as const));
  }

  /** Reads the balances of the pockets (already locked by the caller) and starts a run. */
  static async begin(q: Queryable, tenantId: string, market: MarketService, pocketIds: readonly string[]): Promise<EngineWork> {
    return new EngineWork(tenantId, market, await pocketBalances(q, tenantId, pocketIds));
  }

  /**
   * As `begin`, and reads the first open lots of `lotsOf` in sale order in the same statement
   * (repo.balancesAndSaleLots): what a money movement reads once its pockets are locked.
   */
  static async beginSelling(tx: Tx, tenantId: string, market: MarketService, pocketIds: readonly string[], lotsOf: readonly string[]): Promise<{ work: EngineWork; lots: repo.LotRow[] }> {
    const { balances, lots } = await repo.balancesAndSaleLots(tx, tenantId, pocketIds, lotsOf);
    return { work: new EngineWork(tenantId, market, balances), lots };
  }

  /**
   * The bill `strategy` buys on `pricingDate` and its same-day quote, asked of the market once per
   * run (a business day's reinvestment buys the same bill for thousands of pockets).
   * @throws DomainError `market.*` as MarketService.billToBuy and quote (not remembered).
   */
  billToBuy(strategy: StrategyId, pricingDate: string): { bill: Security; quote: Quote } {
    const key = `${strategy}|${pricingDate}`;
    let found = this.#buying.get(key);
    if (!found) {
      const bill = this.market.billToBuy(strategy, pricingDate);
      found = { bill, quote: sameDayQuote(this.market, bill.cusip, pricingDate) };
      this.#buying.set(key, found);
    }
    return found;
  }

  /** A pocket's running balances (posted, including this run's entries). */
  balances(pocketId: string): PocketBalances {
    const balances = this.#balances.get(pocketId);
    assert(balances, `pocket ${pocketId} is not part of this run`);
    return balances;
  }

  /**
   * Adds a balanced entry; moves the running balances of its pocket accounts.
   * @returns the entry id.
   * @throws AssertionFailed when a pocket account would go below zero (the database would refuse it too).
   */
  post(entry: Omit<NewEntry, 'partnerId' | 'id'>): string {
    const id = newId();
    for (const posting of entry.postings) {
      if (!('pocketId' in posting.account)) continue;
      const balances = this.balances(posting.account.pocketId);
      balances[posting.account.kind] += posting.amountCents;
      assert(balances[posting.account.kind] >= 0n, `pocket account ${posting.account.kind} would go below zero`);
    }
    this.entries.push({ ...entry, partnerId: this.tenantId, id });
    return id;
  }

  /**
   * Writes everything added: ledger entries, trades and lots, the caller's own rows (`before
   * events`: rows that point at these entries), then the events, in the order they happened.
   */
  async flush(tx: Tx, beforeEvents?: () => void): Promise<void> {
    writeEntries(tx, this.tenantId, this.entries);
    repo.writePortfolio(tx, this.tenantId, { trades: this.trades, lots: this.lots, reductions: this.reductions });
    beforeEvents?.();
    // A business day of a large tenant can raise more events than one call takes; an object new
    // in this transaction is new only to the first call that carries its events.
    const recorded = new Set<string>();
    for (let from = 0; from < this.events.length; from += EVENTS_PER_CALL_MAX) {
      const events = this.events.slice(from, from + EVENTS_PER_CALL_MAX);
      const call = from === 0 ? events : events.map((event) => (event.newObject && recorded.has(event.objectId) ? { ...event, newObject: false } : event));
      if (from + EVENTS_PER_CALL_MAX < this.events.length) for (const event of events) recorded.add(event.objectId);
      await emitEvents(tx, call);
    }
  }
}

function tradeEvent(work: EngineWork, pocket: PortfolioPocket, tradeId: string, activity: 'BUY' | 'SELL' | 'MATURITY', cusip: string, at: Date): void {
  work.events.push({
    partnerId: work.tenantId,
    eventType: activity === 'BUY' ? 'trade.buy' : activity === 'SELL' ? 'trade.sell' : 'trade.maturity',
    objectType: 'Trade',
    objectId: tradeId,
    customerId: pocket.customerId,
    payload: { trade_id: tradeId, pocket_id: pocket.id, cusip },
    occurredAt: at,
    newObject: true,
  });
}

/**
 * Buys the bill that `strategy` picks on the pricing date, at the ask, with as many whole units as
 * `budgetCents` pays for. Nothing happens when not even one unit fits.
 * @returns the cost in cents (0 when nothing was bought).
 * @throws DomainError `market.*` when the market has no bill or quote for the date.
 */
export function buyBills(work: EngineWork, pocket: PortfolioPocket, strategy: StrategyId, budgetCents: bigint, time: TradeTime, onUsTransferId: string | null = null): bigint {
  if (budgetCents <= 0n) return 0n;
  const { bill, quote } = work.billToBuy(strategy, time.pricingDate);
  const price = quote.ask.pricePer100;
  const units = unitsAffordable(budgetCents, price);
  if (units === 0n) return 0n;
  const costCents = unitsValueCents(units, price);
  const tradeId = newId();
  const entryId = work.post({
    entryType: 'BUY',
    description: `Buy ${units} x $100 ${bill.cusip}`,
    referenceType: 'Trade',
    referenceId: tradeId,
    occurredAt: time.at,
    bookDate: time.bookDate,
    postings: [
      { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: -costCents },
      { account: { pocketId: pocket.id, kind: 'securities_at_cost' }, amountCents: costCents },
    ],
  });
  work.trades.push({
    id: tradeId, pocketId: pocket.id, customerId: pocket.customerId, activity: 'BUY', cusip: bill.cusip, maturityDate: bill.maturityDate,
    quantity: units, pricePer100: price, notionalCents: costCents, yieldToMaturity: quote.ask.yieldToMaturity, realizedGainCents: 0n,
    tradeDatetime: time.at, bookDate: time.bookDate, settlementDate: time.settlementDate, status: 'SETTLED', onUsTransferId, ledgerEntryId: entryId,
  });
  work.lots.push({
    id: newId(), pocketId: pocket.id, cusip: bill.cusip, maturityDate: bill.maturityDate, units, costCents, pricePer100: price,
    tradeDate: time.bookDate, buyTradeId: tradeId, at: time.at,
  });
  tradeEvent(work, pocket, tradeId, 'BUY', bill.cusip, time.at);
  return costCents;
}

/**
 * Invests a pocket's brokerage cash on a business day: first the cash that was waiting (new money)
 * by the deposit strategy, then `maturedCents` just paid by maturities (and what the first buy left)
 * by the reinvestment strategy, or the deposit strategy when the pocket has none. Clears the
 * pocket's waiting flag. When the market has no bill to buy (a date beyond the data), the cash keeps
 * waiting.
 */
export function investCash(work: EngineWork, pocket: PortfolioPocket, time: TradeTime, maturedCents = 0n, onUsTransferId: string | null = null): void {
  if (pocket.status !== 'OPEN') return;
  const cash = work.balances(pocket.id).brokerage_cash;
  try {
    if (maturedCents > 0n) {
      const waiting = cash - maturedCents;
      const spent = waiting > 0n ? buyBills(work, pocket, pocket.depositStrategyId, waiting, time, onUsTransferId) : 0n;
      buyBills(work, pocket, pocket.reinvestmentStrategyId ?? pocket.depositStrategyId, cash - spent, time, onUsTransferId);
    } else {
      buyBills(work, pocket, pocket.depositStrategyId, cash, time, onUsTransferId);
    }
    if (pocket.investPending) work.investPending.set(pocket.id, false);
  } catch (error) {
    if (!(error instanceof DomainError && error.code.startsWith('market.'))) throw error;
    // A buy made before the failing one stays; the rest of the cash waits.
    if (!pocket.investPending) work.investPending.set(pocket.id, true);
  }
}

/** Quotes of a pricing date, each asked once. */
export class QuoteBook {
  readonly #quotes: Map<string, Quote | 'par'>;
  readonly market: MarketService;
  readonly pricingDate: string;

  constructor(market: MarketService, pricingDate: string) {
    this.market = market;
    this.pricingDate = pricingDate;
    this.#quotes = sharedQuotes(market, pricingDate);
  }

  /**
   * The quote of `cusip` for settlement on `settlementDate`, or 'par' when the bill matures by
   * then (it pays face that day).
   */
  get(cusip: string, maturityDate: string, settlementDate: string = this.pricingDate): Quote | 'par' {
    const key = `${cusip}|${settlementDate}`;
    let quote = this.#quotes.get(key);
    if (!quote) {
      quote = maturityDate <= settlementDate ? 'par' : this.market.quote(cusip, this.pricingDate, settlementDate);
      this.#quotes.set(key, quote);
    }
    return quote;
  }

  /** Bid price per 100 for `settlementDate`. */
  bid(cusip: string, maturityDate: string, settlementDate?: string): string {
    const quote = this.get(cusip, maturityDate, settlementDate);
    return quote === 'par' ? PAR : quote.bid.pricePer100;
  }
}

/** Pricing dates whose quotes a process keeps per market, at most (the oldest go first). */
export const QUOTE_DATES_KEPT_MAX = 64;

/**
 * Quotes already computed, per market and pricing date, shared by every QuoteBook of the process:
 * a market's data does not change once loaded, so a quote is a pure function of (market, bill,
 * pricing date, settlement date), and the requests of a business day keep asking for the same few.
 */
const quotesByMarket = new WeakMap<MarketService, Map<string, Map<string, Quote | 'par'>>>();

/** The same-day quote of a bill that has not matured, from the process's shared quotes. */
function sameDayQuote(market: MarketService, cusip: string, pricingDate: string): Quote {
  const quotes = sharedQuotes(market, pricingDate);
  const key = `${cusip}|${pricingDate}`;
  let quote = quotes.get(key);
  if (quote === undefined) {
    quote = market.quote(cusip, pricingDate);
    quotes.set(key, quote);
  }
  assert(quote !== 'par', `bill ${cusip} has matured by ${pricingDate}`);
  return quote;
}

function sharedQuotes(market: MarketService, pricingDate: string): Map<string, Quote | 'par'> {
  let byDate = quotesByMarket.get(market);
  if (!byDate) {
    byDate = new Map();
    quotesByMarket.set(market, byDate);
  }
  let quotes = byDate.get(pricingDate);
  if (!quotes) {
    quotes = new Map();
    byDate.set(pricingDate, quotes);
    if (byDate.size > QUOTE_DATES_KEPT_MAX) byDate.delete(byDate.keys().next().value!);
  }
  return quotes;
}

/** Units of each bill a pocket holds, from its open lots. */
function holdingsOf(lots: readonly repo.LotRow[], book: QuoteBook, settlementDate: string): Holding[] {
  const byCusip = new Map<string, Holding>();
  for (const lot of lots) {
    const held = byCusip.get(lot.cusip);
    byCusip.set(lot.cusip, {
      cusip: lot.cusip,
      maturityDate: lot.maturity_date,
      units: (held?.units ?? 0n) + lot.units,
      bidPer100: held?.bidPer100 ?? book.bid(lot.cusip, lot.maturity_date, settlementDate),
    });
  }
  return [...byCusip.values()];
}

/**
 * A pocket's open lots as a sale reads them: every bill it holds with its units, or a prefix of
 * them in sale order (balancesAndSaleLots: nearest maturity first, then oldest). A bill is `complete` when
 * every open lot of it is in `lots`; otherwise `units` is a lower bound (the lots read so far).
 */
export interface HeldLots {
  readonly bills: readonly { readonly cusip: string; readonly maturityDate: string; readonly units: bigint; readonly complete: boolean }[];
  readonly lots: readonly repo.LotRow[];
}

/**
 * HeldLots of one pocket from its open lots: all of them (`cut` false, openLots), or the first
 * ones in sale order (`cut` true: balancesAndSaleLots returned as many as it reads, so the bills of the last
 * maturity date read may hold more lots; bills of earlier maturities are complete).
 */
export function heldLotsFrom(lots: readonly repo.LotRow[], cut = false): HeldLots {
  const lastMaturity = lots.reduce((last, lot) => (lot.maturity_date > last ? lot.maturity_date : last), '');
  const bills = new Map<string, { cusip: string; maturityDate: string; units: bigint; complete: boolean }>();
  for (const lot of lots) {
    const bill = bills.get(lot.cusip) ?? { cusip: lot.cusip, maturityDate: lot.maturity_date, units: 0n, complete: !cut || lot.maturity_date < lastMaturity };
    bill.units += lot.units;
    bills.set(lot.cusip, bill);
  }
  return { bills: [...bills.values()], lots };
}

/** What raiseCash answers when the lots `HeldLots` holds cannot decide a sale: read them all and call again. */
export const MORE_LOTS = 'more_lots';

/**
 * Sells bills of a pocket, nearest maturity first, at the bid for the trade's settlement date,
 * until its brokerage cash reaches `needCents` (whole units; extra proceeds stay cash). The quote
 * uses the pricing date's rates and counts the days to maturity from `time.settlementDate`: the
 * same day on a business day; on a closed day the next business day, which the trade records
 * (docs/ENGINE.md "Selling"; tbill-math.md sections 1 and 7: bills settle only on business days,
 * and `r` runs from settlement). `needCents` undefined sells everything (full withdrawal). `held`
 * are the pocket's open lots, read in the caller's transaction.
 * @returns the pocket's brokerage cash after the sales, or undefined when cash and every bill
 *   together do not reach `needCents` (then nothing was sold), or MORE_LOTS when `held` is a
 *   prefix of the lots that cannot decide the sale (see HeldLots; nothing was sold either).
 */
export function raiseCash(
  work: EngineWork,
  pocket: PortfolioPocket,
  held: HeldLots,
  needCents: bigint | undefined,
  time: TradeTime,
  onUsTransferId: string | null,
): bigint | undefined | typeof MORE_LOTS {
  const cash = work.balances(pocket.id).brokerage_cash;
  if (needCents !== undefined && cash >= needCents) return cash;
  const book = new QuoteBook(work.market, time.pricingDate);
  const holdings: Holding[] = held.bills.map((bill) => ({
    cusip: bill.cusip,
    maturityDate: bill.maturityDate,
    units: bill.units,
    bidPer100: book.bid(bill.cusip, bill.maturityDate, time.settlementDate),
  }));
  const allHeld = held.bills.every((bill) => bill.complete);
  if (needCents === undefined && !allHeld) return MORE_LOTS;
  const plan =
    needCents === undefined
      ? { sales: holdings.map((h) => ({ cusip: h.cusip, units: h.units, proceedsCents: unitsValueCents(h.units, h.bidPer100) })) }
      : planSale(holdings, needCents - cash);
  if (!plan) return allHeld ? undefined : MORE_LOTS;
  // planSale is greedy in maturity order: on a prefix of the lots, a plan that sells fewer units
  // of each incomplete bill than were read is the plan all the lots would give; one that sells
  // all of them might have sold more of that bill, and then of no later one.
  const mayNeedMore = (sale: { cusip: string; units: bigint }) => {
    const bill = held.bills.find((b) => b.cusip === sale.cusip)!;
    return !bill.complete && sale.units >= bill.units;
  };
  if (plan.sales.some(mayNeedMore)) return MORE_LOTS;
  // Each sale takes its bill's oldest lots, all at hand.
  const lotsBySale = plan.sales.map((sale) =>
    held.lots
      .filter((lot) => lot.cusip === sale.cusip)
      .sort((a, b) => (a.trade_date === b.trade_date ? (a.id < b.id ? -1 : 1) : a.trade_date < b.trade_date ? -1 : 1))
      .map((lot) => ({ id: lot.id, units: lot.units, costCents: lot.cost_cents })),
  );
  let raised = 0n;
  for (const [i, sale] of plan.sales.entries()) {
    const holding = holdings.find((h) => h.cusip === sale.cusip)!;
    const taken = takeFromLots(lotsBySale[i]!, sale.units);
    const basisCents = taken.reduce((sum, t) => sum + t.costCents, 0n);
    const gainCents = sale.proceedsCents - basisCents;
    const quote = book.get(sale.cusip, holding.maturityDate, time.settlementDate);
    const tradeId = newId();
    const entryId = work.post({
      entryType: 'SELL',
      description: `Sell ${sale.units} x $100 ${sale.cusip}`,
      referenceType: 'Trade',
      referenceId: tradeId,
      occurredAt: time.at,
      bookDate: time.bookDate,
      postings: [
        { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: sale.proceedsCents },
        ...(basisCents > 0n ? [{ account: { pocketId: pocket.id, kind: 'securities_at_cost' as const }, amountCents: -basisCents }] : []),
        ...(gainCents !== 0n ? [{ account: { system: 'realized_earnings' as const }, amountCents: -gainCents }] : []),
      ],
    });
    work.reductions.push(...taken);
    work.trades.push({
      id: tradeId, pocketId: pocket.id, customerId: pocket.customerId, activity: 'SELL', cusip: sale.cusip, maturityDate: holding.maturityDate,
      quantity: sale.units, pricePer100: holding.bidPer100, notionalCents: sale.proceedsCents,
      yieldToMaturity: quote === 'par' ? null : quote.bid.yieldToMaturity, realizedGainCents: gainCents, tradeDatetime: time.at,
      bookDate: time.bookDate, settlementDate: time.settlementDate, status: 'SETTLED', onUsTransferId, ledgerEntryId: entryId,
    });
    tradeEvent(work, pocket, tradeId, 'SELL', sale.cusip, time.at);
    raised += sale.proceedsCents;
  }
  return cash + raised;
}

/**
 * Pays face for lots that mature on or before the run's date: one MATURITY trade per lot at 100,
 * the discount earned to realized earnings.
 * @returns the face paid per pocket id, in cents.
 */
export function matureLots(work: EngineWork, pockets: ReadonlyMap<string, PortfolioPocket>, lots: readonly repo.LotRow[], time: TradeTime): Map<string, bigint> {
  const paid = new Map<string, bigint>();
  for (const lot of lots) {
    const pocket = pockets.get(lot.pocket_id);
    assert(pocket, `lot ${lot.id} of a pocket not locked`);
    const faceCents = lot.units * UNIT_FACE_CENTS;
    const gainCents = faceCents - lot.cost_cents;
    const tradeId = newId();
    const entryId = work.post({
      entryType: 'MATURITY',
      description: `Maturity of ${lot.units} x $100 ${lot.cusip}`,
      referenceType: 'Trade',
      referenceId: tradeId,
      occurredAt: time.at,
      bookDate: time.bookDate,
      postings: [
        { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: faceCents },
        ...(lot.cost_cents > 0n ? [{ account: { pocketId: pocket.id, kind: 'securities_at_cost' as const }, amountCents: -lot.cost_cents }] : []),
        ...(gainCents !== 0n ? [{ account: { system: 'realized_earnings' as const }, amountCents: -gainCents }] : []),
      ],
    });
    work.reductions.push({ id: lot.id, units: lot.units, costCents: lot.cost_cents });
    work.trades.push({
      id: tradeId, pocketId: pocket.id, customerId: pocket.customerId, activity: 'MATURITY', cusip: lot.cusip, maturityDate: lot.maturity_date,
      quantity: lot.units, pricePer100: PAR, notionalCents: faceCents, yieldToMaturity: null, realizedGainCents: gainCents,
      tradeDatetime: time.at, bookDate: time.bookDate, settlementDate: time.settlementDate, status: 'SETTLED', onUsTransferId: null, ledgerEntryId: entryId,
    });
    tradeEvent(work, pocket, tradeId, 'MATURITY', lot.cusip, time.at);
    paid.set(pocket.id, (paid.get(pocket.id) ?? 0n) + faceCents);
  }
  return paid;
}

/** One bill a pocket holds, valued. */
export interface SecurityPosition {
  readonly cusip: string;
  readonly maturityDate: string;
  /** Units of $100 face. */
  readonly units: bigint;
  /** Same-day bid value, cents. */
  readonly marketValueCents: bigint;
  readonly bidPer100: string;
  readonly askPer100: string;
  /** Investment rate of the bid, fraction string. */
  readonly yieldToMaturity: string;
}

/** A pocket's portfolio at a pricing date. */
export interface Valuation {
  readonly pricingDate: string;
  readonly cashCents: bigint;
  readonly securities: readonly SecurityPosition[];
  /** Cash plus market values. */
  readonly totalValueCents: bigint;
  /** What selling everything would raise settling today / the next business day. */
  readonly liquidationT0Cents: bigint;
  readonly liquidationT1Cents: bigint;
}

/**
 * Values pockets at business date `pricingDate` in three queries (balances, lots) whatever their
 * number: bills at the same-day bid (T+0), and at the next business day's settlement for T+1.
 */
export async function valuePockets(q: Queryable, market: MarketService, partnerId: string, pocketIds: readonly string[], pricingDate: string): Promise<Map<string, Valuation>> {
  // Issued together: one round trip on PostgreSQL.
  const [balances, lots] = await Promise.all([pocketBalances(q, partnerId, pocketIds), repo.openLots(q, partnerId, pocketIds)]);
  return valueFrom(market, pocketIds, balances, lots, pricingDate);
}

/**
 * The bid price, in millionths per 100 (`priceMicros`), of every bill the tenant's open lots hold
 * at business date `pricingDate` (same-day settlement; par for a bill maturing by then), as the
 * parallel array parameters of `holdingsValueRelation`: with them a statement values all the
 * tenant's pockets exactly as `valueFrom` does, without reading them into memory.
 */
export async function heldBillPrices(q: Queryable, market: MarketService, partnerId: string, pricingDate: string): Promise<{ cusips: string[]; micros: string[] }> {
  const book = new QuoteBook(market, pricingDate);
  const bills = await repo.heldBills(q, partnerId);
  return {
    cusips: bills.map((bill) => bill.cusip),
    micros: bills.map((bill) => priceMicros(book.bid(bill.cusip, bill.maturity_date)).toString()),
  };
}

/** Valuation from balances and lots already read. */
export function valueFrom(
  market: MarketService,
  pocketIds: readonly string[],
  balances: ReadonlyMap<string, PocketBalances>,
  lots: readonly repo.LotRow[],
  pricingDate: string,
): Map<string, Valuation> {
  const book = new QuoteBook(market, pricingDate);
  const nextDay = market.calendar.nextBusinessDay(pricingDate);
  const lotsByPocket = new Map<string, repo.LotRow[]>();
  for (const lot of lots) {
    const list = lotsByPocket.get(lot.pocket_id) ?? [];
    list.push(lot);
    lotsByPocket.set(lot.pocket_id, list);
  }
  const result = new Map<string, Valuation>();
  for (const pocketId of pocketIds) {
    const balance = balances.get(pocketId);
    const cashCents = (balance?.brokerage_cash ?? 0n) + (balance?.bank_cash ?? 0n);
    const securities: SecurityPosition[] = [];
    let t1 = cashCents;
    for (const holding of holdingsOf(lotsByPocket.get(pocketId) ?? [], book, pricingDate)) {
      const quote = book.get(holding.cusip, holding.maturityDate);
      securities.push({
        cusip: holding.cusip,
        maturityDate: holding.maturityDate,
        units: holding.units,
        marketValueCents: unitsValueCents(holding.units, holding.bidPer100),
        bidPer100: holding.bidPer100,
        askPer100: quote === 'par' ? PAR : quote.ask.pricePer100,
        yieldToMaturity: quote === 'par' ? '0.0000' : quote.bid.yieldToMaturity,
      });
      t1 += unitsValueCents(holding.units, book.bid(holding.cusip, holding.maturityDate, nextDay));
    }
    const totalValueCents = securities.reduce((sum, s) => sum + s.marketValueCents, cashCents);
    result.set(pocketId, { pricingDate, cashCents, securities, totalValueCents, liquidationT0Cents: totalValueCents, liquidationT1Cents: t1 });
  }
  return result;
}
