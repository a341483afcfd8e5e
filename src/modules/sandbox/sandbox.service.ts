import type { Movements } from '../movements/index.ts';
import type { BusinessCalendar } from '../market/index.ts';
import type { PocketsService } from '../pockets/index.ts';
import { newAchTraceNumber } from '../rails/portal/index.ts';
import type { Scheduler } from '../scheduler/index.ts';
import type { Tenancy } from '../tenancy/index.ts';
import { assert } from '../../platform/assert.ts';
import { marketDate } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/index.ts';
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
}

const DAY_MS = 86_400_000;

/**
 * The sandbox: a test clock per tenant (moving it runs the scheduler's due work on the way, in
 * time order) and simulated inbound ACH credits through a pocket's portal. Failure scenarios live
 * in scenarios.ts.
 */
export function createSandbox(deps: { db: Db; calendar: BusinessCalendar; tenancy: Tenancy; scheduler: Scheduler; pockets: PocketsService; movements: Movements }) {
  const { db, calendar, tenancy, scheduler, pockets, movements } = deps;

  function clockView(now: Date): ClockView {
    return { now, businessDate: calendar.onOrBefore(marketDate(now)) };
  }

  return {
    /** The tenant's test clock. */
    getClock: (ctx: RequestContext): ClockView => clockView(ctx.now),

    /**
     * Sets the tenant's clock: to any instant while it has no customers, afterwards only forward
     * (due work up to the new time runs before this returns).
     * @throws DomainError conflict `clock.backward`.
     */
    async setClock(ctx: RequestContext, instant: Date): Promise<ClockView> {
      await db.tx(async (tx) => {
        const customers = await pockets.customerCount(tx, ctx.tenantId);
        if (customers > 0 && instant.getTime() < ctx.now.getTime()) throw SandboxErrors.backward();
        await tenancy.setNow(tx, ctx.tenantId, instant);
        if (customers === 0) await scheduler.reset(tx, ctx.tenantId);
      });
      await scheduler.runDue({ ...ctx, now: instant });
      return clockView(instant);
    },

    /**
     * Moves the tenant's clock forward to `to` or by `days` days and runs all due work on the way,
     * in time order.
     * @throws DomainError invalid when `to` is earlier than the clock or beyond CLOCK_ADVANCE_DAYS_MAX.
     */
    async advanceClock(ctx: RequestContext, by: { to?: Date | undefined; days?: number | undefined }): Promise<ClockView> {
      if ((by.to === undefined) === (by.days === undefined)) throw SandboxErrors.oneOf();
      const field = by.to !== undefined ? 'to' : 'days';
      const target = by.to ?? new Date(ctx.now.getTime() + by.days! * DAY_MS);
      if (target.getTime() < ctx.now.getTime()) throw SandboxErrors.notForward(field);
      if (target.getTime() - ctx.now.getTime() > CLOCK_ADVANCE_DAYS_MAX * DAY_MS) throw SandboxErrors.tooFar(field);
      await tenancy.setNow(db, ctx.tenantId, target);
      await scheduler.runDue({ ...ctx, now: target });
      return clockView(target);
    },

    /**
     * `count` inbound ACH credits of `amountCents` through the pocket's open portal, each booked
     * and settled at once (event `transfers.ach.in.success`), then invested (or left waiting for
     * the next business day).
     * @throws DomainError not_found for another tenant's or an unknown pocket; invalid when it is not open.
     */
    async fund(ctx: RequestContext, input: SandboxFundInput): Promise<void> {
      assert(input.amountCents > 0n && input.count > 0, 'fund amount and count are positive');
      await exactlyOnce(db, ctx, async (tx) => {
        const m = await movements.begin(tx, ctx, [input.pocketId]);
        const pocket = m.pockets.get(input.pocketId);
        if (!pocket) throw SandboxErrors.pocketNotFound();
        if (pocket.status !== 'OPEN') throw SandboxErrors.pocketNotOpen();
        const portal = await pockets.openPortal(tx, ctx, pocket.id);
        if (!portal) throw SandboxErrors.pocketNotOpen();
        for (let i = 0; i < input.count; i++) {
          const transactionId = movements.creditFromRail(m, pocket, input.amountCents, {
            type: 'ACH', clearing: 'ach_clearing', description: 'ACH Electronic Credit', title: input.companyName,
            portalId: portal.id, achCompanyName: input.companyName, achTraceNumber: newAchTraceNumber(),
          });
          movements.event(m, {
            eventType: 'transfers.ach.in.success', objectType: 'Transaction', objectId: transactionId,
            customerId: pocket.customerId, payload: { jiko_account_id: pocket.id },
          } as never);
        }
        movements.invest(m, pocket, null);
        await movements.commit(tx, m);
      });
    },
  };
}

export type Sandbox = ReturnType<typeof createSandbox>;
