import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

/** The project's `migrations/` folder: `NNNN_name.sql`, forward only, applied in name order. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** Any fixed number: the advisory lock that keeps two processes from migrating at once. */
const MIGRATION_LOCK_KEY = 7_123_001;

/**
 * Applies every migration not yet recorded in `schema_migrations`, in one transaction, under an
 * advisory lock so that concurrent starts on one PostgreSQL server do not race. When every one is
 * recorded already (every start but the first after an upgrade), one read finds so and nothing
 * else runs.
 * @returns the names of the migrations applied now.
 */
export async function migrate(db: Db, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir).filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name)).sort();
  const recorded = await recordedMigrations(db);
  if (recorded && files.every((file) => recorded.has(file))) return [];
  const applied: string[] = [];
  await db.tx(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).map((row) => row.name),
    );
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = readFileSync(dir + file, 'utf8');
      // Statements are split on lines that hold only ";", or on ";" at end of line.
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      applied.push(file);
    }
  });
  return applied;
}

/** SQLSTATE undefined_table: `schema_migrations` does not exist yet (a new database). */
const UNDEFINED_TABLE = '42P01';

/** The migrations `schema_migrations` records; undefined when the table does not exist yet. */
async function recordedMigrations(db: Db): Promise<Set<string> | undefined> {
  try {
    return new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).map((row) => row.name));
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === UNDEFINED_TABLE) return undefined;
    throw error;
  }
}

/**
 * Splits a migration script into statements at semicolons that end a line, outside dollar-quoted
 * bodies. Migrations keep one statement per semicolon-terminated block.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (!inDollar && (trimmed.startsWith('--') || trimmed === '')) continue;
    current += line + '\n';
    const dollars = line.match(/\$\$/g)?.length ?? 0;
    if (dollars % 2 === 1) inDollar = !inDollar;
    if (!inDollar && trimmed.endsWith(';')) {
      statements.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
