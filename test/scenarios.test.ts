/**
 * The sandbox's declarative failure scenarios through the Partner API on a real database, on the
 * tenant's clock (docs/SANDBOX.md): a one-shot rule returns the next ACH pull from a counterparty
 * with R01 two business days after it settles (through the rail's return path: REVERSAL, status
 * REJECTED, `transfers.ach.in.rejected`) and leaves the second pull alone; a standing rule rejects
 * every wire to a counterparty (nothing leaves the pocket, `transfers.wire.out.rejected`);
 * micro-deposits for a counterparty bounce (verification FAILED); rules are listed, read and
 * deleted, isolated between tenants; a rule is spent only by an operation that commits; every
 * magic value of the table is exercised; bad input is a 422 in Jiko's shape that creates nothing;
 * docs/SANDBOX.md shows the table as the code has it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, getPortfolio } from './support/fixtures.ts';
import { balancesOfKind } from '../src/modules/ledger/index.ts';
import { MAGIC_VALUES, type AchAmountMagic, type NameMagic, createScenarioSources, renderSandboxDoc } from '../src/modules/sandbox/index.ts';
import { systemContext } from '../src/platform/context.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

// Tuesday 5 March 2024 (EST, UTC-5), 09:00 New York; the forced returns run at 17:30 New York (22:30Z).
const MORNING = '2024-03-05T14:00:00Z';
/** After that day's ACH window (12:00 New York, EST), which sends micro-deposits. */
const AFTER_ACH_WINDOW = '2024-03-05T17:30:00Z';
const SCENARIOS = '/api/v1/sandbox/scenarios/';

const ACH_COUNTERPARTY = {
  type: 'ach',
  counterparty_name: { type: 'business', business_name: 'Hopper Ledger Corp.' },
  routing_number: '021000021',
  account_number: '123456789',
  account_type: 'CHECKING',
  verification_method: 'pre_verified',
};
const WIRE_COUNTERPARTY = {
  type: 'wire',
  counterparty_name: { type: 'business', business_name: 'Babbage Engines Ltd.' },
  routing_number: '011000015',
  identifier: '987654321',
  address: { street_address: '1 Main Street', city: 'Springfield', postal_code: '07081', state: 'NJ', country: 'US' },
  verification_method: 'pre_verified',
};

interface Setup {
  client: PartnerClient;
  customerId: string;
  pocketId: string;
}

async function setup(fundCents = 0): Promise<Setup> {
  const client = await newPartner(t);
  await client.setClock(MORNING);
  const customerId = await createCustomer(client);
  const pocketId = await createPocket(client, customerId, 'UST-4W');
  if (fundCents > 0) await fund(client, pocketId, fundCents);
  return { client, customerId, pocketId };
}

async function counterparty(s: Setup, body: Record<string, unknown>): Promise<string> {
  const created = await s.client.post(`/api/v2/customers/${s.customerId}/counterparties/`, body);
  assert.equal(created.statusCode, 201, created.body);
  return created.json().id as string;
}

async function rule(client: PartnerClient, body: Record<string, unknown>) {
  const response = await client.post(SCENARIOS, body, { unsigned: true });
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

async function originate(s: Setup, counterpartyId: string, direction: 'DEBIT' | 'CREDIT', amountCents: number) {
  const response = await s.client.post(`/api/v1/jiko-accounts/${s.pocketId}/ach-originating`, { counterparty_id: counterpartyId, direction, amount_usdc: amountCents });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

async function origination(s: Setup, id: string) {
  const response = await s.client.get(`/api/v1/jiko-accounts/${s.pocketId}/ach-originating/${id}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

async function eventTypes(client: PartnerClient, objectId: string): Promise<string[]> {
  const rows = await t.db.query<{ event_type: string }>(
    `SELECT event_type FROM events WHERE partner_id = $1 AND object_id = $2 ORDER BY occurred_at, sequence`,
    [client.partnerId, objectId],
  );
  return rows.map((r) => r.event_type);
}

async function entryTypes(client: PartnerClient, referenceId: string): Promise<string[]> {
  const rows = await t.db.query<{ entry_type: string }>(
    `SELECT entry_type FROM ledger_entries WHERE partner_id = $1 AND reference_id = $2 ORDER BY occurred_at, entry_type`,
    [client.partnerId, referenceId],
  );
  return rows.map((r) => r.entry_type);
}

async function systemBalance(client: PartnerClient, kind: 'fee_income' | 'wire_clearing'): Promise<bigint> {
  return (await balancesOfKind(t.db, client.partnerId, kind)).get('system') ?? 0n;
}

/** A UTC instant `minutes` after 00:00 New York (EST, March 2024 before the 10th) of `date`. */
const newYork = (date: string, hours: number, minutes = 0) => new Date(Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10), hours + 5, minutes)).toISOString();

/** `days` weekdays after `date` (no holiday in the weeks these tests use). */
function weekdaysAfter(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  for (let i = 0; i < days;) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) i++;
  }
  return d.toISOString().slice(0, 10);
}

describe('failure-scenario rules', () => {
  test('the next ACH pull from X comes back R01 two business days after it settles; the second pull is unaffected', async () => {
    const s = await setup();
    const x = await counterparty(s, ACH_COUNTERPARTY);
    const created = await rule(s.client, { operation: 'ach.return', counterparty_id: x, direction: 'DEBIT', return_code: 'R01', after_business_days: 2 });
    assert.deepEqual(
      { ...created, id: undefined, time_created: undefined },
      { id: undefined, time_created: undefined, operation: 'ach.return', counterparty_id: x, direction: 'DEBIT', return_code: 'R01', after_business_days: 2,
        times: 1, fired_count: 0, active: true, object_type: 'SandboxScenario' },
    );
    const first = await originate(s, x, 'DEBIT', 500_000);
    const second = await originate(s, x, 'DEBIT', 300_000);
    const spent = (await s.client.get(`${SCENARIOS}${created.id}/`, { unsigned: true })).json();
    assert.deepEqual([spent.fired_count, spent.active], [1, false]);

    await s.client.advanceClock({ to: newYork('2024-03-06', 18) });
    assert.equal((await origination(s, first.id)).status, 'PROCESSED', 'settled on the 5th; one business day later it is still there');
    assert.equal((await getPortfolio(s.client, s.pocketId)).total_value.value > 790_000, true);
    await s.client.advanceClock({ to: newYork('2024-03-07', 18) });
    const returned = await origination(s, first.id);
    assert.equal(returned.status, 'REJECTED');
    assert.equal(returned.return_code, 'R01');
    assert.equal(returned.receivable.value, 0);
    assert.equal((await origination(s, second.id)).status, 'PROCESSED');
    assert.deepEqual(await eventTypes(s.client, first.id), ['transfers.ach.in.success', 'transfers.ach.in.rejected']);
    assert.deepEqual(await eventTypes(s.client, second.id), ['transfers.ach.in.success']);
    assert.ok((await entryTypes(s.client, first.id)).includes('REVERSAL'), 'the pull was reversed');
    assert.ok(!(await entryTypes(s.client, second.id)).includes('REVERSAL'));
    const value = (await getPortfolio(s.client, s.pocketId)).total_value.value;
    assert.ok(Math.abs(value - 300_000) < 1_000, `only the second pull stays: ${value}`);
    await assertSound(t.db, s.client.partnerId);
  });

  test('a standing rule rejects every wire to Y at once: nothing leaves the pocket; wires to others go', async () => {
    const s = await setup(1_000_000);
    await s.client.advanceClock({ to: newYork('2024-03-05', 10) });
    const y = await counterparty(s, WIRE_COUNTERPARTY);
    const other = await counterparty(s, { ...WIRE_COUNTERPARTY, identifier: '123123123' });
    const created = await rule(s.client, { operation: 'wire.reject', counterparty_id: y, times: null });
    const before = (await getPortfolio(s.client, s.pocketId)).total_value.value;
    for (let i = 1; i <= 2; i++) {
      const response = await s.client.post(`/api/v1/jiko-accounts/${s.pocketId}/wires`, { counterparty_id: y, amount_usdc: 100_000 });
      assert.equal(response.statusCode, 201, response.body);
      const wire = response.json();
      assert.equal(wire.status, 'REJECTED');
      assert.equal(wire.return_reason, 'AC03');
      assert.deepEqual(await eventTypes(s.client, wire.id), ['transfers.wire.out.rejected']);
      assert.deepEqual(await entryTypes(s.client, wire.id), []);
      assert.equal((await s.client.get(`/api/v1/wires/${wire.id}`)).json().status, 'REJECTED');
    }
    assert.equal(await systemBalance(s.client, 'fee_income'), 0n);
    assert.equal(await systemBalance(s.client, 'wire_clearing'), 0n);
    const after = (await getPortfolio(s.client, s.pocketId)).total_value.value;
    assert.ok(Math.abs(after - before) < 1_000, `the pocket keeps its money: ${before} -> ${after}`);
    const standing = (await s.client.get(`${SCENARIOS}${created.id}/`, { unsigned: true })).json();
    assert.deepEqual([standing.fired_count, standing.active], [2, true]);
    const sent = await s.client.post(`/api/v1/jiko-accounts/${s.pocketId}/wires`, { counterparty_id: other, amount_usdc: 100_000 });
    assert.equal(sent.statusCode, 201, sent.body);
    assert.equal(sent.json().status, 'COMPLETED');
    await assertSound(t.db, s.client.partnerId);
  });

  test('micro-deposits for Z bounce: the confirmation fails even with the right amounts; another counterparty verifies', async () => {
    const s = await setup();
    const unverified = { ...ACH_COUNTERPARTY, verification_method: undefined };
    const z = await counterparty(s, unverified);
    const other = await counterparty(s, { ...unverified, account_number: '555000111' });
    await rule(s.client, { operation: 'micro_deposits.fail', counterparty_id: z });
    // Confirmable once the ACH window (12:00 New York) sent them.
    await s.client.advanceClock({ to: AFTER_ACH_WINDOW });
    for (const [id, expected] of [[z, 'FAILED'], [other, 'VERIFIED']] as const) {
      const amounts = (await s.client.get(`/api/v1/sandbox/counterparties/${id}/micro-deposits`, { unsigned: true })).json().amounts_usdc;
      const confirmed = await s.client.post(`/api/v2/counterparties/${id}/micro-deposits/`, { amounts_usdc: amounts });
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      assert.equal(confirmed.json().verification_status, expected);
      assert.equal(confirmed.json().status, expected === 'FAILED' ? 'UNLINKED' : 'LINKED');
    }
  });

  test('rules are listed, read and deleted; another tenant can neither see nor delete them, and they never touch its operations', async () => {
    const mine = await setup();
    const theirs = await setup();
    const myCounterparty = await counterparty(mine, ACH_COUNTERPARTY);
    const theirCounterparty = await counterparty(theirs, ACH_COUNTERPARTY);
    const everyPull = await rule(mine.client, { operation: 'ach.return', direction: 'DEBIT', return_code: 'R02', after_business_days: 0, times: null });
    const wires = await rule(mine.client, { operation: 'wire.reject' });
    const list = await mine.client.get(SCENARIOS, { unsigned: true });
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(list.json().items.map((r: { id: string }) => r.id), [everyPull.id, wires.id]);
    assert.equal(list.json().object_type, 'List');

    assert.deepEqual((await theirs.client.get(SCENARIOS, { unsigned: true })).json().items, []);
    assert.equal((await theirs.client.get(`${SCENARIOS}${everyPull.id}/`, { unsigned: true })).statusCode, 404);
    assert.equal((await theirs.client.delete(`${SCENARIOS}${everyPull.id}/`, { unsigned: true })).statusCode, 404);
    const foreign = await theirs.client.post(SCENARIOS, { operation: 'ach.return', counterparty_id: myCounterparty }, { unsigned: true });
    assert.equal(foreign.statusCode, 404, foreign.body);

    // The other tenant's pull settles and stays; the rule of every pull of mine does not see it.
    const pull = await originate(theirs, theirCounterparty, 'DEBIT', 100_000);
    await theirs.client.advanceClock({ to: newYork('2024-03-07', 18) });
    assert.equal((await origination(theirs, pull.id)).status, 'PROCESSED');
    assert.equal((await mine.client.get(`${SCENARIOS}${everyPull.id}/`, { unsigned: true })).json().fired_count, 0);

    const removed = await mine.client.delete(`${SCENARIOS}${wires.id}/`, { unsigned: true });
    assert.equal(removed.statusCode, 204, removed.body);
    assert.equal(removed.body, '');
    assert.equal((await mine.client.get(`${SCENARIOS}${wires.id}/`, { unsigned: true })).statusCode, 404);
    assert.equal((await mine.client.delete(`${SCENARIOS}${wires.id}/`, { unsigned: true })).statusCode, 404);
    assert.deepEqual((await mine.client.get(SCENARIOS, { unsigned: true })).json().items.map((r: { id: string }) => r.id), [everyPull.id]);
  });

  test('a one-shot rule is spent only by an operation that commits, and only once', async () => {
    const s = await setup();
    const y = await counterparty(s, WIRE_COUNTERPARTY);
    const created = await rule(s.client, { operation: 'wire.reject', counterparty_id: y });
    const sources = createScenarioSources({ calendar: t.services.market.calendar });
    const ctx = systemContext(s.client.partnerId, new Date(MORNING));
    const wire = { counterpartyId: y, nameOnAccount: 'Babbage Engines Ltd.', amountCents: 100n };
    await assert.rejects(t.db.tx(async (tx) => {
      assert.equal(await sources.wires.rejects(tx, ctx, wire), true);
      throw new Error('the operation fails after the rule fired');
    }), /the operation fails/);
    assert.equal((await s.client.get(`${SCENARIOS}${created.id}/`, { unsigned: true })).json().fired_count, 0, 'rolled back with the operation');
    assert.equal(await t.db.tx((tx) => sources.wires.rejects(tx, ctx, wire)), true);
    assert.equal(await t.db.tx((tx) => sources.wires.rejects(tx, ctx, wire)), false);
    const spent = (await s.client.get(`${SCENARIOS}${created.id}/`, { unsigned: true })).json();
    assert.deepEqual([spent.fired_count, spent.active], [1, false]);

    // Two operations racing for a one-shot rule: one of them gets it.
    const again = await rule(s.client, { operation: 'wire.reject', counterparty_id: y });
    const raced = await Promise.all([0, 1].map(() => t.db.tx((tx) => sources.wires.rejects(tx, ctx, wire))));
    assert.deepEqual(raced.sort(), [false, true]);
    assert.equal((await s.client.get(`${SCENARIOS}${again.id}/`, { unsigned: true })).json().fired_count, 1);
  });

  test('an entry returned by hand before its planned return is not returned twice', async () => {
    const s = await setup();
    const x = await counterparty(s, ACH_COUNTERPARTY);
    await rule(s.client, { operation: 'ach.return', counterparty_id: x, return_code: 'R01', after_business_days: 2 });
    const pull = await originate(s, x, 'DEBIT', 200_000);
    await s.client.advanceClock({ to: newYork('2024-03-06', 9) });
    const byHand = await s.client.post(`/api/v1/sandbox/ach-originating/${pull.id}/return`, { return_code: 'R03' }, { unsigned: true });
    assert.equal(byHand.statusCode, 200, byHand.body);
    await s.client.advanceClock({ to: newYork('2024-03-08', 18) });
    const now = await origination(s, pull.id);
    assert.deepEqual([now.status, now.return_code], ['REJECTED', 'R03']);
    assert.deepEqual(await eventTypes(s.client, pull.id), ['transfers.ach.in.success', 'transfers.ach.in.rejected']);
    assert.deepEqual((await entryTypes(s.client, pull.id)).filter((type) => type === 'REVERSAL'), ['REVERSAL']);
    await assertSound(t.db, s.client.partnerId);
  });

  test('bad input is a 422 in Jiko\'s shape that creates nothing', async () => {
    const s = await setup();
    const ach = await counterparty(s, ACH_COUNTERPARTY);
    const wire = await counterparty(s, WIRE_COUNTERPARTY);
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ operation: 'ach.bounce' }, ['body', 'operation']],
      [{ operation: 'ach.return', return_code: 'R05' }, ['body', 'return_code']],
      [{ operation: 'ach.return', return_code: 'R01', after_business_days: 3 }, ['body', 'after_business_days']],
      [{ operation: 'ach.return', return_code: 'R10', after_business_days: 31 }, ['body', 'after_business_days']],
      [{ operation: 'wire.reject', direction: 'DEBIT' }, ['body', 'direction']],
      [{ operation: 'micro_deposits.fail', return_code: 'R03' }, ['body', 'return_code']],
      [{ operation: 'ach.return', counterparty_id: wire }, ['body', 'counterparty_id']],
      [{ operation: 'wire.reject', counterparty_id: ach }, ['body', 'counterparty_id']],
      [{ operation: 'ach.return', times: 2 }, ['body', 'times']],
      [{ operation: 'ach.return', surprise: true }, ['body']],
    ];
    for (const [body, loc] of cases) {
      const response = await s.client.post(SCENARIOS, body, { unsigned: true });
      assert.equal(response.statusCode, 422, `${JSON.stringify(body)}: ${response.body}`);
      const detail = response.json().detail as { loc: (string | number)[]; msg: string; type: string }[];
      assert.ok(detail.some((d) => JSON.stringify(d.loc.slice(0, loc.length)) === JSON.stringify(loc) && typeof d.msg === 'string'), `${JSON.stringify(body)}: ${response.body}`);
    }
    const unknown = await s.client.post(SCENARIOS, { operation: 'ach.return', counterparty_id: randomUUID() }, { unsigned: true });
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.deepEqual(unknown.json(), { detail: 'Not Found' });
    assert.equal((await s.client.get(`${SCENARIOS}not-a-uuid/`, { unsigned: true })).statusCode, 422);
    assert.deepEqual((await s.client.get(SCENARIOS, { unsigned: true })).json().items, []);
  });
});

describe('magic values', () => {
  test('every ACH amount of the table comes back with its code on its day, pulls and pushes alike', async () => {
    const s = await setup(2_000_000);
    const x = await counterparty(s, ACH_COUNTERPARTY);
    const rows = MAGIC_VALUES.filter((m): m is AchAmountMagic => m.operation === 'ach.return');
    assert.ok(rows.length >= 6);
    const entries = [];
    for (const [i, m] of rows.entries()) {
      const direction = i % 2 === 0 ? 'DEBIT' : 'CREDIT';
      const o = await originate(s, x, direction, 10_000 + m.cents);
      assert.equal(o.settlement_date, '2024-03-05');
      entries.push({ m, o, direction, returnDate: weekdaysAfter('2024-03-05', m.afterBusinessDays) });
    }
    const control = await originate(s, x, 'DEBIT', 10_000 + 55);
    for (const returnDate of [...new Set(entries.map((e) => e.returnDate))].sort()) {
      // Before the run of that day, the entry is still settled; after it, returned with its code.
      await s.client.advanceClock({ to: newYork(returnDate, 17, 15) });
      for (const e of entries.filter((x) => x.returnDate === returnDate)) assert.equal((await origination(s, e.o.id)).status, 'PROCESSED', e.m.returnCode);
      await s.client.advanceClock({ to: newYork(returnDate, 17, 45) });
      for (const e of entries.filter((x) => x.returnDate <= returnDate)) {
        const now = await origination(s, e.o.id);
        assert.deepEqual([now.status, now.return_code], ['REJECTED', e.m.returnCode], `${e.m.cents} cents`);
        const rejected = e.direction === 'DEBIT' ? 'transfers.ach.in.rejected' : 'transfers.ach.out.rejected';
        assert.equal((await eventTypes(s.client, e.o.id)).at(-1), rejected);
      }
    }
    assert.equal((await origination(s, control.id)).status, 'PROCESSED', 'an amount of no magic stays');
    await assertSound(t.db, s.client.partnerId);
  });

  test('every counterparty name of the table fails its operation', async () => {
    const rows = MAGIC_VALUES.filter((m): m is NameMagic => m.operation !== 'ach.return');
    assert.deepEqual(rows.map((m) => m.operation).sort(), ['micro_deposits.fail', 'wire.reject']);
    for (const m of rows) {
      const s = await setup(500_000);
      const named = { type: 'business', business_name: m.name.toUpperCase() };
      if (m.operation === 'wire.reject') {
        const y = await counterparty(s, { ...WIRE_COUNTERPARTY, counterparty_name: named });
        const response = await s.client.post(`/api/v1/jiko-accounts/${s.pocketId}/wires`, { counterparty_id: y, amount_usdc: 100_000 });
        assert.equal(response.statusCode, 201, response.body);
        assert.equal(response.json().status, 'REJECTED');
        assert.deepEqual(await eventTypes(s.client, response.json().id), ['transfers.wire.out.rejected']);
        assert.equal(await systemBalance(s.client, 'fee_income'), 0n);
      } else {
        const z = await counterparty(s, { ...ACH_COUNTERPARTY, verification_method: undefined, counterparty_name: named });
        await s.client.advanceClock({ to: AFTER_ACH_WINDOW });
        const amounts = (await s.client.get(`/api/v1/sandbox/counterparties/${z}/micro-deposits`, { unsigned: true })).json().amounts_usdc;
        const confirmed = await s.client.post(`/api/v2/counterparties/${z}/micro-deposits/`, { amounts_usdc: amounts });
        assert.equal(confirmed.statusCode, 200, confirmed.body);
        assert.equal(confirmed.json().verification_status, 'FAILED');
      }
      await assertSound(t.db, s.client.partnerId);
    }
  });

  test('docs/SANDBOX.md carries the table as the code has it', () => {
    const page = readFileSync(new URL('../docs/SANDBOX.md', import.meta.url), 'utf8');
    assert.equal(page, renderSandboxDoc(page), 'run node --import tsx scripts/docs-sandbox.ts');
    for (const m of MAGIC_VALUES) assert.ok(page.includes(m.operation === 'ach.return' ? `\`${m.returnCode}\`` : m.name));
  });
});
