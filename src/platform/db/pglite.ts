import { mkdirSync } from 'node:fs';
import { PGlite, parse as pgliteParse, protocol } from '@electric-sql/pglite';
import { type Db, type DeferredStatement, type NotificationHandler, type Subscription, AUTO_PLANS_STATEMENT, CHANNEL_NAME, arrayLiteral, CONNECTION_PLAN_CACHE_MODE, type Tx, type TxOptions, deferringTx, inlineParams, normaliseParams, parsers } from './db.ts';

/**
 * Distinct statement texts that get a prepared statement in the embedded database, at most (per
 * open database). A text is prepared at its second use, so that one-off variants (a listing's
 * filters and page size) leave the names to the statements the process runs all the time; texts
 * beyond this run as PGlite's unnamed statements (parsed and planned every time).
 */
export const PGLITE_PREPARED_MAX = 512;
/** Texts remembered as used once while they wait for a name, at most (then new ones stay unnamed). */
const PGLITE_USED_ONCE_MAX = 10_000;

/** A statement prepared in the embedded database: its name and the types of its parameters (OIDs). */
interface Prepared {
  readonly name: string;
  readonly paramTypes: readonly number[];
}

/**
 * Runs parameterised statements as named prepared statements. PGlite's own `query` sends each
 * statement as Parse, Describe, Bind, Describe, Execute and Sync, six calls into the WASM engine,
 * and the engine parses and plans the text every time. Here a text is parsed (and a read's
 * parameter types described) once per database, at its second use; each later run of a read is
 * one call holding Bind, Describe, Execute and Sync of the prepared statement, whose plan the
 * engine may keep, and a transaction's deferred writes are one call for all of them (`batch`).
 * A read's values are serialised and its rows parsed as PGlite's `query` does (its serializers by
 * parameter type, `parsers` by column type). The caller holds PGlite's query lock (`runExclusive`).
 */
function preparedStatements(pg: PGlite) {
  const prepared = new Map<string, Prepared>();
  /** Deferred writes' texts and their statement names (parsed in the batch that first runs them). */
  const written = new Map<string, string>();
  let writesNamed = 0;
  const usedOnce = new Set<string>();

  /** The prepared statement of `sql`: made at its second use while names are left. */
  async function prepare(sql: string): Promise<Prepared | undefined> {
    const known = prepared.get(sql);
    if (known || prepared.size + written.size >= PGLITE_PREPARED_MAX) return known;
    if (!usedOnce.has(sql)) {
      if (usedOnce.size < PGLITE_USED_ONCE_MAX) usedOnce.add(sql);
      return undefined;
    }
    const name = `pb${prepared.size.toString(36)}`;
    const message = concat([protocol.serialize.parse({ name, text: sql }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]);
    const described = await pg.execProtocolStream(message, { syncToFs: false });
    const made = { name, paramTypes: pgliteParse.parseDescribeStatementResults(described) };
    usedOnce.delete(sql);
    prepared.set(sql, made);
    return made;
  }

  /** Bind, Describe and Execute of a prepared statement with `params` (no Sync). */
  function execution(statement: Prepared, params: readonly unknown[]): Uint8Array[] {
    const values = normaliseParams(params).map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = pg.serializers[statement.paramTypes[i] ?? -1];
      return serialize ? serialize(value) : String(value);
    });
    return [protocol.serialize.bind({ statement: statement.name, values }), protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({})];
  }

  return {
    /** The rows of one statement; undefined when it is not prepared (first use, no names left). */
    async query<Row>(sql: string, params: readonly unknown[]): Promise<Row[] | undefined> {
      const statement = await prepare(sql);
      if (!statement) return undefined;
      const messages = await pg.execProtocolStream(concat([...execution(statement, params), protocol.serialize.sync()]), { syncToFs: false });
      return (pgliteParse.parseResults(messages, pg.parsers)[0]?.rows ?? []) as Row[];
    },
    /**
     * Runs deferred writes in order in one call: Bind and Execute of each, one Sync after the last
     * (the first failure skips the rest and is thrown, failing the transaction). A text at its
     * second use is parsed in that same call, right before it runs, so that it sees what the writes
     * before it did (a table one of them creates). Values go as text without their types: deferred
     * writes take only strings, numbers, booleans, bigints, Dates, nulls and arrays of strings
     * (see `sqlLiteral`).
     * False, running nothing, when a text is at its first use or no names are left, or a value is
     * of another kind: the caller sends the writes as a script.
     */
    async batch(statements: readonly DeferredStatement[]): Promise<boolean> {
      const names = new Map<string, string>();
      const fresh = new Map<string, string>();
      let ready = true;
      for (const { sql } of statements) {
        const known = written.get(sql) ?? fresh.get(sql);
        if (known !== undefined) {
          names.set(sql, known);
        } else if (usedOnce.has(sql) && written.size + fresh.size < PGLITE_PREPARED_MAX) {
          const name = `pw${(writesNamed++).toString(36)}`;
          fresh.set(sql, name);
          names.set(sql, name);
        } else {
          if (usedOnce.size < PGLITE_USED_ONCE_MAX) usedOnce.add(sql);
          ready = false;
        }
      }
      if (!ready) return false;
      const parts: Uint8Array[] = [];
      const parsed = new Set<string>();
      for (const { sql, params } of statements) {
        const values = textValues(params);
        if (!values) return false;
        const name = names.get(sql)!;
        if (fresh.has(sql) && !parsed.has(sql)) {
          parts.push(protocol.serialize.parse({ name, text: sql }));
          parsed.add(sql);
        }
        parts.push(protocol.serialize.bind({ statement: name, values }), protocol.serialize.execute({}));
      }
      parts.push(protocol.serialize.sync());
      // A failure leaves the names parsed before it unrecorded; names are never reused, so the
      // next use parses the text again under a new one.
      await pg.execProtocolStream(concat(parts), { syncToFs: false });
      for (const [sql, name] of fresh) {
        usedOnce.delete(sql);
        written.set(sql, name);
      }
      return true;
    },
  };
}

/**
 * Parameters of a deferred write as text (null stays null; an array of strings as the text of a
 * PostgreSQL array, which the statement casts); undefined for any other array or object.
 */
function textValues(params: readonly unknown[]): (string | null)[] | undefined {
  const values: (string | null)[] = [];
  for (const value of normaliseParams(params)) {
    if (value === null || value === undefined) values.push(null);
    else if (typeof value !== 'object') values.push(String(value));
    else {
      const array = arrayLiteral(value);
      if (array === undefined) return undefined;
      values.push(array);
    }
  }
  return values;
}

/** The protocol messages `parts` as one buffer (one call into the engine). */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/**
 * PostgreSQL's buffer pool in the embedded database. PostgreSQL zeroes its shared memory when it
 * starts, and in WebAssembly that cost about 3 ms a megabyte, each time a database opened: 128MB,
 * PostgreSQL's default, was a quarter of a warm server start (docs/PERFORMANCE.md). A sandbox's or
 * a test's database is far smaller; pages outside the pool are read back from the file system (the
 * operating system's file cache, or memory).
 */
const EMBEDDED_SHARED_BUFFERS = '16MB';

/** PGlite's own start parameters, with the buffer pool's size and the connection's plan cache mode. */
function startParams(): string[] {
  return [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`, '-c', `plan_cache_mode=${CONNECTION_PLAN_CACHE_MODE}`];
}

/**
 * Opens the embedded database. `dataDir` undefined keeps it in memory (tests); otherwise the folder
 * is created if needed. PGlite has a single connection, so transactions run one at a time.
 * Statements with parameters run as prepared statements (`preparedStatements`); scripts and
 * statements without parameters as simple queries. Prepared statements run their generic plans
 * (CONNECTION_PLAN_CACHE_MODE). `wasmModule`: PGlite's WebAssembly (pglite.wasm) compiled already.
 */
export async function openPglite(dataDir: string | undefined, options: { readonly wasmModule?: WebAssembly.Module } = {}): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // The instance keeps these parsers among its own; none are passed per query, where PGlite would
  // copy its table of some 300 parsers into a new object for every statement. (One options object:
  // PGlite reads a second argument only after a data folder's name, so an in-memory database would
  // lose them.)
  const pg = new PGlite({ ...(dataDir ? { dataDir } : {}), ...(options.wasmModule ? { pgliteWasmModule: options.wasmModule } : {}), parsers, startParams: startParams() });
  await pg.waitReady;
  const prepared = preparedStatements(pg);

  /** One statement under PGlite's query lock: prepared when it has parameters and a name is left. */
  const run = <Row>(sql: string, params: readonly unknown[] | undefined, fallback: () => Promise<Row[]>): Promise<Row[]> => {
    if (!params || params.length === 0) return fallback();
    return pg.runExclusive(async () => prepared.query<Row>(sql, params)).then((rows) => rows ?? fallback());
  };

  const db: Db = {
    kind: 'pglite',
    async query<Row>(sql: string, params?: readonly unknown[]) {
      if (!params || params.length === 0) return (await pg.query<Row>(sql, [])).rows;
      // Outside a transaction: wait for any open transaction, as PGlite's own `query` does.
      const rows = await pg._runExclusiveTransaction(() => pg.runExclusive(async () => prepared.query<Row>(sql, params)));
      if (rows === undefined) return (await pg.query<Row>(sql, normaliseParams(params))).rows;
      await pg.syncToFs();
      return rows;
    },
    async tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions) {
      return pg.transaction(async (transaction) => {
        if (options?.isolation) {
          await transaction.query(`SET TRANSACTION ISOLATION LEVEL ${options.isolation.toUpperCase()}`);
        }
        if (options?.plans === 'auto') await transaction.query(AUTO_PLANS_STATEMENT);
        const tx = deferringTx(
          <Row>(sql: string, params?: readonly unknown[]) =>
            run<Row>(sql, params, async () => (await transaction.query<Row>(sql, normaliseParams(params))).rows),
          async (statements) => {
            if (await pg.runExclusive(() => prepared.batch(statements))) return;
            // Some text is not prepared (its first use, or no names left): one script, values inlined.
            await transaction.exec(statements.map(({ sql, params }) => inlineParams(sql, params)).join(';\n'));
          },
          true,
        );
        const value = await fn(tx);
        await tx.flush();
        return value;
      });
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    listen(channel: string, handler: NotificationHandler): Subscription {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`listen: not a channel name: ${channel}`);
      // PGlite's listen sends LISTEN outside any transaction (it waits for an open one to end), and
      // hands over each notification as the statement that delivers it (a COMMIT) answers.
      let live = false;
      let closed = false;
      const listening = pg.listen(channel, (payload) => handler.onNotify(payload)).then(
        (unlisten) => {
          if (!closed) {
            handler.onReset();
            live = true;
          }
          return unlisten;
        },
        () => undefined,
      );
      return {
        get live() {
          return live;
        },
        async close() {
          closed = true;
          live = false;
          const unlisten = await listening;
          if (unlisten && !pg.closed) await unlisten();
        },
      };
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
  return db;
}
