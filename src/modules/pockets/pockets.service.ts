import type { AppDeps } from '../../deps.ts';
import { emitEvent } from '../events/index.ts';
import { hasPendingEntries, openPocketAccounts, pocketBalances, pocketBalancesFromJson, pocketBalancesJson } from '../ledger/index.ts';
import type { MarketService, StrategyId } from '../market/index.ts';
import { type PocketStore, netFlowAllTime, netFlows } from '../movements/index.ts';
import { customerCount, findCustomer, setCustomerAccountStatus } from '../onboarding/index.ts';
import { type Valuation, openLots, openLotsFromJson, openLotsJson, valueFrom, valuePockets } from '../portfolio/index.ts';
import { createPortal } from '../rails/portal/index.ts';
import type { Scheduler } from '../scheduler/index.ts';
import { assert } from '../../platform/assert.ts';
import { marketDate } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { exactlyOnce } from '../../platform/exactly-once.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import { type CursorList, type PageRequest, cursorList } from '../../platform/http/index.ts';
import { newId } from '../../platform/ids.ts';
import { type EarningsPeriod, type Pocket, type PocketStatus, earningsWindow } from './pockets.domain.ts';
import { timeIdKey } from './activity.domain.ts';
import { PocketErrors } from './pockets.errors.ts';
import * as repo from './pockets.repo.ts';
import { pocketTasks } from './pockets.tasks.ts';

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

export interface EarningsView {
  readonly earningsCents: bigint;
  readonly dateFrom: string;
  readonly dateTo: string;
}

/** Name of the partner funding pocket and its strategy. */
const FUNDING_POCKET_NAME = 'Partner funding';
const FUNDING_POCKET_STRATEGY: StrategyId = 'UST-4W';
const DEFAULT_PORTAL_NAME = 'Default';

/** Calendar dates whose pricing date the pockets service remembers, at most. */
const PRICING_DATES_KEPT_MAX = 64;

/** The job kind that opens a PENDING pocket (payload: the pocket's id). */
export const POCKET_OPEN_JOB_KIND = 'pocket.open';

interface OpenPocketJob {
  readonly pocketId: string;
}

/**
 * What other modules do when a pocket closes, in the transaction that closes it (the pocket is
 * locked and CLOSED there). Modules that depend on pockets (cards) implement it; services.ts
 * registers them with `onClose`, so that pockets never import them.
 */
export interface PocketCloseHooks {
  /** The tenant's (`ctx.tenantId`) pocket `pocketId` closed at `ctx.now`. A throw rolls the closing back. */
  pocketClosed(tx: Tx, ctx: RequestContext, pocketId: string): Promise<void>;
}

/** What the pockets service is built from. */
export interface PocketsModules {
  readonly market: MarketService;
  readonly scheduler: Scheduler;
  /** The process's job queue: pockets register the job that opens a PENDING pocket. */
  readonly jobs: JobQueue;
  /** A tenant's clock now (the opening's time and its event's). */
  readonly tenantNow: (tenantId: string) => Promise<Date>;
}

/**
 * The pockets service: pocket lifecycle (create, rename, change strategies, close), valuation and
 * earnings, and the pockets' business-day tasks. Money movement is the movements primitive's and
 * the rails'; they reach pockets through `store`.
 */
/** The other modules' SQL of a pocket's reads, for `findPocketWithReads`. */
const POCKET_READS: repo.PocketReadsSql = { balances: pocketBalancesJson, lots: openLotsJson, netFlow: netFlowAllTime };

export function createPocketsService(deps: AppDeps, modules: PocketsModules) {
  const { db } = deps;
  const { market, scheduler, jobs, tenantNow } = modules;
  const calendar = market.calendar;
  const closeHooks: PocketCloseHooks[] = [];
  for (const task of pocketTasks(market)) scheduler.register(task);
  jobs.register<OpenPocketJob>(POCKET_OPEN_JOB_KIND, {
    maxAttempts: 10,
    timeoutMs: 10_000,
    run: async (job) => {
      // The clock is read before the transaction: on PGlite the transaction holds the one connection.
      const now = await tenantNow(job.tenantId);
      await db.tx(async (tx) => openPending(tx, job.tenantId, job.payload.pocketId, now));
    },
  });

  /** The business date whose prices value a pocket on calendar date `date` (remembered: the calendar does not change). */
  const pricingDates = new Map<string, string>();
  function pricingDateOf(date: string): string {
    let pricingDate = pricingDates.get(date);
    if (pricingDate === undefined) {
      pricingDate = calendar.onOrBefore(date);
      pricingDates.set(date, pricingDate);
      if (pricingDates.size > PRICING_DATES_KEPT_MAX) pricingDates.delete(pricingDates.keys().next().value!);
    }
    return pricingDate;
  }

  /** The portfolios of the tenant's pockets `ids` at `now`: valuation and all-time earnings (reads issued together). */
  async function portfolios(q: Queryable, tenantId: string, ids: readonly string[], now: Date): Promise<Map<string, NonNullable<PocketView['portfolio']>>> {
    const pricingDate = pricingDateOf(marketDate(now));
    const [values, flows] = await Promise.all([valuePockets(q, market, tenantId, ids, pricingDate), netFlows(q, tenantId, ids)]);
    return new Map(ids.map((id) => {
      const value = values.get(id)!;
      return [id, { ...value, allTimeEarningsCents: value.totalValueCents - (flows.get(id) ?? 0n) }] as const;
    }));
  }

  async function views(q: Queryable, tenantId: string, pockets: readonly Pocket[], now: Date, withPortfolio: boolean): Promise<PocketView[]> {
    if (!withPortfolio) return pockets.map((pocket) => ({ pocket, portfolio: null }));
    const byId = await portfolios(q, tenantId, pockets.map((p) => p.id), now);
    return pockets.map((pocket) => ({ pocket, portfolio: byId.get(pocket.id)! }));
  }

  /** Provisions a pocket already inserted (ledger accounts, a portal); it stays PENDING. */
  async function provision(tx: Tx, tenantId: string, id: string, now: Date): Promise<void> {
    await openPocketAccounts(tx, tenantId, id, now);
    await createPortal(tx, tenantId, id, DEFAULT_PORTAL_NAME, now);
  }

  /** Provisions and opens a pocket already inserted, in the same transaction, with the open event. */
  async function provisionOpen(tx: Tx, tenantId: string, id: string, customerId: string | null, now: Date): Promise<void> {
    await provision(tx, tenantId, id, now);
    repo.setPocketOpen(tx, id, now);
    await emitEvent(tx, { partnerId: tenantId, eventType: 'pocket.status.open', objectType: 'Pocket', objectId: id, customerId, payload: { pocket_id: id }, occurredAt: now });
  }

  /**
   * Opens a PENDING pocket at `now` (the tenant's clock): status OPEN, the open event, and the
   * customer's account status OPEN with its first open pocket. Nothing when it is not PENDING.
   */
  async function openPending(tx: Tx, tenantId: string, pocketId: string, now: Date): Promise<void> {
    const opened = await repo.openPendingPocket(tx, tenantId, pocketId, now);
    if (!opened) return;
    const { customerId } = opened;
    if (customerId !== null && (await repo.countCustomerPockets(tx, tenantId, customerId, 'OPEN', pocketId)) === 0) {
      await setCustomerAccountStatus(tx, tenantId, customerId, 'OPEN');
    }
    await emitEvent(tx, { partnerId: tenantId, eventType: 'pocket.status.open', objectType: 'Pocket', objectId: pocketId, customerId, payload: { pocket_id: pocketId }, occurredAt: now });
  }

  /** The tenant's partner funding pocket, made on first use. */
  async function ensureFundingPocket(tx: Tx, tenantId: string, now: Date): Promise<void> {
    const id = newId();
    const inserted = await repo.insertFundingPocketOnce(tx, { id, partnerId: tenantId, pocketName: FUNDING_POCKET_NAME, depositStrategyId: FUNDING_POCKET_STRATEGY, at: now });
    if (inserted) await provisionOpen(tx, tenantId, id, null, now);
  }

  /** The pocket, checked against the tenant and (customer routes) the customer (reads issued together). */
  async function pocketOf(q: Queryable, ctx: RequestContext, pocketId: string, customerId?: string): Promise<Pocket> {
    const [customer, pocket] = await Promise.all([
      customerId !== undefined ? findCustomer(q, ctx.tenantId, customerId) : true,
      repo.findPocket(q, ctx.tenantId, pocketId),
    ]);
    if (!customer) throw PocketErrors.customerNotFound();
    if (!pocket || (customerId !== undefined && pocket.customerId !== customerId)) throw PocketErrors.notFound();
    return pocket;
  }

  /** Closing rules: an empty pocket, a reason, another OPEN pocket of the customer. */
  async function close(tx: Tx, ctx: RequestContext, pocket: Pocket, reason: string): Promise<void> {
    const balances = (await pocketBalances(tx, ctx.tenantId, [pocket.id])).get(pocket.id)!;
    const lots = await openLots(tx, ctx.tenantId, [pocket.id]);
    if (balances.bank_cash !== 0n || balances.brokerage_cash !== 0n || balances.securities_at_cost !== 0n || lots.length > 0) throw PocketErrors.notEmpty();
    // Money in flight (a pending ACH pull or push, a wire) would land in, or leave, a closed pocket.
    if (await hasPendingEntries(tx, ctx.tenantId, pocket.id)) throw PocketErrors.moneyInFlight();
    assert(pocket.customerId, 'a customer pocket has a customer');
    if ((await repo.countCustomerPockets(tx, ctx.tenantId, pocket.customerId, 'OPEN', pocket.id)) === 0) throw PocketErrors.lastOpenPocket();
    await repo.closePocket(tx, pocket.id, reason, ctx.now);
    await emitEvent(tx, {
      partnerId: ctx.tenantId, eventType: 'pocket.status.closed', objectType: 'Pocket', objectId: pocket.id,
      customerId: pocket.customerId, payload: { pocket_id: pocket.id }, occurredAt: ctx.now,
    });
    for (const hooks of closeHooks) await hooks.pocketClosed(tx, ctx, pocket.id);
  }

  /** How the movements primitive reaches pockets: locks and the waiting-cash flag. */
  const store: PocketStore = {
    lock: (tx, tenantId, ids) => repo.lockPockets(tx, tenantId, ids),
    setInvestPending: (tx, tenantId, flags) => repo.setInvestPending(tx, tenantId, flags),
  };

  return {
    store,

    /** Adds what another module does when a pocket closes (PocketCloseHooks); call at composition time. */
    onClose(hooks: PocketCloseHooks): void {
      closeHooks.push(hooks);
    },

    /**
     * Creates a pocket for a customer of the tenant, with its portal. As Jiko documents, the new
     * pocket is PENDING and opens asynchronously: `config.pocketOpenDelayMs` of wall-clock time
     * later a job of the queue opens it (event `pocket.status.open`); with a delay of 0 it opens in
     * this request. The customer's account status becomes OPEN with its first open pocket. The
     * tenant's first pocket also makes its partner funding pocket (open at once) and enrolls the
     * tenant with the scheduler.
     * @throws DomainError not_found for an unknown customer.
     */
    async createPocket(ctx: RequestContext, customerId: string, input: NewPocketInput): Promise<PocketView> {
      const { tenantId, now } = ctx;
      const id = newId();
      return exactlyOnce(db, ctx, async (tx) => {
        if (!(await findCustomer(tx, tenantId, customerId))) throw PocketErrors.customerNotFound();
        await scheduler.enroll(tx, tenantId, now);
        await ensureFundingPocket(tx, tenantId, now);
        const hadOpen = (await repo.countCustomerPockets(tx, tenantId, customerId, 'OPEN')) > 0;
        await repo.insertPocket(tx, {
          id, partnerId: tenantId, customerId, type: 'CUSTOMER', pocketName: input.pocketName,
          depositStrategyId: input.depositStrategyId, reinvestmentStrategyId: input.reinvestmentStrategyId ?? null, at: now,
        });
        const delayMs = deps.config.pocketOpenDelayMs;
        if (delayMs === 0) {
          await provisionOpen(tx, tenantId, id, customerId, now);
          if (!hadOpen) await setCustomerAccountStatus(tx, tenantId, customerId, 'OPEN');
        } else {
          await provision(tx, tenantId, id, now);
          const runAt = new Date(deps.wallClock.now().getTime() + delayMs);
          await jobs.enqueue<OpenPocketJob>(tx, { tenantId, kind: POCKET_OPEN_JOB_KIND, payload: { pocketId: id }, runAt });
        }
        const pocket = (await repo.findPocket(tx, tenantId, id))!;
        return (await views(tx, tenantId, [pocket], now, true))[0]!;
      });
    },

    /**
     * The tenant's partner funding pocket (the source of PARTNER_CUSTOMER_FUNDING and target of
     * PARTNER_CUSTOMER_DEFUNDING transfers) with its portfolio. It is made with the tenant's
     * first pocket. @throws DomainError not_found `pockets.funding_pocket_missing` before that.
     */
    async getFundingPocket(ctx: RequestContext): Promise<PocketView> {
      const pocket = await repo.findFundingPocket(db, ctx.tenantId);
      if (!pocket) throw PocketErrors.fundingPocketMissing();
      return (await views(db, ctx.tenantId, [pocket], ctx.now, true))[0]!;
    },

    /** A page of the tenant's customer pockets (or one customer's), oldest first; never the funding pocket. */
    async listPockets(
      ctx: RequestContext,
      options: { customerId?: string; statuses?: readonly PocketStatus[]; page: PageRequest; withPortfolio: boolean },
    ): Promise<CursorList<PocketView>> {
      const { tenantId, now } = ctx;
      if (options.customerId !== undefined && !(await findCustomer(db, tenantId, options.customerId))) throw PocketErrors.customerNotFound();
      // The repo puts the key into SQL as (timestamptz, uuid): a forged one is 422 here.
      timeIdKey(options.page);
      const rows = await repo.listPockets(
        db,
        tenantId,
        { ...(options.customerId ? { customerId: options.customerId } : {}), ...(options.statuses ? { statuses: options.statuses } : {}) },
        options.page,
      );
      const page = rows.slice(0, options.page.limit);
      const byId = new Map((await views(db, tenantId, page.map((r) => r.pocket), now, options.withPortfolio)).map((v) => [v.pocket.id, v] as const));
      return cursorList(options.page, rows, (row) => row.key, (row) => byId.get(row.pocket.id) ?? { pocket: row.pocket, portfolio: null });
    },

    /** One pocket with its portfolio; `customerId` given for the customer-scoped route. */
    async getPocket(ctx: RequestContext, pocketId: string, options: { customerId?: string; withPortfolio?: boolean } = {}): Promise<PocketView> {
      if (options.customerId === undefined && (options.withPortfolio ?? true)) {
        // The pocket and what its portfolio is computed from, in one statement.
        const found = await repo.findPocketWithReads(db, ctx.tenantId, pocketId, POCKET_READS);
        if (!found) throw PocketErrors.notFound();
        const values = valueFrom(market, [pocketId], new Map([[pocketId, pocketBalancesFromJson(found.balancesJson)]]), openLotsFromJson(found.lotsJson), pricingDateOf(marketDate(ctx.now)));
        const value = values.get(pocketId)!;
        return { pocket: found.pocket, portfolio: { ...value, allTimeEarningsCents: value.totalValueCents - found.netFlowCents } };
      }
      // The pocket and its portfolio's reads go together (one round trip on PostgreSQL); the
      // portfolio is the tenant's own reads of that id, used only once the pocket proves to be theirs.
      const [pocket, portfolio] = await Promise.all([
        pocketOf(db, ctx, pocketId, options.customerId),
        (options.withPortfolio ?? true) ? portfolios(db, ctx.tenantId, [pocketId], ctx.now) : undefined,
      ]);
      return { pocket, portfolio: portfolio?.get(pocketId) ?? null };
    },

    /**
     * Renames, changes strategies, or closes a pocket (status CLOSED + closure_reason). Closing needs
     * an empty pocket and another OPEN pocket of the customer; otherwise nothing changes.
     * @throws DomainError not_found; invalid (bad status, missing reason, pocket not open, funding
     *   pocket); conflict (`pockets.not_empty`, `pockets.last_open_pocket`).
     */
    async updatePocket(ctx: RequestContext, pocketId: string, input: UpdatePocketInput, customerId?: string): Promise<PocketView> {
      const { tenantId, now } = ctx;
      return exactlyOnce(db, ctx, async (tx) => {
        await pocketOf(tx, ctx, pocketId, customerId);
        const pocket = (await repo.lockPockets(tx, tenantId, [pocketId])).get(pocketId)!;
        const closing = input.status !== undefined && input.status !== null;
        if (closing && input.status !== 'CLOSED') throw PocketErrors.statusNotSupported();
        if (pocket.status === 'CLOSED') throw PocketErrors.notOpen(['pocket']);
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
        if (closing) await close(tx, ctx, pocket, input.closureReason!);
        return (await views(tx, tenantId, [(await repo.findPocket(tx, tenantId, pocketId))!], now, true))[0]!;
      });
    },

    /**
     * Earnings of a pocket over a period: value at the end minus value the business day before the
     * start minus net money moved in between. Past days come from end-of-day values (0 from the
     * day a closed pocket closed); today (a business day) from live marks. Rules: docs/ENGINE.md
     * "Valuation and earnings".
     * @throws DomainError not_found; invalid for a range without both dates or with dateFrom after dateTo.
     */
    async earnings(ctx: RequestContext, pocketId: string, query: { period: EarningsPeriod; dateFrom?: string | undefined; dateTo?: string | undefined }): Promise<EarningsView> {
      const { tenantId, now } = ctx;
      const pocket = await pocketOf(db, ctx, pocketId);
      if (query.period === 'range') {
        if (!query.dateFrom) throw PocketErrors.rangeDates(['dateFrom'], 'date_from is required for period=range', 'missing');
        if (!query.dateTo) throw PocketErrors.rangeDates(['dateTo'], 'date_to is required for period=range', 'missing');
        if (query.dateFrom > query.dateTo) throw PocketErrors.rangeDates(['dateFrom'], 'date_from must not be after date_to', 'value_error');
      }
      const today = marketDate(now);
      const window = earningsWindow(calendar, { period: query.period, today, pocketStart: marketDate(pocket.createdAt), dateFrom: query.dateFrom, dateTo: query.dateTo });
      const live = window.endDate === today;
      // Only an empty pocket closes, and nothing reaches it afterwards: 0 from its closing date on,
      // whatever end-of-day value came last.
      const closedOn = pocket.closedAt ? marketDate(pocket.closedAt) : undefined;
      const valueAtEndOf = async (date: string) => (closedOn !== undefined && date >= closedOn ? 0n : repo.dailyValueOnOrBefore(db, pocket.id, date));
      const endValue = live
        ? (await valuePockets(db, market, tenantId, [pocket.id], today)).get(pocket.id)!.totalValueCents
        : await valueAtEndOf(window.endDate);
      const baseValue = await valueAtEndOf(window.baseDate);
      const flows = (await netFlows(db, tenantId, [pocket.id], { afterDate: window.baseDate, throughDate: window.endDate })).get(pocket.id) ?? 0n;
      return { earningsCents: endValue - baseValue - flows, dateFrom: window.dateFrom, dateTo: window.dateTo };
    },

    /** Number of the tenant's customers (the sandbox clock may move back only while there are none). */
    customerCount: (q: Queryable, tenantId: string) => customerCount(q, tenantId),
  };
}

export type PocketsService = ReturnType<typeof createPocketsService>;
