// P4's second anchor: opening embedded PGlite on an empty folder (it creates the cluster there),
// timed inside the process. usage: node scripts/bench/pglite-open.mjs <empty folder>
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pglite-open.mjs <empty folder>');
const started = performance.now();
const pg = new PGlite(dir);
await pg.waitReady;
await pg.query('SELECT 1');
const openMs = performance.now() - started;
await pg.close();
process.stdout.write(`${JSON.stringify({ openMs })}\n`);
