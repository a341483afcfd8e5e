import { ACH_RETURN_CODES, type AchOriginationDirection, type AchReturnCode } from '../rails/ach/index.ts';
import { invalid } from '../../platform/errors.ts';

/**
 * Declarative failure scenarios of the sandbox (docs/SANDBOX.md): a tenant's rules forcing an
 * outcome on its next (one-shot) or every (standing) matching operation. The rails ask through
 * the scenario sources that services.ts passes them in sandbox mode (scenarios.service.ts); the
 * magic values (magic-values.ts) force outcomes with no rule.
 */

/** What a rule forces: an ACH entry comes back, a wire is rejected, micro-deposits bounce. */
export type ScenarioOperation = 'ach.return' | 'wire.reject' | 'micro_deposits.fail';
export const SCENARIO_OPERATIONS: readonly ScenarioOperation[] = ['ach.return', 'wire.reject', 'micro_deposits.fail'];

/**
 * Business days after settlement a forced return may come back on, per code: by the second
 * banking day for R01-R04 and R29 (the 2-banking-day time frame, ../shared/reference/nacha-ach.md);
 * R10 has 60 calendar days, of which the sandbox offers 30 business days (always inside them).
 */
export const SCENARIO_RETURN_BUSINESS_DAYS_MAX: Readonly<Record<AchReturnCode, number>> = { R01: 2, R02: 2, R03: 2, R04: 2, R10: 30, R29: 2 };

/** Rules a tenant may hold at once (put a limit on everything). */
export const SCENARIOS_PER_TENANT_MAX = 100;

/** One rule as stored. */
export interface ScenarioRule {
  readonly id: string;
  readonly operation: ScenarioOperation;
  /** The counterparty it applies to; null: every counterparty of the tenant. */
  readonly counterpartyId: string | null;
  /** ach.return: DEBIT (pull), CREDIT (push), or null for both; null for the other operations. */
  readonly direction: AchOriginationDirection | null;
  /** ach.return: the NACHA return reason code; null otherwise. */
  readonly returnCode: AchReturnCode | null;
  /** ach.return: business days after the settlement date the entry comes back on; null otherwise. */
  readonly afterBusinessDays: number | null;
  /** 1: the next match only (one-shot); null: every match (standing). */
  readonly times: 1 | null;
  /** How many operations the rule has changed so far. */
  readonly firedCount: number;
  readonly createdAt: Date;
}

/** A new rule as asked for; the fields a given operation does not use must be absent. */
export interface NewScenarioInput {
  readonly operation: ScenarioOperation;
  readonly counterpartyId?: string | undefined;
  readonly direction?: AchOriginationDirection | undefined;
  readonly returnCode?: AchReturnCode | undefined;
  readonly afterBusinessDays?: number | undefined;
  /** Default 1 (one-shot); null for a standing rule. */
  readonly times?: 1 | null | undefined;
}

/** The rule's fields checked and defaulted (ach.return: R01, 2 business days). */
export type CheckedScenario = Omit<ScenarioRule, 'id' | 'firedCount' | 'createdAt'>;

/**
 * Checks a new rule's fields against its operation.
 * @throws DomainError invalid (field paths of NewScenarioInput) for a field the operation does not
 *   use, an unknown return code, or a delay past the code's time frame.
 */
export function checkScenario(input: NewScenarioInput): CheckedScenario {
  const base = { operation: input.operation, counterpartyId: input.counterpartyId ?? null, times: input.times === undefined ? 1 : input.times } as const;
  if (input.operation !== 'ach.return') {
    for (const field of ['direction', 'returnCode', 'afterBusinessDays'] as const) {
      if (input[field] !== undefined) throw invalid([field], `is only for operation ach.return`, 'value_error', 'scenarios.field_not_used');
    }
    return { ...base, direction: null, returnCode: null, afterBusinessDays: null };
  }
  const returnCode = input.returnCode ?? 'R01';
  if (!ACH_RETURN_CODES.includes(returnCode)) {
    throw invalid(['returnCode'], `must be one of ${ACH_RETURN_CODES.join(', ')}`, 'value_error', 'scenarios.return_code');
  }
  const afterBusinessDays = input.afterBusinessDays ?? 2;
  const max = SCENARIO_RETURN_BUSINESS_DAYS_MAX[returnCode];
  if (!Number.isInteger(afterBusinessDays) || afterBusinessDays < 0 || afterBusinessDays > max) {
    throw invalid(['afterBusinessDays'], `must be 0 to ${max} for ${returnCode} (its return time frame)`, 'value_error', 'scenarios.after_business_days');
  }
  return { ...base, direction: input.direction ?? null, returnCode, afterBusinessDays };
}
