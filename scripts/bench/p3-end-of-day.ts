/**
 * P3: end of day. A tenant with N funded pockets (4-week bills bought on a Monday) has its test
 * clock advanced 28 days: every business day values every pocket, and the bills mature and are
 * reinvested inside the window. Figure: milliseconds per pocket-day = advance time / (N x 28).
 * Anchor: N x 28 rows written by plain multi-row INSERTs into the same database.
 */
import { performance } from 'node:perf_hooks';
import { startInProcessApp } from './inprocess.ts';
import { JikoClient, injectTransport } from './lib/jiko.ts';
import type { BenchOptions, Log } from './lib/options.ts';
import { onCleanup, scratchDatabase } from './lib/processes.ts';
import { type Row, fmt, ratioOf } from './lib/report.ts';
import { BENCH_CLOCK_START, SEED_PROGRESS_EVERY, advanceClock, seedPockets, setClock } from './lib/seed.ts';

export const ADVANCE_DAYS = 28;
export const POCKET_DAY_MS_MAX = 0.02;
/** The size at which the per pocket-day target is checked. */
export const POCKET_DAY_TARGET_POCKETS = 10_000;
/** "Linear in pockets": the large tenant's cost per pocket-day at most this many times the small one's. */
export const LINEARITY_RATIO_MAX = 1.5;

const POCKETS_PER_CUSTOMER = 100;
/** Seeding requests at once on PostgreSQL (PGlite runs one statement at a time anyway). */
const SEED_CONCURRENCY_POSTGRES = 8;
const FUND_CENTS = 1_000_000;
/** Rows of one anchor INSERT statement. */
const ANCHOR_ROWS_PER_STATEMENT = 1_000;

interface Queryable {
  query(sql: string, params?: readonly unknown[]): Promise<unknown[]>;
}

/** Milliseconds to write `rows` rows (pocket, day, value) with a primary key, 1,000 rows a statement. */
async function anchorInsert(db: Queryable, rows: number): Promise<number> {
  await db.query('DROP TABLE IF EXISTS bench_anchor_rows');
  await db.query('CREATE TABLE bench_anchor_rows (pocket integer NOT NULL, day integer NOT NULL, value_cents bigint NOT NULL, PRIMARY KEY (pocket, day))');
  const started = performance.now();
  for (let first = 0; first < rows; first += ANCHOR_ROWS_PER_STATEMENT) {
    const values: string[] = [];
    for (let n = first; n < Math.min(rows, first + ANCHOR_ROWS_PER_STATEMENT); n++) {
      values.push(`(${Math.floor(n / ADVANCE_DAYS)}, ${n % ADVANCE_DAYS}, ${1_000_000 + n})`);
    }
    await db.query(`INSERT INTO bench_anchor_rows (pocket, day, value_cents) VALUES ${values.join(', ')}`);
  }
  const elapsed = performance.now() - started;
  await db.query('DROP TABLE bench_anchor_rows');
  return elapsed;
}

export interface EndOfDay {
  readonly database: 'PostgreSQL' | 'PGlite';
  readonly pockets: number;
  readonly seedMs: number;
  readonly advanceMs: number;
  readonly msPerPocketDay: number;
  readonly roundTripsPerPocketDay: number;
  readonly anchorMsPerRow: number;
}

async function measure(database: 'PostgreSQL' | 'PGlite', pockets: number, log: Log): Promise<EndOfDay> {
  const url = database === 'PostgreSQL' ? (await scratchDatabase(`eod${pockets}`)).url : undefined;
  const app = await startInProcessApp(url ? { databaseUrl: url } : {});
  const unregister = onCleanup(() => app.close());
  try {
    const client = await JikoClient.login(injectTransport(app.app), app.partner);
    await setClock(client, BENCH_CLOCK_START);
    const seeded = performance.now();
    const customers = Math.ceil(pockets / POCKETS_PER_CUSTOMER);
    await seedPockets(client, {
      customers,
      pocketsPerCustomer: Math.min(pockets, POCKETS_PER_CUSTOMER),
      fundCents: FUND_CENTS,
      concurrency: database === 'PostgreSQL' ? SEED_CONCURRENCY_POSTGRES : 1,
      onProgress: (done) => {
        if (pockets > SEED_PROGRESS_EVERY) log(`P3: ${database}, ${done} of ${pockets} pockets seeded (${((performance.now() - seeded) / 1000).toFixed(0)} s)`);
      },
    });
    const seedMs = performance.now() - seeded;
    const total = customers * Math.min(pockets, POCKETS_PER_CUSTOMER);
    log(`P3: ${database}, ${total} pockets seeded in ${(seedMs / 1000).toFixed(1)} s; advancing ${ADVANCE_DAYS} days`);
    app.db.resetCount();
    const advancing = performance.now();
    await advanceClock(client, ADVANCE_DAYS);
    const advanceMs = performance.now() - advancing;
    const roundTrips = app.db.count().roundTrips;
    const anchorMs = await anchorInsert(app.db, total * ADVANCE_DAYS);
    const result: EndOfDay = {
      database,
      pockets: total,
      seedMs,
      advanceMs,
      msPerPocketDay: advanceMs / (total * ADVANCE_DAYS),
      roundTripsPerPocketDay: roundTrips / (total * ADVANCE_DAYS),
      anchorMsPerRow: anchorMs / (total * ADVANCE_DAYS),
    };
    log(
      `P3: ${database}, ${total} pockets: advance ${(advanceMs / 1000).toFixed(1)} s = ${fmt(result.msPerPocketDay)} ms per pocket-day ` +
        `(${fmt(result.roundTripsPerPocketDay)} round trips per pocket-day); multi-row INSERT ${fmt(result.anchorMsPerRow)} ms per row`,
    );
    return result;
  } finally {
    unregister();
    await app.close();
  }
}

function rowsOf(results: readonly EndOfDay[]): Row[] {
  const rows: Row[] = [];
  for (const result of results) {
    const checked = result.pockets === POCKET_DAY_TARGET_POCKETS;
    rows.push({
      figure: 'P3',
      what: `${result.database}, ${result.pockets.toLocaleString('en-US')} pockets: ms per pocket-day`,
      anchorWhat: 'ms per row, multi-row INSERT',
      anchor: result.anchorMsPerRow,
      value: result.msPerPocketDay,
      ratio: ratioOf(result.msPerPocketDay, result.anchorMsPerRow),
      target: checked ? `<= ${POCKET_DAY_MS_MAX} ms` : '',
      met: checked ? result.msPerPocketDay <= POCKET_DAY_MS_MAX : null,
      note: `advance ${(result.advanceMs / 1000).toFixed(1)} s, ${fmt(result.roundTripsPerPocketDay)} SQL round trips per pocket-day, seeding ${(result.seedMs / 1000).toFixed(0)} s`,
    });
  }
  for (const database of ['PostgreSQL', 'PGlite'] as const) {
    const sized = results.filter((result) => result.database === database);
    const small = sized[0];
    const large = sized[sized.length - 1];
    if (!small || !large || small === large) continue;
    const growth = ratioOf(large.msPerPocketDay, small.msPerPocketDay);
    rows.push({
      figure: 'P3',
      what: `${database}: per pocket-day, ${large.pockets.toLocaleString('en-US')} vs ${small.pockets.toLocaleString('en-US')} pockets`,
      anchorWhat: `ms per pocket-day at ${small.pockets.toLocaleString('en-US')}`,
      anchor: small.msPerPocketDay,
      value: large.msPerPocketDay,
      ratio: growth,
      target: `<= ${LINEARITY_RATIO_MAX}x (linear)`,
      met: growth !== null && growth <= LINEARITY_RATIO_MAX,
    });
  }
  return rows;
}

/**
 * Without --full, a larger tenant is measured only when seeding and advancing it should take at
 * most this long, extrapolated linearly from the smaller tenant of the same run.
 */
export const P3_SIZE_BUDGET_MS = 240_000;

/** Measures `sizes` in order on `database`; a size over the budget is skipped (a row says so). */
async function measureSizes(database: 'PostgreSQL' | 'PGlite', sizes: readonly number[], options: BenchOptions, log: Log): Promise<{ results: EndOfDay[]; skipped: Row[] }> {
  const results: EndOfDay[] = [];
  const skipped: Row[] = [];
  for (const pockets of sizes) {
    const previous = results[results.length - 1];
    const estimateMs = previous ? ((previous.seedMs + previous.advanceMs) * pockets) / previous.pockets : 0;
    if (previous && options.p3Budget && estimateMs > P3_SIZE_BUDGET_MS) {
      const note = `not measured: about ${Math.round(estimateMs / 1000)} s to seed and advance at this run's speed, over the ${P3_SIZE_BUDGET_MS / 1000} s budget; --no-p3-budget or --full measures it`;
      log(`P3: ${database}, ${pockets} pockets ${note}`);
      skipped.push({ figure: 'P3', what: `${database}, ${pockets.toLocaleString('en-US')} pockets: ms per pocket-day`, anchorWhat: '', anchor: null, value: null, ratio: null, target: '', met: null, note });
      continue;
    }
    results.push(await measure(database, pockets, log));
  }
  return { results, skipped };
}

export async function runP3(options: BenchOptions, log: Log, postgres: boolean): Promise<Row[]> {
  const results: EndOfDay[] = [];
  const skipped: Row[] = [];
  if (postgres) {
    const measured = await measureSizes('PostgreSQL', options.p3Sizes, options, log);
    results.push(...measured.results);
    skipped.push(...measured.skipped);
  } else {
    log('P3: no PostgreSQL server; PGlite only');
  }
  if (options.p3Pglite) {
    const measured = await measureSizes('PGlite', options.full ? options.p3Sizes : options.p3Sizes.slice(0, 1), options, log);
    results.push(...measured.results);
    skipped.push(...measured.skipped);
  }
  return [...rowsOf(results), ...skipped];
}
