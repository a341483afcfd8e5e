/**
 * `npm install` (postinstall): builds the migrated empty PGlite cluster that new embedded data
 * folders start from (src/platform/db/pglite-template.ts). Never fails the install: without the
 * template a new data folder is created by initdb, only slower.
 */
import { ensurePgliteTemplate } from '../src/platform/db/index.ts';

try {
  const path = await ensurePgliteTemplate();
  process.stdout.write(`pocketbook: embedded database template ready (${path.split('/').slice(-1)[0]})\n`);
} catch (error) {
  process.stderr.write(`pocketbook: could not build the embedded database template (${error instanceof Error ? error.message : String(error)}); new data folders will be created by initdb\n`);
}
