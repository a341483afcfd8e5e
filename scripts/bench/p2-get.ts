/**
 * P2: GET /api/v2/pockets/{id}/ on the PostgreSQL server process at 50 connections, beside a bare
 * Fastify hello world at 50 connections, both driven by autocannon from this process.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import pg from 'pg';
import { type CpuSplit, backendPids, cpuOver, microsPerOp } from './lib/cpu.ts';
import { signedHeaders } from './lib/jiko.ts';
import type { BenchOptions, Log } from './lib/options.ts';
import { databaseUrl, freePort, spawnHello, waitForHealth } from './lib/processes.ts';
import { type Row, ratioOf } from './lib/report.ts';
import { pgServer } from './pg-server.ts';

export const P2_CONNECTIONS = 50;
export const P2_RATIO_MIN = 0.1;

interface Measured {
  readonly perSecond: number;
  readonly failed: number;
  /** CPU of the processes asked for (and `autocannon`, this process), over the measured window. */
  readonly cpu: CpuSplit | null;
}

/** The measured window's CPU is read from this long after its start to this long before its end. */
const CPU_WINDOW_MARGIN_MS = 500;

async function cannon(
  url: string,
  options: BenchOptions,
  extra: { headers?: Record<string, string>; fresh?: () => Record<string, string> },
  cpuOf: Record<string, () => Promise<number[]> | number[]> = {},
): Promise<Measured> {
  const base = { url, connections: P2_CONNECTIONS, timeout: 30 };
  const requests = extra.fresh ? [{ method: 'GET', setupRequest: (request: { headers?: Record<string, string> }) => ({ ...request, headers: { ...request.headers, ...extra.fresh?.() } }) }] : undefined;
  const shape = { ...base, ...(extra.headers ? { headers: extra.headers } : {}), ...(requests ? { requests } : {}) };
  await autocannon({ ...shape, duration: Math.max(1, options.warmupMs / 1000) });
  const [result, cpu] = await Promise.all([
    autocannon({ ...shape, duration: options.measureMs / 1000 }),
    cpuOver({ ...cpuOf, autocannon: () => 'self' as const }, CPU_WINDOW_MARGIN_MS, options.measureMs - CPU_WINDOW_MARGIN_MS),
  ]);
  return { perSecond: result.requests.average, failed: result.non2xx + result.errors + result.timeouts, cpu };
}

/** The CPU rows of P2: the server's CPU per GET beside the hello world's per request, and PostgreSQL's. */
function cpuRows(anchor: Measured, figure: Measured): Row[] {
  if (!anchor.cpu || !figure.cpu) return [];
  const server = microsPerOp(figure.cpu.server, figure.perSecond);
  const hello = microsPerOp(anchor.cpu.server, anchor.perSecond);
  const backend = microsPerOp(figure.cpu.postgres, figure.perSecond);
  const generator = microsPerOp(figure.cpu.autocannon, figure.perSecond);
  const helloGenerator = microsPerOp(anchor.cpu.autocannon, anchor.perSecond);
  return [
    {
      figure: 'P2',
      what: 'server process CPU per GET pocket (µs)',
      anchorWhat: 'hello world process CPU per request (µs)',
      anchor: hello,
      value: server,
      ratio: ratioOf(server, hello),
      target: '',
      met: null,
      note: "CPU per operation: lower is better; the ratio is how many times the anchor's cost",
    },
    {
      figure: 'P2',
      what: "PostgreSQL backends' CPU per GET pocket (µs)",
      anchorWhat: '',
      anchor: null,
      value: backend,
      ratio: null,
      target: '',
      met: null,
      ...(generator === null || helloGenerator === null ? {} : { note: `autocannon used ${Math.round(generator)} µs per GET, ${Math.round(helloGenerator)} µs per hello request` }),
    },
  ];
}

/**
 * Cleans up after P1 on the database P2 reads: P1 leaves thousands of dead row versions, which
 * autovacuum would clear during P2's window, on the same two cores, in backends of the database
 * that P2's CPU figure counts. Vacuumed and checkpointed first, P2 measures GETs alone.
 */
async function settle(database: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE)');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

export async function runP2(options: BenchOptions, log: Log): Promise<Row[]> {
  log('P2: bare Fastify hello world');
  const port = await freePort();
  const started = performance.now();
  const hello = spawnHello(port);
  await waitForHealth(hello, `http://127.0.0.1:${port}/health`, started);
  const anchor = await cannon(`http://127.0.0.1:${port}/`, options, {}, { server: () => (hello.process.pid === undefined ? [] : [hello.process.pid]) });
  await hello.stop();

  log('P2: pocketbook server');
  const server = await pgServer(log);
  const path = `/api/v2/pockets/${server.quietPocket}/`;
  const token = server.client.token;
  const secret = server.client.credentials.sharedSecret;
  const fixed = signedHeaders(token, secret, path, '', randomUUID());
  // A server that still records GETs under their idempotency key would answer every repeat of a
  // fixed key from the stored response: then each request gets a fresh key, so a real GET is measured.
  const first = await server.client.transport.request('GET', path, undefined, fixed);
  const second = await server.client.transport.request('GET', path, undefined, fixed);
  if (first.status !== 200 || second.status !== 200) throw new Error(`GET pocket: ${first.status}/${second.status} ${second.body.slice(0, 300)}`);
  const replays = second.headers['idempotent-replayed'] === 'true';
  await settle(server.database);
  const figure = await cannon(
    `${server.baseUrl}${path}`,
    options,
    replays ? { headers: { authorization: `Bearer ${token}` }, fresh: () => signedHeaders(token, secret, path, '') } : { headers: fixed },
    { server: () => (server.child.process.pid === undefined ? [] : [server.child.process.pid]), postgres: () => backendPids(server.database) },
  );
  const ratio = ratioOf(figure.perSecond, anchor.perSecond);
  log(`P2: hello ${anchor.perSecond.toFixed(0)} req/s, GET pocket ${figure.perSecond.toFixed(0)} req/s, ${ratio?.toFixed(3) ?? '-'}x${replays ? ' (fresh key per request)' : ''}`);
  const notes = [
    ...(replays ? ['the server replays GETs from the idempotency record, so each GET carried a fresh key and signature'] : []),
    ...(figure.failed > 0 ? [`${figure.failed} non-2xx or failed GETs`] : []),
    ...(anchor.failed > 0 ? [`${anchor.failed} failed hello requests`] : []),
  ];
  return [
    {
      figure: 'P2',
      what: `GET pocket req/s, ${P2_CONNECTIONS} connections`,
      anchorWhat: `Fastify hello world req/s, ${P2_CONNECTIONS} connections`,
      anchor: anchor.perSecond,
      value: figure.perSecond,
      ratio,
      target: `>= ${P2_RATIO_MIN}x`,
      met: ratio !== null && ratio >= P2_RATIO_MIN,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    },
    ...cpuRows(anchor, figure),
  ];
}
