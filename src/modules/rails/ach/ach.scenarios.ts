import type { ScheduledTask } from '../../scheduler/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { type AchOriginationDirection, type AchReturnCode, ACH_SETTLEMENT_MINUTES } from './ach.domain.ts';

/**
 * How the ACH rail asks for the sandbox's failure scenarios (docs/SANDBOX.md). The rail declares
 * the interface and never imports the sandbox; services.ts passes the sandbox's implementation in
 * sandbox mode only (otherwise the rail has none and takes its normal path).
 */

/** An origination being created, as a scenario matches it. Amounts in cents. */
export interface AchScenarioEntry {
  readonly originationId: string;
  readonly counterpartyId: string;
  readonly nameOnAccount: string;
  readonly direction: AchOriginationDirection;
  readonly amountCents: bigint;
  /** New York business date the entry settles on. */
  readonly settlementDate: string;
}

/** A forced return due: the origination and its NACHA return code. */
export interface AchScenarioReturn {
  readonly originationId: string;
  readonly returnCode: AchReturnCode;
}

export interface AchScenarioSource {
  /**
   * Called in the transaction that creates the origination: when a rule or magic amount matches,
   * plans its return (and spends a one-shot rule) in that same transaction.
   */
  originated(tx: Tx, ctx: RequestContext, entry: AchScenarioEntry): Promise<void>;
  /** The planned returns due by business date `date` not yet handled, locked until `tx` ends. */
  dueReturns(tx: Tx, tenantId: string, date: string): Promise<readonly AchScenarioReturn[]>;
  /** Records that a due return was made (`applied`) or could not be (the entry not settled, or out of time). */
  handled(tx: Tx, tenantId: string, originationId: string, applied: boolean): void;
}

/** What became of a due forced return: made, left alone (returned by hand, not settled for good, out of time), or not settled yet (tried again on the next run). */
export type AchScenarioReturnOutcome = 'returned' | 'skipped' | 'later';

/** The forced returns' run: 17:30 New York, after the day's settlement (17:00). */
export const ACH_SCENARIO_RETURN_MINUTES = ACH_SETTLEMENT_MINUTES + 30;

/**
 * The scheduler task `ach.scenario-returns`: on each business day, the forced returns due come
 * back through the rail's return path (`applyReturn`: the same booking, status and events as the
 * sandbox return endpoint), each recorded as handled in the same transaction; one whose entry has
 * not settled yet waits for the next run.
 */
export function scenarioReturnsTask(
  source: AchScenarioSource,
  applyReturn: (tx: Tx, ctx: RequestContext, originationId: string, code: AchReturnCode) => Promise<AchScenarioReturnOutcome>,
): ScheduledTask {
  return {
    name: 'ach.scenario-returns',
    atMinutes: ACH_SCENARIO_RETURN_MINUTES,
    async run(tx, ctx, date) {
      for (const due of await source.dueReturns(tx, ctx.tenantId, date)) {
        const outcome = await applyReturn(tx, ctx, due.originationId, due.returnCode);
        if (outcome !== 'later') source.handled(tx, ctx.tenantId, due.originationId, outcome === 'returned');
      }
    },
  };
}
