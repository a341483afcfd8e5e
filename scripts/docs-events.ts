/**
 * Writes docs/EVENTS.md from the event catalog (src/modules/events/events.catalog.ts).
 * usage: npm run docs:events            (writes the file)
 *        npm run docs:events -- --check (exits 1 when the file is out of date)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderEventsMarkdown } from '../src/modules/events/index.ts';

const target = fileURLToPath(new URL('../docs/EVENTS.md', import.meta.url));
const page = renderEventsMarkdown();
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== page) {
    process.stderr.write('docs/EVENTS.md is out of date: run npm run docs:events\n');
    process.exit(1);
  }
  process.stdout.write('docs/EVENTS.md is up to date\n');
} else {
  writeFileSync(target, page);
  process.stdout.write('wrote docs/EVENTS.md\n');
}
