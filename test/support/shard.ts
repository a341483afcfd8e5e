/**
 * One shard of `npm test` (scripts/test.mjs): runs many test files in this one process, one after
 * the other, over one shared database (./db.ts) and shared engines (./app.ts), then closes them.
 * usage: node --import tsx test/support/shard.ts FILE...
 */
import { after, before, test } from 'node:test';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeTestResources } from './app.ts';

/** How long the shard may linger after its last test for handles a test left open, in milliseconds. */
const LINGER_MS_MAX = 5_000;

// No test starts before every file is loaded: otherwise the first files could finish while later
// ones load, and their `after` hooks would close the shared engines only for the next to reopen them.
let allLoaded: () => void = () => undefined;
const loading = new Promise<void>((resolve) => (allLoaded = resolve));
before(() => loading);

for (const file of process.argv.slice(2)) {
  try {
    await import(pathToFileURL(resolve(file)).href);
  } catch (error) {
    // A file that does not load (a syntax error, a missing export) fails as a test of its own; the
    // shard's other files still run.
    test(`${file} loads`, () => {
      throw error;
    });
  }
}

// Registered after every file's own hooks, so it runs after them: the end of the shard.
after(async () => {
  await closeTestResources();
  // A timer, server or socket a test forgot would keep the process alive: leave anyway, as a
  // failure (unref: the timer itself keeps nothing alive).
  setTimeout(() => {
    process.stderr.write(`✖ shard: still running ${LINGER_MS_MAX} ms after its last test: a test left a timer, server or connection open\n`);
    process.exit(1);
  }, LINGER_MS_MAX).unref();
});
allLoaded();
