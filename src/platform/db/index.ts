import type { Db } from './db.ts';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { seedFromPgliteTemplate } from './pglite-template.ts';

export type { Db, DeferOptions, DeferredStatement, Tx, Queryable, Isolation, TxOptions, NotificationHandler, Subscription } from './db.ts';
export { concatWrites } from './concat.ts';
export { isDatabaseUnavailable, pingDatabase } from './db.ts';
export { migrate, MIGRATIONS_DIR } from './migrate.ts';
export { ANALYZE_SCALE_FACTOR, ANALYZE_THRESHOLD_ROWS, type StatisticsKeeper, analyzeStaleTables, autovacuumRuns, staleTables, startStatisticsKeeper } from './statistics.ts';
export { type KeysetPage, createdAtPage } from './keyset.ts';
export { openPglite } from './pglite.ts';
export { PGLITE_TEMPLATE_ROOT, ensurePgliteTemplate, pgliteTemplateKey, pgliteTemplatePath, seedFromPgliteTemplate } from './pglite-template.ts';
export { openPostgres } from './postgres.ts';
export { type PostgresOptions, LANE_PENDING_MAX, POOL_SIZE_MAX, POSTGRES_BOOT_WAIT_MS, POSTGRES_CONNECT_TIMEOUT_MS, READ_LANES_MAX, laneSafe } from './postgres.ts';
export { DATA_DIR_LOCK_NAME, DATA_DIR_LOCK_STALE_MS, type DataDirLock, type LockHolder, type LockOptions, lockDataDir } from './data-dir-lock.ts';
export { DatabaseOpenError, type OpenProblem } from './open-error.ts';

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
}

/**
 * Opens the system of record: the PostgreSQL server at `databaseUrl` when given, otherwise the
 * embedded PGlite database in `dataDir` (in memory when `dataDir` is undefined). A data folder is
 * locked for this process before anything touches it (see lockDataDir), and `close()` releases it.
 * @throws DatabaseOpenError when the folder is held by another process or cannot be written, or
 *   when the PostgreSQL server cannot be reached or refuses the connection.
 */
export async function openDatabase(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.bootWaitMs === undefined ? {} : { bootWaitMs: options.bootWaitMs });
  if (!options.dataDir) return openPglite(undefined);
  const lock = options.lock ?? (await lockDataDir(options.dataDir, options.holder ?? 'pocketbook'));
  try {
    // A new data folder starts as a copy of the migrated template when there is one (seconds faster).
    await seedFromPgliteTemplate(lock.dataDir);
    const db = await openPglite(lock.dataDir);
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
