/**
 * P3 profiler (a developer tool, not part of `npm run bench`): where a 28-day clock advance of a
 * tenant with N funded pockets spends its time, statement by statement.
 *
 *   node --import tsx scripts/bench/p3-profile.ts --pockets 1000 [--db pb_name] [--days 28] [--explain]
 *
 * On PostgreSQL (BENCH_PG_URL's server) it seeds once into a template database
 * `<db>_seed_<N>` (kept between runs), copies it to `<db>_run` for each run and advances the copy,
 * so that iterating on end-of-day code costs seconds instead of a reseed. Prints the advance time,
 * ms per pocket-day, and the statements by total time (deferred batches labelled by their
 * statements). Statements are timed one by one: deferred writes are flushed before each query so
 * that their time is not charged to it.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppDeps } from '../../src/deps.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { type Db, type Tx, migrate, openDatabase } from '../../src/platform/db/index.ts';
import { createServices } from '../../src/services.ts';
import { JikoClient, injectTransport } from './lib/jiko.ts';
import { BENCH_RATE_LIMIT_PER_MINUTE } from './lib/processes.ts';
import { BENCH_CLOCK_START, advanceClock, seedPockets, setClock } from './lib/seed.ts';

const SERVER = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

interface Timing {
  ms: number;
  calls: number;
}

/** Wraps `db` so that each statement's time is added to `timings` under a short label. */
function timingDb(db: Db, timings: Map<string, Timing>): Db {
  const add = (label: string, ms: number) => {
    const t = timings.get(label) ?? { ms: 0, calls: 0 };
    t.ms += ms;
    t.calls += 1;
    timings.set(label, t);
  };
  const label = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 110);
  return {
    ...db,
    kind: db.kind,
    async query(sql, params) {
      const started = performance.now();
      try {
        return await db.query(sql, params);
      } finally {
        add(label(sql), performance.now() - started);
      }
    },
    tx(fn, options) {
      return db.tx(async (tx) => {
        const pending: string[] = [];
        const flushTimed = async () => {
          if (pending.length === 0) return;
          const started = performance.now();
          await tx.flush();
          add(`(deferred) ${pending.map((sql) => label(sql).slice(0, 60)).join(' | ')}`, performance.now() - started);
          pending.length = 0;
        };
        const timed: Tx = {
          alone: tx.alone,
          gather(sql, params) {
            return timed.query(sql, params);
          },
          async query(sql, params) {
            await flushTimed();
            const started = performance.now();
            try {
              return await tx.query(sql, params);
            } finally {
              add(label(sql), performance.now() - started);
            }
          },
          defer(sql, params) {
            pending.push(sql);
            tx.defer(sql, params);
          },
          flush: flushTimed,
        };
        const value = await fn(timed);
        await flushTimed();
        return value;
      }, options);
    },
  } as Db;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rows.length === 1;
  } finally {
    await client.end();
  }
}

/** CPU milliseconds used so far by each server backend connected to `database` (by pid; Linux /proc). */
async function backendCpuMs(database: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    const result = new Map<number, number>();
    const tick = 1000 / 100; // USER_HZ
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        result.set(pid, (Number(fields[11]) + Number(fields[12])) * tick);
      } catch {
        // Not on this machine's /proc (a remote server): no CPU figure.
      }
    }
    return result;
  } finally {
    await client.end();
  }
}

async function compose(databaseUrl: string, timings: Map<string, Timing>) {
  const config = loadConfig({
    POCKETBOOK_SEED_DEMO: 'false',
    POCKETBOOK_RUN_WORKER: 'false',
    POCKETBOOK_POCKET_OPEN_DELAY_MS: '0',
    POCKETBOOK_RATE_LIMIT_PER_MINUTE: String(BENCH_RATE_LIMIT_PER_MINUTE),
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
  });
  const db = timingDb(await openDatabase({ databaseUrl: config.databaseUrl }), timings);
  await migrate(db);
  const deps: AppDeps = { config, db, wallClock: systemClock };
  const services = await createServices(deps);
  const app = await buildApp(deps, services);
  const partner = await services.auth.ensureSandboxPartner();
  const client = await JikoClient.login(injectTransport(app), { username: partner.username, password: partner.password, sharedSecret: partner.sharedSecret });
  return { db, app, client };
}

async function main(): Promise<void> {
  const pockets = Number(arg('pockets', '1000'));
  const days = Number(arg('days', '28'));
  const base = arg('db', 'pb_eod');
  const seedName = `${base}_seed_${pockets}`;
  const runName = `${base}_run`;
  if (!(await databaseExists(seedName))) {
    const building = `${seedName}_building`;
    await admin(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${building}`);
    const { app, db, client } = await compose(`${SERVER}/${building}`, new Map());
    await setClock(client, BENCH_CLOCK_START);
    const started = performance.now();
    const customers = Math.ceil(pockets / 100);
    await seedPockets(client, { customers, pocketsPerCustomer: Math.min(pockets, 100), fundCents: 1_000_000, concurrency: 8 });
    console.log(`seeded ${pockets} pockets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await app.close();
    await db.close();
    await admin(`ALTER DATABASE ${building} RENAME TO ${seedName}`);
  }
  await admin(`DROP DATABASE IF EXISTS ${runName} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${runName} TEMPLATE ${seedName}`);
  if (process.argv.includes('--explain')) {
    // Plans of statements over 100 ms go to the server's log (auto_explain, with timings and triggers).
    for (const setting of ["session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = '100ms'", 'auto_explain.log_analyze = on', 'auto_explain.log_triggers = on']) {
      await admin(`ALTER DATABASE ${runName} SET ${setting}`);
    }
  }
  const timings = new Map<string, Timing>();
  const { app, db, client } = await compose(`${SERVER}/${runName}`, timings);
  timings.clear();
  const backendsBefore = await backendCpuMs(runName);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await advanceClock(client, days);
  const advanceMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const backendsAfter = await backendCpuMs(runName);
  const backendMs = [...backendsAfter].reduce((sum, [pid, ms]) => sum + ms - (backendsBefore.get(pid) ?? 0), 0);
  console.log(`CPU: node ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, PostgreSQL backends ${backendMs.toFixed(0)} ms (less sensitive to a busy machine than wall time)`);
  const dbMs = [...timings.values()].reduce((sum, t) => sum + t.ms, 0);
  console.log(`advance ${days} days, ${pockets} pockets: ${advanceMs.toFixed(0)} ms = ${(advanceMs / (pockets * days)).toFixed(4)} ms per pocket-day; in SQL ${dbMs.toFixed(0)} ms`);
  for (const [label, t] of [...timings].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
    console.log(`${t.ms.toFixed(0).padStart(7)} ms ${String(t.calls).padStart(4)}x  ${label}`);
  }
  await app.close();
  await db.close();
}

await main();
