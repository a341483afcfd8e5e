/**
 * Fault drills on PostgreSQL, as a Jiko client meets them: the real server runs as a child process
 * on a scratch database, a few clients send signed on-us transfers through the typed client
 * (`pocketbook/client`), retrying a failed request with the same idempotency key as Jiko's clients
 * do, while the database is taken away, and then:
 * the server is still up, `GET /health/ready` is 200 again, a new transfer succeeds, every
 * transfer that got a 2xx exists exactly once, and every ledger entry balances.
 *
 * `npm run test:faults` (this file run directly) restarts the PostgreSQL server mid-load with
 * `pg_ctlcluster` (cluster `main` of the server's major version, run as root or postgres), prints
 * one line and exits 0 (pass) or 1 (fail); it stops by itself within FAULT_DRILL_MS_MAX. It
 * needs DATABASE_URL (any database on the server; the drill creates and drops its own).
 * `test/resilience.test.ts` reuses the harness with `pg_terminate_backend` as the fault.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { LoginError, type PocketbookClient, type Session, createPocketbookClient } from '../src/client/index.ts';
import { applicationRequest } from '../test/support/fixtures.ts';

const ROOT_DIR = fileURLToPath(new URL('../', import.meta.url));

/** The whole restart drill, boot to cleanup; past it the drill fails and exits. */
export const FAULT_DRILL_MS_MAX = 60_000;
/** How long the server may take to answer GET /health after it was spawned. */
const SERVER_BOOT_MS_MAX = 20_000;
/** One HTTP request of a drill client, at most. */
const REQUEST_TIMEOUT_MS = 8_000;
/** Pause before a client retries a failed request (with the same idempotency key). */
const RETRY_PAUSE_MS = 100;
/** How long the scheduler may take to report its resumption once the database answers. */
const SCHEDULER_RESUME_MS_MAX = 3_000;
/** Bytes of the server's output kept for the failure report. */
const SERVER_OUTPUT_BYTES_MAX = 64 * 1024;
/** Cents moved by one drill transfer, at most (each pocket is funded with FUND_CENTS). */
const TRANSFER_CENTS_MAX = 5_000;
const FUND_CENTS = 4_000_000;

// ---------------------------------------------------------------------------------------------
// A scratch database and the server process

export interface ScratchDatabase {
  readonly name: string;
  /** DATABASE_URL of the scratch database. */
  readonly url: string;
  /** Drops it (closing whatever is still connected). */
  drop(): Promise<void>;
}

/** Runs one statement on a fresh connection to `url` (survives server restarts in between). */
export async function adminQuery<Row extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates an empty database `<prefix>_<random>` on the server of `adminUrl`. */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A TCP port nobody listens on right now (the server cannot take PORT=0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Environment the server runs with (its sandbox partner's credentials come from it). */
  readonly env: NodeJS.ProcessEnv;
  /** Milliseconds from spawn to the first 200 of GET /health. */
  readonly bootMs: number;
  /** Resolves when the process has exited (for whatever reason). */
  readonly exited: Promise<void>;
  /** True while the process has not exited. */
  alive(): boolean;
  /** The last SERVER_OUTPUT_BYTES_MAX bytes of its stdout and stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL if it is still there after 5 s. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), if it is still there, and waits for the exit. */
  kill(): Promise<void>;
}

/**
 * The V8 flags of this process that the node processes it starts share: `--liftoff-only`, which the
 * test runner gives its shards (scripts/test.mjs ENGINE_FLAGS); none in a drill of its own.
 */
export function sharedEngineFlags(): string[] {
  return process.execArgv.filter((flag) => flag === '--liftoff-only');
}

/**
 * The environment of a drill's server: sandbox mode, no demo seed, a rate limit no drill reaches,
 * the cheapest password hashes, quiet logs, on a PostgreSQL database or an embedded data folder, with optional crash points.
 */
export function drillServerEnv(target: { databaseUrl: string } | { dataDir: string }, port: number, faults: readonly string[] = []): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: 'databaseUrl' in target ? target.databaseUrl : '',
    POCKETBOOK_DATA_DIR: 'dataDir' in target ? target.dataDir : '',
    HOST: '127.0.0.1',
    PORT: String(port),
    POCKETBOOK_MODE: 'sandbox',
    POCKETBOOK_SEED_DEMO: 'false',
    POCKETBOOK_POCKET_OPEN_DELAY_MS: '0',
    POCKETBOOK_FAULTS: faults.join(','),
    POCKETBOOK_RATE_LIMIT_PER_MINUTE: '1000000',
    // scrypt's cheapest cost: a drill's server hashes and checks the sandbox partner's password at
    // each start and login, and what a drill tests is not the hash.
    POCKETBOOK_PASSWORD_HASH_LN: '10',
    LOG_LEVEL: 'warn',
  };
}

/** Where a drill's server keeps its data: one of the two. */
export type DrillTarget = { readonly databaseUrl: string } | { readonly dataDir: string };

/**
 * Spawns the server as `npm start` runs it (`node scripts/start.mjs`: src/main.ts, bundled) on `target` (a PostgreSQL URL, or a data folder; sandbox
 * mode, no demo seed, a rate limit no drill reaches, optional crash points, and any other
 * `settings` of the environment) and waits until GET /health answers.
 * @throws Error when the process exits or does not answer within SERVER_BOOT_MS_MAX.
 */
export async function startServer(target: string | DrillTarget, faults: readonly string[] = [], settings: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const port = await freePort();
  const env = { ...drillServerEnv(typeof target === 'string' ? { databaseUrl: target } : target, port, faults), ...settings };
  const child = spawn(process.execPath, [...sharedEngineFlags(), 'scripts/start.mjs'], { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-SERVER_OUTPUT_BYTES_MAX);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const started = performance.now();
  let bootMs = Number.NaN;
  const server: ServerProcess = {
    get bootMs() {
      return bootMs;
    },
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    env,
    exited,
    alive,
    output: () => output,
    async stop() {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  while (performance.now() - started < SERVER_BOOT_MS_MAX) {
    if (!alive()) throw new Error(`the server exited at boot:\n${output}`);
    const health = await fetch(`${server.baseUrl}/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (health?.status === 200) {
      bootMs = performance.now() - started;
      return server;
    }
    await sleep(50);
  }
  await server.kill();
  throw new Error(`the server did not answer within ${SERVER_BOOT_MS_MAX} ms:\n${output}`);
}

// ---------------------------------------------------------------------------------------------
// The typed client over HTTP

export interface HttpAnswer {
  /** 0 when no HTTP response came back (connection error, timeout). */
  readonly status: number;
  readonly body: unknown;
  readonly replayed: boolean;
}

/** A partner's login (the sandbox partner's, for a server started by `startServer`). */
export interface DrillCredentials {
  readonly username: string;
  readonly password: string;
  readonly sharedSecret: string;
}

/** What a typed call answered, as an HttpAnswer. */
function answerOf(result: { data?: unknown; error?: unknown; response: Response }): HttpAnswer {
  return { status: result.response.status, body: result.data ?? result.error, replayed: result.response.headers.get('idempotent-replayed') === 'true' };
}

/** The answer of a typed call; never throws: no response is status 0, a refused login its status. */
export async function attempt(call: () => Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<HttpAnswer> {
  try {
    return answerOf(await call());
  } catch (error) {
    if (error instanceof LoginError) return { status: error.status, body: error.body, replayed: false };
    return { status: 0, body: error instanceof Error ? error.message : String(error), replayed: false };
  }
}

/** Bounds one HTTP request of a drill client (its `signal`). */
export const requestTimeout = (): AbortSignal => AbortSignal.timeout(REQUEST_TIMEOUT_MS);

/**
 * A partner on one server, through the typed client (`pocketbook/client`: it logs in, signs every
 * request as Jiko's clients do, and renews its token).
 */
export class DrillClient {
  readonly baseUrl: string;
  readonly credentials: DrillCredentials;
  /** The typed client. */
  readonly api: PocketbookClient;

  constructor(baseUrl: string, credentials: DrillCredentials, session?: Session) {
    this.baseUrl = baseUrl;
    this.credentials = credentials;
    this.api = createPocketbookClient({ baseUrl, ...credentials, ...(session ? { session } : {}) });
  }

  /** Logs in the sandbox partner of a server started by `startServer`. @throws LoginError when refused. */
  static async login(server: ServerProcess): Promise<DrillClient> {
    const partner = loadConfig(server.env).sandboxPartner;
    const client = new DrillClient(server.baseUrl, { username: partner.username, password: partner.password, sharedSecret: partner.sharedSecret });
    await client.api.login();
    return client;
  }

  /** The same partner on another server (of the same database), with this client's session: no new login. */
  at(baseUrl: string): DrillClient {
    return new DrillClient(baseUrl, this.credentials, this.api.session());
  }

  /**
   * One request to a path that is not a template (ids filled in), signed unless it is a sandbox
   * endpoint; never throws (no response is status 0). `key` is the idempotency key.
   */
  async send(method: 'GET' | 'POST', path: string, body: unknown, key: string = randomUUID(), extraHeaders: Record<string, string> = {}): Promise<HttpAnswer> {
    const init = { ...(body === undefined ? {} : { body }), headers: { ...extraHeaders, 'x-jiko-idempotency': key }, signal: requestTimeout() };
    return attempt(() => (method === 'GET' ? this.api.GET(path as never, init as never) : this.api.POST(path as never, init as never)));
  }
}

/** The data of a call that must succeed. @throws Error naming the call, its status and body otherwise. */
function must<T>(label: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) throw new Error(`${label}: ${result.response.status} ${JSON.stringify(result.error ?? null)}`);
  return result.data as T;
}

/** An approved customer with two funded UST-4W pockets. */
export async function prepareAccounts(client: DrillClient): Promise<{ pockets: [string, string] }> {
  const { api } = client;
  const application = must('create application', await api.POST('/api/v1/applications', { body: applicationRequest() }));
  const applied = must('apply', await api.POST('/api/v1/applications/{application_id}/apply', { params: { path: { application_id: application.id } } }));
  if (!applied.customer_id) throw new Error(`apply: the application ended ${applied.status}`);
  const pockets: string[] = [];
  for (const name of ['drill a', 'drill b']) {
    const pocket = must(
      'create pocket',
      await api.POST('/api/v2/customers/{customer_id}/pockets/', { params: { path: { customer_id: applied.customer_id } }, body: { pocket_name: name, deposit_strategy_id: 'UST-4W' } }),
    );
    must('fund', await api.POST('/api/v1/sandbox/fund', { body: { account_id: pocket.id, amount_usdc: FUND_CENTS, count: 1 } }));
    pockets.push(pocket.id);
  }
  return { pockets: [pockets[0] as string, pockets[1] as string] };
}

// ---------------------------------------------------------------------------------------------
// Load with retries, and the checks

export interface Acknowledged {
  /** The client's transfer_id. */
  readonly transferId: string;
  /** The id the server gave. */
  readonly id: string;
}

export interface LoadResult {
  /** Transfers that got a 2xx (after retries). */
  readonly acknowledged: Acknowledged[];
  /** Transfers given up without a 2xx (the deadline passed, or a final 4xx). */
  readonly unacknowledged: { transferId: string; last: HttpAnswer }[];
  /** Every status seen, counted (0: no response). */
  readonly statuses: Map<number, number>;
  /** Requests sent again with the same idempotency key. */
  retries: number;
}

export interface LoadOptions {
  readonly clients: number;
  /** Clients start new transfers for this long. */
  readonly durationMs: number;
  /** A transfer is retried until this long after the load ends, then given up. */
  readonly graceMs: number;
}

/** Whether a transfer's answer is worth sending again with the same key. */
function retryable(answer: HttpAnswer): boolean {
  // A replayed 5xx will not change with more retries of the same key.
  if (answer.replayed) return false;
  return answer.status === 0 || answer.status === 409 || answer.status === 429 || answer.status >= 500;
}

function emptyResult(): LoadResult {
  return { acknowledged: [], unacknowledged: [], statuses: new Map(), retries: 0 };
}

/**
 * One signed INTERNAL_REALLOCATION of a few dollars between the two pockets, with its own
 * transfer_id and idempotency key, sent again with the same key and body until it gets a 2xx, a
 * final refusal, or `giveUpAt` (a `performance.now()` instant). Records the outcome in `result`.
 */
export async function transferWithRetries(client: DrillClient, pockets: readonly [string, string], forward: boolean, giveUpAt: number, result: LoadResult): Promise<void> {
  const transferId = randomUUID();
  const key = randomUUID();
  const amountCents = 100 + (randomBytes(2).readUInt16BE(0) % (TRANSFER_CENTS_MAX - 100));
  const body = {
    type: 'INTERNAL_REALLOCATION',
    from_account: { id: forward ? pockets[0] : pockets[1], type: 'JIKO_ACCOUNT' },
    to_account: { id: forward ? pockets[1] : pockets[0], type: 'JIKO_ACCOUNT' },
    amount: { type: 'REQUESTED_AMOUNT', amount_usdc: amountCents },
    transfer_id: transferId,
  } as const;
  for (let tries = 1; ; tries++) {
    if (tries > 1) result.retries++;
    const answer = await attempt(() => client.api.POST('/api/v1/transfers/on-us', { body, params: { header: { 'x-jiko-idempotency': key } }, signal: requestTimeout() }));
    result.statuses.set(answer.status, (result.statuses.get(answer.status) ?? 0) + 1);
    if (answer.status >= 200 && answer.status < 300) {
      result.acknowledged.push({ transferId, id: (answer.body as { id: string }).id });
      return;
    }
    if (!retryable(answer) || performance.now() > giveUpAt) {
      result.unacknowledged.push({ transferId, last: answer });
      return;
    }
    await sleep(RETRY_PAUSE_MS);
  }
}

/** `clients` concurrent loops of `transferWithRetries`, alternating directions. */
export async function runLoad(client: DrillClient, pockets: readonly [string, string], options: LoadOptions): Promise<LoadResult> {
  const result = emptyResult();
  const stopStarting = performance.now() + options.durationMs;
  const giveUpAt = stopStarting + options.graceMs;
  const loops = Array.from({ length: options.clients }, async (_unused, index) => {
    for (let n = 0; performance.now() < stopStarting; n++) await transferWithRetries(client, pockets, (index + n) % 2 === 0, giveUpAt, result);
  });
  await Promise.all(loops);
  return result;
}

/**
 * Polls GET /health/ready until it answers 200.
 * @returns milliseconds waited, or undefined when it was not ready within `timeoutMs`.
 */
export async function waitReady(baseUrl: string, timeoutMs: number): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const answer = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
    if (answer?.status === 200) return performance.now() - started;
    await sleep(100);
  }
  return undefined;
}

/**
 * What must hold after a drill; returns the problems found (empty: all good).
 *   - the server process is alive, and GET /health/ready answers 200 within `readyWaitMs`;
 *   - a new transfer succeeds (connections came back);
 *   - every acknowledged transfer is found through the API by its id and exists exactly once in
 *     on_us_transfers (by transfer_id); no transfer_id of the drill is there twice;
 *   - every ledger entry has two or more postings that sum to zero;
 *   - no request was answered 500 (an unavailable database is 503);
 *   - a scheduler that reported a failed pass reported its resumption.
 */
export async function verifyDrill(
  server: ServerProcess,
  client: DrillClient,
  database: ScratchDatabase,
  pockets: readonly [string, string],
  load: LoadResult,
  readyWaitMs: number,
): Promise<{ problems: string[]; readyAfterMs: number | undefined }> {
  const problems: string[] = [];
  if (!server.alive()) return { problems: [`the server process exited (${server.child.exitCode ?? server.child.signalCode})`], readyAfterMs: undefined };
  const readyAfterMs = await waitReady(server.baseUrl, readyWaitMs);
  if (readyAfterMs === undefined) problems.push(`GET /health/ready was not 200 within ${readyWaitMs} ms`);

  const fresh = emptyResult();
  await transferWithRetries(client, pockets, true, performance.now() + 3_000, fresh);
  if (fresh.acknowledged.length !== 1) problems.push(`a transfer after recovery failed: ${JSON.stringify(fresh.unacknowledged[0]?.last)}`);

  for (const { id, transferId } of load.acknowledged) {
    const { data, error, response } = await client.api.GET('/api/v1/transfers/on-us/{transfer_id}', { params: { path: { transfer_id: id } }, signal: requestTimeout() });
    if (response.status !== 200 || data?.transfer.transfer_id !== transferId) problems.push(`acknowledged transfer ${id}: GET answered ${response.status} ${JSON.stringify(data ?? error)}`);
  }
  const drillIds = [...load.acknowledged.map((a) => a.transferId), ...load.unacknowledged.map((u) => u.transferId)];
  const counts = await adminQuery<{ transfer_id: string; n: string }>(
    database.url,
    'SELECT transfer_id::text AS transfer_id, count(*)::text AS n FROM on_us_transfers WHERE transfer_id = ANY($1::uuid[]) GROUP BY transfer_id',
    [drillIds],
  );
  const countOf = new Map(counts.map((row) => [row.transfer_id, row.n]));
  for (const { transferId } of load.acknowledged) {
    if (countOf.get(transferId) !== '1') problems.push(`acknowledged transfer_id ${transferId} exists ${countOf.get(transferId) ?? '0'} times`);
  }
  for (const row of counts) if (row.n !== '1') problems.push(`transfer_id ${row.transfer_id} exists ${row.n} times`);

  const unbalanced = await adminQuery<{ entry_id: string; total: string; n: string }>(
    database.url,
    `SELECT entry_id::text AS entry_id, sum(amount_cents)::text AS total, count(*)::text AS n
       FROM ledger_postings GROUP BY entry_id HAVING sum(amount_cents) <> 0 OR count(*) < 2`,
  );
  for (const row of unbalanced) problems.push(`ledger entry ${row.entry_id}: ${row.n} postings summing to ${row.total}`);

  const errors500 = load.statuses.get(500) ?? 0;
  if (errors500 > 0) problems.push(`${errors500} requests answered 500 (expected 503 while the database is away)`);
  if (!(await schedulerResumed(server, SCHEDULER_RESUME_MS_MAX))) problems.push('the scheduler reported a failed pass and no resumption');
  if (!server.alive()) problems.push(`the server process exited (${server.child.exitCode ?? server.child.signalCode})`);
  return { problems, readyAfterMs };
}

/**
 * True unless the server's last "scheduler pass failed" is still without a later "scheduler:
 * resumed" after `waitMs` (the loop passes every second).
 */
async function schedulerResumed(server: ServerProcess, waitMs: number): Promise<boolean> {
  const started = performance.now();
  for (;;) {
    const output = server.output();
    const failed = output.lastIndexOf('scheduler pass failed');
    if (failed < 0 || output.indexOf('scheduler: resumed', failed) >= 0) return true;
    if (performance.now() - started > waitMs) return false;
    await sleep(100);
  }
}

/** `200:412 503:37 0:2`, statuses in order. */
export function statusSummary(statuses: ReadonlyMap<number, number>): string {
  return [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status}:${n}`).join(' ');
}

// ---------------------------------------------------------------------------------------------
// The restart drill (npm run test:faults)

const run = promisify(execFile);

/** The major version of the server at `url`, whose cluster `main` the drill restarts. */
async function clusterVersion(url: string): Promise<string> {
  const [row] = await adminQuery<{ v: string }>(url, "SELECT current_setting('server_version_num') AS v");
  const major = String(Math.floor(Number.parseInt(row?.v ?? '0', 10) / 10_000));
  if (!existsSync(`/etc/postgresql/${major}/main`)) throw new Error(`no cluster ${major}/main under /etc/postgresql on this machine`);
  return major;
}

/** Restarts the PostgreSQL server (fast shutdown: every connection is cut) and waits for it. */
async function restartPostgres(version: string): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { timeout: 30_000 });
}

/** What the watchdog must clean up if the drill overruns. */
const running: { server?: ServerProcess; database?: ScratchDatabase } = {};

async function restartDrill(adminUrl: string): Promise<{ ok: boolean; line: string }> {
  const version = await clusterVersion(adminUrl);
  const database = await createScratchDatabase(adminUrl, 'pocketbook_faults');
  running.database = database;
  let server: ServerProcess | undefined;
  try {
    server = await startServer(database.url);
    running.server = server;
    const client = await DrillClient.login(server);
    const { pockets } = await prepareAccounts(client);
    const baseUrl = server.baseUrl;
    const restarted = (async () => {
      await sleep(1_500);
      const started = performance.now();
      await restartPostgres(version);
      const restartMs = performance.now() - started;
      const readyMs = await waitReady(baseUrl, 10_000);
      return { restartMs, readyMs: readyMs === undefined ? undefined : restartMs + readyMs };
    })();
    const [load, { restartMs, readyMs }] = await Promise.all([runLoad(client, pockets, { clients: 4, durationMs: 6_000, graceMs: 5_000 }), restarted]);
    const { problems } = await verifyDrill(server, client, database, pockets, load, 10_000);
    const facts =
      `${load.acknowledged.length} transfers acknowledged, ${load.unacknowledged.length} given up, ${load.retries} retries ` +
      `(statuses ${statusSummary(load.statuses)}); pg_ctlcluster restart took ${Math.round(restartMs)} ms, ` +
      `/health/ready was 200 again ${readyMs === undefined ? 'never' : `${Math.round(readyMs)} ms`} after it began`;
    if (problems.length > 0) return { ok: false, line: `FAIL: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''} | ${facts}` };
    return { ok: true, line: `PASS: server stayed up, every acknowledged transfer exists once, the ledger balances | ${facts}` };
  } finally {
    await server?.stop();
    await database.drop().catch((error: unknown) => process.stderr.write(`could not drop ${database.name}: ${String(error)}\n`));
  }
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.log('fault-restart: FAIL: set DATABASE_URL to a PostgreSQL server this machine may restart');
    process.exit(1);
  }
  const watchdog = setTimeout(() => {
    console.log(`fault-restart: FAIL: did not finish within ${FAULT_DRILL_MS_MAX} ms`);
    running.server?.child.kill('SIGKILL');
    const dropped = running.database?.drop().catch(() => undefined) ?? Promise.resolve();
    void Promise.race([dropped, sleep(3_000)]).finally(() => process.exit(1));
  }, FAULT_DRILL_MS_MAX);
  try {
    const { ok, line } = await restartDrill(adminUrl);
    console.log(`fault-restart: ${line}`);
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    console.log(`fault-restart: FAIL: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
