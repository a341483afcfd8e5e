/**
 * Declarative failure scenarios of the sandbox: the place where rails ask whether a simulated
 * outcome (an ACH return, a card decline, a KYC decision) is forced for a tenant's object. The
 * rails issue fills the registry; until then no scenario is defined and every rail takes its
 * normal path.
 */

/** A rule forcing an outcome: for a tenant, an operation (`ach.return`), and a match on the request. */
export interface ScenarioRule {
  readonly operation: string;
  readonly outcome: string;
  /** Matched against the operation's fields; every given field must be equal. */
  readonly when: Readonly<Record<string, string>>;
}

/** The outcome a rule forces for `operation` with these fields, or undefined (normal path). */
export function forcedOutcome(rules: readonly ScenarioRule[], operation: string, fields: Readonly<Record<string, string>>): string | undefined {
  const rule = rules.find((r) => r.operation === operation && Object.entries(r.when).every(([key, value]) => fields[key] === value));
  return rule?.outcome;
}
