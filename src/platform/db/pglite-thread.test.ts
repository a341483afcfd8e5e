import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { scratchFolder } from '../../../test/support/db.ts';
import { type Db, isDatabaseUnavailable, migrate, openDatabase, openingDb, openPgliteThread, pgliteThreadAvailable } from './index.ts';

// The embedded database on its worker thread (pglite-thread.ts), as the server opens it: a copy of
// the migrated template in a folder, through openDatabase.
const scratch = scratchFolder('pocketbook-thread-');
after(() => rmSync(scratch, { recursive: true, force: true }));

let db: Db;
before(async () => {
  assert.ok(pgliteThreadAvailable(), 'the test runner runs TypeScript itself: the worker can start from its source');
  db = await openDatabase({ dataDir: join(scratch, 'data'), thread: true });
  await db.exec('CREATE TABLE thread_rows (id int PRIMARY KEY, n bigint NOT NULL, at timestamptz, amount numeric, doc jsonb)');
});
after(() => db.close());

/** Rows of thread_rows, by id. */
const rows = () => db.query<{ id: number; n: bigint; at: Date | null; amount: string | null; doc: unknown }>('SELECT * FROM thread_rows ORDER BY id');

test('statements cross the thread with the drivers’ types: bigint, Date, exact numeric text, JSON', async () => {
  const at = new Date('2024-03-01T12:00:00.000Z');
  await db.query('INSERT INTO thread_rows (id, n, at, amount, doc) VALUES ($1, $2, $3, $4, $5)', [1, 9_007_199_254_740_993n, at, '0.10', JSON.stringify({ a: [1, 'b'] })]);
  const [row] = await rows();
  assert.deepEqual(row, { id: 1, n: 9_007_199_254_740_993n, at, amount: '0.10', doc: { a: [1, 'b'] } });
  await db.query('DELETE FROM thread_rows');
});

test('a transaction commits its deferred writes and its reads see them; a thrown error rolls it all back', async () => {
  const value = await db.tx(async (tx) => {
    tx.defer('INSERT INTO thread_rows (id, n) VALUES ($1, $2)', [1, 10n]);
    tx.defer('INSERT INTO thread_rows (id, n) VALUES ($1, $2)', [2, 20n]);
    const [sum] = await tx.query<{ total: bigint }>('SELECT sum(n)::int8 AS total FROM thread_rows');
    tx.defer('UPDATE thread_rows SET n = n + 1 WHERE id = $1', [2]);
    return sum?.total;
  });
  assert.equal(value, 30n);
  assert.deepEqual((await rows()).map((row) => row.n), [10n, 21n]);

  const thrown = new Error('changed my mind');
  await assert.rejects(
    db.tx(async (tx) => {
      tx.defer('INSERT INTO thread_rows (id, n) VALUES ($1, $2)', [3, 30n]);
      await tx.query('UPDATE thread_rows SET n = 0');
      throw thrown;
    }),
    (error) => error === thrown,
  );
  assert.deepEqual((await rows()).map((row) => [row.id, row.n]), [[1, 10n], [2, 21n]]);
  await db.query('DELETE FROM thread_rows');
});

test('statements a transaction issues together go in order, and each gets its own answer', async () => {
  const [inserted, counted] = await db.tx(async (tx) =>
    Promise.all([
      tx.query<{ id: number }>('INSERT INTO thread_rows (id, n) VALUES (1, 1), (2, 2) RETURNING id'),
      tx.query<{ n: number }>('SELECT count(*)::int AS n FROM thread_rows'),
    ]),
  );
  assert.deepEqual(inserted.map((row) => row.id), [1, 2]);
  assert.deepEqual(counted, [{ n: 2 }]);

  // One of them fails: it gets its error, the one after it PostgreSQL's refusal in a failed
  // transaction, the one before it its rows; the transaction rolls back.
  const settled: PromiseSettledResult<unknown>[] = [];
  await assert.rejects(
    db.tx(async (tx) => {
      settled.push(
        ...(await Promise.allSettled([
          tx.query('INSERT INTO thread_rows (id, n) VALUES (3, 3) RETURNING id'),
          tx.query('INSERT INTO thread_rows (id, n) VALUES (1, 1)'),
          tx.query('SELECT 1 AS one'),
        ])),
      );
      throw new Error('give up');
    }),
    /give up/,
  );
  assert.deepEqual(settled[0], { status: 'fulfilled', value: [{ id: 3 }] });
  assert.equal(((settled[1] as PromiseRejectedResult).reason as { code?: string }).code, '23505');
  assert.equal(((settled[2] as PromiseRejectedResult).reason as { code?: string }).code, '25P02');
  assert.deepEqual((await rows()).map((row) => row.id), [1, 2]);
  await db.query('DELETE FROM thread_rows');
});

test('errors keep their SQLSTATE and constraint, in and out of a transaction; a failed commit writes nothing', async () => {
  await db.query('INSERT INTO thread_rows (id, n) VALUES (1, 1)');
  await assert.rejects(db.query('INSERT INTO thread_rows (id, n) VALUES ($1, $2)', [1, 2n]), (error: { code?: string; constraint?: string }) => {
    assert.equal(error.code, '23505');
    assert.equal(error.constraint, 'thread_rows_pkey');
    return true;
  });
  // A deferred write that fails only at the commit: the transaction's other write is gone too.
  await assert.rejects(
    db.tx(async (tx) => {
      await tx.query('INSERT INTO thread_rows (id, n) VALUES (2, 2)');
      tx.defer('INSERT INTO thread_rows (id, n) VALUES ($1, $2)', [1, 3n]);
    }),
    (error: { code?: string }) => error.code === '23505',
  );
  assert.deepEqual((await rows()).map((row) => row.id), [1]);
  await db.query('DELETE FROM thread_rows');
});

test('statements outside a transaction wait for the open one, as on the main thread', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const order: string[] = [];
  const writer = db.tx(async (tx) => {
    await tx.query('INSERT INTO thread_rows (id, n) VALUES (1, 1)');
    await held;
    order.push('commit');
  });
  // Sent while the transaction is open: it answers after the commit, and sees the row.
  const reader = rows().then((found) => {
    order.push('read');
    return found;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  release();
  await writer;
  assert.deepEqual((await reader).map((row) => row.id), [1]);
  assert.deepEqual(order, ['commit', 'read']);
  await db.query('DELETE FROM thread_rows');
});

test('notifications sent by a committed transaction reach a listener on the main thread', async () => {
  const payloads: string[] = [];
  let resets = 0;
  const subscription = db.listen('thread_news', { onNotify: (payload) => payloads.push(payload), onReset: () => resets++ });
  for (let i = 0; i < 100 && !subscription.live; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(subscription.live, true);
  await db.tx(async (tx) => {
    await tx.query("SELECT pg_notify('thread_news', 'one')");
    await tx.query("SELECT pg_notify('thread_news', 'two')");
  });
  await db.query('SELECT 1');
  assert.deepEqual(payloads, ['one', 'two']);
  assert.equal(resets, 1);
  await subscription.close();
  assert.equal(subscription.live, false);
  await db.tx(async (tx) => void (await tx.query("SELECT pg_notify('thread_news', 'three')")));
  await db.query('SELECT 1');
  assert.deepEqual(payloads, ['one', 'two']);
  assert.throws(() => db.listen('Not A Channel', { onNotify: () => undefined, onReset: () => undefined }), /not a channel name/);
});

test('migrations already recorded leave nothing to do; a closed thread answers as a database that went away', async () => {
  const folder = join(scratch, 'second');
  const second = await openDatabase({ dataDir: folder, thread: true });
  assert.deepEqual(await migrate(second), []);
  await second.close();
  await assert.rejects(second.query('SELECT 1'), (error) => isDatabaseUnavailable(error));
  await assert.rejects(
    second.tx(async () => undefined),
    (error) => isDatabaseUnavailable(error),
  );
});

test('a folder PGlite cannot open fails the open with its error', async () => {
  const file = join(scratch, 'not-a-folder');
  writeFileSync(file, 'a file');
  await assert.rejects(openPgliteThread(file), /EEXIST|ENOTDIR|not a directory|file already exists/i);
});

test('a Db built while the database opens: statements sent early wait for it, and fail with its error when it fails', async () => {
  const db = openingDb(openDatabase({ dataDir: join(scratch, 'opening'), thread: true }), 'pglite');
  let resets = 0;
  const subscription = db.listen('opening_news', { onNotify: () => undefined, onReset: () => resets++ });
  const [rows, count] = await Promise.all([
    db.query<{ answer: number }>('SELECT 42 AS answer'),
    db.tx(async (tx) => (await tx.query<{ n: bigint }>('SELECT count(*) AS n FROM schema_migrations'))[0]?.n),
  ]);
  assert.deepEqual(rows, [{ answer: 42 }]);
  assert.ok(count !== undefined && count > 0n);
  for (let i = 0; i < 100 && !subscription.live; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(resets, 1);
  await subscription.close();
  // Once open, straight to the database.
  assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
  await db.close();

  const file = join(scratch, 'opening-not-a-folder');
  writeFileSync(file, 'a file');
  const failed = openingDb(openPgliteThread(file), 'pglite');
  await assert.rejects(failed.query('SELECT 1'), /EEXIST|ENOTDIR|not a directory|file already exists/i);
  await assert.rejects(failed.tx(async () => undefined), /EEXIST|ENOTDIR|not a directory|file already exists/i);
});
