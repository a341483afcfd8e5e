/** The sandbox: per-tenant test clock, simulated funding, and the failure-scenario registry. */
export { type ClockView, type Sandbox, type SandboxFundInput, createSandbox } from './sandbox.service.ts';
export { type ScenarioRule, forcedOutcome } from './scenarios.ts';
