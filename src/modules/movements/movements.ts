import type { NewEvent } from '../events/index.ts';
import type { BusinessCalendar, MarketService } from '../market/index.ts';
import { assert } from '../../platform/assert.ts';
import { EngineWork, type HeldLots, MORE_LOTS, type PortfolioPocket, type TradeTime, SALE_LOTS_OLDEST, heldLotsFrom, investCash, openLots, raiseCash } from '../portfolio/index.ts';
import { marketDate } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { type CardDetails, type NewBankTransaction, type WireDetails, writeBankTransactions } from './movements.repo.ts';

/**
 * The one money-movement primitive every rail uses: intent -> checks -> raise cash -> ledger ->
 * rail -> events. A rail opens a `Movement` (the pockets concerned locked in ascending id order,
 * their balances read), checks its rules against the locked pockets, raises cash by selling bills
 * where the source falls short, books the ledger entries of the money's path (bank and brokerage
 * sides of each pocket, rail clearing accounts), records its own rail rows, and `commit` writes
 * all of it set-based with the events, in the caller's transaction. Nothing is written before
 * `commit`, so a rail that refuses after checks leaves nothing behind.
 */

/** What a movement knows of a pocket: the engine's view plus its type and tenant. */
export interface MovementPocket extends PortfolioPocket {
  readonly type: 'CUSTOMER' | 'PARTNER_FUNDING';
}

/** How movements reach pockets; the pockets module provides it (it owns the `pockets` table). */
export interface PocketStore {
  /** Locks the tenant's pockets in ascending id order; missing ids are absent from the map. */
  lock(tx: Tx, tenantId: string, pocketIds: readonly string[]): Promise<Map<string, MovementPocket>>;
  /** Records pockets whose cash waits for (true) or no longer waits for (false) a business day. */
  setInvestPending(tx: Tx, tenantId: string, flags: ReadonlyMap<string, boolean>): void;
}

/** One money movement in progress inside a transaction. */
export interface Movement {
  readonly ctx: RequestContext;
  readonly pockets: ReadonlyMap<string, MovementPocket>;
  readonly work: EngineWork;
  readonly time: TradeTime;
  readonly bankTransactions: (NewBankTransaction & { readonly id: string })[];
  /** Open lots read with the locks (`begin`'s `lotsOf`: the first ones in sale order), by pocket, until `raiseCash` takes them. */
  readonly lots: Map<string, HeldLots>;
}

/** What `begin` reads besides the pockets and their balances. */
export interface BeginOptions {
  /** Pockets whose open lots to read with the locks (the pockets that may sell: `raiseCash`). */
  readonly lotsOf?: readonly string[];
}

/** What a bank transaction of a movement says besides pocket, direction and amount. */
export interface BankLeg {
  readonly type: 'ACH' | 'ON_US' | 'CARD' | 'WIRE' | 'WIRE_FEE';
  readonly description: string;
  readonly title: string;
  readonly portalId?: string | null;
  readonly onUsTransferId?: string | null;
  readonly achCompanyName?: string | null;
  readonly achTraceNumber?: string | null;
  readonly card?: CardDetails | null;
  readonly achOriginationId?: string | null;
  readonly wire?: WireDetails | null;
}

/** Book dates whose trade dates a movements service remembers, at most. */
const TRADE_DATES_KEPT_MAX = 64;

export function createMovements(deps: { market: MarketService; pockets: PocketStore }) {
  const { market, pockets } = deps;
  const calendar: BusinessCalendar = market.calendar;

  /**
   * Trade timing of an instant: rates of the last business day on or before it, settlement on the
   * first business day on or after it (the same day on a business day; docs/ENGINE.md "Selling").
   */
  function timeAt(at: Date): TradeTime {
    const bookDate = marketDate(at);
    let dates = tradeDates.get(bookDate);
    if (!dates) {
      dates = { pricingDate: calendar.onOrBefore(bookDate), settlementDate: calendar.onOrAfter(bookDate) };
      tradeDates.set(bookDate, dates);
      if (tradeDates.size > TRADE_DATES_KEPT_MAX) tradeDates.delete(tradeDates.keys().next().value!);
    }
    return { at, bookDate, ...dates };
  }
  /** Pricing and settlement dates by book date (the calendar's answers do not change). */
  const tradeDates = new Map<string, { pricingDate: string; settlementDate: string }>();

  function bankTransaction(m: Movement, pocket: MovementPocket, direction: 'CREDIT' | 'DEBIT', amountCents: bigint, leg: BankLeg, ledgerEntryId: string, id = newId()): string {
    m.bankTransactions.push({
      id, partnerId: m.ctx.tenantId, pocketId: pocket.id, customerId: pocket.customerId, type: leg.type, direction, amountCents,
      description: leg.description, title: leg.title, bookedAt: m.time.at, settledAt: m.time.at, bookDate: m.time.bookDate,
      portalId: leg.portalId ?? null, onUsTransferId: leg.onUsTransferId ?? null, achCompanyName: leg.achCompanyName ?? null,
      achTraceNumber: leg.achTraceNumber ?? null, ledgerEntryId, card: leg.card ?? null, achOriginationId: leg.achOriginationId ?? null,
      wire: leg.wire ?? null,
    });
    return id;
  }

  return {
    /**
     * Opens a movement over the tenant's pockets: locks them (ascending id), then reads their
     * balances and the first open lots of `options.lotsOf` in one statement. The two statements
     * are issued together (one round trip on PostgreSQL) and run in order, so the read sees the
     * pockets as locked.
     */
    async begin(tx: Tx, ctx: RequestContext, pocketIds: readonly string[], options: BeginOptions = {}): Promise<Movement> {
      const [locked, { work, lots: read }] = await Promise.all([
        pockets.lock(tx, ctx.tenantId, pocketIds),
        EngineWork.beginSelling(tx, ctx.tenantId, market, pocketIds, options.lotsOf ?? []),
      ]);
      const byPocket = new Map<string, HeldLots>();
      for (const id of options.lotsOf ?? []) {
        if (!locked.has(id)) continue;
        const lots = read.filter((lot) => lot.pocket_id === id);
        byPocket.set(id, heldLotsFrom(lots, lots.length >= SALE_LOTS_OLDEST));
      }
      return { ctx, pockets: locked, work, time: timeAt(ctx.now), bankTransactions: [], lots: byPocket };
    },

    /**
     * Brings the pocket's brokerage cash up to `needCents` by selling bills (nearest maturity
     * first); `needCents` undefined sells everything.
     * @returns the brokerage cash after the sales, or undefined when cash and bills together fall short.
     */
    async raiseCash(tx: Tx, m: Movement, pocket: MovementPocket, needCents: bigint | undefined, onUsTransferId: string | null): Promise<bigint | undefined> {
      const cash = m.work.balances(pocket.id).brokerage_cash;
      if (needCents !== undefined && cash >= needCents) return cash;
      // Lots read by `begin` serve once; a later call reads them again. A sale those first lots
      // cannot decide reads them all.
      const read = m.lots.get(pocket.id);
      m.lots.delete(pocket.id);
      const allLots = async () => heldLotsFrom(await openLots(tx, m.ctx.tenantId, [pocket.id]));
      const raised = raiseCash(m.work, pocket, read ?? (await allLots()), needCents, m.time, onUsTransferId);
      if (raised !== MORE_LOTS) return raised;
      const again = raiseCash(m.work, pocket, await allLots(), needCents, m.time, onUsTransferId);
      assert(again !== MORE_LOTS, 'a sale that holds every open lot has them all at hand');
      return again;
    },

    /**
     * Moves money book to book: the source's brokerage cash sweeps to its bank account, moves bank
     * to bank, and sweeps into the target's brokerage account; a DEBIT and a CREDIT bank transaction.
     * @returns the id of the receiving pocket's bank transaction.
     */
    onUs(m: Movement, from: MovementPocket, to: MovementPocket, amountCents: bigint, leg: BankLeg & { readonly referenceId: string }): string {
      const common = { referenceType: 'OnUsTransfer', referenceId: leg.referenceId, occurredAt: m.time.at, bookDate: m.time.bookDate };
      m.work.post({ ...common, entryType: 'SWEEP', description: 'Sweep brokerage to bank', postings: [
        { account: { pocketId: from.id, kind: 'brokerage_cash' }, amountCents: -amountCents },
        { account: { pocketId: from.id, kind: 'bank_cash' }, amountCents },
      ] });
      const entryId = m.work.post({ ...common, entryType: 'ON_US', description: leg.description, postings: [
        { account: { pocketId: from.id, kind: 'bank_cash' }, amountCents: -amountCents },
        { account: { pocketId: to.id, kind: 'bank_cash' }, amountCents },
      ] });
      m.work.post({ ...common, entryType: 'SWEEP', description: 'Sweep bank to brokerage', postings: [
        { account: { pocketId: to.id, kind: 'bank_cash' }, amountCents: -amountCents },
        { account: { pocketId: to.id, kind: 'brokerage_cash' }, amountCents },
      ] });
      bankTransaction(m, from, 'DEBIT', amountCents, leg, entryId);
      return bankTransaction(m, to, 'CREDIT', amountCents, leg, entryId);
    },

    /**
     * Money in from a rail's clearing account (an ACH credit received through a portal): the
     * pocket's bank account, swept to its brokerage account; one CREDIT bank transaction.
     * @returns the bank transaction id.
     */
    creditFromRail(m: Movement, pocket: MovementPocket, amountCents: bigint, leg: BankLeg & { readonly clearing: 'ach_clearing' }): string {
      const transactionId = newId();
      const common = { referenceType: 'Transaction', referenceId: transactionId, occurredAt: m.time.at, bookDate: m.time.bookDate };
      const entryId = m.work.post({ ...common, entryType: 'ACH_CREDIT', description: `ACH credit from ${leg.title}`, postings: [
        { account: { system: leg.clearing }, amountCents: -amountCents },
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents },
      ] });
      m.work.post({ ...common, entryType: 'SWEEP', description: 'Sweep bank to brokerage', postings: [
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -amountCents },
        { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents },
      ] });
      return bankTransaction(m, pocket, 'CREDIT', amountCents, leg, entryId, transactionId);
    },

    /**
     * An ACH credit received and returned at once (R02: the portal it was sent to is closed): the
     * credit reaches the pocket's bank account and the return, a REVERSAL of it, takes it back to
     * the clearing account, so nothing stays in the pocket; a CREDIT and a DEBIT bank transaction
     * (Jiko's statuses have no RETURNED), the DEBIT described by `returnDescription`.
     * @returns the id of the credit's bank transaction.
     */
    returnToRail(m: Movement, pocket: MovementPocket, amountCents: bigint, leg: BankLeg & { readonly clearing: 'ach_clearing'; readonly returnDescription: string }): string {
      const transactionId = newId();
      const common = { referenceType: 'Transaction', referenceId: transactionId, occurredAt: m.time.at, bookDate: m.time.bookDate };
      const creditId = m.work.post({ ...common, entryType: 'ACH_CREDIT', description: `ACH credit from ${leg.title}`, postings: [
        { account: { system: leg.clearing }, amountCents: -amountCents },
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents },
      ] });
      const returnId = m.work.post({ ...common, entryType: 'REVERSAL', reversesEntryId: creditId, description: leg.returnDescription, postings: [
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -amountCents },
        { account: { system: leg.clearing }, amountCents },
      ] });
      bankTransaction(m, pocket, 'CREDIT', amountCents, leg, creditId, transactionId);
      bankTransaction(m, pocket, 'DEBIT', amountCents, { ...leg, description: leg.returnDescription }, returnId);
      return transactionId;
    },

    /**
     * Records a bank transaction of the movement (booked and settled at the movement's time) for
     * money a rail has booked itself (a card payment's posting).
     * @returns the bank transaction id.
     */
    record(m: Movement, pocket: MovementPocket, direction: 'CREDIT' | 'DEBIT', amountCents: bigint, leg: BankLeg, ledgerEntryId: string): string {
      return bankTransaction(m, pocket, direction, amountCents, leg, ledgerEntryId);
    },

    /** Invests the pocket's cash now if today is a business day, else leaves it waiting. */
    invest(m: Movement, pocket: MovementPocket, onUsTransferId: string | null): void {
      if (calendar.isBusinessDay(m.time.bookDate)) investCash(m.work, pocket, m.time, 0n, onUsTransferId);
      else if (!pocket.investPending) m.work.investPending.set(pocket.id, true);
    },

    /** Adds an event of the movement, in order with its trades' events (written at commit). */
    event(m: Movement, event: Omit<NewEvent, 'partnerId' | 'occurredAt'>): void {
      m.work.events.push({ ...event, partnerId: m.ctx.tenantId, occurredAt: m.time.at } as NewEvent);
    },

    /**
     * Writes the movement set-based: ledger entries, trades and lots, bank transactions, pocket
     * flags, then the events in the order they happened.
     */
    async commit(tx: Tx, m: Movement): Promise<void> {
      await m.work.flush(tx, () => {
        writeBankTransactions(tx, m.ctx.tenantId, m.bankTransactions);
        pockets.setInvestPending(tx, m.ctx.tenantId, m.work.investPending);
      });
    },
  };
}

export type Movements = ReturnType<typeof createMovements>;
