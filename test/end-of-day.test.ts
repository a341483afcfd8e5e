/**
 * End-of-day values (docs/ENGINE.md "End of day") are written by one set-based statement per
 * tenant and business day, without reading the pockets into memory. They must equal, to the cent,
 * the valuation the engine computes in memory for a pocket (`valuePockets`, the GET of a pocket):
 * cash of both cash accounts, and per bill the units of all its lots at the day's same-day bid,
 * rounded half up once per bill. Exercised with several lots of one bill, bills of several terms
 * in one pocket, part of a lot sold, and a pocket with no money. A clock move writes the tasks'
 * cursors once, after its last run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkPortfolioInvariants, valuePockets } from '../src/modules/portfolio/index.ts';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';
import { assertSound, createCustomer, createPocket, fund, reallocate } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

/** The tenant's end-of-day values of `date`, by pocket id. */
async function dailyValues(partnerId: string, date: string): Promise<Map<string, { total: bigint; cash: bigint }>> {
  const rows = await t.db.query<{ pocket_id: string; total_value_cents: bigint; cash_cents: bigint }>(
    `SELECT pocket_id, total_value_cents, cash_cents FROM pocket_daily_values WHERE partner_id = $1 AND business_date = $2`,
    [partnerId, date],
  );
  return new Map(rows.map((row) => [row.pocket_id, { total: row.total_value_cents, cash: row.cash_cents }] as const));
}

test('end-of-day values equal the in-memory valuation of every pocket, to the cent', async () => {
  const client = await newPartner(t);
  await client.setClock('2024-03-04T16:00:00Z');
  const customerId = await createCustomer(client);
  const fourWeeks = await createPocket(client, customerId, 'UST-4W');
  const mixed = await createPocket(client, customerId, 'UST-13W');
  const empty = await createPocket(client, customerId, 'UST-26W');
  // Two credits on one day buy two lots of the same bill; odd amounts leave cash beside them.
  await fund(client, fourWeeks, 1_234_567, 2);
  await fund(client, mixed, 4_321_099);
  await client.advanceClock({ to: '2024-03-06T16:00:00Z' });
  // Part of a lot sold: the cost basis and units split.
  await reallocate(client, fourWeeks, mixed, { type: 'REQUESTED_AMOUNT', amount_usdc: 777_777 });
  const changed = await client.patch(`/api/v2/pockets/${mixed}/`, { deposit_strategy_id: 'UST-4W' });
  assert.equal(changed.statusCode, 200, changed.body);
  await fund(client, mixed, 2_500_001);
  // Saturday noon: Friday's end-of-day has run and nothing has happened since.
  await client.advanceClock({ to: '2024-03-09T17:00:00Z' });

  // The tenant's pockets: these three and its partner funding pocket.
  const ids = (await t.db.query<{ id: string }>(`SELECT id FROM pockets WHERE partner_id = $1`, [client.partnerId])).map((row) => row.id);
  assert.equal(ids.length, 4);
  assert.ok([fourWeeks, mixed, empty].every((id) => ids.includes(id)));
  const friday = '2024-03-08';
  const written = await dailyValues(client.partnerId, friday);
  assert.deepEqual([...written.keys()].sort(), [...ids].sort());
  const expected = await valuePockets(t.db, t.services.market, client.partnerId, ids, friday);
  for (const id of ids) {
    const valuation = expected.get(id)!;
    assert.deepEqual(written.get(id), { total: valuation.totalValueCents, cash: valuation.cashCents }, `pocket ${id}`);
  }
  const lots = await t.db.query<{ n: bigint; bills: bigint }>(
    `SELECT count(*) AS n, count(DISTINCT cusip) AS bills FROM pocket_lots WHERE pocket_id = $1 AND units > 0`,
    [mixed],
  );
  assert.ok(lots[0]!.bills >= 2n, 'the mixed pocket holds bills of two terms');
  assert.equal(written.get(empty)!.total, 0n);
  assert.ok(written.get(fourWeeks)!.total > 0n && written.get(fourWeeks)!.cash > 0n);
  await assertSound(t.db, client.partnerId);
  // The clock moves wrote each task's cursor once, at its last run: Friday, for every task.
  const cursors = await t.db.query<{ task: string; done_through: string }>(
    `SELECT task, done_through FROM scheduler_cursors WHERE partner_id = $1 ORDER BY task`,
    [client.partnerId],
  );
  assert.ok(cursors.some((cursor) => cursor.task === 'pockets.end-of-day'));
  assert.deepEqual(new Set(cursors.map((cursor) => cursor.done_through)), new Set([friday]));
});

test('the portfolio invariants report a trade whose ledger entry or pocket does not exist (what migration 0052 stopped checking row by row)', async () => {
  const client = await newPartner(t);
  await client.setClock('2024-03-04T16:00:00Z');
  const pocket = await createPocket(client, await createCustomer(client), 'UST-4W');
  await fund(client, pocket, 1_000_000);
  await assertSound(t.db, client.partnerId);
  // A copy of one of its trades pointing at an entry and a pocket that do not exist.
  await t.db.query(
    `INSERT INTO trades SELECT (jsonb_populate_record(NULL::trades, to_jsonb(x)
       || jsonb_build_object('id', gen_random_uuid(), 'ledger_entry_id', gen_random_uuid(), 'pocket_id', gen_random_uuid(), 'realized_gain_cents', 0))).*
     FROM trades x WHERE x.partner_id = $1 LIMIT 1`,
    [client.partnerId],
  );
  assert.deepEqual(await checkPortfolioInvariants(t.db, client.partnerId), [
    '1 trades point at no ledger entry',
    '1 pockets of trades or lots have no ledger accounts',
  ]);
});
