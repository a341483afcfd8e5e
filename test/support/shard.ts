/**
 * One shard of `npm test` (scripts/test.mjs): runs many test files in this one process, one after
 * the other, over one shared database (./db.ts) and shared engines (./app.ts), then closes them.
 * usage: node --import tsx test/support/shard.ts FILE...
 */
import { after } from 'node:test';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeTestResources } from './app.ts';

for (const file of process.argv.slice(2)) {
  await import(pathToFileURL(resolve(file)).href);
}

// Registered after every file's own hooks, so it runs after them: the end of the shard.
after(closeTestResources);
