/**
 * P1: signed, idempotent on-us transfers on PostgreSQL against the real server process, at 1, 4, 8
 * and 16 concurrent clients, beside pgbench's tpcb-like at the same concurrency; and the SQL round
 * trips of one transfer, counted in-process.
 */
import { startInProcessApp } from './inprocess.ts';
import { type CpuSplit, backendPids, cpuOver, microsPerOp } from './lib/cpu.ts';
import { JikoClient, injectTransport } from './lib/jiko.ts';
import type { BenchOptions, Log } from './lib/options.ts';
import { onCleanup, pgbenchConnection, run, scratchDatabase } from './lib/processes.ts';
import { type Row, ratioOf } from './lib/report.ts';
import { BENCH_CLOCK_START, createCustomer, createPocket, fundPocket, setClock, transfer } from './lib/seed.ts';
import type { LoadResult, LoadSpec } from './loadgen.ts';
import { P1_CLIENTS_MAX, pgServer } from './pg-server.ts';

/** Each transfer moves $100.00 one way, the next one back. */
export const TRANSFER_CENTS = 10_000;

export const P1_RATIO_MIN = 0.25;
export const P1_RATIO_CLIENTS = 8;
export const ROUND_TRIPS_MAX = 12;

/** Statements of one pgbench tpcb-like transaction: BEGIN, 3 UPDATEs, SELECT, INSERT, END. */
export const TPCB_STATEMENTS = 7;

/** pgbench's `tps = N (without initial connection time)`. */
export function parsePgbenchTps(output: string): number {
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
  if (!match?.[1]) throw new Error(`no tps in pgbench's output:\n${output.slice(-1_000)}`);
  return Number(match[1]);
}

async function pgbench(database: string, clients: number, seconds: number): Promise<number> {
  const connection = pgbenchConnection(database);
  const output = await run('pgbench', ['-b', 'tpcb-like', '-n', '-c', String(clients), '-j', String(clients), '-T', String(seconds), ...connection.args], connection.env);
  return parsePgbenchTps(output);
}

async function load(spec: LoadSpec, onStart?: (pid: number) => void): Promise<LoadResult> {
  const output = await run(process.execPath, ['--import', 'tsx', 'scripts/bench/loadgen.ts', JSON.stringify(spec)], process.env, onStart);
  return JSON.parse(output.trim().split('\n').pop() ?? '') as LoadResult;
}

/** The window of a run whose CPU is read: after its first second (connections, warm-up), to its last half second. */
const CPU_WINDOW_SKIP_MS = 1_000;

/** The CPU rows of P1: PostgreSQL's backends beside pgbench's, and the server and load generator. */
function cpuRows(clients: number, anchorTps: number, anchorCpu: CpuSplit | null, perSecond: number, cpu: CpuSplit | null): Row[] {
  if (!anchorCpu || !cpu) return [];
  const backend = microsPerOp(cpu.postgres, perSecond);
  const anchorBackend = microsPerOp(anchorCpu.postgres, anchorTps);
  const server = microsPerOp(cpu.server, perSecond);
  const loadgen = microsPerOp(cpu.loadgen, perSecond);
  return [
    {
      figure: 'P1',
      what: `PostgreSQL backends' CPU per transfer, ${clients} clients (µs)`,
      anchorWhat: `PostgreSQL backends' CPU per tpcb-like transaction (µs)`,
      anchor: anchorBackend,
      value: backend,
      ratio: ratioOf(backend, anchorBackend),
      target: '',
      met: null,
      note: "CPU per operation: lower is better; the ratio is how many times the anchor's cost",
    },
    {
      figure: 'P1',
      what: `server process CPU per transfer, ${clients} clients (µs)`,
      anchorWhat: '',
      anchor: null,
      value: server,
      ratio: null,
      target: '',
      met: null,
      ...(loadgen === null ? {} : { note: `the load generator (signing, HTTP) used ${Math.round(loadgen)} µs per transfer besides` }),
    },
  ];
}

export interface CountedRequests {
  readonly transfer: { statements: number; roundTrips: number };
  readonly get: { statements: number; roundTrips: number };
  readonly transferSql: readonly string[];
  readonly getSql: readonly string[];
}

/**
 * Builds the app in-process on `databaseUrl` (PostgreSQL) or PGlite, makes one warm-up transfer
 * and GET, then counts the statements of one more of each.
 */
export async function countRequests(databaseUrl: string | undefined): Promise<CountedRequests> {
  const app = await startInProcessApp(databaseUrl ? { databaseUrl } : {});
  const unregister = onCleanup(() => app.close());
  try {
    const client = await JikoClient.login(injectTransport(app.app), app.partner);
    await setClock(client, BENCH_CLOCK_START);
    const customer = await createCustomer(client, 1);
    const a = await createPocket(client, customer, 'Counted A');
    const b = await createPocket(client, customer, 'Counted B');
    await fundPocket(client, a, 4_999_999, 2);
    await fundPocket(client, b, 4_999_999, 2);
    await transfer(client, a, b, TRANSFER_CENTS);
    app.db.resetCount();
    await transfer(client, b, a, TRANSFER_CENTS);
    const transferCount = app.db.count();
    const transferSql = app.db.recentStatements();
    await client.signed('GET', `/api/v2/pockets/${a}/`);
    app.db.resetCount();
    const got = await client.signed('GET', `/api/v2/pockets/${a}/`);
    if (got.status !== 200) throw new Error(`GET pocket: ${got.status} ${got.body.slice(0, 300)}`);
    return { transfer: transferCount, get: app.db.count(), transferSql, getSql: app.db.recentStatements() };
  } finally {
    unregister();
    await app.close();
  }
}

export async function runP1(options: BenchOptions, log: Log): Promise<{ rows: Row[]; counted: CountedRequests }> {
  const seconds = Math.max(1, Math.round(options.measureMs / 1000));
  log('P1: pgbench database (scale 16)');
  const pgbenchDb = await scratchDatabase('pgbench');
  const connection = pgbenchConnection(pgbenchDb.name);
  await run('pgbench', ['-i', '-q', '-s', String(P1_CLIENTS_MAX), ...connection.args], connection.env);

  log('P1: pocketbook server');
  const server = await pgServer(log);
  const rows: Row[] = [];
  const cpu: Row[] = [];
  for (const clients of options.clients) {
    const checked = clients === P1_RATIO_CLIENTS;
    // At the checked concurrency, the CPU of each side is read over the middle of its run.
    const [anchor, anchorCpu] = await Promise.all([
      pgbench(pgbenchDb.name, clients, seconds),
      checked ? cpuOver({ postgres: () => backendPids(pgbenchDb.name) }, CPU_WINDOW_SKIP_MS, seconds * 1000 - CPU_WINDOW_SKIP_MS / 2) : null,
    ]);
    let loadgenPid: number | undefined;
    const [result, loadCpu] = await Promise.all([
      load(
        {
          baseUrl: server.baseUrl,
          token: server.client.token,
          sharedSecret: server.client.credentials.sharedSecret,
          pairs: server.pairs.slice(0, clients),
          warmupMs: options.warmupMs,
          measureMs: options.measureMs,
          amountCents: TRANSFER_CENTS,
        },
        (pid) => (loadgenPid = pid),
      ),
      checked
        ? cpuOver(
            {
              postgres: () => backendPids(server.database),
              server: () => (server.child.process.pid === undefined ? [] : [server.child.process.pid]),
              loadgen: () => (loadgenPid === undefined ? [] : [loadgenPid]),
            },
            options.warmupMs + CPU_WINDOW_SKIP_MS,
            options.warmupMs + options.measureMs,
          )
        : null,
    ]);
    const ratio = ratioOf(result.perSecond, anchor);
    if (checked) cpu.push(...cpuRows(clients, anchor, anchorCpu, result.perSecond, loadCpu));
    log(`P1: ${clients} clients: pgbench ${anchor.toFixed(0)} tps, pocketbook ${result.perSecond.toFixed(1)} transfers/s (median ${result.latencyMsMedian?.toFixed(1) ?? '-'} ms), ${ratio?.toFixed(3) ?? '-'}x`);
    rows.push({
      figure: 'P1',
      what: `on-us transfers/s, ${clients} client${clients === 1 ? '' : 's'}`,
      anchorWhat: `pgbench tpcb-like tps, ${clients} client${clients === 1 ? '' : 's'}`,
      anchor,
      value: result.perSecond,
      ratio,
      target: checked ? `>= ${P1_RATIO_MIN}x` : '',
      met: checked ? ratio !== null && ratio >= P1_RATIO_MIN : null,
      ...(result.failed > 0 ? { note: `${result.failed} failed requests, first: ${result.firstFailure ?? ''}` } : {}),
    });
  }

  rows.push(...cpu);

  log('P1: round trips of one transfer (in-process, fresh PostgreSQL database)');
  const counted = await countRequests((await scratchDatabase('count')).url);
  rows.push({
    figure: 'P1',
    what: 'SQL round trips per transfer',
    anchorWhat: 'statements of one tpcb-like transaction',
    anchor: TPCB_STATEMENTS,
    value: counted.transfer.roundTrips,
    ratio: ratioOf(counted.transfer.roundTrips, TPCB_STATEMENTS),
    target: `<= ${ROUND_TRIPS_MAX}`,
    met: counted.transfer.roundTrips <= ROUND_TRIPS_MAX,
    ...(counted.transfer.statements !== counted.transfer.roundTrips ? { note: `${counted.transfer.statements} statements, deferred writes batched` } : {}),
  });
  return { rows, counted };
}
