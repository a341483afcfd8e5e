/**
 * The database drivers' pipelining (src/platform/db): statements a transaction issues together run
 * in the order issued, after the deferred writes issued before them; a failing one fails with its
 * own error; reads gathered in one turn share one statement; statements issued together outside a
 * transaction are answered each on its own. And
 * what it buys through the API on PostgreSQL: an on-us transfer in 3 round trips, a GET of a
 * pocket in 1 once its tenant's clock is kept (counted by `countingDb`, as `npm run bench` counts
 * them).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type Db, laneSafe } from '../src/platform/db/index.ts';
import { countedApp } from './support/app.ts';
import { acquireTestDatabase, releaseTestDatabase } from './support/db.ts';
import { assertSound, createCustomer, createPocket, fund, reallocate } from './support/fixtures.ts';

let db: Db;
before(async () => {
  db = await acquireTestDatabase();
});
after(() => {
  releaseTestDatabase();
});

test('a transaction runs statements issued together in order, after the writes deferred before them', async () => {
  const seen = await db.tx(async (tx) => {
    await tx.query('CREATE TEMP TABLE pipelining_probe (n integer) ON COMMIT DROP');
    tx.defer('INSERT INTO pipelining_probe VALUES (1)');
    const [, , read] = await Promise.all([
      tx.query('INSERT INTO pipelining_probe VALUES (2) RETURNING n'),
      tx.query('INSERT INTO pipelining_probe VALUES (3) RETURNING n'),
      tx.query<{ ns: string }>(`SELECT string_agg(n::text, ',' ORDER BY n) AS ns FROM pipelining_probe`),
    ]);
    tx.defer('INSERT INTO pipelining_probe VALUES (4)');
    const [last] = await tx.query<{ ns: string }>(`SELECT string_agg(n::text, ',' ORDER BY n) AS ns FROM pipelining_probe`);
    return [read[0]?.ns, last?.ns];
  });
  assert.deepEqual(seen, ['1,2,3', '1,2,3,4']);
});

/** A statement that fails when it runs (division by zero, SQLSTATE 22012), not when it is parsed. */
const FAILING = `SELECT 1 / (SELECT count(*) FROM login_throttles WHERE key = 'pipelining: no such key') AS boom`;

test('a failing statement among those sent together fails the transaction with its own error, and nothing commits', async () => {
  const key = `pipelining-${randomUUID()}`;
  await assert.rejects(
    db.tx(async (tx) => {
      tx.defer('INSERT INTO login_throttles (key, failures, last_failure_at) VALUES ($1, 1, now())', [key]);
      // Fails when it runs (division by zero); the statement after it is refused by the aborted transaction.
      tx.defer('UPDATE login_throttles SET failures = failures / (failures - 1) WHERE key = $1', [key]);
      await tx.query('SELECT 1 AS fine');
    }),
    (error: { code?: string }) => error.code === '22012',
  );
  assert.deepEqual(await db.query('SELECT key FROM login_throttles WHERE key = $1', [key]), []);
});

test('reads gathered in one turn share a statement on PostgreSQL, over the union of their keys; a failed one fails each', async () => {
  const KEYS = 'SELECT k FROM unnest($1::text[]) AS k ORDER BY k';
  const TAGGED = 'SELECT k, $2::text AS tag FROM unnest($1::text[]) AS k';
  const [a, b, c] = await db.tx((tx) =>
    Promise.all([tx.gather<{ k: string }>(KEYS, [['x', 'y']], [0]), tx.gather<{ k: string }>(KEYS, [['y', 'z']], [0]), tx.gather<{ k: string }>(TAGGED, [['w'], 'own'], [0])]),
  );
  const keys = (rows: { k: string }[]) => rows.map((row) => row.k);
  if (db.kind === 'postgres') {
    // One statement for the first two: the same rows, each key once.
    assert.equal(a, b);
    assert.deepEqual(keys(a), ['x', 'y', 'z']);
  } else {
    assert.deepEqual(keys(a), ['x', 'y']);
    assert.deepEqual(keys(b), ['y', 'z']);
  }
  assert.deepEqual(keys(c), ['w']);
  let failed: PromiseSettledResult<unknown>[] = [];
  const CAST = 'SELECT k::int FROM unnest($1::text[]) AS k';
  await db
    .tx(async (tx) => {
      failed = await Promise.allSettled([tx.gather(CAST, [['1']], [0]), tx.gather(CAST, [['x']], [0])]);
      throw new Error('roll back');
    })
    .catch(() => undefined);
  if (db.kind === 'postgres') assert.deepEqual(failed.map((outcome) => outcome.status), ['rejected', 'rejected']);
  else assert.deepEqual(failed.map((outcome) => outcome.status), ['fulfilled', 'rejected']);
});

test('statements issued together outside a transaction are answered each on its own', async () => {
  const [good, bad, other] = await Promise.allSettled([
    db.query<{ a: number }>('SELECT $1::integer AS a', [1]),
    db.query(FAILING),
    db.query<{ b: string }>('SELECT $1::text AS b', ['two']),
  ]);
  assert.deepEqual(good.status === 'fulfilled' ? good.value : good.reason, [{ a: 1 }]);
  assert.equal(bad.status === 'rejected' && (bad.reason as { code?: string }).code, '22012');
  assert.deepEqual(other.status === 'fulfilled' ? other.value : other.reason, [{ b: 'two' }]);
});

test("through the API on PostgreSQL, a transfer costs 2 round trips, and a GET of a pocket 1 once its tenant's clock is kept", async () => {
  const { counted, client, close } = await countedApp(db, '2024-03-04T16:00:00Z');
  try {
    const customerId = await createCustomer(client);
    const a = await createPocket(client, customerId, 'UST-4W', 'A');
    const b = await createPocket(client, customerId, 'UST-4W', 'B');
    await fund(client, a, 4_000_000);
    await fund(client, b, 4_000_000);
    await reallocate(client, a, b, { type: 'REQUESTED_AMOUNT', amount_usdc: 10_000 });
    counted.resetCount();
    // The source holds bills and no cash: the transfer sells, moves and the target buys.
    assert.equal(await reallocate(client, b, a, { type: 'REQUESTED_AMOUNT', amount_usdc: 10_000 }), 10_000n);
    const transfer = counted.count();
    // A GET: the pocket with its balances, lots and net flows in one statement, once the tenant's
    // clock is kept (its last change notified: at once on PGlite, a moment later on PostgreSQL).
    let get = { statements: -1, roundTrips: -1 };
    for (const until = Date.now() + 3_000; Date.now() < until && get.statements !== 1; ) {
      await client.get(`/api/v2/pockets/${a}/`);
      counted.resetCount();
      const got = await client.get(`/api/v2/pockets/${a}/`);
      assert.equal(got.statusCode, 200, got.body);
      get = counted.count();
    }
    await assertSound(db, client.partnerId);
    assert.deepEqual([get.statements, get.roundTrips], [1, 1], counted.recentStatements().join('\n'));
    if (db.kind === 'postgres') {
      assert.equal(transfer.roundTrips, 2, counted.recentStatements().join('\n'));
    } else {
      // PGlite runs one statement at a time: the same statements, each its own round trip.
      assert.ok(transfer.roundTrips <= 12, `${transfer.roundTrips}`);
    }
  } finally {
    await close();
  }
});

test('plain reads may ride a read lane; writes, locking reads and data-modifying CTEs may not', () => {
  const safe = ['SELECT 1', '  select id FROM pockets WHERE partner_id = $1', 'WITH x AS (SELECT 1) SELECT * FROM x', 'SELECT pg_try_advisory_xact_lock(1)'];
  const unsafe = [
    'INSERT INTO t VALUES (1)',
    'UPDATE t SET n = 1',
    'DELETE FROM t',
    'SELECT * FROM pockets WHERE id = $1 FOR UPDATE',
    'SELECT * FROM pockets FOR NO KEY UPDATE',
    'SELECT * FROM pockets FOR KEY SHARE',
    'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
    'SELECT pg_advisory_lock(1)',
    'ANALYZE pockets',
  ];
  for (const sql of safe) assert.equal(laneSafe(sql), true, sql);
  for (const sql of unsafe) assert.equal(laneSafe(sql), false, sql);
});

test('a write outside a transaction that waits for a row lock does not hold up reads', async (t) => {
  if (db.kind !== 'postgres') return t.skip('PostgreSQL only: the embedded database runs one statement at a time');
  const key = `lane-${randomUUID()}`;
  await db.query('INSERT INTO login_throttles (key, failures, last_failure_at) VALUES ($1, 1, now())', [key]);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  const holder = db.tx(async (tx) => {
    await tx.query('SELECT key FROM login_throttles WHERE key = $1 FOR UPDATE', [key]);
    locked();
    await held;
  });
  await lockTaken;
  const write = db.query('UPDATE login_throttles SET failures = failures + 1 WHERE key = $1', [key]);
  // Reads issued after the blocked write, alone and together, answer while the lock is held.
  const started = performance.now();
  const [one, two] = await Promise.all([db.query<{ n: number }>('SELECT 1 AS n'), db.query<{ failures: number }>('SELECT failures FROM login_throttles WHERE key = $1', [key])]);
  assert.deepEqual([one[0]?.n, two[0]?.failures], [1, 1]);
  assert.ok(performance.now() - started < 5_000);
  release();
  await holder;
  await write;
  assert.deepEqual(await db.query<{ failures: number }>('SELECT failures FROM login_throttles WHERE key = $1', [key]), [{ failures: 2 }]);
});
