/**
 * The one database of a test process. Tests share it and keep apart by tenant: each test makes its
 * own partner (newPartner / newTenant) and asserts only on that partner's rows.
 *
 * - With DATABASE_URL: that PostgreSQL server, shared by every test process of the run (the
 *   migrations run once, under the advisory lock of `migrate`).
 * - Otherwise: an embedded PGlite database per process. Creating a PGlite cluster (initdb) and
 *   migrating it costs seconds, so each process opens its own copy (on /dev/shm when there is one)
 *   of the migrated empty cluster that `npm install` builds (src/platform/db/pglite-template.ts,
 *   keyed by migrations/*.sql and the PGlite version; built here when missing).
 *   POCKETBOOK_TEST_PGLITE=memory opens a fresh in-memory database instead (slower; to compare).
 *
 * The database is reference-counted: `acquireTestDatabase` / `releaseTestDatabase`. It closes a
 * moment after the last holder lets go (a later holder opens it again) and, whatever happens, when
 * the process ends.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, ensurePgliteTemplate as ensureTemplate, migrate, openDatabase, openPglite, pgliteTemplateKey } from '../../src/platform/db/index.ts';

/** How long the shared database stays open after its last holder let go, in milliseconds. */
const IDLE_CLOSE_MS = 100;

let shared: Promise<Db> | undefined;
let holders = 0;
let idleTimer: NodeJS.Timeout | undefined;
/** Working copies of the template made by this process, removed when it ends. */
const workDirs = new Set<string>();

/** The shared database of this process, opened (and migrated) on first use; the caller holds it until it calls `releaseTestDatabase`. */
export function acquireTestDatabase(): Promise<Db> {
  holders += 1;
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = undefined;
  }
  shared ??= openShared().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** Lets go of the shared database; the last holder's release closes it shortly after. */
export function releaseTestDatabase(): void {
  holders -= 1;
  if (holders > 0 || idleTimer) return;
  holders = 0;
  idleTimer = setTimeout(() => {
    idleTimer = undefined;
    if (holders === 0) void closeTestDatabase();
  }, IDLE_CLOSE_MS);
}

/** Closes the shared database now, whoever holds it (the end of a test process). */
export async function closeTestDatabase(): Promise<void> {
  const open = shared;
  shared = undefined;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  if (open) await (await open.catch(() => undefined))?.close();
  removeWorkDirs();
}

async function openShared(): Promise<Db> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const db = await openDatabase({ databaseUrl, dataDir: undefined });
    await migrate(db);
    return db;
  }
  if (process.env.POCKETBOOK_TEST_PGLITE === 'memory') {
    const db = await openPglite(undefined);
    await migrate(db);
    return db;
  }
  return openPgliteCopy();
}

/**
 * A database of its own for a test that needs an empty one (migrations, whole-table counts): a
 * copy of the migrated template, or with `migrated: false` a fresh in-memory cluster with no
 * tables. The caller closes it. PGlite only (on PostgreSQL a fresh database needs CREATE DATABASE).
 */
export async function openScratchPglite(options: { migrated?: boolean } = {}): Promise<Db> {
  if (options.migrated === false) return openPglite(undefined);
  return openPgliteCopy();
}

// ---------------------------------------------------------------------------------------------
// The PGlite template (src/platform/db/pglite-template.ts: the one `npm install` builds for `npm start`)

/** The cache key of the migrated template: migrations (names and text), the PGlite version, the format. */
export function templateKey(): string {
  return pgliteTemplateKey();
}

/** The migrated empty cluster's folder, built when missing (POCKETBOOK_TEST_CACHE_DIR overrides where). */
export function ensurePgliteTemplate(): Promise<string> {
  const root = process.env.POCKETBOOK_TEST_CACHE_DIR;
  return root ? ensureTemplate(root) : ensureTemplate();
}

/**
 * A new empty folder for a test's files (data folders of the servers it starts, documents), named
 * `<prefix>XXXXXX`, where the database copies go (workRoot): in memory when the machine has
 * /dev/shm, where creating and removing a database's thousand files costs no disk journal. The
 * caller removes it.
 */
export function scratchFolder(prefix: string): string {
  const root = workRoot();
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}

/** Where working copies go: POCKETBOOK_TEST_WORK_DIR (the runner's), /dev/shm (memory), or the OS temp folder. */
function workRoot(): string {
  if (process.env.POCKETBOOK_TEST_WORK_DIR) return process.env.POCKETBOOK_TEST_WORK_DIR;
  if (process.platform === 'linux' && existsSync('/dev/shm')) return '/dev/shm';
  return tmpdir();
}

/** Opens a private copy of the migrated template (and migrates it, a no-op unless the cache is stale). */
async function openPgliteCopy(): Promise<Db> {
  const template = await ensurePgliteTemplate();
  if (!process.env.POCKETBOOK_TEST_WORK_DIR) removeStaleWorkDirs(workRoot());
  const dir = scratchFolder('pocketbook-test-db-');
  workDirs.add(dir);
  cpSync(template, dir, { recursive: true });
  const db = await openPglite(dir);
  await migrate(db);
  return withClose(db, async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    workDirs.delete(dir);
  });
}

/** `db` with another `close` (everything else passes through to `db` itself). */
export function withClose(db: Db, close: () => Promise<void>): Db {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'close') return close;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function removeWorkDirs(): void {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  workDirs.clear();
}

/** Copies older than this are leftovers of killed processes (no test process runs this long). */
const STALE_WORK_DIR_MS = 6 * 3600 * 1000;

/** Removes copies that killed test processes left in `root` (the runner removes its own folder itself). */
function removeStaleWorkDirs(root: string): void {
  try {
    for (const name of readdirSync(root)) {
      if (!name.startsWith('pocketbook-test-db-')) continue;
      const path = join(root, name);
      if (Date.now() - statSync(path).mtimeMs > STALE_WORK_DIR_MS) rmSync(path, { recursive: true, force: true });
    }
  } catch {
    // Tidying only.
  }
}

process.once('exit', removeWorkDirs);
// Killed (Ctrl-C, a timeout): remove the copies, then die of the signal as before.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    removeWorkDirs();
    process.kill(process.pid, signal);
  });
}
