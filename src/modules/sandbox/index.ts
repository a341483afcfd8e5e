/** The sandbox: per-tenant test clock, simulated funding, and the declarative failure scenarios (docs/SANDBOX.md). */
export { type ClockView, type Sandbox, type SandboxFundInput, createSandbox } from './sandbox.service.ts';
export { MAGIC_VALUES, type AchAmountMagic, type MagicValue, type NameMagic, renderMagicValuesTable, renderSandboxDoc } from './magic-values.ts';
export {
  type NewScenarioInput,
  SCENARIO_OPERATIONS,
  SCENARIO_RETURN_BUSINESS_DAYS_MAX,
  SCENARIOS_PER_TENANT_MAX,
  type ScenarioOperation,
  type ScenarioRule,
  checkScenario,
} from './scenarios.ts';
export {
  SCENARIO_RETURNS_PER_RUN_MAX,
  type ScenarioCounterparties,
  type ScenarioSources,
  type Scenarios,
  createScenarioSources,
  createScenarios,
} from './scenarios.service.ts';
