/**
 * `npm run bench`: pocketbook's performance figures P1..P5 (issue 6), each beside an anchor
 * measured in the same run on the same machine, so that the ratios hold on a noisy machine. Prints
 * the table and writes it into docs/PERFORMANCE.md. Exits non-zero only when the benchmark itself
 * fails; a missed target is reported, not an error. See docs/PERFORMANCE.md for the method.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type BenchOptions, type Figure, type Log, USAGE, UsageError, parseOptions } from './lib/options.ts';
import { PROJECT_DIR, adminUrl, cleanupAll, postgresAvailable, run } from './lib/processes.ts';
import { type Row, machineLine, markdownTable, textTable, writeSection } from './lib/report.ts';
import { type CountedRequests, runP1 } from './p1-transfers.ts';
import { runP2 } from './p2-get.ts';
import { stopPgServer } from './pg-server.ts';
import { runP3 } from './p3-end-of-day.ts';
import { runP4 } from './p4-start.ts';
import { runP5 } from './p5-pglite.ts';

const log: Log = (line) => process.stderr.write(`${line}\n`);

/**
 * Collects the benchmark process's garbage before a figure (`npm run bench` runs with --expose-gc):
 * P3 leaves a heap of several hundred MB (its in-process apps), and V8 collecting it later, while
 * P4 timed start-ups, stalled this process's event loop for up to 424 ms and took CPU from the
 * servers it started (docs/PERFORMANCE.md).
 */
function settleHeap(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Connection errors of pooled clients whose database a clean-up dropped are expected, not crashes. */
function isDroppedConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '57P01' || code === 'ECONNRESET' || code === 'EPIPE';
}

async function postgresVersion(): Promise<string | null> {
  const client = new pg.Client({ connectionString: adminUrl().toString() });
  try {
    await client.connect();
    const rows = (await client.query<{ server_version: string }>('SHOW server_version')).rows;
    return rows[0]?.server_version.split(' ')[0] ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The commit measured (BENCH_REVISION overrides it, e.g. for a copy outside git). */
async function revision(): Promise<string> {
  if (process.env.BENCH_REVISION) return process.env.BENCH_REVISION;
  try {
    const commit = (await run('git', ['rev-parse', '--short', 'HEAD'])).trim();
    // --no-optional-locks: reading the status must not rewrite the index.
    const dirty = (await run('git', ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no'])).trim() !== '';
    return dirty ? `${commit} with uncommitted changes` : commit;
  } catch {
    return 'not a git checkout';
  }
}

function flagsOf(options: BenchOptions): string {
  const parts = [options.quick ? '--quick' : '', options.full ? '--full' : '', !options.full && !options.p3Budget ? '--no-p3-budget' : '', `${options.measureMs / 1000} s windows`, `P3 sizes ${options.p3Sizes.join(', ')}`];
  return parts.filter((part) => part.length > 0).join(', ');
}

function errorRow(figure: Figure, error: unknown): Row {
  const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
  return { figure, what: 'did not complete', anchorWhat: '', anchor: null, value: null, ratio: null, target: '', met: null, note: message };
}

function printStatements(label: string, statements: readonly string[]): void {
  log(`\n${label} (${statements.length} statements):`);
  statements.forEach((sql, i) => log(`  ${String(i + 1).padStart(3)}  ${sql}`));
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) process.stderr.write(`${error.message}\n\n`);
    process.stderr.write(USAGE);
    return error.message ? 2 : 0;
  }

  const began = performance.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const postgres = await postgresAvailable();
  const pgVersion = postgres ? await postgresVersion() : null;
  if (!postgres) log(`no PostgreSQL server answers at ${adminUrl().host} (set BENCH_PG_URL): P1 and P2 are skipped, P3 runs on PGlite only`);
  log(`pocketbook bench: ${[...options.only].join(', ')}; ${flagsOf(options)}`);

  const rows: Row[] = [];
  let crashed = false;
  let counted: CountedRequests | undefined;
  const figures: { figure: Figure; needsPostgres: boolean; run: () => Promise<Row[]> }[] = [
    {
      figure: 'P1',
      needsPostgres: true,
      run: async () => {
        const p1 = await runP1(options, log);
        counted = p1.counted;
        return p1.rows;
      },
    },
    {
      figure: 'P2',
      needsPostgres: true,
      run: async () => {
        try {
          return await runP2(options, log);
        } finally {
          await stopPgServer();
        }
      },
    },
    { figure: 'P3', needsPostgres: false, run: () => runP3(options, log, postgres) },
    { figure: 'P4', needsPostgres: false, run: () => runP4(options, log) },
    { figure: 'P5', needsPostgres: false, run: () => runP5(options, log) },
  ];
  for (const { figure, needsPostgres, run: measure } of figures) {
    if (!options.only.has(figure)) continue;
    if (needsPostgres && !postgres) {
      rows.push({ ...errorRow(figure, 'skipped: no PostgreSQL server'), what: 'skipped' });
      continue;
    }
    // P1 leaves its server running for P2; nothing after P2 needs it.
    if (figure !== 'P1' && figure !== 'P2') await stopPgServer();
    settleHeap();
    const started = performance.now();
    try {
      rows.push(...(await measure()));
    } catch (error) {
      crashed = true;
      log(`${figure} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      rows.push(errorRow(figure, error));
    }
    log(`${figure} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await cleanupAll();

  if (options.verbose && counted) {
    printStatements('one on-us transfer', counted.transferSql);
    printStatements('one GET /api/v2/pockets/{id}/', counted.getSql);
  }
  if (counted) log(`\nSQL round trips: on-us transfer ${counted.transfer.roundTrips} (${counted.transfer.statements} statements), GET pocket ${counted.get.roundTrips}`);

  const elapsedS = (performance.now() - began) / 1000;
  const machine = machineLine(pgVersion);
  // Others' work on the machine shows in the load average; the ratios are meant to absorb it.
  const load = `load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end`;
  process.stdout.write(`\n${textTable(rows)}\n\nmachine: ${machine}; ${load}; ${flagsOf(options)}; ${elapsedS.toFixed(0)} s in all\n`);

  if (options.section !== null) {
    const day = new Date().toISOString().slice(0, 10);
    const heading = [
      `Run of ${day} (${options.section}), code at ${await revision()}.`,
      `Machine: ${machine}; ${load}. Settings: ${flagsOf(options)}; the whole run took ${elapsedS.toFixed(0)} s.`,
      ...(counted ? [`SQL round trips: one on-us transfer ${counted.transfer.roundTrips} (${counted.transfer.statements} statements), one GET of a pocket ${counted.get.roundTrips}.`] : []),
    ].join('\n');
    const path = writeSection(PROJECT_DIR, options.section, heading, markdownTable(rows));
    log(`table written to ${path.slice(PROJECT_DIR.length)}, section "${options.section}"`);
  }
  return crashed ? 1 : 0;
}

let cleaningUp = false;
process.on('uncaughtException', (error) => {
  if (isDroppedConnection(error)) {
    log(`(ignored a dropped database connection: ${error.message})`);
    return;
  }
  log(`bench crashed: ${error.stack ?? error.message}`);
  void cleanupAll().finally(() => process.exit(1));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (cleaningUp) return;
    cleaningUp = true;
    log(`\n${signal}: stopping child processes and dropping scratch databases`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    log(`bench crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await cleanupAll();
    process.exit(1);
  },
);
