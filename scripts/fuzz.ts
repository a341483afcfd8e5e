/**
 * `npm run fuzz -- --requests N --seed S [--batch K] [--json FILE]`: the signed fuzz run of
 * test/fuzz.test.ts, as long as you like. Builds the engine as the tests do (PGlite, or the
 * PostgreSQL server of DATABASE_URL), sets up the fuzz tenants, sends N requests generated from
 * seed S across every operation of the API, and prints what it found: statuses by operation,
 * then each finding with its request. A seed and a request index are enough to send it again.
 * Exits 1 when anything was found (a status of 500 or more, an error outside Jiko's shape, a
 * ledger changed by rejected requests, a far clock answered 500).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { closeTestResources, startTestApp } from '../test/support/app.ts';
import { fuzzConfig, probeProblem, runFuzzSuite } from '../test/support/fuzz/index.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    batch: { type: 'string', default: '25' },
    json: { type: 'string' },
  },
});

const requests = Number(values.requests);
const seed = Number(values.seed);
const batch = Number(values.batch);
if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(seed) || !Number.isInteger(batch) || batch < 1) {
  console.error('usage: npm run fuzz -- --requests N --seed S [--batch K] [--json FILE]');
  process.exit(2);
}

console.log(`fuzz: ${requests} requests, seed ${seed}`);
const t = await startTestApp({ config: fuzzConfig() });
let found = 0;
try {
  const result = await runFuzzSuite(t, { seed, requests, batch, log: (line) => console.log(`  ${line}`) });
  const { report, probes, undocumented, operations } = result;
  console.log(`sent ${report.sent} requests to ${operations} operations in ${report.durationMs} ms`);
  console.log(`ledger: ${report.ledgerChecks} checks; ${report.acceptedMutations} mutated requests were accepted (2xx)`);
  console.log(`statuses: ${Object.entries(report.byStatus).map(([status, n]) => `${status}×${n}`).join(' ')}`);
  for (const [op, statuses] of Object.entries(report.byOperation).sort()) {
    const ms = Math.round(report.msByOperation[op] ?? 0);
    console.log(`  ${op.padEnd(72)} ${String(ms).padStart(6)} ms  ${Object.entries(statuses).map(([status, n]) => `${status}×${n}`).join(' ')}`);
  }
  if (report.clockGuarded.length > 0) console.log(`clock guard: ${report.clockGuarded.length} requests kept from the fuzz tenant (far clock moves; sent to throwaway tenants below)`);
  console.log(`far clock probes (throwaway tenants, then the fuzz tenant when refused): ${probes.map((p) => `${p.status}/${p.fuzzTenant?.status ?? '-'}`).join(' ')}`);
  for (const problem of probes.map(probeProblem).filter((p) => p !== undefined)) console.log(`  ✖ ${problem}`);
  if (undocumented.length > 0) console.log(`✖ routes without a documented schema (not fuzzed from schemas): ${undocumented.join(', ')}`);
  for (const finding of report.findings) {
    console.log(`\n✖ #${finding.index} ${finding.operation} [${finding.mutations.join(', ')}]: ${finding.problem}`);
    console.log(`  request: ${JSON.stringify(finding.request)}`);
    if (finding.status !== undefined) console.log(`  response: ${finding.status} ${finding.response}`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
  found = result.failures;
  console.log(`\nseed ${seed}: ${report.findings.length} findings, ${probes.filter((p) => probeProblem(p) !== undefined).length} far-clock failures`);
} finally {
  await t.close();
  await closeTestResources();
}
process.exit(found > 0 ? 1 : 0);
