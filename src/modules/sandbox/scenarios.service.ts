import type { BusinessCalendar } from '../market/index.ts';
import type { AchOriginationDirection, AchReturnCode } from '../rails/ach/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import { exactlyOnce } from '../../platform/exactly-once.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { isMagicName, magicAchReturn } from './magic-values.ts';
import { type NewScenarioInput, SCENARIOS_PER_TENANT_MAX, type ScenarioOperation, type ScenarioRule, checkScenario } from './scenarios.ts';
import { ScenarioErrors } from './scenarios.errors.ts';
import * as repo from './scenarios.repo.ts';

/** Planned returns one run of the rail's scenario-return task makes, at most (the rest wait for the next business day's run). */
export const SCENARIO_RETURNS_PER_RUN_MAX = 500;

/** How the rules' service reads a counterparty (the counterparties module provides it). */
export interface ScenarioCounterparties {
  /** @throws DomainError not_found for an unknown counterparty or another tenant's. */
  get(ctx: RequestContext, id: string): Promise<{ readonly type: string }>;
}

/** The counterparty types each operation applies to. */
const COUNTERPARTY_TYPES: Readonly<Record<ScenarioOperation, readonly string[]>> = {
  'ach.return': ['ach'],
  'wire.reject': ['wire', 'international_wire'],
  'micro_deposits.fail': ['ach'],
};

/**
 * The tenant's failure-scenario rules (sandbox mode, pocketbook extension, docs/SANDBOX.md):
 * create, list, read and delete. Creating is exactly once (its idempotency record in the same
 * transaction).
 */
export function createScenarios(deps: { db: Db; counterparties: ScenarioCounterparties }) {
  const { db, counterparties } = deps;
  return {
    /**
     * @throws DomainError not_found for a counterparty the tenant does not own; invalid for fields
     *   the operation does not use, a return code or delay outside the code's time frame, a
     *   counterparty of a type the operation does not apply to, more than SCENARIOS_PER_TENANT_MAX rules.
     */
    async create(ctx: RequestContext, input: NewScenarioInput): Promise<ScenarioRule> {
      const checked = checkScenario(input);
      if (checked.counterpartyId !== null) {
        const counterparty = await counterparties.get(ctx, checked.counterpartyId);
        if (!COUNTERPARTY_TYPES[checked.operation].includes(counterparty.type)) throw ScenarioErrors.counterpartyType(checked.operation, counterparty.type);
      }
      return exactlyOnce(db, ctx, async (tx) => {
        if ((await repo.countRules(tx, ctx.tenantId)) >= SCENARIOS_PER_TENANT_MAX) throw ScenarioErrors.tooMany(SCENARIOS_PER_TENANT_MAX);
        return repo.insertRule(tx, ctx.tenantId, newId(), checked, ctx.now);
      });
    },

    /** The tenant's rules, oldest first (at most SCENARIOS_PER_TENANT_MAX). */
    list: (ctx: RequestContext): Promise<ScenarioRule[]> => repo.listRules(db, ctx.tenantId),

    /** @throws DomainError not_found for an unknown rule or another tenant's. */
    async get(ctx: RequestContext, id: string): Promise<ScenarioRule> {
      const found = isUuid(id) ? await repo.findRule(db, ctx.tenantId, id) : undefined;
      if (!found) throw ScenarioErrors.notFound();
      return found;
    },

    /**
     * Deletes a rule: it matches nothing more (returns it already planned still come back).
     * @throws DomainError not_found for an unknown rule or another tenant's.
     */
    async remove(ctx: RequestContext, id: string): Promise<void> {
      if (!isUuid(id)) throw ScenarioErrors.notFound();
      await exactlyOnce(db, ctx, async (tx) => {
        if (!(await repo.deleteRule(tx, ctx.tenantId, id))) throw ScenarioErrors.notFound();
      });
    },
  };
}

export type Scenarios = ReturnType<typeof createScenarios>;

/** An origination being created (the ACH rail's AchScenarioEntry). Amounts in cents. */
interface AchEntry {
  readonly originationId: string;
  readonly counterpartyId: string;
  readonly nameOnAccount: string;
  readonly direction: AchOriginationDirection;
  readonly amountCents: bigint;
  readonly settlementDate: string;
}

/**
 * What the rails and counterparty verification ask in sandbox mode (each declares the interface
 * it takes; services.ts passes these). A matching rule is fired in the operation's own
 * transaction, so a one-shot rule is spent exactly when the operation commits. Rules come before
 * magic values; the oldest matching rule fires.
 */
export function createScenarioSources(deps: { calendar: BusinessCalendar }) {
  const { calendar } = deps;

  /** The date `days` business days after `date`. */
  const businessDaysAfter = (date: string, days: number): string => {
    let day = date;
    for (let i = 0; i < days; i++) day = calendar.nextBusinessDay(day);
    return day;
  };

  return {
    /** For the ACH rail (AchScenarioSource). */
    ach: {
      async originated(tx: Tx, ctx: RequestContext, entry: AchEntry): Promise<void> {
        const rule = await repo.fireRule(tx, ctx.tenantId, { operation: 'ach.return', counterpartyId: entry.counterpartyId, direction: entry.direction });
        const forced: { returnCode: AchReturnCode; afterBusinessDays: number } | undefined = rule
          ? { returnCode: rule.returnCode!, afterBusinessDays: rule.afterBusinessDays! }
          : magicAchReturn(entry.amountCents);
        if (!forced) return;
        repo.insertPlannedReturn(tx, ctx.tenantId, rule?.id ?? null, {
          originationId: entry.originationId, returnCode: forced.returnCode, returnDate: businessDaysAfter(entry.settlementDate, forced.afterBusinessDays),
        }, ctx.now);
      },
      dueReturns: (tx: Tx, tenantId: string, date: string) => repo.lockDueReturns(tx, tenantId, date, SCENARIO_RETURNS_PER_RUN_MAX),
      handled(tx: Tx, tenantId: string, originationId: string, applied: boolean): void {
        repo.settlePlannedReturn(tx, tenantId, originationId, applied ? 'RETURNED' : 'SKIPPED');
      },
    },
    /** For the wire rail (WireScenarioSource). */
    wires: {
      async rejects(tx: Tx, ctx: RequestContext, wire: { counterpartyId: string; nameOnAccount: string }): Promise<boolean> {
        const rule = await repo.fireRule(tx, ctx.tenantId, { operation: 'wire.reject', counterpartyId: wire.counterpartyId });
        return rule !== undefined || isMagicName('wire.reject', wire.nameOnAccount);
      },
    },
    /** For counterparty verification (MicroDepositScenarioSource). */
    microDeposits: {
      async bounced(tx: Tx, ctx: RequestContext, counterparty: { counterpartyId: string; nameOnAccount: string }): Promise<boolean> {
        const rule = await repo.fireRule(tx, ctx.tenantId, { operation: 'micro_deposits.fail', counterpartyId: counterparty.counterpartyId });
        return rule !== undefined || isMagicName('micro_deposits.fail', counterparty.nameOnAccount);
      },
    },
  };
}

export type ScenarioSources = ReturnType<typeof createScenarioSources>;
