import type { Db } from './db.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { seedFromPgliteTemplate } from './pglite-template.ts';

export type { Db, Tx, Queryable, Isolation, TxOptions } from './db.ts';
export { isDatabaseUnavailable, pingDatabase } from './db.ts';
export { migrate, MIGRATIONS_DIR } from './migrate.ts';
export { openPglite } from './pglite.ts';
export { PGLITE_TEMPLATE_ROOT, ensurePgliteTemplate, pgliteTemplateKey, pgliteTemplatePath, seedFromPgliteTemplate } from './pglite-template.ts';
export { openPostgres } from './postgres.ts';
export { type PostgresOptions, POOL_SIZE_MAX, POSTGRES_BOOT_WAIT_MS, POSTGRES_CONNECT_TIMEOUT_MS } from './postgres.ts';

/**
 * Opens the system of record: the PostgreSQL server at `databaseUrl` when given, otherwise the
 * embedded PGlite database in `dataDir` (in memory when `dataDir` is undefined).
 */
export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir?: string | undefined }): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  // A new data folder starts as a copy of the migrated template when there is one (seconds faster).
  if (options.dataDir) seedFromPgliteTemplate(options.dataDir);
  return openPglite(options.dataDir);
}
