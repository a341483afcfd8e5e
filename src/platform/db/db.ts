/**
 * The database interface every repo uses. Two drivers implement it: embedded PGlite (the default)
 * and a PostgreSQL server through a `pg` pool. Both return the same JavaScript types:
 * `bigint` for int8, `string` for numeric (exact decimals), `string` for date (YYYY-MM-DD) and
 * `Date` for timestamptz.
 */
import { concatWrites } from './concat.ts';

/** Anything that runs a parameterised statement: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1..$n` parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * An open transaction; repo functions take one when they must see or change state atomically.
 * Besides `query`, a transaction can `defer` writes whose results nobody reads: they are sent
 * together, in one round trip, right before the next `query` of the transaction or its commit,
 * in the order they were deferred. A deferred statement that fails fails the transaction.
 */
export interface Tx extends Queryable {
  /** Queues one parameterised write (no rows returned) for the next flush. */
  defer(sql: string, params?: readonly unknown[], options?: DeferOptions): void;
  /** Sends the deferred writes now (they otherwise go with the next query or the commit). */
  flush(): Promise<void>;
  /**
   * A read over sets of keys that callers sharing the transaction (requests carried out together,
   * platform/together.ts) may send as one: on PostgreSQL, calls of one turn of the event loop with
   * the same `sql` and equal parameters other than the `keys` ones (arrays) go as one statement
   * at the end of the turn (after the statements the turn issued with `query`, in the same write),
   * with each key array the union of theirs (each key once, first seen first), in the order of
   * their first calls. Every caller gets all the rows of the statement it took part in, the same
   * array, and picks its own. Elsewhere, `query`.
   * Fit for reads and row locks by key whose rows for a union of keys are the union of each
   * key's rows (`id = ANY($2)`); locks are then taken in the statement's order for all callers.
   */
  gather<Row>(sql: string, params: readonly unknown[], keys: readonly number[]): Promise<Row[]>;
  /**
   * True when no other transaction can run at the same time (the embedded database's single
   * connection): concurrency guards such as advisory locks have nothing to guard.
   */
  readonly alone: boolean;
}

/** How a deferred write may travel (Tx.defer). */
export interface DeferOptions {
  /**
   * Indexes (from 0) of the parameters that hold the statement's rows: JSON array text, or an
   * array. Deferrals of the same statement in one transaction whose other parameters are equal may
   * then be sent as one, with their rows concatenated (concat.ts): for a set-based write that does
   * with several deferrals' rows what it does with each one's after the other.
   */
  readonly rows?: readonly number[];
}

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

export interface TxOptions {
  readonly isolation?: Isolation;
  /**
   * `auto`: the transaction's prepared statements are planned as PostgreSQL chooses by default (a
   * plan for each call's values at first, later the generic one unless it looks costlier), for
   * work over a whole tenant whose best plan depends on the tenant's size (the scheduler's
   * business-day runs). Otherwise they run their generic plan (CONNECTION_PLAN_CACHE_MODE).
   */
  readonly plans?: 'auto';
}

/**
 * `plan_cache_mode` of every connection: a prepared statement runs its generic plan, made once per
 * connection, instead of a plan made for each call's values. Requests read and write a few rows of
 * one tenant by key, whose best plan does not depend on the values; PostgreSQL's default kept
 * re-planning such statements (one with an array parameter looks cheaper planned for a one-element
 * array), and planning cost more than running: about 200 of the 400 microseconds a GET of a pocket
 * cost the server. Generic plans are made from the statistics that statistics.ts keeps current.
 */
export const CONNECTION_PLAN_CACHE_MODE = 'force_generic_plan';

/** The statement that gives a transaction PostgreSQL's default planning back (TxOptions.plans). */
export const AUTO_PLANS_STATEMENT = 'SET LOCAL plan_cache_mode = auto';

/** What a listener of a notification channel is told (see Db.listen). */
export interface NotificationHandler {
  /** A notification of the channel, with its payload, after the transaction that sent it committed. */
  onNotify(payload: string): void;
  /**
   * Notifications may have been missed: called when the subscription becomes live (LISTEN took
   * effect, at first and after a loss) and when the listening connection is lost. Forget what they
   * kept fresh.
   */
  onReset(): void;
}

/** A listener of one channel (Db.listen). */
export interface Subscription {
  /**
   * True while every notification of the channel reaches the handler: from the moment LISTEN took
   * effect until the listening connection is lost (then false until it is back, after onReset).
   */
  readonly live: boolean;
  /** Stops listening. */
  close(): Promise<void>;
}

/** Names a notification channel may have: lower-case letters, digits and underscores (no quoting needed). */
export const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Listens to a notification channel (PostgreSQL LISTEN/NOTIFY: a notification is delivered
   * when the transaction that sent it commits, to every listening session, this process's and
   * others'). Returns at once; the subscription is `live` once LISTEN has taken effect (onReset is
   * called then). On PostgreSQL one connection of its own listens for the whole Db, and comes back
   * after a loss (onReset is called when it is lost and when it is back). Closed with the Db.
   * @throws Error for a channel name outside CHANNEL_NAME.
   */
  listen(channel: string, handler: NotificationHandler): Subscription;
  /**
   * Runs `fn` in one transaction: commit when it resolves, roll back when it throws. On PostgreSQL
   * a serialization failure or deadlock (SQLSTATE 40001/40P01) is retried a few times.
   */
  tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /** Runs a script of several statements (migrations); no parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Maximum attempts of a transaction that fails with a serialization error or a deadlock. */
export const TX_ATTEMPTS_MAX = 5;

/** Converts parameters to what both drivers accept: bigint and Date as text. */
export function normaliseParams(params: readonly unknown[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((value) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Date) return value.toISOString();
    return value;
  });
}

/** PostgreSQL type OIDs whose parsing both drivers override. */
export const OID = {
  INT8: 20,
  NUMERIC: 1700,
  DATE: 1082,
  TIMESTAMPTZ: 1184,
  TIMESTAMP: 1114,
} as const;

export const parsers: Record<number, (value: string) => unknown> = {
  [OID.INT8]: (value) => BigInt(value),
  [OID.NUMERIC]: (value) => value,
  [OID.DATE]: (value) => value,
  [OID.TIMESTAMPTZ]: (value) => new Date(value),
};

/** True for SQLSTATEs that mean "run the transaction again". */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

/**
 * A SQL literal for a parameter of a deferred statement that the embedded driver sends as a script
 * (one it has not prepared yet: pglite.ts): NULL, a quoted string (quotes doubled;
 * standard_conforming_strings is on in PostgreSQL 9.1+ and PGlite, so backslashes are literal),
 * a boolean, a number/bigint/Date as quoted text that the statement casts, or an array of strings
 * as the quoted text of a PostgreSQL array (`'{"a","b"}'`, elements double-quoted with `"` and
 * `\` escaped: PostgreSQL documentation, "Arrays", section "Array Value Input") that the
 * statement casts (`$1::uuid[]`).
 * @throws Error for a value of another type (objects travel as JSON text).
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint' || typeof value === 'number') return `'${value.toString()}'`;
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new Error('a SQL literal cannot hold NUL');
    return `'${value.replaceAll("'", "''")}'`;
  }
  const array = arrayLiteral(value);
  if (array !== undefined) return sqlLiteral(array);
  throw new Error(`cannot inline a parameter of type ${typeof value}`);
}

/**
 * `value`, an array of strings and nulls, as the text of a PostgreSQL array (`{"a",NULL,"b"}`:
 * elements double-quoted, `"` and `\` escaped, null as an unquoted NULL; PostgreSQL documentation,
 * "Arrays", section "Array Value Input"), for a statement that casts its parameter
 * (`$1::uuid[]`); undefined for any other value.
 */
export function arrayLiteral(value: unknown): string | undefined {
  if (!Array.isArray(value) || !value.every((element) => typeof element === 'string' || element === null)) return undefined;
  return `{${value.map((element: string | null) => (element === null ? 'NULL' : `"${element.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

/** Replaces `$1..$n` in `sql` by the literals of `params` (statements without dollar quoting only). */
export function inlineParams(sql: string, params: readonly unknown[] = []): string {
  return sql.replace(/\$(\d+)/g, (_match, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`parameter $${n} missing`);
    return sqlLiteral(params[index]);
  });
}

/** A parameterised statement waiting in a transaction's queue of deferred writes. */
export interface DeferredStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
  /** DeferOptions.rows. */
  readonly rows?: readonly number[] | undefined;
}

/**
 * A queue that runs the tasks given to it one after the other, in the order given; a task's
 * failure fails only its own call.
 */
export function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}

/**
 * Builds a transaction handle over a driver's `query` and a runner of several statements in one
 * call (`execBatch`, in order; the first failure fails the call): deferred writes are queued and
 * sent together by `flush` (called by `query` first, and by the driver before COMMIT).
 */
export function deferringTx(
  run: <Row>(sql: string, params?: readonly unknown[]) => Promise<Row[]>,
  execBatch: (statements: readonly DeferredStatement[]) => Promise<void>,
  alone = false,
): Tx & { flush(): Promise<void> } {
  let pending: DeferredStatement[] = [];
  // Statements issued together (`Promise.all`) still run one after the other, in the order issued.
  const inTurn = serial();
  /** The deferred writes so far, taken out (they go before whatever is issued now), concatenated (concat.ts). */
  const takePending = (): DeferredStatement[] => {
    const taken = pending;
    pending = [];
    return concatWrites(taken);
  };
  const flush = () => {
    const batch = takePending();
    return inTurn(async () => {
      if (batch.length > 0) await execBatch(batch);
    });
  };
  const query = <Row>(sql: string, params?: readonly unknown[]) => {
    const batch = takePending();
    return inTurn(async () => {
      if (batch.length > 0) await execBatch(batch);
      return run<Row>(sql, params);
    });
  };
  return {
    alone,
    defer(sql, params, options) {
      pending.push({ sql, params: params ?? [], rows: options?.rows });
    },
    query,
    // The embedded database runs one transaction at a time: no other caller to share a read with.
    gather: (sql, params) => query(sql, params),
    flush,
  };
}

/** SQLSTATEs that mean "the server is not there for us right now" (besides class 08). */
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set([
  '57P01', // admin_shutdown: our backend was terminated (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown: another backend crashed and the server is resetting
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '53300', // too_many_connections: the server is full for now
]);

/** Socket errors of a server that cannot be reached or that went away. */
const UNAVAILABLE_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Messages of node-postgres for a connection that ended, broke, or could not be had in time, and of
 * the embedded database's thread once it has ended.
 */
const UNAVAILABLE_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/, // "Connection terminated unexpectedly", "... due to connection timeout"
  /is not queryable$/, // a pooled client whose connection broke before the statement was sent
  /^timeout exceeded when trying to connect$/, // no connection within the pool's connect timeout
  /^the embedded database (stopped|is closed)/, // the embedded database's thread ended (pglite-thread.ts)
];

/** How deep `isDatabaseUnavailable` follows `cause` and AggregateError members. */
const UNAVAILABLE_ERROR_DEPTH_MAX = 3;

/**
 * True when `error` says the database cannot be reached or dropped our connection, as opposed to
 * an error in the statement itself: socket errors (connection refused, reset, timed out),
 * node-postgres's "Connection terminated ..." and "... is not queryable", its pool's connect
 * timeout, SQLSTATE class 08 (connection exception), 57P01/57P02/57P03 (terminated, crash reset,
 * starting up) and 53300 (too many connections). Follows `cause` and AggregateError members.
 * The HTTP layer answers such errors with 503 `{"detail": "Service Unavailable"}`; the statement
 * may be retried once the server answers again.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > UNAVAILABLE_ERROR_DEPTH_MAX) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (/^08[0-9A-Z]{3}$/.test(code) || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((member) => isDatabaseUnavailable(member, depth + 1))) return true;
  return cause !== undefined && isDatabaseUnavailable(cause, depth + 1);
}

/**
 * Asks the database `SELECT 1` and waits at most `timeoutMs` (milliseconds) for the answer.
 * @returns true when it answered in time; false when it failed or did not answer (never throws).
 */
export async function pingDatabase(q: Queryable, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = q.query<{ one: number }>('SELECT 1 AS one').then(
    (rows) => rows[0]?.one === 1,
    () => false,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
