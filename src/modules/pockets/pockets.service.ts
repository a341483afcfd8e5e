import type { AppDeps } from '../../deps.ts';
import { emitEvent } from '../events/index.ts';
import { balancesOfKind, openPocketAccounts, pocketBalances, postEntry } from '../ledger/index.ts';
import type { MarketService, StrategyId } from '../market/index.ts';
import { customerCount, findCustomer, setCustomerAccountStatus } from '../onboarding/index.ts';
import {
  type OnUsTransfer,
  type OnUsTransferType,
  type Portal,
  completeOnUsTransfer,
  createPortal,
  findOnUsTransfer,
  insertBankTransaction,
  insertOnUsTransfer,
  listPortals,
  netFlows,
  newAchTraceNumber,
  rejectOnUsTransfer,
} from '../rails/index.ts';
import { createScheduler } from '../scheduler/index.ts';
import { assert } from '../../platform/assert.ts';
import { addDays, marketDate, marketInstant } from '../../platform/clock.ts';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { type CursorList, type PageRequest, cursorList, invalid } from '../../platform/http/index.ts';
import type { TenantContext } from '../../platform/http/index.ts';
import { newId } from '../../platform/ids.ts';
import { CLOCK_ADVANCE_DAYS_MAX } from '../../platform/limits.ts';
import { setTenantNow } from '../../platform/tenant-clock.ts';
import { type EngineContext, type TradeTime, type Valuation, investCash, matureLots, raiseCash, valuePockets } from './portfolio.engine.ts';
import { type EarningsPeriod, type Pocket, type PocketStatus, earningsWindow } from './pockets.domain.ts';
import { ClockErrors, PocketErrors, TransferErrors } from './pockets.errors.ts';
import * as repo from './pockets.repo.ts';

/** A pocket with its portfolio (null when the caller omitted it). */
export interface PocketView {
  readonly pocket: Pocket;
  readonly portfolio: (Valuation & { readonly allTimeEarningsCents: bigint }) | null;
}

export interface NewPocketInput {
  readonly pocketName: string;
  readonly depositStrategyId: StrategyId;
  readonly reinvestmentStrategyId?: StrategyId | null | undefined;
}

export interface UpdatePocketInput {
  readonly pocketName?: string | null | undefined;
  readonly depositStrategyId?: StrategyId | null | undefined;
  /** null clears it (the deposit strategy reinvests). */
  readonly reinvestmentStrategyId?: StrategyId | null | undefined;
  readonly status?: string | null | undefined;
  readonly closureReason?: string | null | undefined;
}

export type TransferAmount = { readonly type: 'REQUESTED_AMOUNT'; readonly amountCents: bigint } | { readonly type: 'FULL_WITHDRAWAL' };

export interface OnUsTransferInput {
  readonly type: OnUsTransferType;
  readonly fromPocketId: string;
  readonly toPocketId: string;
  readonly amount: TransferAmount | undefined;
  readonly transferId?: string | undefined;
  readonly description?: string | undefined;
  readonly source?: string | undefined;
  readonly target?: string | undefined;
}

export interface SandboxFundInput {
  readonly pocketId: string;
  readonly amountCents: bigint;
  readonly companyName: string;
  readonly count: number;
}

/** The tenant's test clock. `businessDate`: today (New York) if a business day, else the last one before. */
export interface ClockView {
  readonly now: Date;
  readonly businessDate: string;
}

export interface EarningsView {
  readonly earningsCents: bigint;
  readonly dateFrom: string;
  readonly dateTo: string;
}

/** Name of the partner funding pocket and its strategy. */
const FUNDING_POCKET_NAME = 'Partner funding';
const FUNDING_POCKET_STRATEGY: StrategyId = 'UST-4W';
const DEFAULT_PORTAL_NAME = 'Default';
const DAY_MS = 86_400_000;

/**
 * The pockets service: pockets, their portfolios and earnings, money movement (sandbox ACH
 * credits, on-us transfers), the sandbox test clock and the due work of business days. Each
 * method that changes money runs the tenant's due work first, then one transaction that locks the
 * pockets concerned (ascending id) and writes ledger, domain rows and events together.
 */
export function createPocketsService(deps: AppDeps, modules: { market: MarketService }) {
  const { db } = deps;
  const { market } = modules;
  const calendar = market.calendar;

  /** Trade timing of an instant: prices of the last business day on or before it. */
  function timeAt(at: Date): TradeTime {
    const bookDate = marketDate(at);
    return { at, bookDate, pricingDate: calendar.onOrBefore(bookDate), settlementDate: calendar.onOrAfter(bookDate) };
  }

  /** Due work happens at the start (00:00 New York) of its business day. */
  function startOfDayTime(date: string): TradeTime {
    return { at: marketInstant(date, 0), bookDate: date, pricingDate: date, settlementDate: date };
  }

  const scheduler = createScheduler({
    db,
    wallClock: deps.wallClock,
    calendar,
    work: {
      async startOfDay(tx, partnerId, date) {
        const ctx: EngineContext = { market, partnerId };
        const lots = await repo.maturingLots(tx, partnerId, date);
        const waiting = await repo.pocketsWithPendingCash(tx, partnerId);
        const ids = [...new Set([...lots.map((lot) => lot.pocket_id), ...waiting])].sort();
        if (ids.length === 0) return;
        const pockets = await repo.lockPockets(tx, partnerId, ids);
        const time = startOfDayTime(date);
        const paid = await matureLots(tx, ctx, pockets, lots, time);
        for (const id of ids) {
          const pocket = pockets.get(id);
          if (pocket?.status === 'OPEN') await investCash(tx, ctx, pocket, time, paid.get(id) ?? 0n);
        }
      },
      async endOfDay(tx, partnerId, date) {
        const ids = await repo.pocketsForDailyValues(tx, partnerId, marketInstant(addDays(date, 1), 0), date);
        const values = await valuePockets(tx, market, partnerId, ids, date);
        await repo.insertDailyValues(
          tx,
          partnerId,
          date,
          ids.map((id) => ({ pocketId: id, totalValueCents: values.get(id)!.totalValueCents, cashCents: values.get(id)!.cashCents })),
        );
      },
    },
  });

  async function views(q: Queryable, partnerId: string, pockets: readonly Pocket[], now: Date, withPortfolio: boolean): Promise<PocketView[]> {
    if (!withPortfolio) return pockets.map((pocket) => ({ pocket, portfolio: null }));
    const ids = pockets.map((p) => p.id);
    const pricingDate = calendar.onOrBefore(marketDate(now));
    const values = await valuePockets(q, market, partnerId, ids, pricingDate);
    const flows = await netFlows(q, partnerId, ids);
    return pockets.map((pocket) => {
      const value = values.get(pocket.id)!;
      return { pocket, portfolio: { ...value, allTimeEarningsCents: value.totalValueCents - (flows.get(pocket.id) ?? 0n) } };
    });
  }

  /** Creates, provisions and opens a pocket with its ledger accounts and portal. */
  async function openNewPocket(
    tx: Tx,
    partnerId: string,
    fields: { customerId: string | null; type: Pocket['type']; pocketName: string; depositStrategyId: StrategyId; reinvestmentStrategyId: StrategyId | null },
    now: Date,
  ): Promise<string> {
    const id = newId();
    await repo.insertPocket(tx, { id, partnerId, ...fields, at: now });
    await openPocketAccounts(tx, partnerId, id, now);
    await createPortal(tx, partnerId, id, DEFAULT_PORTAL_NAME, now);
    // Provisioning is immediate here: no bank or broker to wait for.
    await repo.setPocketOpen(tx, id, now);
    await emitEvent(tx, {
      partnerId,
      eventType: 'pocket.status.open',
      objectType: 'Pocket',
      objectId: id,
      customerId: fields.customerId,
      payload: { pocket_id: id },
      occurredAt: now,
    });
    return id;
  }

  /** The tenant's partner funding pocket, made on first use. */
  async function ensureFundingPocket(tx: Tx, partnerId: string, now: Date): Promise<string> {
    // One per tenant (unique index); the lock on the partner's scheduler row serialises creators.
    await tx.query(`SELECT partner_id FROM scheduler_tenants WHERE partner_id = $1 FOR UPDATE`, [partnerId]);
    const existing = await repo.findPartnerFundingPocket(tx, partnerId);
    if (existing) return existing.id;
    return openNewPocket(
      tx,
      partnerId,
      { customerId: null, type: 'PARTNER_FUNDING', pocketName: FUNDING_POCKET_NAME, depositStrategyId: FUNDING_POCKET_STRATEGY, reinvestmentStrategyId: null },
      now,
    );
  }

  /** The pocket, checked against the tenant and (customer routes) the customer. */
  async function pocketOf(q: Queryable, tenant: TenantContext, pocketId: string, customerId?: string): Promise<Pocket> {
    if (customerId !== undefined && !(await findCustomer(q, tenant.partnerId, customerId))) throw PocketErrors.customerNotFound();
    const pocket = await repo.findPocket(q, tenant.partnerId, pocketId);
    if (!pocket || (customerId !== undefined && pocket.customerId !== customerId)) throw PocketErrors.notFound();
    return pocket;
  }

  /**
   * Moves `amountCents` from a pocket's brokerage cash to its bank account and on to another pocket.
   * @returns the id of the receiving pocket's bank transaction (Jiko's transaction_activity_id).
   */
  async function moveOnUs(tx: Tx, partnerId: string, from: Pocket, to: Pocket, amountCents: bigint, transfer: { id: string; type: OnUsTransferType; description: string; title: string }, time: TradeTime) {
    const common = { partnerId, referenceType: 'OnUsTransfer', referenceId: transfer.id, occurredAt: time.at, bookDate: time.bookDate };
    await postEntry(tx, {
      ...common,
      entryType: 'SWEEP',
      description: 'Sweep brokerage to bank',
      postings: [
        { account: { pocketId: from.id, kind: 'brokerage_cash' }, amountCents: -amountCents },
        { account: { pocketId: from.id, kind: 'bank_cash' }, amountCents },
      ],
    });
    const entryId = await postEntry(tx, {
      ...common,
      entryType: 'ON_US',
      description: transfer.description,
      postings: [
        { account: { pocketId: from.id, kind: 'bank_cash' }, amountCents: -amountCents },
        { account: { pocketId: to.id, kind: 'bank_cash' }, amountCents },
      ],
    });
    await postEntry(tx, {
      ...common,
      entryType: 'SWEEP',
      description: 'Sweep bank to brokerage',
      postings: [
        { account: { pocketId: to.id, kind: 'bank_cash' }, amountCents: -amountCents },
        { account: { pocketId: to.id, kind: 'brokerage_cash' }, amountCents },
      ],
    });
    let creditId = '';
    for (const [pocket, direction] of [[from, 'DEBIT'], [to, 'CREDIT']] as const) {
      const transactionId = await insertBankTransaction(tx, {
        partnerId,
        pocketId: pocket.id,
        customerId: pocket.customerId,
        type: 'ON_US',
        direction,
        amountCents,
        description: transfer.description,
        title: transfer.title,
        bookedAt: time.at,
        settledAt: time.at,
        bookDate: time.bookDate,
        onUsTransferId: transfer.id,
        ledgerEntryId: entryId,
      });
      if (direction === 'CREDIT') creditId = transactionId;
    }
    return { creditTransactionId: creditId };
  }

  /** Invests a pocket's cash now if today is a business day, else leaves it waiting. */
  async function investOrWait(tx: Tx, ctx: EngineContext, pocket: Pocket, time: TradeTime, onUsTransferId: string | null) {
    if (calendar.isBusinessDay(time.bookDate)) await investCash(tx, ctx, pocket, time, 0n, onUsTransferId);
    else if (!pocket.investPending) await repo.setInvestPending(tx, pocket.id, true);
  }

  function clockView(now: Date): ClockView {
    return { now, businessDate: calendar.onOrBefore(marketDate(now)) };
  }

  return {
    /** Runs the tenant's due business-day work up to `now` (see scheduler). */
    runDueWork: (partnerId: string, now: Date) => scheduler.runDueWork(partnerId, now),
    /** The background loop of due work, for the server and the worker. */
    startScheduler: () => scheduler.startScheduler(),

    /**
     * Creates a pocket for a customer of the tenant; it opens at once (event `pocket.status.open`)
     * with a portal. The customer's account status becomes OPEN with its first open pocket.
     * @throws DomainError 404 for an unknown customer.
     */
    async createPocket(tenant: TenantContext, customerId: string, input: NewPocketInput): Promise<PocketView> {
      const { partnerId, now } = tenant;
      await scheduler.runDueWork(partnerId, now);
      const id = await db.tx(async (tx) => {
        if (!(await findCustomer(tx, partnerId, customerId))) throw PocketErrors.customerNotFound();
        await scheduler.enroll(tx, partnerId, now);
        await ensureFundingPocket(tx, partnerId, now);
        const hadOpen = (await repo.countCustomerPockets(tx, partnerId, customerId, 'OPEN')) > 0;
        const pocketId = await openNewPocket(
          tx,
          partnerId,
          {
            customerId,
            type: 'CUSTOMER',
            pocketName: input.pocketName,
            depositStrategyId: input.depositStrategyId,
            reinvestmentStrategyId: input.reinvestmentStrategyId ?? null,
          },
          now,
        );
        if (!hadOpen) await setCustomerAccountStatus(tx, partnerId, customerId, 'OPEN');
        return pocketId;
      });
      const pocket = (await repo.findPocket(db, partnerId, id))!;
      return (await views(db, partnerId, [pocket], now, true))[0]!;
    },

    /** A page of the tenant's pockets (or one customer's), oldest first. */
    async listPockets(
      tenant: TenantContext,
      options: { customerId?: string; statuses?: readonly PocketStatus[]; page: PageRequest; withPortfolio: boolean },
    ): Promise<CursorList<PocketView>> {
      const { partnerId, now } = tenant;
      await scheduler.runDueWork(partnerId, now);
      if (options.customerId !== undefined && !(await findCustomer(db, partnerId, options.customerId))) throw PocketErrors.customerNotFound();
      const rows = await repo.listPockets(
        db,
        partnerId,
        { ...(options.customerId ? { customerId: options.customerId } : {}), ...(options.statuses ? { statuses: options.statuses } : {}) },
        options.page,
      );
      const page = rows.slice(0, options.page.limit);
      const byId = new Map(
        (await views(db, partnerId, page.map((r) => r.pocket), now, options.withPortfolio)).map((v) => [v.pocket.id, v] as const),
      );
      return cursorList(options.page, rows, (row) => row.key, (row) => byId.get(row.pocket.id) ?? { pocket: row.pocket, portfolio: null });
    },

    /** One pocket with its portfolio; `customerId` given for the customer-scoped route. */
    async getPocket(tenant: TenantContext, pocketId: string, options: { customerId?: string; withPortfolio?: boolean } = {}): Promise<PocketView> {
      await scheduler.runDueWork(tenant.partnerId, tenant.now);
      const pocket = await pocketOf(db, tenant, pocketId, options.customerId);
      return (await views(db, tenant.partnerId, [pocket], tenant.now, options.withPortfolio ?? true))[0]!;
    },

    /**
     * Renames, changes strategies, or closes a pocket (status CLOSED + closure_reason). Closing needs
     * an empty pocket and another OPEN pocket of the customer; otherwise nothing changes.
     * @throws DomainError 404, 422 (bad status, missing reason, pocket not open, funding pocket),
     *   409 (`pockets.not_empty`, `pockets.last_open_pocket`).
     */
    async updatePocket(tenant: TenantContext, pocketId: string, input: UpdatePocketInput, customerId?: string): Promise<PocketView> {
      const { partnerId, now } = tenant;
      await scheduler.runDueWork(partnerId, now);
      await db.tx(async (tx) => {
        await pocketOf(tx, tenant, pocketId, customerId);
        const pocket = (await repo.lockPockets(tx, partnerId, [pocketId])).get(pocketId)!;
        const closing = input.status !== undefined && input.status !== null;
        if (closing && input.status !== 'CLOSED') throw PocketErrors.statusNotSupported();
        if (pocket.status === 'CLOSED') throw PocketErrors.notOpen(['path', 'pocket_id']);
        if (closing && pocket.type === 'PARTNER_FUNDING') throw PocketErrors.fundingPocketImmutable();
        if (closing && !input.closureReason) throw PocketErrors.closureReasonRequired();
        await repo.updatePocketFields(
          tx,
          pocketId,
          {
            ...(input.pocketName ? { pocketName: input.pocketName } : {}),
            ...(input.depositStrategyId ? { depositStrategyId: input.depositStrategyId } : {}),
            ...(input.reinvestmentStrategyId !== undefined ? { reinvestmentStrategyId: input.reinvestmentStrategyId } : {}),
          },
          now,
        );
        if (!closing) return;
        const balances = (await pocketBalances(tx, partnerId, [pocketId])).get(pocketId)!;
        const lots = await repo.openLots(tx, partnerId, [pocketId]);
        if (balances.bank_cash !== 0n || balances.brokerage_cash !== 0n || balances.securities_at_cost !== 0n || lots.length > 0) {
          throw PocketErrors.notEmpty();
        }
        assert(pocket.customerId, 'a customer pocket has a customer');
        if ((await repo.countCustomerPockets(tx, partnerId, pocket.customerId, 'OPEN', pocketId)) === 0) throw PocketErrors.lastOpenPocket();
        await repo.closePocket(tx, pocketId, input.closureReason!, now);
        await emitEvent(tx, {
          partnerId,
          eventType: 'pocket.status.closed',
          objectType: 'Pocket',
          objectId: pocketId,
          customerId: pocket.customerId,
          payload: { pocket_id: pocketId },
          occurredAt: now,
        });
      });
      const pocket = (await repo.findPocket(db, partnerId, pocketId))!;
      return (await views(db, partnerId, [pocket], now, true))[0]!;
    },

    /**
     * Earnings of a pocket over a period: value at the end minus value the business day before the
     * start minus net money moved in between. Past days come from end-of-day values; today (a
     * business day) from live marks.
     * @throws DomainError 404; 422 for a range without both dates or with date_from after date_to.
     */
    async earnings(tenant: TenantContext, pocketId: string, query: { period: EarningsPeriod; dateFrom?: string | undefined; dateTo?: string | undefined }): Promise<EarningsView> {
      const { partnerId, now } = tenant;
      await scheduler.runDueWork(partnerId, now);
      const pocket = await pocketOf(db, tenant, pocketId);
      if (query.period === 'range') {
        if (!query.dateFrom) throw invalid(['query', 'date_from'], 'date_from is required for period=range', 'missing', 'pockets.range_dates');
        if (!query.dateTo) throw invalid(['query', 'date_to'], 'date_to is required for period=range', 'missing', 'pockets.range_dates');
        if (query.dateFrom > query.dateTo) throw invalid(['query', 'date_from'], 'date_from must not be after date_to', 'value_error', 'pockets.range_dates');
      }
      const today = marketDate(now);
      const window = earningsWindow(calendar, { period: query.period, today, pocketStart: marketDate(pocket.createdAt), dateFrom: query.dateFrom, dateTo: query.dateTo });
      const live = window.endDate === today;
      const endValue = live
        ? (await valuePockets(db, market, partnerId, [pocket.id], today)).get(pocket.id)!.totalValueCents
        : await repo.dailyValueOnOrBefore(db, pocket.id, window.endDate);
      const baseValue = await repo.dailyValueOnOrBefore(db, pocket.id, window.baseDate);
      const flows = (await netFlows(db, partnerId, [pocket.id], { afterDate: window.baseDate, throughDate: window.endDate })).get(pocket.id) ?? 0n;
      return { earningsCents: endValue - baseValue - flows, dateFrom: window.dateFrom, dateTo: window.dateTo };
    },

    /** The pocket's portals. */
    async listPortals(tenant: TenantContext, pocketId: string): Promise<Portal[]> {
      await pocketOf(db, tenant, pocketId);
      return listPortals(db, tenant.partnerId, pocketId);
    },

    /**
     * Sandbox: `count` inbound ACH credits of `amountCents` through the pocket's portal, each
     * booked and settled at once (event `transfers.ach.in.success`), then invested (or left
     * waiting for the next business day).
     * @throws DomainError 404 for another tenant's or an unknown pocket, 422 when it is not open.
     */
    async sandboxFund(tenant: TenantContext, input: SandboxFundInput): Promise<void> {
      const { partnerId, now } = tenant;
      assert(input.amountCents > 0n && input.count > 0, 'fund amount and count are positive');
      await scheduler.runDueWork(partnerId, now);
      await db.tx(async (tx) => {
        const pocket = (await repo.lockPockets(tx, partnerId, [input.pocketId])).get(input.pocketId);
        if (!pocket) throw PocketErrors.notFound();
        if (pocket.status !== 'OPEN') throw PocketErrors.notOpen(['body', 'account_id']);
        const portal = (await listPortals(tx, partnerId, pocket.id)).find((p) => p.status === 'OPEN');
        if (!portal) throw PocketErrors.notOpen(['body', 'account_id']);
        const time = timeAt(now);
        for (let i = 0; i < input.count; i++) {
          const transactionId = newId();
          const common = { partnerId, referenceType: 'Transaction', referenceId: transactionId, occurredAt: now, bookDate: time.bookDate };
          const entryId = await postEntry(tx, {
            ...common,
            entryType: 'ACH_CREDIT',
            description: `ACH credit from ${input.companyName}`,
            postings: [
              { account: { system: 'ach_clearing' }, amountCents: -input.amountCents },
              { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: input.amountCents },
            ],
          });
          await postEntry(tx, {
            ...common,
            entryType: 'SWEEP',
            description: 'Sweep bank to brokerage',
            postings: [
              { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -input.amountCents },
              { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: input.amountCents },
            ],
          });
          await insertBankTransaction(
            tx,
            {
              partnerId,
              pocketId: pocket.id,
              customerId: pocket.customerId,
              type: 'ACH',
              direction: 'CREDIT',
              amountCents: input.amountCents,
              description: 'ACH Electronic Credit',
              title: input.companyName,
              bookedAt: now,
              settledAt: now,
              bookDate: time.bookDate,
              portalId: portal.id,
              achCompanyName: input.companyName,
              achTraceNumber: newAchTraceNumber(),
              ledgerEntryId: entryId,
            },
            transactionId,
          );
          await emitEvent(tx, {
            partnerId,
            eventType: 'transfers.ach.in.success',
            objectType: 'Transaction',
            objectId: transactionId,
            customerId: pocket.customerId,
            payload: { jiko_account_id: pocket.id },
            occurredAt: now,
          });
        }
        await investOrWait(tx, { market, partnerId }, pocket, time, null);
      });
    },

    /**
     * Creates an on-us transfer and carries it out at once: the source sells bills if its cash
     * falls short, the money moves bank to bank, the target invests (or waits for a business day).
     * A repeated `transferId` returns the existing transfer. Insufficient value gives a REJECTED
     * transfer (reason INSUFFICIENT_FUNDS) with nothing moved.
     * @throws DomainError 404 for unknown pockets; 422 for the same pocket twice, a pocket not open,
     *   pockets that do not fit the type, FULL_WITHDRAWAL with funding, a missing source/target.
     */
    async createOnUsTransfer(tenant: TenantContext, input: OnUsTransferInput): Promise<OnUsTransfer> {
      const { partnerId, now } = tenant;
      if (input.transferId) {
        const existing = await findOnUsTransfer(db, partnerId, input.transferId);
        if (existing) return existing;
      }
      if (!input.amount) throw TransferErrors.amountMissing();
      if (input.type === 'PARTNER_CUSTOMER_FUNDING' && input.amount.type === 'FULL_WITHDRAWAL') throw TransferErrors.fullWithdrawalNotAllowed();
      if (input.type === 'PARTNER_CUSTOMER_FUNDING' && !input.source) throw TransferErrors.fieldRequired('source');
      if (input.type === 'PARTNER_CUSTOMER_DEFUNDING' && !input.target) throw TransferErrors.fieldRequired('target');
      if (input.fromPocketId === input.toPocketId) throw TransferErrors.samePocket();
      const amount = input.amount;
      await scheduler.runDueWork(partnerId, now);
      const id = newId();
      const outcome = await db.tx(async (tx) => {
        const pockets = await repo.lockPockets(tx, partnerId, [input.fromPocketId, input.toPocketId]);
        const from = pockets.get(input.fromPocketId);
        const to = pockets.get(input.toPocketId);
        if (!from || !to) throw TransferErrors.notFound();
        const funding = (p: Pocket) => p.type === 'PARTNER_FUNDING';
        if (input.type === 'PARTNER_CUSTOMER_FUNDING') {
          if (!funding(from)) throw TransferErrors.wrongPocket(['body', 'from_account', 'id'], 'must be the partner funding pocket');
          if (funding(to)) throw TransferErrors.wrongPocket(['body', 'to_account', 'id'], 'must be a customer pocket');
        } else if (input.type === 'PARTNER_CUSTOMER_DEFUNDING') {
          if (funding(from)) throw TransferErrors.wrongPocket(['body', 'from_account', 'id'], 'must be a customer pocket');
          if (!funding(to)) throw TransferErrors.wrongPocket(['body', 'to_account', 'id'], 'must be the partner funding pocket');
        } else {
          if (funding(from) || funding(to)) throw TransferErrors.wrongPocket(['body', 'from_account', 'id'], 'must be customer pockets');
          if (from.customerId !== to.customerId) throw TransferErrors.otherCustomer();
        }
        if (from.status !== 'OPEN') throw PocketErrors.notOpen(['body', 'from_account', 'id']);
        if (to.status !== 'OPEN') throw PocketErrors.notOpen(['body', 'to_account', 'id']);

        const transferId = input.transferId ?? id;
        const inserted = await insertOnUsTransfer(tx, {
          id,
          partnerId,
          transferId,
          type: input.type,
          fromPocketId: from.id,
          toPocketId: to.id,
          amountType: amount.type,
          requestedAmountCents: amount.type === 'REQUESTED_AMOUNT' ? amount.amountCents : null,
          description: input.description ?? null,
          source: input.source ?? null,
          target: input.target ?? null,
          at: now,
        });
        if (!inserted) return { existing: transferId };
        const event = async (eventType: string) =>
          emitEvent(tx, {
            partnerId,
            eventType,
            objectType: 'OnUsTransfer',
            objectId: id,
            customerId: from.customerId ?? to.customerId,
            payload: { on_us_id: id, origin_account_id: from.id, destination_account_id: to.id },
            occurredAt: now,
          });
        await event('transfers.on-us.processing');
        const ctx: EngineContext = { market, partnerId };
        const time = timeAt(now);
        const cash = await raiseCash(tx, ctx, from, amount.type === 'REQUESTED_AMOUNT' ? amount.amountCents : undefined, time, id);
        if (cash === undefined || cash === 0n) {
          await rejectOnUsTransfer(tx, id, 'INSUFFICIENT_FUNDS', now);
          await event('transfers.on-us.rejected');
          return { existing: undefined };
        }
        const movedCents = amount.type === 'REQUESTED_AMOUNT' ? amount.amountCents : cash;
        const title =
          input.type === 'PARTNER_CUSTOMER_FUNDING' ? input.source! : input.type === 'PARTNER_CUSTOMER_DEFUNDING' ? input.target! : 'Internal reallocation';
        const { creditTransactionId } = await moveOnUs(tx, partnerId, from, to, movedCents, { id, type: input.type, description: input.description ?? 'On-us transfer', title }, time);
        await investOrWait(tx, ctx, to, time, id);
        await completeOnUsTransfer(tx, id, movedCents, now);
        await event('transfers.on-us.success');
        // The receiving side's notice, in the Customer API's payload shape.
        await emitEvent(tx, {
          partnerId,
          eventType: 'transfers.on-us.received',
          objectType: 'OnUsTransfer',
          objectId: id,
          customerId: to.customerId ?? from.customerId,
          payload: { on_us_id: id, transaction_activity_id: creditTransactionId, receiving_pocket_id: to.id },
          occurredAt: now,
        });
        return { existing: undefined };
      });
      const transfer = await findOnUsTransfer(db, partnerId, outcome.existing ?? id);
      assert(transfer, 'the transfer was just written');
      return transfer;
    },

    /** @throws DomainError 404 for an unknown or another tenant's transfer. */
    async getOnUsTransfer(tenant: TenantContext, idOrTransferId: string): Promise<OnUsTransfer> {
      const transfer = await findOnUsTransfer(db, tenant.partnerId, idOrTransferId);
      if (!transfer) throw TransferErrors.notFound();
      return transfer;
    },

    /** The tenant's test clock. */
    getClock(tenant: TenantContext): ClockView {
      return clockView(tenant.now);
    },

    /**
     * Sets the tenant's clock: to any instant while it has no customers, afterwards only forward
     * (due work up to the new time runs before this returns).
     * @throws DomainError 409 `clock.backward`.
     */
    async setClock(tenant: TenantContext, instant: Date): Promise<ClockView> {
      const { partnerId } = tenant;
      await db.tx(async (tx) => {
        const customers = await customerCount(tx, partnerId);
        if (customers > 0 && instant.getTime() < tenant.now.getTime()) throw ClockErrors.backward();
        await setTenantNow(tx, deps.wallClock, partnerId, instant);
        if (customers === 0) await scheduler.reset(tx, partnerId);
      });
      await scheduler.runDueWork(partnerId, instant);
      return clockView(instant);
    },

    /**
     * Moves the tenant's clock forward to `to` or by `days` days and runs all due work on the way,
     * in time order.
     * @throws DomainError 422 when `to` is earlier than the clock or beyond CLOCK_ADVANCE_DAYS_MAX.
     */
    async advanceClock(tenant: TenantContext, by: { to?: Date | undefined; days?: number | undefined }): Promise<ClockView> {
      const { partnerId, now } = tenant;
      if ((by.to === undefined) === (by.days === undefined)) throw ClockErrors.oneOf();
      const field = by.to !== undefined ? 'to' : 'days';
      const target = by.to ?? new Date(now.getTime() + by.days! * DAY_MS);
      if (target.getTime() < now.getTime()) throw ClockErrors.notForward(field);
      if (target.getTime() - now.getTime() > CLOCK_ADVANCE_DAYS_MAX * DAY_MS) throw ClockErrors.tooFar(field);
      await setTenantNow(db, deps.wallClock, partnerId, target);
      await scheduler.runDueWork(partnerId, target);
      return clockView(target);
    },
  };
}

export type PocketsService = ReturnType<typeof createPocketsService>;

/**
 * The engine's rules checked against the ledger for one tenant: bank cash rests at zero,
 * securities at cost equal the cost of open lots, realized earnings mirror the trades' realized
 * gains. Returns violations as sentences (empty when sound); see also checkLedgerInvariants.
 */
export async function checkPortfolioInvariants(q: Queryable, partnerId: string): Promise<string[]> {
  const violations: string[] = [];
  for (const [pocketId, balance] of await balancesOfKind(q, partnerId, 'bank_cash')) {
    if (balance !== 0n) violations.push(`pocket ${pocketId} bank cash rests at ${balance}, not 0`);
  }
  const lotCost = await repo.openLotCostByPocket(q, partnerId);
  for (const [pocketId, balance] of await balancesOfKind(q, partnerId, 'securities_at_cost')) {
    const cost = lotCost.get(pocketId) ?? 0n;
    if (balance !== cost) violations.push(`pocket ${pocketId} securities at cost ${balance} but open lots cost ${cost}`);
  }
  const realized = (await balancesOfKind(q, partnerId, 'realized_earnings')).get('system') ?? 0n;
  const gains = await repo.realizedGainsTotal(q, partnerId);
  if (realized !== -gains) violations.push(`realized earnings account ${realized} does not mirror trades' realized gains ${gains}`);
  return violations;
}
