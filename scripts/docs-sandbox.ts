/**
 * Writes the magic-values table of docs/SANDBOX.md from MAGIC_VALUES (src/modules/sandbox/magic-values.ts).
 * usage: node --import tsx scripts/docs-sandbox.ts            (writes the file)
 *        node --import tsx scripts/docs-sandbox.ts --check    (exits 1 when the file is out of date)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSandboxDoc } from '../src/modules/sandbox/index.ts';

const target = fileURLToPath(new URL('../docs/SANDBOX.md', import.meta.url));
const current = readFileSync(target, 'utf8');
const page = renderSandboxDoc(current);
if (process.argv.includes('--check')) {
  if (current !== page) {
    process.stderr.write('docs/SANDBOX.md is out of date: run node --import tsx scripts/docs-sandbox.ts\n');
    process.exit(1);
  }
  process.stdout.write('docs/SANDBOX.md is up to date\n');
} else {
  writeFileSync(target, page);
  process.stdout.write('wrote docs/SANDBOX.md\n');
}
