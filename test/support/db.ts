/**
 * The one database of a test process. Tests share it and keep apart by tenant: each test makes its
 * own partner (newPartner / newTenant) and asserts only on that partner's rows.
 *
 * - With DATABASE_URL: that PostgreSQL server, shared by every test process of the run (the
 *   migrations run once, under the advisory lock of `migrate`).
 * - Otherwise: an embedded PGlite database per process. Creating a PGlite cluster (initdb) and
 *   migrating it costs seconds, so a migrated empty cluster is built once and kept under the OS temp
 *   folder, keyed by a hash of migrations/*.sql and the PGlite version; each process opens its own
 *   copy of it (on /dev/shm when there is one). POCKETBOOK_TEST_PGLITE=memory opens a fresh
 *   in-memory database instead (slower; for comparison).
 *
 * The database is reference-counted: `acquireTestDatabase` / `releaseTestDatabase`. It closes a
 * moment after the last holder lets go (a later holder opens it again) and, whatever happens, when
 * the process ends.
 */
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, MIGRATIONS_DIR, migrate, openDatabase, openPglite } from '../../src/platform/db/index.ts';

/** How long the shared database stays open after its last holder let go, in milliseconds. */
const IDLE_CLOSE_MS = 100;

/** Bump to drop every cached template (e.g. when the way it is built changes). */
const TEMPLATE_FORMAT = 1;

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
 * A fresh database of its own, migrated, for tests that need an empty one (migrations); the caller
 * closes it. PGlite only (on PostgreSQL a fresh database needs a server-level CREATE DATABASE).
 */
export async function openScratchPglite(options: { migrated?: boolean } = {}): Promise<Db> {
  if (options.migrated === false) return openPglite(undefined);
  return openPgliteCopy();
}

// ---------------------------------------------------------------------------------------------
// The PGlite template

/** The cache key of the migrated template: migrations (names and text), the PGlite version, the format. */
export function templateKey(): string {
  const hash = createHash('sha256');
  hash.update(`format ${TEMPLATE_FORMAT}\n`);
  const pglite = JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string };
  hash.update(`pglite ${pglite.version}\n`);
  for (const name of readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith('.sql')).sort()) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(MIGRATIONS_DIR, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The folder of cached templates (POCKETBOOK_TEST_CACHE_DIR, else the OS temp folder). */
function cacheRoot(): string {
  return process.env.POCKETBOOK_TEST_CACHE_DIR || join(tmpdir(), 'pocketbook-test-cache');
}

/** Where working copies go: POCKETBOOK_TEST_WORK_DIR (the runner's), /dev/shm (memory), or the OS temp folder. */
function workRoot(): string {
  if (process.env.POCKETBOOK_TEST_WORK_DIR) return process.env.POCKETBOOK_TEST_WORK_DIR;
  if (process.platform === 'linux' && existsSync('/dev/shm')) return '/dev/shm';
  return tmpdir();
}

/**
 * The migrated empty cluster's folder, built when missing. Concurrent builders (shards of one run,
 * two runs) each build in a folder of their own and rename it into place; the first rename wins.
 */
export async function ensurePgliteTemplate(): Promise<string> {
  const root = cacheRoot();
  const template = join(root, `pglite-${templateKey()}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  mkdirSync(root, { recursive: true });
  const building = join(root, `building-${process.pid}-${randomUUID()}`);
  try {
    const db = await openPglite(building);
    await migrate(db);
    await db.close();
    try {
      renameSync(building, template);
    } catch (error) {
      // Another builder got there first: keep theirs.
      if (!existsSync(join(template, 'PG_VERSION'))) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/** Opens a private copy of the migrated template (and migrates it, a no-op unless the cache is stale). */
async function openPgliteCopy(): Promise<Db> {
  const template = await ensurePgliteTemplate();
  const root = workRoot();
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'pocketbook-test-db-'));
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

process.once('exit', removeWorkDirs);
