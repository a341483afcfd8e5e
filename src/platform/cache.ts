import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's build cache: things derived from the checkout that are costly to derive at every
 * start (the migrated PGlite template, the parsed market data). It sits beside the packages, where
 * `npm install` (postinstall) fills it, and every entry's name carries a key of what it was derived
 * from, so a stale entry is never read: it is simply another file. Nothing in it is needed: a
 * missing or unreadable entry is derived again.
 */
export const PROJECT_CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/pocketbook/', import.meta.url));

/** The text of cache entry `name` under `root`, or undefined when absent or unreadable. */
export function readCacheEntry(name: string, root: string = PROJECT_CACHE_DIR): string | undefined {
  try {
    return readFileSync(join(root, name), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Writes cache entry `name` under `root` whole or not at all (a temporary file renamed into place,
 * so a concurrent reader never sees half of it). Best effort: a folder that cannot be written
 * (read-only install) leaves the entry out.
 * @returns true when written.
 */
export function writeCacheEntry(name: string, text: string, root: string = PROJECT_CACHE_DIR): boolean {
  const temporary = join(root, `.${name}.${process.pid}-${randomUUID()}`);
  try {
    mkdirSync(root, { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, join(root, name));
    return true;
  } catch {
    rmSync(temporary, { force: true });
    return false;
  }
}
