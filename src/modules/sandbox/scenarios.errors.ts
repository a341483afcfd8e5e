import { invalid, notFound } from '../../platform/errors.ts';

/** The coded outcomes of the failure-scenario rules. Field paths are NewScenarioInput's names. */
export const ScenarioErrors = {
  /** An unknown rule id, or another tenant's. */
  notFound: () => notFound('scenarios.not_found'),
  /** The counterparty's type cannot carry the operation (ach.return and micro_deposits.fail: ach; wire.reject: a wire type). */
  counterpartyType: (operation: string, type: string) =>
    invalid(['counterpartyId'], `a ${type} counterparty has no ${operation}`, 'value_error', 'scenarios.counterparty_type'),
  tooMany: (max: number) => invalid([], `a tenant holds at most ${max} scenarios; delete some first`, 'value_error', 'scenarios.too_many'),
} as const;
