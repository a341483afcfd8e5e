import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR_LOCK_NAME } from './data-dir-lock.ts';
import { MIGRATIONS_DIR, migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';

/**
 * A migrated, empty embedded cluster kept as a template. Creating a PGlite cluster runs initdb in
 * WebAssembly, which costs seconds; copying a template folder and opening it costs a fraction of
 * that. The template is keyed by the PGlite version and the migrations (names and text), so a
 * template never stands for another schema: a stale key is simply another folder. `npm install`
 * builds it (postinstall); without it, a new data folder is created by initdb as before.
 */

/** Bump to drop every template when the way they are built changes. */
const TEMPLATE_FORMAT = 1;

/** Where the project keeps templates unless told otherwise (a cache folder beside its packages). */
export const PGLITE_TEMPLATE_ROOT = fileURLToPath(new URL('../../../node_modules/.cache/pocketbook/', import.meta.url));

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

/**
 * Fills an empty (or missing) data folder from the template when there is one. The folder's lock
 * (DATA_DIR_LOCK_NAME, taken before this is called) does not count as content.
 * @returns true when the folder was seeded; false when it already held a cluster or no template exists.
 */
export function seedFromPgliteTemplate(dataDir: string, root: string = PGLITE_TEMPLATE_ROOT): boolean {
  if (existsSync(dataDir) && readdirSync(dataDir).some((name) => name !== DATA_DIR_LOCK_NAME)) return false;
  const template = pgliteTemplatePath(root);
  if (!existsSync(join(template, 'PG_VERSION'))) return false;
  mkdirSync(dataDir, { recursive: true });
  cpSync(template, dataDir, { recursive: true });
  return true;
}
