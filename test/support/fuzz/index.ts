/**
 * The signed fuzz run of the whole API, shared by test/fuzz.test.ts (a bounded run) and
 * scripts/fuzz.ts (`npm run fuzz -- --requests N --seed S`). See runner.ts for what is checked.
 */
import type { Config } from '../../../src/config.ts';
import { type TestApp, testConfig } from '../app.ts';
import { apiOperations } from './operations.ts';
import { type ClockProbe, type FuzzOptions, type FuzzReport, probeExtremeClocks, probeProblem, runFuzz } from './runner.ts';
import { buildWorld } from './world.ts';

export { type Finding, type FuzzReport, errorShapeProblem, probeProblem } from './runner.ts';
export { apiOperations, registeredRoutes } from './operations.ts';

/**
 * The engine's options for fuzzing: a rate limit the run cannot reach (thousands of requests a
 * minute from one partner), and webhook targets never looked up in DNS (a fuzzed subscription URL
 * must not make the machine resolve a random host name).
 */
export function fuzzConfig(): Partial<Config> {
  return { rateLimitPerMinute: 1_000_000, webhooks: { ...testConfig().webhooks, allowPrivateTargets: true } };
}

export interface FuzzSuiteResult {
  readonly report: FuzzReport;
  readonly probes: ClockProbe[];
  /** API routes that /openapi.json does not describe. */
  readonly undocumented: string[];
  readonly operations: number;
  /** Findings plus far-clock probes that answered 500 or more. */
  readonly failures: number;
}

/** Sets up the world on `t` (built with fuzzConfig()), runs the fuzz and the far-clock probes. */
export async function runFuzzSuite(t: TestApp, options: FuzzOptions): Promise<FuzzSuiteResult> {
  const { operations, undocumented } = await apiOperations(t.app);
  const world = await buildWorld(t);
  const report = await runFuzz(world, operations, options);
  const probes = await probeExtremeClocks(world);
  const failures = report.findings.length + probes.filter((p) => probeProblem(p) !== undefined).length + undocumented.length;
  return { report, probes, undocumented, operations: operations.length, failures };
}
