/**
 * Planner statistics where no autovacuum daemon keeps them (src/platform/db/statistics.ts): a
 * table changed beyond autovacuum's threshold (50 rows + 10%) is found stale and analyzed, and the
 * background keeper does it on its own on the embedded database and on a server with autovacuum
 * off. Each test works on a table of its own in a schema of its own, so that neither other tests'
 * writes nor the keepers of servers other tests start (which keep the default schema) interfere.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ANALYZE_THRESHOLD_ROWS, type Db, analyzeStaleTables, autovacuumRuns, staleTables, startStatisticsKeeper } from '../src/platform/db/index.ts';
import { acquireTestDatabase, releaseTestDatabase } from './support/db.ts';

let db: Db;
before(async () => {
  db = await acquireTestDatabase();
});
after(() => {
  releaseTestDatabase();
});

/** A fresh table; `rows` inserts that many more rows and makes the backend report its counts now. */
async function probeTable(): Promise<{ schema: string; name: string; insert(rows: number): Promise<void>; drop(): Promise<void> }> {
  const schema = `stats_probe_${randomUUID().replaceAll('-', '')}`;
  const name = 'probe';
  await db.query(`CREATE SCHEMA ${schema}`);
  await db.query(`CREATE TABLE ${schema}.${name} (id integer PRIMARY KEY, tenant integer NOT NULL)`);
  let next = 0;
  return {
    schema,
    name,
    async insert(rows) {
      const from = next + 1;
      next += rows;
      await db.tx(async (tx) => {
        await tx.query(`INSERT INTO ${schema}.${name} (id, tenant) SELECT g, g % 7 FROM generate_series($1::integer, $2::integer) AS g`, [from, next]);
        // A backend reports its table counts when it goes idle, at most once a second unless told:
        // told here on the transaction's connection (PostgreSQL), and after it (the embedded one).
        await tx.query('SELECT pg_stat_force_next_flush()');
      });
      await db.query('SELECT pg_stat_force_next_flush()');
    },
    drop: async () => void (await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)),
  };
}

async function rowsKnown(probe: { schema: string; name: string }): Promise<number> {
  const [row] = await db.query<{ reltuples: number }>(
    'SELECT c.reltuples::float8 AS reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
    [probe.schema, probe.name],
  );
  return Number(row?.reltuples);
}

/** Waits until the statistics report `changes` rows changed since the probe's last ANALYZE. */
async function reported(probe: { schema: string; name: string }, changes: number): Promise<void> {
  const seen = await eventually(async () => {
    const [row] = await db.query<{ n: bigint }>('SELECT n_mod_since_analyze AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2', [probe.schema, probe.name]);
    return Number(row?.n) === changes;
  }, 5_000);
  assert.ok(seen, `the statistics report ${changes} changed rows`);
}

/** Waits (polling) until `check` holds or `ms` pass; returns whether it held. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a table is stale once more than 50 rows + 10% changed since its last ANALYZE, and analyzed, it is not', async () => {
  const probe = await probeTable();
  try {
    await probe.insert(ANALYZE_THRESHOLD_ROWS);
    await reported(probe, 50);
    assert.ok(!(await staleTables(db, probe.schema)).includes(probe.name), '50 changed rows are not over the threshold');
    await probe.insert(1);
    await reported(probe, 51);
    assert.ok((await staleTables(db, probe.schema)).includes(probe.name), '51 changed rows of a never-analyzed table are');

    const analyzed = await analyzeStaleTables(db, probe.schema);
    assert.ok(analyzed.includes(probe.name));
    assert.equal(await rowsKnown(probe), 51, 'the planner now knows the row count');
    assert.ok(!(await staleTables(db, probe.schema)).includes(probe.name));

    // Now 51 rows are known: the threshold is 50 + 5.1 changed rows.
    await probe.insert(55);
    await reported(probe, 55);
    assert.ok(!(await staleTables(db, probe.schema)).includes(probe.name), '55 changes of a 51-row table are under 55.1');
    await probe.insert(1);
    await reported(probe, 56);
    assert.ok((await staleTables(db, probe.schema)).includes(probe.name), '56 are over');
  } finally {
    await probe.drop();
  }
});

test('the keeper analyzes stale tables by itself where no autovacuum runs, and stops', async () => {
  const probe = await probeTable();
  const errors: unknown[] = [];
  const keeper = startStatisticsKeeper(db, { intervalMs: 20, onError: (error) => errors.push(error), schema: probe.schema });
  try {
    await probe.insert(500);
    if (await autovacuumRuns(db)) {
      // The server's daemon keeps statistics: the keeper leaves them to it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok((await staleTables(db, probe.schema)).includes(probe.name) || (await rowsKnown(probe)) === 500);
    } else {
      assert.ok(await eventually(async () => (await rowsKnown(probe)) === 500, 10_000), 'the keeper analyzed the table');
    }
  } finally {
    await keeper.stop();
    await probe.drop();
  }
  assert.deepEqual(errors, []);
});

test('a keeper with interval 0 does nothing', async () => {
  const probe = await probeTable();
  const keeper = startStatisticsKeeper(db, { intervalMs: 0, onError: (error) => assert.fail(String(error)), schema: probe.schema });
  try {
    await probe.insert(200);
    await reported(probe, 200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok((await rowsKnown(probe)) <= 0, 'never analyzed');
  } finally {
    await keeper.stop();
    await probe.drop();
  }
});
