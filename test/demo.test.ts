/**
 * The sandbox demo (src/seed/demo.ts) seeds through the typed client (`pocketbook/client`) running
 * in-process over `app.inject()`, as `main.ts` runs it on a first start: the pockets it reports
 * exist, belong to its customer, are open, and hold the values it reports, which are the money
 * put in (and moved) plus the bills' earnings; the ledger is sound. The seed runs over a short span
 * (a month, not the demo's whole year) to keep the suite fast; the function is the one `main.ts`
 * calls. Then the README's Node example runs, as a script of this checkout, against the seeded
 * partner over HTTP.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { PocketbookClient } from '../src/client/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import { DEMO_POCKETS, type DemoSpan, type DemoSummary, TOP_UP_CENTS, seedDemo } from '../src/seed/demo.ts';
import { loginClient } from '../src/seed/inject-client.ts';
import { assertSound } from './support/fixtures.ts';
import { type TestApp, startTestApp } from './support/app.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A month of 2024: the transfer sells some 13-week bills, the 4-week bills mature and roll over. */
const SHORT_SPAN: DemoSpan = { start: '2024-01-02T15:00:00Z', transferAt: '2024-01-03T15:00:00Z', end: '2024-02-01T21:00:00Z' };
/** A month of T-bill interest stays well under 1% of the principal (yields were about 5.4% a year). */
const EARNINGS_SHARE_MAX = 0.01;

const partner = { username: `demo-${randomUUID()}`, password: `pw-${randomUUID()}`, sharedSecret: `secret-${randomUUID()}`, id: '' };
let t: TestApp;
let client: PocketbookClient;
let demo: DemoSummary;

before(async () => {
  // An engine of its own (its own wall clock object): this file listens on its app.
  t = await startTestApp({ wallClock: { now: () => systemClock.now() } });
  partner.id = (await t.services.auth.createPartner(partner)).id;
  client = await loginClient(t.app, partner.id, partner.username, partner.password, partner.sharedSecret);
  demo = await seedDemo(client, SHORT_SPAN);
});
after(async () => t?.close());

/** A pocket's total value now, in cents and as Jiko formats it. */
async function valueOf(pocketId: string): Promise<{ cents: number; formatted: string }> {
  const { data, error } = await client.GET('/api/v2/pockets/{pocket_id}/', { params: { path: { pocket_id: pocketId } } });
  assert.ok(data?.portfolio, `pocket ${pocketId}: ${JSON.stringify(error)}`);
  return { cents: data.portfolio.total_value.value, formatted: data.portfolio.total_value.formatted };
}

test('the demo seeds through the typed client: the pockets it reports exist with those values', async () => {
  assert.equal(new Date(demo.clock).toISOString(), new Date(SHORT_SPAN.end).toISOString());
  assert.deepEqual(
    demo.pockets.map((pocket) => [pocket.name, pocket.strategy]),
    DEMO_POCKETS.map((pocket) => [pocket.name, pocket.strategy]),
  );
  // What went in: the deposits, and the top-up moved from the second pocket to the first.
  const moved = [TOP_UP_CENTS, -TOP_UP_CENTS, 0, 0];
  for (const [index, reported] of demo.pockets.entries()) {
    const { data: pocket, error } = await client.GET('/api/v2/pockets/{pocket_id}/', { params: { path: { pocket_id: reported.id } } });
    assert.ok(pocket?.portfolio, `pocket ${reported.name}: ${JSON.stringify(error)}`);
    assert.equal(pocket.customer_id, demo.customerId);
    assert.equal(pocket.pocket_name, reported.name);
    assert.equal(pocket.status, 'OPEN');
    assert.equal(pocket.portfolio.total_value.formatted, reported.totalValue);
    const demoPocket = DEMO_POCKETS[index]!;
    const putInCents = demoPocket.amountCents * demoPocket.count + moved[index]!;
    const valueCents = pocket.portfolio.total_value.value;
    assert.ok(valueCents > putInCents, `${reported.name}: ${valueCents} cents, ${putInCents} put in: the bills earned`);
    assert.ok(valueCents < putInCents * (1 + EARNINGS_SHARE_MAX), `${reported.name}: ${valueCents} cents, ${putInCents} put in`);
  }
  await assertSound(t.db, partner.id);
});

/** The README's Node example (the first ```ts block of "From Node.js"), aimed at `baseUrl` as the test's partner. */
function readmeExample(baseUrl: string): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## From Node.js'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'the README has a ```ts block under "From Node.js"');
  const settings: Record<string, string> = { baseUrl, username: partner.username, password: partner.password, sharedSecret: partner.sharedSecret };
  let aimed = code;
  for (const [name, value] of Object.entries(settings)) {
    const setting = new RegExp(`(\\b${name}: )'[^']*'`);
    assert.match(aimed, setting, `the example sets ${name}`);
    aimed = aimed.replace(setting, `$1'${value}'`);
  }
  return aimed;
}

test("the README's Node example runs as a script of this checkout against the demo", async () => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const everyday = demo.pockets.find((pocket) => pocket.name === 'Everyday cash');
  assert.ok(everyday);
  const before = await valueOf(everyday.id);

  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', readmeExample(baseUrl)], { cwd: ROOT, timeout: 30_000 });

  const after = await valueOf(everyday.id);
  const { data: strategies } = await client.GET('/api/v2/trading-strategies/');
  assert.deepEqual(stdout.trim().split('\n'), [strategies?.items.map((strategy) => strategy.id).join(' '), `Everyday cash: ${after.formatted}`]);
  // The example funded the pocket with $1,500.00 (the cash, or bills bought with it at the ask).
  assert.ok(Math.abs(after.cents - before.cents - 150_000) <= 150, `${before.cents} -> ${after.cents} cents`);
});
