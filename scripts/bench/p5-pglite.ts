/**
 * P5: embedded PGlite in-process (a data folder, as `npm start` uses it): signed on-us transfers
 * through `app.inject()` one after another, beside a raw PGlite transaction of three statements
 * (UPDATE, INSERT, SELECT between BEGIN and COMMIT) on a small table, one after another. Twice:
 * PGlite on the main thread, and on a thread of its own as the server runs it by default.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { startInProcessApp } from './inprocess.ts';
import { JikoClient, injectTransport } from './lib/jiko.ts';
import type { BenchOptions, Log } from './lib/options.ts';
import { onCleanup, tempDir } from './lib/processes.ts';
import { type Row, ratioOf } from './lib/report.ts';
import { BENCH_CLOCK_START, createCustomer, createPocket, fundPocket, setClock, transfer } from './lib/seed.ts';
import { TRANSFER_CENTS } from './p1-transfers.ts';

export const P5_RATIO_MIN = 0.05;
const ANCHOR_ACCOUNTS = 100;

/** Runs `step(n)` back to back: a warm-up, then `measureMs`; returns completed steps per second. */
async function perSecond(options: BenchOptions, step: (n: number) => Promise<void>): Promise<number> {
  let n = 0;
  const warm = performance.now() + options.warmupMs;
  while (performance.now() < warm) await step(n++);
  const started = performance.now();
  let done = 0;
  while (performance.now() - started < options.measureMs) {
    await step(n++);
    done += 1;
  }
  return done / ((performance.now() - started) / 1000);
}

async function rawPglite(options: BenchOptions): Promise<number> {
  const pg = new PGlite(join(tempDir('raw'), 'data'));
  onCleanup(async () => {
    if (!pg.closed) await pg.close();
  });
  await pg.exec(`
    CREATE TABLE accounts (id integer PRIMARY KEY, balance_cents bigint NOT NULL);
    CREATE TABLE history (id bigserial PRIMARY KEY, account_id integer NOT NULL, delta_cents bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());
    INSERT INTO accounts SELECT n, 1000000 FROM generate_series(1, ${ANCHOR_ACCOUNTS}) AS n;
  `);
  const tps = await perSecond(options, async (n) => {
    const account = 1 + (n % ANCHOR_ACCOUNTS);
    const delta = n % 2 === 0 ? 100 : -100;
    await pg.transaction(async (tx) => {
      await tx.query('UPDATE accounts SET balance_cents = balance_cents + $1 WHERE id = $2', [delta, account]);
      await tx.query('INSERT INTO history (account_id, delta_cents) VALUES ($1, $2)', [account, delta]);
      await tx.query('SELECT balance_cents FROM accounts WHERE id = $1', [account]);
    });
  });
  await pg.close();
  return tps;
}

/** Signed on-us transfers per second, one after another, through an in-process app on PGlite (on its own thread when `thread`). */
async function transfersPerSecond(options: BenchOptions, thread: boolean): Promise<{ figure: number; roundTrips: number }> {
  const app = await startInProcessApp({ dataDir: join(tempDir('p5'), 'data'), thread });
  const unregister = onCleanup(() => app.close());
  try {
    const client = await JikoClient.login(injectTransport(app.app), app.partner);
    await setClock(client, BENCH_CLOCK_START);
    const customer = await createCustomer(client, 1);
    const a = await createPocket(client, customer, 'P5 A');
    const b = await createPocket(client, customer, 'P5 B');
    await fundPocket(client, a, 4_999_999, 9);
    await fundPocket(client, b, 4_999_999, 9);
    app.db.resetCount();
    let transfers = 0;
    const figure = await perSecond(options, async (n) => {
      const status = await (n % 2 === 0 ? transfer(client, a, b, TRANSFER_CENTS) : transfer(client, b, a, TRANSFER_CENTS));
      if (status !== 'COMPLETED') throw new Error(`P5 transfer ended ${status}`);
      transfers += 1;
    });
    return { figure, roundTrips: app.db.count().roundTrips / Math.max(1, transfers) };
  } finally {
    unregister();
    await app.close();
  }
}

export async function runP5(options: BenchOptions, log: Log): Promise<Row[]> {
  log('P5: raw PGlite transactions');
  const anchor = await rawPglite(options);
  log('P5: pocketbook in-process on PGlite');
  const inProcess = await transfersPerSecond(options, false);
  log('P5: pocketbook in-process on PGlite on its own thread');
  const threaded = await transfersPerSecond(options, true);
  const ratio = ratioOf(inProcess.figure, anchor);
  const threadedRatio = ratioOf(threaded.figure, anchor);
  log(`P5: raw ${anchor.toFixed(0)} tx/s, pocketbook ${inProcess.figure.toFixed(1)} transfers/s (${ratio?.toFixed(3) ?? '-'}x), on a thread ${threaded.figure.toFixed(1)} (${threadedRatio?.toFixed(3) ?? '-'}x)`);
  const anchorWhat = 'raw PGlite 3-statement transactions/s';
  return [
    {
      figure: 'P5',
      what: 'PGlite in-process: on-us transfers/s',
      anchorWhat,
      anchor,
      value: inProcess.figure,
      ratio,
      target: `>= ${P5_RATIO_MIN}x`,
      met: ratio !== null && ratio >= P5_RATIO_MIN,
      note: `${inProcess.roundTrips.toFixed(1)} SQL round trips per transfer on PGlite (average)`,
    },
    {
      figure: 'P5',
      what: "PGlite on its own thread (the server's default): on-us transfers/s",
      anchorWhat,
      anchor,
      value: threaded.figure,
      ratio: threadedRatio,
      target: `>= ${P5_RATIO_MIN}x`,
      met: threadedRatio !== null && threadedRatio >= P5_RATIO_MIN,
      note: `statements run on a worker thread (POCKETBOOK_PGLITE_THREAD, src/platform/db/pglite-thread.ts); ${threaded.roundTrips.toFixed(1)} SQL round trips per transfer`,
    },
  ];
}
