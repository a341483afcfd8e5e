import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_CACHE_DIR } from '../cache.ts';
import { DATA_DIR_LOCK_NAME } from './data-dir-lock.ts';
import { MIGRATIONS_DIR, migrate } from './migrate.ts';

/**
 * A migrated, empty embedded cluster kept as a template. Creating a PGlite cluster runs initdb in
 * WebAssembly, which costs seconds; copying a template folder and opening it costs a fraction of
 * that. The template is keyed by the PGlite version and the migrations (names and text), so a
 * template never stands for another schema: a stale key is simply another folder. `npm install`
 * builds it (postinstall); without it, a new data folder is created by initdb as before.
 */

/** Bump to drop every template when the way they are built changes. */
const TEMPLATE_FORMAT = 1;

/** Where the project keeps templates unless told otherwise (its build cache, beside its packages). */
export const PGLITE_TEMPLATE_ROOT = PROJECT_CACHE_DIR;

/** The template's key: format, PGlite version, migrations' names and text (16 hex digits). */
export function pgliteTemplateKey(): string {
  const hash = createHash('sha256');
  hash.update(`format ${TEMPLATE_FORMAT}\n`);
  const pglite = JSON.parse(readFileSync(new URL('../../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string };
  hash.update(`pglite ${pglite.version}\n`);
  for (const name of readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith('.sql')).sort()) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(MIGRATIONS_DIR, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The template folder for the current key under `root`. */
export function pgliteTemplatePath(root: string = PGLITE_TEMPLATE_ROOT): string {
  return join(root, `pglite-${pgliteTemplateKey()}`);
}

/**
 * The template folder, built when missing. Concurrent builders each build in a folder of their
 * own and rename it into place; the first rename wins.
 * @returns the template's path.
 */
export async function ensurePgliteTemplate(root: string = PGLITE_TEMPLATE_ROOT): Promise<string> {
  const template = pgliteTemplatePath(root);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  mkdirSync(root, { recursive: true });
  const building = join(root, `building-${process.pid}-${randomUUID()}`);
  try {
    const { openPglite } = await import('./pglite.ts');
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

/** True when folder `dataDir` exists and holds anything besides its lock (a cluster, or files PGlite must judge). */
export function dataDirHasContent(dataDir: string): boolean {
  return existsSync(dataDir) && readdirSync(dataDir).some((name) => name !== DATA_DIR_LOCK_NAME);
}

/** Files copied at once while seeding (libuv's thread pool does the copying). */
const SEED_COPIES_AT_ONCE = 8;

/**
 * Fills an empty (or missing) data folder from the template when there is one. The folder's lock
 * (DATA_DIR_LOCK_NAME, taken before this is called) does not count as content. The files (about
 * 40 MB in 1,200 files) are copied a few at a time on the thread pool, so that the event loop stays
 * free meanwhile: main.ts loads the application's modules while the folder fills.
 * @returns true when the folder was seeded; false when it already held a cluster or no template exists.
 */
export async function seedFromPgliteTemplate(dataDir: string, root: string = PGLITE_TEMPLATE_ROOT): Promise<boolean> {
  if (dataDirHasContent(dataDir)) return false;
  const template = pgliteTemplatePath(root);
  if (!existsSync(join(template, 'PG_VERSION'))) return false;
  const files: [from: string, to: string][] = [];
  const walk = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(from, entry.name), join(to, entry.name));
      else files.push([join(from, entry.name), join(to, entry.name)]);
    }
  };
  walk(template, dataDir);
  // PG_VERSION last: a copy cut short (a crash) lacks the marker of a complete cluster.
  files.sort(([a], [b]) => Number(a.endsWith('/PG_VERSION')) - Number(b.endsWith('/PG_VERSION')));
  const last = files.pop();
  let next = 0;
  const copier = async () => {
    while (next < files.length) {
      const [from, to] = files[next++]!;
      await copyFile(from, to);
    }
  };
  await Promise.all(Array.from({ length: SEED_COPIES_AT_ONCE }, copier));
  if (last) await copyFile(last[0], last[1]);
  return true;
}
