import type { Db, Subscription, Tx, TxOptions } from './db.ts';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import { openPgliteThread, pgliteThreadAvailable } from './pglite-thread.ts';
import { dataDirHasContent, seedFromPgliteTemplate } from './pglite-template.ts';

// The drivers (PGlite's JavaScript, node-postgres) load when a database of theirs opens: the server
// opens the embedded database on a thread of its own (pglite-thread.ts), and its main thread, which
// starts that thread first thing, need not load PGlite at all.

export interface OpenOptions {
  /** A PostgreSQL server URL; when given, `dataDir` is ignored. */
  readonly databaseUrl?: string | undefined;
  /** The embedded database's folder; undefined (and no databaseUrl): in memory. */
  readonly dataDir?: string | undefined;
  /**
   * The lock on `dataDir`, when the caller took it first (see lockDataDir); the database then owns
   * it and its `close()` releases it. Without it, openDatabase takes the lock itself.
   */
  readonly lock?: DataDirLock | undefined;
  /** What this process is, written in the lock it takes (`pocketbook worker`); `pocketbook` by default. */
  readonly holder?: string | undefined;
  /** Milliseconds to wait for a PostgreSQL server that does not answer yet (see openPostgres). */
  readonly bootWaitMs?: number | undefined;
  /**
   * The embedded database in a folder runs on a worker thread of its own (openPgliteThread), when
   * this process can start one (pgliteThreadAvailable): the server's choice.
   */
  readonly thread?: boolean | undefined;
}

/**
 * Opens the system of record: the PostgreSQL server at `databaseUrl` when given, otherwise the
 * embedded PGlite database in `dataDir` (in memory when `dataDir` is undefined). A data folder is
 * locked for this process before anything touches it (see lockDataDir), and `close()` releases it.
 * @throws DatabaseOpenError when the folder is held by another process or cannot be written, or
 *   when the PostgreSQL server cannot be reached or refuses the connection.
 */
export async function openDatabase(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres.ts');
    return openPostgres(options.databaseUrl, options.bootWaitMs === undefined ? {} : { bootWaitMs: options.bootWaitMs });
  }
  if (!options.dataDir) return (await import('./pglite.ts')).openPglite(undefined);
  const lock = options.lock ?? (await lockDataDir(options.dataDir, options.holder ?? 'pocketbook'));
  try {
    // A new data folder starts as a copy of the migrated template when there is one (seconds
    // faster). With `lock` given and a thread, the thread has started when this function first
    // returns, and it copies the template itself: main.ts then loads the application, which holds
    // the main thread's event loop, and with it any copying done there.
    const fresh = !dataDirHasContent(lock.dataDir);
    let db: Db;
    if (options.thread && pgliteThreadAvailable()) {
      db = await openPgliteThread(lock.dataDir, { seed: fresh });
    } else {
      if (fresh) await seedFromPgliteTemplate(lock.dataDir);
      db = await (await import('./pglite.ts')).openPglite(lock.dataDir);
    }
    return {
      ...db,
      async close() {
        try {
          await db.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * A Db to build on while `opening` is under way: each statement, transaction and subscription
 * waits for it, then goes to the database it opened (and fails with its error when it failed);
 * once it is open, straight there. The server builds its services and routes with one while the
 * embedded database starts (main.ts). `kind` is what the opened database's will be.
 */
export function openingDb(opening: Promise<Db>, kind: Db['kind']): Db {
  let opened: Db | undefined;
  opening.then(
    (db) => (opened = db),
    () => undefined,
  );
  return {
    kind,
    query: <Row>(sql: string, params?: readonly unknown[]) => (opened ? opened.query<Row>(sql, params) : opening.then((db) => db.query<Row>(sql, params))),
    tx: <T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions) => (opened ? opened.tx(fn, options) : opening.then((db) => db.tx(fn, options))),
    exec: (sql: string) => (opened ? opened.exec(sql) : opening.then((db) => db.exec(sql))),
    listen(channel, handler) {
      if (opened) return opened.listen(channel, handler);
      let closed = false;
      const subscribing = opening.then((db) => (closed ? undefined : db.listen(channel, handler)));
      subscribing.catch(() => undefined);
      let subscription: Subscription | undefined;
      void subscribing.then((made) => (subscription = made), () => undefined);
      return {
        get live() {
          return subscription?.live ?? false;
        },
        async close() {
          closed = true;
          await (await subscribing.catch(() => undefined))?.close();
        },
      };
    },
    close: async () => (await opening).close(),
  };
}
