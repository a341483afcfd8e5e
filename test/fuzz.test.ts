/**
 * A signed fuzz run across every operation of the API (test/support/fuzz): requests generated
 * from each route's documented schemas with a fixed seed, then mutated (wrong types, huge and
 * unicode strings, overflowing numbers, bad UUIDs and cursors, deep and large bodies, malformed
 * JSON, bad credentials), sent through `app.inject()` as a tenant with customers, pockets, money
 * and events. No answer may be 500 or more, every error is in Jiko's shape, and no rejected
 * request changes the tenant's ledger (nor another tenant's). A bounded run keeps `npm test`
 * fast; `npm run fuzz -- --requests N --seed S` runs as long as you like.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { type TestApp, startTestApp } from './support/app.ts';
import { assertSound } from './support/fixtures.ts';
import { type Finding, apiOperations, errorShapeProblem, fuzzConfig } from './support/fuzz/index.ts';
import { pathIdKind, pathsOf, planArb, replaceAt, valueAt } from './support/fuzz/plan.ts';
import { probeExtremeClocks, probeProblem, requestOf, runFuzz } from './support/fuzz/runner.ts';
import { LedgerWatch, type World, buildWorld } from './support/fuzz/world.ts';

/** The suite's run: fixed, so that a failure is the same on every machine (`npm run fuzz` takes any seed). */
const SEED = 20_240_604;
const REQUESTS = Number(process.env.POCKETBOOK_FUZZ_REQUESTS) || 800;

let t: TestApp;
let world: World;
before(async () => {
  t = await startTestApp({ config: fuzzConfig() });
  world = await buildWorld(t);
});
after(() => t.close());

function describe(finding: Finding): string {
  const response = finding.status === undefined ? '' : `\n    response: ${finding.status} ${finding.response}`;
  return `#${finding.index} ${finding.operation} [${finding.mutations.join(', ')}]: ${finding.problem}\n    request: ${JSON.stringify(finding.request)}${response}`;
}

test("the checks can fail: Fastify's own error shape, and a ledger changed behind the watch's back", async () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  assert.equal(errorShapeProblem({ statusCode: 404, headers: json, body: '{"detail":"Not Found"}' }), undefined);
  assert.equal(errorShapeProblem({ statusCode: 422, headers: json, body: '{"detail":[{"loc":["body","x"],"msg":"m","type":"t"}]}' }), undefined);
  assert.ok(errorShapeProblem({ statusCode: 400, headers: json, body: '{"error":"Bad Request","code":"FST_ERR_BAD_URL","message":"m","statusCode":400}' }));
  assert.ok(errorShapeProblem({ statusCode: 422, headers: json, body: '{"detail":"not a list"}' }));
  assert.ok(errorShapeProblem({ statusCode: 401, headers: { 'content-type': 'text/plain' }, body: 'Unauthorized' }));

  const watch = await LedgerWatch.start(t.db, world);
  assert.deepEqual(await watch.check([]), []);
  const funded = await world.own.client.post('/api/v1/sandbox/fund', { account_id: world.own.ids.pocket?.[0], amount_usdc: 1_00 }, { unsigned: true });
  assert.equal(funded.statusCode, 202, funded.body);
  // Not rebased: as if a rejected request had moved the money.
  const problems = await watch.check([{ index: 0, operation: 'POST /api/v1/sandbox/fund', status: 422 }]);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /fuzz tenant's ledger changed across requests that must change nothing \(rejected, or reads\) #0 POST \/api\/v1\/sandbox\/fund -> 422/);
});

test('every route of the API is documented with its schemas, so the fuzzer reaches it', async () => {
  const { operations, undocumented } = await apiOperations(t.app);
  assert.deepEqual(undocumented, []);
  assert.ok(operations.length >= 40, `only ${operations.length} operations`);
});

/** The operation's path with the fuzz tenant's own ids, and `segment` in place of the last path parameter. */
function pathWith(path: string, segment?: string): string {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (segment !== undefined && name === names[names.length - 1]) return segment;
    return world.own.ids[pathIdKind(path, name)]?.[0] ?? randomUUID();
  });
}

test('a malformed or over-long path segment is answered in Jiko\'s shape on every operation', async () => {
  const { operations } = await apiOperations(t.app);
  const problems: string[] = [];
  for (const op of operations.filter((o) => o.pathParams.length > 0)) {
    for (const segment of ['%ZZ', '%C0%AF', 'a'.repeat(200)]) {
      const url = pathWith(op.path, segment);
      const response = await world.own.client.request(op.method as 'GET', url, op.method === 'GET' || op.method === 'DELETE' ? undefined : {});
      const problem = response.statusCode >= 500 ? `status ${response.statusCode}` : errorShapeProblem(response);
      if (problem || response.statusCode < 400) problems.push(`${op.method} ${url.slice(0, 80)} -> ${response.statusCode} ${response.body.slice(0, 120)}: ${problem}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('a forged cursor is 422 on every list, whatever its key holds', async () => {
  const { operations } = await apiOperations(t.app);
  const lists = operations.filter((op) => op.method === 'GET' && op.query.some((q) => q.name === 'cursor'));
  assert.ok(lists.length >= 12, `${lists.length} lists`);
  const keys: unknown[] = [[], [1e308, -1], [null, null], ['x', 'y'], [{}, 1], ['2024-06-04T15:00:00.000Z', 'not-a-uuid'], ['not-a-time', '6f1c2a6e-3f35-4f6e-9d0c-2f1b1f0c8e11'], ['2024-06-04T15:00:00.000Z']];
  const problems: string[] = [];
  for (const op of lists) {
    for (const k of keys) {
      const cursor = Buffer.from(JSON.stringify({ k })).toString('base64url');
      const response = await world.own.client.get(`${pathWith(op.path)}?cursor=${cursor}`);
      const problem = errorShapeProblem(response);
      if (response.statusCode !== 422 || problem) problems.push(`${op.id} k=${JSON.stringify(k)} -> ${response.statusCode} ${response.body.slice(0, 120)} ${problem ?? ''}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('text no database stores (U+0000, an unpaired surrogate) in any string of a valid body is 422 naming that string', async () => {
  const { operations } = await apiOperations(t.app);
  const problems: string[] = [];
  let poisoned = 0;
  for (const op of operations.filter((o) => o.body !== undefined)) {
    const valid = planArb(op, world.hints).filter((p) => p.mutations.length === 0 && (p.auth === 'signed' || op.public) && p.body.kind === 'json');
    for (const plan of fc.sample(valid, { seed: SEED, numRuns: 1 })) {
      if (plan.body.kind !== 'json') continue;
      const root = plan.body.value;
      for (const path of pathsOf(root).filter((p) => typeof valueAt(root, p) === 'string')) {
        for (const [poison, type] of [['\u0000', 'string_nul'], ['\ud800', 'string_unicode']]) {
          poisoned += 1;
          const body = { kind: 'json' as const, value: replaceAt(root, path, `a${poison}${valueAt(root, path) as string}`) ?? null };
          const request = requestOf({ ...plan, body, key: randomUUID() }, world);
          const response = await t.app.inject({ method: request.method as 'POST', url: request.url, headers: request.headers, payload: request.body });
          const issue = response.statusCode === 422 ? JSON.stringify(response.json().detail[0]) : '';
          if (!issue.includes(`"loc":${JSON.stringify(['body', ...path])}`) || !issue.includes(`"type":"${type}"`)) {
            problems.push(`${op.id} ${type} at ${JSON.stringify(path)} -> ${response.statusCode} ${response.body.slice(0, 150)}`);
          }
        }
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(poisoned >= 60, `${poisoned} strings poisoned`);
});

test(`${REQUESTS} signed fuzz requests (seed ${SEED}): no 5xx, errors in Jiko's shape, no ledger change when rejected`, async () => {
  const { operations } = await apiOperations(t.app);
  const report = await runFuzz(world, operations, { seed: SEED, requests: REQUESTS });
  assert.deepEqual(report.findings.map(describe), [], `seed ${SEED}: npm run fuzz -- --requests ${REQUESTS} --seed ${SEED}`);
  // Every operation was fuzzed, and got past authentication at least once.
  const unreached = operations.filter((op) => Object.keys(report.byOperation[op.id] ?? {}).every((status) => status === '401')).map((op) => op.id);
  assert.deepEqual(unreached, []);
  assert.ok(report.sent + report.clockGuarded.length === REQUESTS);
  assert.ok(report.ledgerChecks >= REQUESTS / 50, `${report.ledgerChecks} ledger checks`);
  await assertSound(t.db, world.own.client.partnerId);
  await assertSound(t.db, world.other.client.partnerId);
});

test('far test-clock moves answer below 500, leave a tenant usable, and refused change no ledger', async () => {
  const probes = await probeExtremeClocks(world);
  assert.deepEqual(probes.map(probeProblem).filter((problem) => problem !== undefined), []);
  assert.ok(probes.some((p) => p.fuzzTenant !== undefined), 'no far move was refused, so none was tried on the fuzz tenant');
});
