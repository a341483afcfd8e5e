/**
 * P5 profiler (a developer tool, not part of `npm run bench`): P5's setup (the app in-process on a
 * PGlite data folder, two funded pockets), the statements of one transfer, then transfers one
 * after another for a while, with their mean time.
 *
 *   node --import tsx scripts/bench/p5-profile.ts [seconds]
 *   node --cpu-prof --cpu-prof-dir=DIR --import tsx scripts/bench/p5-profile.ts 15
 *
 * Open lots pile up in both pockets as the run goes on (a transfer's buy adds a lot to the pocket
 * it credits; its sale does not always use one up), so the time per transfer grows slowly with the
 * length of the run, as in the benchmark.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startInProcessApp } from './inprocess.ts';
import { JikoClient, injectTransport } from './lib/jiko.ts';
import { tempDir } from './lib/processes.ts';
import { BENCH_CLOCK_START, createCustomer, createPocket, fundPocket, setClock, transfer } from './lib/seed.ts';
import { TRANSFER_CENTS } from './p1-transfers.ts';

const seconds = Number(process.argv[2] ?? '5');
const app = await startInProcessApp({ dataDir: join(tempDir('p5-profile'), 'data') });
try {
  const client = await JikoClient.login(injectTransport(app.app), app.partner);
  await setClock(client, BENCH_CLOCK_START);
  const customer = await createCustomer(client, 1);
  const a = await createPocket(client, customer, 'P5 A');
  const b = await createPocket(client, customer, 'P5 B');
  await fundPocket(client, a, 4_999_999, 9);
  await fundPocket(client, b, 4_999_999, 9);
  for (let i = 0; i < 3; i++) await transfer(client, a, b, TRANSFER_CENTS);
  app.db.resetCount();
  await transfer(client, b, a, TRANSFER_CENTS);
  const count = app.db.count();
  console.log(app.db.recentStatements().join('\n'));
  console.log(`one transfer: ${count.statements} statements, ${count.roundTrips} round trips`);
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await (n % 2 === 0 ? transfer(client, a, b, TRANSFER_CENTS) : transfer(client, b, a, TRANSFER_CENTS));
    n += 1;
  }
  const ms = (performance.now() - started) / n;
  console.log(`${n} transfers, ${ms.toFixed(2)} ms each, ${(1000 / ms).toFixed(1)}/s`);
} finally {
  await app.close();
}
