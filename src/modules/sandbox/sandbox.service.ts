import type { Movements } from '../movements/index.ts';
import type { BusinessCalendar, MarketCoverage } from '../market/index.ts';
import { findCustomer } from '../onboarding/index.ts';
import type { PocketsService } from '../pockets/index.ts';
import type { AchInbound, InboundAchCredit, SecCode } from '../rails/ach/index.ts';
import { type Portal, findPortal, listPortals } from '../rails/portal/index.ts';
import type { Scheduler } from '../scheduler/index.ts';
import type { Tenancy } from '../tenancy/index.ts';
import { assert } from '../../platform/assert.ts';
import { addDays, marketDate, marketInstant } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import { exactlyOnce } from '../../platform/exactly-once.ts';
import { CLOCK_ADVANCE_DAYS_MAX } from '../../platform/limits.ts';
import { SandboxErrors } from './sandbox.errors.ts';

/** The tenant's test clock. `businessDate`: today (New York) if a business day, else the last one before. */
export interface ClockView {
  readonly now: Date;
  readonly businessDate: string;
}

export interface SandboxFundInput {
  readonly pocketId: string;
  readonly amountCents: bigint;
  /** The simulated ACH originator's name. */
  readonly companyName: string;
  /** Number of credits of `amountCents` each. */
  readonly count: number;
  /**
   * The pocket's portal the credits are sent to (a pocketbook extension); by default its first
   * OPEN portal, or its first portal when all are closed. Credits sent to a closed portal are returned R02.
   */
  readonly portalId?: string | undefined;
  /** The credits' SEC code (a pocketbook extension); by default CCD to a business or a partner's pocket, PPD to a person. */
  readonly secCode?: SecCode | undefined;
  /** The credits' Company Entry Description (a pocketbook extension); by default `DEPOSIT`. */
  readonly companyEntryDescription?: string | undefined;
}

/** Nacha's return reason R02 (account closed), as the return's description says it. */
const R02_DESCRIPTION = 'ACH Return R02: account closed';

/**
 * The portal the credits go to, locked (FOR UPDATE) so that a concurrent close is seen before or
 * after the credits, never between them. @throws DomainError not_found for a portal not the pocket's.
 */
async function portalToFund(tx: Tx, tenantId: string, pocketId: string, portalId: string | undefined): Promise<Portal> {
  let id = portalId;
  if (id === undefined) {
    const portals = await listPortals(tx, tenantId, pocketId);
    const chosen = portals.find((p) => p.status === 'OPEN') ?? portals[0];
    if (!chosen) throw SandboxErrors.portalNotFound();
    id = chosen.id;
  }
  const portal = await findPortal(tx, tenantId, id, true);
  if (!portal || portal.pocketId !== pocketId) throw SandboxErrors.portalNotFound();
  return portal;
}

const DAY_MS = 86_400_000;

/**
 * The Receiver as the Originator of a credit to the pocket knows it, and the SEC code that goes
 * with it: a business customer (or a partner's own pocket) CCD, a person PPD.
 */
async function receiverOf(tx: Tx, tenantId: string, customerId: string | null): Promise<{ name: string; secCode: SecCode }> {
  const customer = customerId === null ? undefined : await findCustomer(tx, tenantId, customerId);
  if (!customer) return { name: 'PARTNER FUNDING', secCode: 'CCD' };
  if (customer.type === 'BUSINESS') return { name: customer.name, secCode: 'CCD' };
  return { name: `${customer.firstName} ${customer.lastName}`, secCode: 'PPD' };
}

/**
 * The sandbox: a test clock per tenant, kept within the dates the market data covers (moving it
 * runs the scheduler's due work on the way, in time order, in the move's transaction), and
 * simulated inbound ACH credits through a pocket's portal. Failure scenarios live in scenarios.ts.
 */
export function createSandbox(deps: {
  db: Db;
  calendar: BusinessCalendar;
  /** The dates the market data covers: the test clock stays within them (asked at first use). */
  coverage: () => MarketCoverage;
  tenancy: Tenancy;
  scheduler: Scheduler;
  pockets: PocketsService;
  movements: Movements;
  /** The ACH rail's recorder of inbound credits: each fund credit becomes an entry of the day's received NACHA file. */
  achInbound: AchInbound;
}) {
  const { db, calendar, tenancy, scheduler, pockets, movements, achInbound } = deps;
  // The covered dates, and the first instant of the first covered New York date and the first one
  // after the last, once asked.
  let range: { coverage: MarketCoverage; fromMs: number; untilMs: number } | undefined;
  const coverage = () => {
    if (!range) {
      const dates = deps.coverage();
      range = { coverage: dates, fromMs: marketInstant(dates.from).getTime(), untilMs: marketInstant(addDays(dates.through, 1)).getTime() };
    }
    return range;
  };
  /** True when the New York date of `instant` is within the market data (false for an invalid Date). */
  const covered = (instant: Date) => instant.getTime() >= coverage().fromMs && instant.getTime() < coverage().untilMs;
  const outOfRange = (field: Parameters<typeof SandboxErrors.outOfRange>[0]) => SandboxErrors.outOfRange(field, coverage().coverage.from, coverage().coverage.through);

  function clockView(now: Date): ClockView {
    return { now, businessDate: calendar.onOrBefore(marketDate(now)) };
  }

  return {
    /** The tenant's test clock. */
    getClock: (ctx: RequestContext): ClockView => clockView(ctx.now),

    /**
     * Sets the tenant's clock to `instant`: any instant of the market data's dates while the tenant
     * has no customers, afterwards only forward. The move and all the due work up to `instant` run
     * in one transaction: either all of it happens, or nothing does.
     * @throws DomainError invalid `clock.out_of_range` (the New York date of `instant` is outside
     *   MarketCoverage); while the tenant has customers, `clock.backward` (earlier than the clock)
     *   and `clock.too_far` (more than CLOCK_ADVANCE_DAYS_MAX days ahead).
     */
    async setClock(ctx: RequestContext, instant: Date): Promise<ClockView> {
      if (!covered(instant)) throw outOfRange('now');
      await db.tx(async (tx) => {
        const now = await tenancy.lockClock(tx, ctx.tenantId);
        const customers = await pockets.customerCount(tx, ctx.tenantId);
        // Customers' activity is booked at instants up to the clock: going back would put it in the
        // future. A clock outside the data (set before the range was enforced) may come back into it.
        if (customers > 0 && covered(now) && instant.getTime() < now.getTime()) throw SandboxErrors.backward();
        // Due work runs in this transaction: with customers, a move is as bounded as an advance.
        if (customers > 0 && instant.getTime() - now.getTime() > CLOCK_ADVANCE_DAYS_MAX * DAY_MS) {
          throw SandboxErrors.tooFar('now', CLOCK_ADVANCE_DAYS_MAX);
        }
        await tenancy.setNow(tx, ctx.tenantId, instant);
        if (customers === 0) await scheduler.reset(tx, ctx.tenantId);
        await scheduler.runDueIn(tx, { ...ctx, now: instant });
      });
      return clockView(instant);
    },

    /**
     * Moves the tenant's clock forward to `to` or by `days` days and runs all due work on the way,
     * in time order, in one transaction with the move: either all of it happens, or nothing does.
     * @throws DomainError invalid `clock.to_or_days` (not exactly one given), `clock.out_of_range`
     *   (the target's New York date is outside MarketCoverage), `clock.not_forward` (earlier than
     *   the clock), `clock.too_far` (more than CLOCK_ADVANCE_DAYS_MAX days).
     */
    async advanceClock(ctx: RequestContext, by: { to?: Date | undefined; days?: number | undefined }): Promise<ClockView> {
      if ((by.to === undefined) === (by.days === undefined)) throw SandboxErrors.oneOf();
      const field = by.to !== undefined ? 'to' : 'days';
      const target = await db.tx(async (tx) => {
        const now = await tenancy.lockClock(tx, ctx.tenantId);
        const to = by.to ?? new Date(now.getTime() + by.days! * DAY_MS);
        if (!covered(to)) throw outOfRange(field);
        if (to.getTime() < now.getTime()) throw SandboxErrors.notForward(field);
        if (to.getTime() - now.getTime() > CLOCK_ADVANCE_DAYS_MAX * DAY_MS) throw SandboxErrors.tooFar(field, CLOCK_ADVANCE_DAYS_MAX);
        await tenancy.setNow(tx, ctx.tenantId, to);
        await scheduler.runDueIn(tx, { ...ctx, now: to });
        return to;
      });
      return clockView(target);
    },

    /**
     * `count` inbound ACH credits of `amountCents` through a portal of the pocket (`portalId`, or
     * its open portal), each booked and settled at once (event `transfers.ach.in.success`), then
     * invested (or left waiting for the next business day). Through a CLOSED portal each credit is
     * returned R02 at once (event `transfers.ach.in.rejected`, and no `success`): nothing stays
     * in the pocket and the money goes back to the ACH clearing account. Every credit, returned
     * or not, is an entry of the tenant's received NACHA file of the business day (the book
     * date, or the next business day), in the same transaction, with its transaction's trace number.
     * @throws DomainError not_found for another tenant's or an unknown pocket, or a portal that is
     *   not the pocket's; invalid when the pocket is not open.
     */
    async fund(ctx: RequestContext, input: SandboxFundInput): Promise<void> {
      assert(input.amountCents > 0n && input.count > 0, 'fund amount and count are positive');
      await exactlyOnce(db, ctx, async (tx) => {
        const m = await movements.begin(tx, ctx, [input.pocketId]);
        const pocket = m.pockets.get(input.pocketId);
        if (!pocket) throw SandboxErrors.pocketNotFound();
        if (pocket.status !== 'OPEN') throw SandboxErrors.pocketNotOpen();
        const portal = await portalToFund(tx, ctx.tenantId, pocket.id, input.portalId);
        const receiver = await receiverOf(tx, ctx.tenantId, pocket.customerId);
        const credit: InboundAchCredit = {
          portal, amountCents: input.amountCents, secCode: input.secCode ?? receiver.secCode, companyName: input.companyName,
          companyEntryDescription: input.companyEntryDescription ?? '', receiverName: receiver.name,
        };
        const traces = await achInbound.receiveCredits(tx, ctx, m.time.settlementDate, Array.from({ length: input.count }, () => credit));
        const payload = { jiko_account_id: pocket.id };
        for (let i = 0; i < input.count; i++) {
          const leg = {
            type: 'ACH', clearing: 'ach_clearing', description: 'ACH Electronic Credit', title: input.companyName,
            portalId: portal.id, achCompanyName: input.companyName, achTraceNumber: traces[i]!,
          } as const;
          const transactionId = portal.status === 'OPEN'
            ? movements.creditFromRail(m, pocket, input.amountCents, leg)
            : movements.returnToRail(m, pocket, input.amountCents, { ...leg, returnDescription: R02_DESCRIPTION });
          const common = { objectType: 'Transaction', objectId: transactionId, customerId: pocket.customerId, payload };
          const eventType = portal.status === 'OPEN' ? 'transfers.ach.in.success' : 'transfers.ach.in.rejected';
          movements.event(m, { ...common, eventType } as never);
        }
        if (portal.status === 'OPEN') movements.invest(m, pocket, null);
        await movements.commit(tx, m);
      });
    },
  };
}

export type Sandbox = ReturnType<typeof createSandbox>;
