import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import {
  AUTO_PLANS_STATEMENT,
  CONNECTION_PLAN_CACHE_MODE,
  type Db,
  type DeferredStatement,
  type NotificationHandler,
  type Tx,
  type TxOptions,
  TX_ATTEMPTS_MAX,
  isDatabaseUnavailable,
  isRetryable,
  normaliseParams,
  parsers,
} from './db.ts';
import { type GatheredRead, type SharedRead, concatWrites, shareReads } from './concat.ts';
import { notificationListener } from './listener.ts';
import { DatabaseOpenError, errorCode } from './open-error.ts';

/** Connections in the pool of one process. */
export const POOL_SIZE_MAX = 10;

/**
 * Connections that `db.query` (statements outside transactions) keeps checked out as read lanes,
 * at most; a new lane opens only when every lane has LANE_PENDING_MAX statements waiting.
 */
export const READ_LANES_MAX = 4;
export const LANE_PENDING_MAX = 256;
/** How long a new connection (or a free one from a full pool) may take before the attempt fails. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;
/** How long `openPostgres` waits, by default, for a server that does not answer yet. */
export const POSTGRES_BOOT_WAIT_MS = 15_000;
/** Pause between two connection attempts while boot waits for the server. */
const BOOT_RETRY_PAUSE_MS = 250;

/** The `pg` driver, once openPostgres has loaded it. */
let pgModule: typeof pg | undefined;

const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    const parse = parsers[oid];
    if (parse && format !== 'binary') return parse;
    return (pgModule as typeof pg).types.getTypeParser(oid, format as 'text');
  },
};

export interface PostgresOptions {
  /** Milliseconds boot waits for the server to answer (default POSTGRES_BOOT_WAIT_MS); 0: one try. */
  readonly bootWaitMs?: number;
  /** Where connection warnings go (a lost idle connection, waiting at boot); stderr by default. */
  readonly warn?: (message: string) => void;
}

/** node-postgres refused to send the statement: the connection was broken before it. */
function neverSent(error: unknown): boolean {
  return error instanceof Error && /is not queryable$/.test(error.message);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${error.message}` : error.message;
}

/**
 * Distinct statement texts that get a server-side prepared statement, at most (per process; each
 * connection prepares a text the first time it runs it, and keeps it while it lives). Texts beyond
 * this run unnamed. A text is named at its second use, so that one-off variants (a listing's
 * filters and page size) leave the names to the statements a process runs all the time.
 */
export const PREPARED_STATEMENTS_MAX = 256;
/** Texts whose uses are counted while they wait for a name, at most (then new ones stay unnamed). */
const STATEMENT_USES_KEPT_MAX = 10_000;

const statementNames = new Map<string, string>();
const statementUses = new Map<string, number>();

/** The prepared statement's name of `sql`, once it has been used twice and names are left. */
function nameOf(sql: string): string | undefined {
  const name = statementNames.get(sql);
  if (name !== undefined || statementNames.size >= PREPARED_STATEMENTS_MAX) return name;
  const uses = statementUses.get(sql) ?? 0;
  if (uses === 0) {
    if (statementUses.size < STATEMENT_USES_KEPT_MAX) statementUses.set(sql, 1);
    return undefined;
  }
  statementUses.delete(sql);
  const named = `pb${statementNames.size.toString(36)}`;
  statementNames.set(sql, named);
  return named;
}

/**
 * The query of `sql` with `params`: a named (prepared) statement when it runs often (`nameOf`), so
 * that the server parses and plans a text once per connection instead of at every call (a plan it
 * may then keep generic). A statement without parameters (a script, BEGIN, COMMIT) stays unnamed:
 * it runs as a simple query.
 */
function statement(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  const values = normaliseParams(params);
  const name = values.length > 0 ? nameOf(sql) : undefined;
  return name === undefined ? { text: sql, values } : { name, text: sql, values };
}

/**
 * Opens a connection pool to the PostgreSQL server at `url`, and checks out one connection so that
 * boot fails rather than the first request. While the server is unavailable (refused, starting
 * up: see `isDatabaseUnavailable`) boot tries again for up to `bootWaitMs`; any other error (bad
 * credentials, no such database) fails at once.
 *
 * After boot the process outlives the server: a pooled connection that the server drops is
 * discarded (the pool's `error` event is handled), and new connections are made on demand once the
 * server answers again. Meanwhile statements reject with errors for which `isDatabaseUnavailable`
 * is true.
 * @throws DatabaseOpenError (see connectFailure) when the server did not answer within
 *   `bootWaitMs`, or refused the connection (user, password, database).
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Db> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`postgres: ${message}\n`));
  // The driver is loaded here, not at import: an embedded (PGlite) process never needs it.
  pgModule ??= (await import('pg')).default;
  const pool = new pgModule.Pool({
    connectionString: url,
    max: POOL_SIZE_MAX,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    types: typeParsers as pg.CustomTypesConfig,
    // Statements are written without waiting for the previous answer where the caller allows it
    // (a transaction's BEGIN with its first statement, its deferred writes with COMMIT).
    pipeline: true,
    // Prepared statements run their generic plans (db.ts CONNECTION_PLAN_CACHE_MODE).
    options: `-c plan_cache_mode=${CONNECTION_PLAN_CACHE_MODE}`,
  });
  // An idle connection that breaks (the server restarted, an administrator terminated it) is
  // emitted here after the pool has discarded it. Without a listener Node would throw the error
  // and end the process.
  pool.on('error', (error) => warn(`an idle connection was lost (${describe(error)}); the pool reconnects on demand`));

  await waitForServer(pool, url, options.bootWaitMs ?? POSTGRES_BOOT_WAIT_MS, warn);

  const lanes = readLanes(pool);
  const batched = batchingQuery(pool, lanes);
  const driver = pgModule;
  const listener = notificationListener(
    () => new driver.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS }),
    warn,
  );
  return {
    kind: 'postgres',
    async query<Row>(sql: string, params?: readonly unknown[]) {
      return (await batched(statement(sql, params))) as Row[];
    },
    async tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions) {
      for (let attempt = 1; ; attempt++) {
        const outcome = await attemptTx(pool, fn, options);
        if (outcome.ok) return outcome.value;
        if (attempt < TX_ATTEMPTS_MAX && outcome.retry) continue;
        throw outcome.error;
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    listen: (channel: string, handler: NotificationHandler) => listener.listen(channel, handler),
    async close() {
      lanes.close();
      await listener.close();
      await pool.end();
    },
  };
}

/** A statement waiting for the next batch of `db.query`. */
interface Waiting {
  readonly query: pg.QueryConfig;
  resolve(rows: unknown[]): void;
  reject(error: unknown): void;
}

/** One statement on any pooled connection; sent again once when the connection had broken while idle. */
async function single(pool: pg.Pool, query: pg.QueryConfig): Promise<unknown[]> {
  try {
    return (await pool.query(query)).rows;
  } catch (error) {
    // The pool handed out a connection that had broken while idle: the statement never left,
    // so it is safe to send it once more, on a fresh connection.
    if (!neverSent(error)) throw error;
    return (await pool.query(query)).rows;
  }
}

/** A connection kept checked out for `db.query`, and the statements sent on it not answered yet. */
interface ReadLane {
  pending: number;
  client: pg.PoolClient | undefined;
  connecting: Promise<pg.PoolClient> | undefined;
}

/**
 * The read lanes of a pool. Plain reads outside transactions (`laneSafe`: a request's reads, the
 * door's token and clock) are written, pipelined, on a connection kept checked out rather than on
 * one checked out and back for each batch: one backend kept busy answers a stream of small reads for about half
 * the CPU, of the server and of the database, that a backend woken for each batch took (GET of a
 * pocket at 50 connections: server 428 -> 215 µs, backends 248 -> 147 µs). A second lane (up to
 * READ_LANES_MAX) opens only when each open lane has LANE_PENDING_MAX statements waiting, so that a
 * slow statement holds up only what queued behind it. A lane whose connection fails or ends is
 * dropped (the pool discards the connection) and opened again at the next batch.
 */
function readLanes(pool: pg.Pool): { pick(): ReadLane; client(lane: ReadLane): Promise<pg.PoolClient>; drop(lane: ReadLane, client: pg.PoolClient, error: unknown): void; close(): void } {
  const lanes: ReadLane[] = [];
  const drop = (lane: ReadLane, client: pg.PoolClient, error: unknown) => {
    if (lane.client !== client) return;
    lane.client = undefined;
    client.release(error instanceof Error ? error : new Error(describe(error)));
  };
  return {
    pick() {
      const open = lanes.find((lane) => lane.pending < LANE_PENDING_MAX);
      if (open) return open;
      if (lanes.length < READ_LANES_MAX) {
        const lane: ReadLane = { pending: 0, client: undefined, connecting: undefined };
        lanes.push(lane);
        return lane;
      }
      return lanes.reduce((best, lane) => (lane.pending < best.pending ? lane : best));
    },
    client(lane) {
      if (lane.client) return Promise.resolve(lane.client);
      lane.connecting ??= pool.connect().then(
        (client) => {
          client.on('error', (error: unknown) => drop(lane, client, error));
          client.on('end', () => drop(lane, client, new Error('the connection ended')));
          lane.client = client;
          lane.connecting = undefined;
          return client;
        },
        (error: unknown) => {
          lane.connecting = undefined;
          throw error;
        },
      );
      return lane.connecting;
    },
    drop,
    /** Gives the lanes' connections back (before the pool ends, which waits for them). */
    close() {
      for (const lane of lanes) {
        const client = lane.client;
        lane.client = undefined;
        client?.release();
      }
    },
  };
}

/**
 * A statement a read lane may carry: a plain read (`SELECT` or `WITH`, without a locking clause
 * and without a data-modifying CTE), which under MVCC never waits for another transaction's row
 * locks. A write outside a transaction could wait for a lock held by a transaction that is itself
 * waiting for a read queued behind it on the same lane; writes go on a pooled connection of their
 * own.
 */
export function laneSafe(sql: string): boolean {
  return /^\s*(SELECT|WITH)\b/i.test(sql) && !/\b(INSERT|UPDATE|DELETE|MERGE)\b|\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b|pg_advisory_(xact_)?lock\b/i.test(sql);
}

/** Sends a batch of statements pipelined on one read lane, in one write; settles each. */
async function runOnLane(pool: pg.Pool, lanes: ReturnType<typeof readLanes>, batch: readonly Waiting[]): Promise<void> {
  const lane = lanes.pick();
  lane.pending += batch.length;
  let client: pg.PoolClient;
  try {
    client = await lanes.client(lane);
  } catch (error) {
    lane.pending -= batch.length;
    for (const statement of batch) statement.reject(error);
    return;
  }
  const socket = socketOf(client);
  socket.cork();
  const answers = batch.map((statement) => client.query(statement.query));
  socket.uncork();
  const settled = await Promise.allSettled(answers);
  lane.pending -= batch.length;
  const unavailable = settled.find((answer) => answer.status === 'rejected' && isDatabaseUnavailable(answer.reason));
  if (unavailable?.status === 'rejected') lanes.drop(lane, client, unavailable.reason);
  settle(pool, batch, settled);
}

/** Sends a batch of statements pipelined on one pooled connection, in one write; settles each. */
async function runBatch(pool: pg.Pool, batch: readonly Waiting[]): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    for (const statement of batch) statement.reject(error);
    return;
  }
  let lost: unknown;
  const onError = (error: unknown) => {
    lost ??= error;
  };
  client.on('error', onError);
  const socket = socketOf(client);
  socket.cork();
  const answers = batch.map((statement) => client.query(statement.query));
  socket.uncork();
  const settled = await Promise.allSettled(answers);
  client.off('error', onError);
  const unavailable = settled.find((answer) => answer.status === 'rejected' && isDatabaseUnavailable(answer.reason));
  const destroy = lost ?? (unavailable?.status === 'rejected' ? unavailable.reason : undefined);
  client.release(destroy instanceof Error ? destroy : destroy === undefined ? undefined : new Error(describe(destroy)));
  settle(pool, batch, settled);
}

/** Resolves or rejects each statement of a batch with its answer. */
function settle(pool: pg.Pool, batch: readonly Waiting[], settled: readonly PromiseSettledResult<pg.QueryResult>[]): void {
  settled.forEach((answer, i) => {
    const statement = batch[i]!;
    if (answer.status === 'fulfilled') statement.resolve(answer.value.rows);
    // The connection had broken before the statement left: safe to send it once more, elsewhere.
    else if (neverSent(answer.reason)) single(pool, statement.query).then(statement.resolve, statement.reject);
    else statement.reject(answer.reason);
  });
}

/**
 * `db.query` outside transactions, pipelined: the statements issued before the event loop's next
 * turn (the reads of a request started together, `Promise.all`) share one write and are answered
 * in one round trip; each is still its own implicit transaction, as on separate connections. Plain
 * reads go on a read lane (readLanes); the others on a pooled connection.
 */
function batchingQuery(pool: pg.Pool, lanes: ReturnType<typeof readLanes>): (query: pg.QueryConfig) => Promise<unknown[]> {
  let waiting: Waiting[] = [];
  const send = () => {
    const batch = waiting;
    waiting = [];
    const reads = batch.filter((statement) => laneSafe(statement.query.text));
    const others = batch.filter((statement) => !laneSafe(statement.query.text));
    if (reads.length > 0) void runOnLane(pool, lanes, reads);
    if (others.length === 1) single(pool, others[0]!.query).then(others[0]!.resolve, others[0]!.reject);
    else if (others.length > 1) void runBatch(pool, others);
  };
  return (query) =>
    new Promise<unknown[]>((resolve, reject) => {
      if (waiting.length === 0) process.nextTick(send);
      waiting.push({ query, resolve, reject });
    });
}

/** Checks out (and returns) one connection, trying again while the server is unavailable. */
async function waitForServer(pool: pg.Pool, url: string, waitMs: number, warn: (message: string) => void): Promise<void> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const probe = await pool.connect();
      probe.release();
      if (attempt > 1) warn('the server answers; starting');
      return;
    } catch (error) {
      const waitedMs = performance.now() - started;
      if (!isDatabaseUnavailable(error) || waitedMs + BOOT_RETRY_PAUSE_MS > waitMs) {
        await pool.end().catch(() => undefined);
        throw connectFailure(url, error, attempt > 1 ? waitedMs : 0);
      }
      if (attempt === 1) warn(`waiting up to ${waitMs} ms for the server (${describe(error)})`);
      await sleep(BOOT_RETRY_PAUSE_MS);
    }
  }
}

/** Host, port, user and database of a connection URL, for messages (never the password). */
function target(url: string): { at: string; user: string; database: string } {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // node-postgres accepts forms that are not URLs (a socket path): name no parts then.
  }
  const host = parsed?.hostname || 'localhost';
  const user = decodeURIComponent(parsed?.username ?? '') || 'the default user';
  const database = decodeURIComponent(parsed?.pathname.replace(/^\//, '') ?? '') || 'the default database';
  return { at: `${host}:${parsed?.port || '5432'}`, user, database };
}

/**
 * The one-line account of a failed connection to the server at `url`: which host, user and
 * database, what the server or the network said, and what to change. SQLSTATE 28000/28P01 (the
 * role, password or pg_hba.conf), 3D000 (no such database); socket errors and timeouts mean
 * unreachable.
 */
function connectFailure(url: string, error: unknown, waitedMs: number): DatabaseOpenError {
  const { at, user, database } = target(url);
  const code = errorCode(error);
  const said = error instanceof Error ? error.message : String(error);
  const what = `PostgreSQL at ${at} (user ${user}, database ${database})`;
  if (code === '28000' || code === '28P01') {
    return new DatabaseOpenError('server_refused', `${what} refused the connection (${said}): fix the user name or password in DATABASE_URL, or create that role on the server`, error);
  }
  if (code === '3D000') {
    return new DatabaseOpenError('no_database', `${what} has no such database (${said}): create it (createdb ${database}), or fix the database name in DATABASE_URL`, error);
  }
  if (code === 'ENOTFOUND') {
    return new DatabaseOpenError('server_unreachable', `cannot reach ${what} (no such host): fix the host in DATABASE_URL`, error);
  }
  if (isDatabaseUnavailable(error)) {
    const waited = waitedMs > 0 ? ` after waiting ${Math.round(waitedMs)} ms` : '';
    return new DatabaseOpenError('server_unreachable', `cannot reach ${what}${waited} (${said}): start the server, or fix the host and port in DATABASE_URL`, error);
  }
  return new DatabaseOpenError('server_error', `cannot connect to ${what} (${code ? `${code} ` : ''}${said}): check DATABASE_URL`, error);
}

type TxOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown; retry: boolean };

/** The socket of a pooled client, for corking: statements written meanwhile leave in one write. */
function socketOf(client: pg.PoolClient): { cork(): void; uncork(): void } {
  return (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
}

/**
 * A transaction handle on `client` (a pipelining connection) that sends as little as it can, as
 * late as it can: BEGIN (with the settings that follow it in `begin`) travels with the
 * transaction's first statement; deferred writes travel with the next `query` or with COMMIT;
 * statements issued together (`Promise.all`) share one write and run in the order they were
 * issued. A transaction that sends nothing sends no BEGIN either.
 */
function pipelinedTx(client: pg.PoolClient, begin: readonly string[], onBegun: () => void): Tx & { finish(then: string): Promise<void>; readonly sent: boolean } {
  let pending: DeferredStatement[] = [];
  let sent = false;
  let corked = false;
  const socket = socketOf(client);
  /** Reads gathered in this turn (Tx.gather), sent as shared statements when it ends. */
  let gathered: (GatheredRead & { resolve(rows: unknown[]): void; reject(error: unknown): void })[] = [];

  /** Corks the socket for the rest of this turn; when it ends, sends the gathered reads, then uncorks. */
  function corkTurn(): void {
    if (corked) return;
    corked = true;
    socket.cork();
    process.nextTick(() => {
      sendGathered();
      corked = false;
      socket.uncork();
    });
  }

  /** The turn's gathered reads as shared statements (concat.ts shareReads), each caller answered with its statement's rows. */
  function sendGathered(): void {
    const reads = gathered;
    gathered = [];
    if (reads.length === 0) return;
    let shared: SharedRead[];
    try {
      shared = shareReads(reads);
    } catch (error) {
      for (const read of reads) read.reject(error);
      return;
    }
    for (const statementOf of shared) {
      const answer = send(statement(statementOf.sql, statementOf.params));
      answer.then(
        (result) => statementOf.serves.forEach((index) => reads[index]!.resolve(result!.rows)),
        (error: unknown) => statementOf.serves.forEach((index) => reads[index]!.reject(error)),
      );
    }
  }

  /** Writes BEGIN (first time), the deferred writes and `more` in one go; the last result, or the first error. */
  async function send(more: pg.QueryConfig | undefined): Promise<pg.QueryResult | undefined> {
    // Deferrals of one set-based write travel as one (concat.ts).
    const queries = concatWrites(pending).map((write) => statement(write.sql, write.params));
    if (more) queries.push(more);
    pending = [];
    const answers: Promise<pg.QueryResult>[] = [];
    // Statements of the same turn of the event loop (`Promise.all`) leave in one write.
    corkTurn();
    if (!sent) {
      sent = true;
      const [first, ...settings] = begin;
      answers.push(client.query(first!).then((result) => (onBegun(), result)));
      for (const setting of settings) answers.push(client.query(setting));
    }
    for (const query of queries) answers.push(client.query(query));
    // Every answer is awaited (a rejected one must not go unhandled); after a failed statement the
    // server refuses the rest of the transaction, so the first error is the one that counts.
    const settled = await Promise.allSettled(answers);
    const failed = settled.find((answer) => answer.status === 'rejected');
    if (failed) throw failed.reason;
    const last = settled[settled.length - 1];
    return last?.status === 'fulfilled' && more ? last.value : undefined;
  }

  return {
    alone: false,
    get sent() {
      return sent;
    },
    defer(sql, params, options) {
      pending.push({ sql, params: params ?? [], rows: options?.rows });
    },
    async query<Row>(sql: string, params?: readonly unknown[]) {
      return (await send(statement(sql, params)))!.rows as Row[];
    },
    gather<Row>(sql: string, params: readonly unknown[], keys: readonly number[]) {
      return new Promise<Row[]>((resolve, reject) => {
        gathered.push({ sql, params, keys, resolve: resolve as (rows: unknown[]) => void, reject });
        corkTurn();
      });
    },
    async flush() {
      if (pending.length > 0) await send(undefined);
    },
    /** Ends the transaction with `then` (COMMIT), together with what is still deferred; nothing when nothing was sent. */
    async finish(then: string) {
      if (!sent && pending.length === 0) return;
      await send({ text: then });
    },
  };
}

/**
 * One attempt of a transaction on its own pooled connection. Retry when the attempt hit a
 * serialization failure or deadlock, or when the connection was already broken at BEGIN (nothing
 * ran: a connection the server dropped while it sat in the pool). A connection that broke at any
 * point is destroyed, never returned to the pool; an error at COMMIT leaves the outcome unknown and
 * is never retried here (the caller's idempotency key settles it).
 */
async function attemptTx<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>, options: TxOptions | undefined): Promise<TxOutcome<T>> {
  const client = await pool.connect();
  // While checked out the client has no pool listener: an error emitted between two statements
  // (the server went away while `fn` awaited something else) would otherwise end the process.
  let lost: unknown;
  const onError = (error: unknown) => {
    lost ??= error;
  };
  client.on('error', onError);
  let begun = false;
  let outcome: TxOutcome<T>;
  const begin = [options?.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN', ...(options?.plans === 'auto' ? [AUTO_PLANS_STATEMENT] : [])];
  const tx = pipelinedTx(client, begin, () => {
    begun = true;
  });
  try {
    const value = await fn(tx);
    // The deferred writes and COMMIT go in one round trip.
    await tx.finish('COMMIT');
    outcome = { ok: true, value };
  } catch (error) {
    const broken = lost !== undefined || isDatabaseUnavailable(error);
    if (!broken && tx.sent) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        lost ??= rollbackError;
      });
    }
    outcome = { ok: false, error, retry: isRetryable(error) || (!begun && broken) };
  }
  client.off('error', onError);
  const destroy = lost ?? (outcome.ok ? undefined : isDatabaseUnavailable(outcome.error) ? outcome.error : undefined);
  // `release(error)` closes the connection and drops it from the pool.
  client.release(destroy instanceof Error ? destroy : destroy === undefined ? undefined : new Error(describe(destroy)));
  return outcome;
}
