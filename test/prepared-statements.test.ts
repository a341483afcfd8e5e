/**
 * Statements that run again and again (src/platform/db): the embedded driver prepares a text at its
 * second use and then sends only its values, alone or as a batch of deferred writes in one call
 * (pglite.ts); PostgreSQL names it at its second use too (postgres.ts). Whatever the use, the
 * same statement answers the same: types of values and rows, order of writes, errors with their
 * SQLSTATE, a failed batch that leaves nothing and a database that keeps working.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type Db, openPglite } from '../src/platform/db/index.ts';
import { acquireTestDatabase, releaseTestDatabase } from './support/db.ts';

let db: Db;
before(async () => {
  db = await acquireTestDatabase();
});
after(() => {
  releaseTestDatabase();
});

const TYPES = `SELECT $1::bigint AS big, $2::numeric AS dec, $3::date AS day, $4::timestamptz AS at, $5::text AS text,
  $6::boolean AS flag, $7::jsonb AS doc, $8::uuid[] AS ids, $9::text AS absent, cardinality($8::uuid[]) AS n`;

test('a statement answers the same at its first, second and later uses, in and out of a transaction', async () => {
  for (let use = 1; use <= 4; use++) {
    const ids = [randomUUID(), randomUUID()];
    const params = [9_007_199_254_740_993n + BigInt(use), `12345678901234567890.00000${use}`, '2024-02-29', new Date(Date.UTC(2024, 2, 4, 16, use)), `it's "${use}" \\ ok`, use % 2 === 0, JSON.stringify({ use, list: [1, 'two'] }), ids, null];
    const expected = {
      big: 9_007_199_254_740_993n + BigInt(use),
      dec: `12345678901234567890.00000${use}`,
      day: '2024-02-29',
      at: new Date(Date.UTC(2024, 2, 4, 16, use)),
      text: `it's "${use}" \\ ok`,
      flag: use % 2 === 0,
      doc: { use, list: [1, 'two'] },
      ids,
      absent: null,
      n: 2,
    };
    assert.deepEqual(await db.query(TYPES, params), [expected], `outside a transaction, use ${use}`);
    assert.deepEqual(await db.tx((tx) => tx.query(TYPES, params)), [expected], `in a transaction, use ${use}`);
  }
});

test('an embedded database in memory answers with the same types, and runs with the same settings, as one in a folder', { skip: process.env.DATABASE_URL ? 'embedded only' : false }, async () => {
  const memory = await openPglite(undefined);
  try {
    // The start parameters reach both (PGlite reads some options only after a folder's name).
    const SETTINGS = "SELECT current_setting('shared_buffers') AS buffers, current_setting('plan_cache_mode') AS plans";
    const settings = await memory.query<{ buffers: string; plans: string }>(SETTINGS);
    assert.deepEqual(settings, await db.query(SETTINGS));
    assert.equal(settings[0]?.plans, 'force_generic_plan');
    assert.notEqual(settings[0]?.buffers, '128MB', "not PostgreSQL's default: the embedded database zeroes its pool at every start");
    const params = [9_007_199_254_740_993n, '1.50', '2024-02-29', new Date(Date.UTC(2024, 2, 4, 16)), 'x', true, '{"a":1}', [randomUUID()], null];
    for (let use = 1; use <= 2; use++) {
      const [row] = await memory.query<Record<string, unknown>>(TYPES, params);
      assert.deepEqual(row, await db.query(TYPES, params).then((rows) => rows[0]), `use ${use}`);
      assert.equal(row!.day, '2024-02-29');
      assert.equal(row!.big, 9_007_199_254_740_993n);
    }
  } finally {
    await memory.close();
  }
});

const INSERT = 'INSERT INTO login_throttles (key, failures, last_failure_at) VALUES ($1, $2, $3)';
const BUMP = 'UPDATE login_throttles SET failures = failures * 10 + $2 WHERE key = $1';
const READ = 'SELECT key, failures FROM login_throttles WHERE key = ANY($1::text[]) ORDER BY key';

test('deferred writes run in the order deferred at every use; a failing one fails its batch, nothing commits, and the next transaction runs', async () => {
  for (let use = 1; use <= 4; use++) {
    const key = `prepared-${randomUUID()}`;
    const rows = await db.tx(async (tx) => {
      tx.defer(INSERT, [key, 1, new Date()]);
      tx.defer(BUMP, [key, 2]);
      tx.defer(BUMP, [key, 3]);
      return tx.query<{ key: string; failures: number }>(READ, [[key]]);
    });
    assert.deepEqual(rows, [{ key, failures: 123 }], `use ${use}`);

    const doomed = `prepared-${randomUUID()}`;
    await assert.rejects(
      db.tx(async (tx) => {
        tx.defer(INSERT, [doomed, 1, new Date()]);
        tx.defer(INSERT, [key, 1, new Date()]); // the key exists: unique violation
        tx.defer(BUMP, [doomed, 2]);
        await tx.flush();
      }),
      (error: { code?: string }) => error.code === '23505',
      `use ${use}`,
    );
    assert.deepEqual(await db.query(READ, [[doomed, key]]), [{ key, failures: 123 }], `use ${use}: the failed batch left nothing`);
  }
});

test('a statement that fails when it runs fails with its SQLSTATE at every use, and the database answers after it', async () => {
  const divide = 'SELECT 10 / $1::integer AS q';
  for (let use = 1; use <= 3; use++) {
    await assert.rejects(db.query(divide, [0]), (error: { code?: string }) => error.code === '22012', `use ${use}`);
    await assert.rejects(db.tx((tx) => tx.query(divide, [0])), (error: { code?: string }) => error.code === '22012', `use ${use}`);
    assert.deepEqual(await db.query(divide, [use]), [{ q: Math.trunc(10 / use) }]);
  }
});

test('deferred writes see what the writes deferred before them did, at every use (a table one of them creates)', async () => {
  for (let use = 1; use <= 4; use++) {
    const rows = await db.tx(async (tx) => {
      tx.defer('CREATE TEMP TABLE prepared_probe (n integer, label text) ON COMMIT DROP');
      tx.defer('INSERT INTO prepared_probe VALUES ($1, $2)', [use, `first ${use}`]);
      tx.defer('INSERT INTO prepared_probe SELECT n + $1, $2 FROM prepared_probe', [10, null]);
      return tx.query<{ n: number; label: string | null }>('SELECT n, label FROM prepared_probe WHERE n > $1 ORDER BY n', [0]);
    });
    assert.deepEqual(rows, [{ n: use, label: `first ${use}` }, { n: use + 10, label: null }], `use ${use}`);
  }
});

test('a deferred write takes an array of strings at every use, whatever its elements hold', async () => {
  const keys = (use: number) => {
    const run = randomUUID();
    return [`array-${use}-${run}`, `it's "quoted", {braced} \\ and, comma ${use} ${run}`, `array-${use}-end-${run}`];
  };
  for (let use = 1; use <= 4; use++) {
    const wanted = keys(use);
    const rows = await db.tx(async (tx) => {
      tx.defer('INSERT INTO login_throttles (key, failures, last_failure_at) SELECT k, 1, $2::timestamptz FROM unnest($1::text[]) AS k', [wanted, new Date()]);
      tx.defer('UPDATE login_throttles SET failures = 2 WHERE key = ANY($1::text[])', [[]]);
      return tx.query<{ key: string; failures: number }>(READ, [wanted]);
    });
    assert.deepEqual(rows.map((row) => row.key).sort(), [...wanted].sort(), `use ${use}`);
    assert.ok(rows.every((row) => row.failures === 1), `an empty array matches nothing (use ${use})`);
  }
  if (db.kind === 'pglite') {
    // From its second use the write runs prepared, in the batch, not as a script parsed and planned again.
    const [prepared] = await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM pg_prepared_statements WHERE statement LIKE $1', [
      'INSERT INTO login_throttles (key, failures, last_failure_at) SELECT k, 1, $2::timestamptz FROM unnest($1::text[])%',
    ]);
    assert.equal(prepared?.n, 1);
  }
});

test('a deferred write takes arrays of strings and nulls, one a column, at every use (the text NULL stays text)', async () => {
  const WRITE = 'INSERT INTO login_throttles (key, failures, last_failure_at, locked_until) SELECT x.k, 1, $3::timestamptz, x.u FROM unnest($1::text[], $2::timestamptz[]) AS x(k, u)';
  for (let use = 1; use <= 4; use++) {
    const run = randomUUID();
    // The middle key is the text NULL itself: the same in every use, removed by each transaction.
    const keys = [`nulls-${use}-${run}`, 'NULL', `nulls-${use}-end-${run}`];
    const until = [null, new Date(Date.UTC(2030, 0, use)).toISOString(), null];
    const rows = await db.tx(async (tx) => {
      tx.defer(WRITE, [keys, until, new Date()], { rows: [0, 1] });
      const written = await tx.query<{ key: string; locked_until: Date | null }>('SELECT key, locked_until FROM login_throttles WHERE key = ANY($1::text[]) ORDER BY key', [keys]);
      tx.defer('DELETE FROM login_throttles WHERE key = ANY($1::text[])', [keys]);
      return written;
    });
    const byKey = new Map(rows.map((row) => [row.key, row.locked_until?.toISOString() ?? null]));
    assert.deepEqual(keys.map((key) => byKey.get(key)), until, `use ${use}`);
  }
});

test("statements run their generic plans, except in a transaction that asks for PostgreSQL's own choice", async () => {
  const mode = async (q: { query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> }) =>
    (await q.query<{ mode: string }>("SELECT current_setting('plan_cache_mode') AS mode WHERE $1::integer = 1", [1]))[0]?.mode;
  assert.equal(await mode(db), 'force_generic_plan');
  assert.equal(await db.tx((tx) => mode(tx)), 'force_generic_plan');
  assert.equal(await db.tx((tx) => mode(tx), { plans: 'auto' }), 'auto');
  assert.equal(await mode(db), 'force_generic_plan', 'SET LOCAL ends with its transaction');
  assert.equal(await db.tx((tx) => mode(tx)), 'force_generic_plan');
});
