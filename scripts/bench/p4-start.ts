/**
 * P4: `npm start` on an empty data folder (embedded PGlite, no demo) to the first 200 of
 * GET /health, polled every 20 ms; then a warm restart on the same folder. Anchors: a bare Fastify
 * hello world process to its first 200, and opening PGlite on an empty folder. Medians of 3.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchOptions, Log } from './lib/options.ts';
import { type Child, freePort, run, spawnHello, spawnServer, tempDir, waitForHealth } from './lib/processes.ts';
import { type Row, ratioOf } from './lib/report.ts';

export const START_RUNS = 3;
export const COLD_START_MS_MAX = 2_000;
export const WARM_START_MS_MAX = 1_000;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Milliseconds from spawning `start(port)` to its first 200 on /health; the process is stopped after. */
async function timeToHealthy(start: (port: number) => Child): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = start(port);
  try {
    return await waitForHealth(child, `http://127.0.0.1:${port}/health`, started);
  } finally {
    await child.stop();
  }
}

export async function runP4(_options: BenchOptions, log: Log): Promise<Row[]> {
  const hello: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const pgliteOpen: number[] = [];
  for (let i = 0; i < START_RUNS; i++) {
    hello.push(await timeToHealthy((port) => spawnHello(port)));
    const dataDir = join(tempDir('start'), 'data');
    cold.push(await timeToHealthy((port) => spawnServer({ dataDir, port })));
    warm.push(await timeToHealthy((port) => spawnServer({ dataDir, port })));
    const empty = join(tempDir('pglite'), 'data');
    const output = await run(process.execPath, ['scripts/bench/pglite-open.mjs', empty]);
    pgliteOpen.push((JSON.parse(output.trim().split('\n').pop() ?? '') as { openMs: number }).openMs);
    log(`P4: run ${i + 1}: hello ${hello[i]?.toFixed(0)} ms, cold ${cold[i]?.toFixed(0)} ms, warm ${warm[i]?.toFixed(0)} ms, PGlite open ${pgliteOpen[i]?.toFixed(0)} ms`);
  }
  const helloMs = median(hello);
  const coldMs = median(cold);
  const warmMs = median(warm);
  const pgliteMs = median(pgliteOpen);
  return [
    {
      figure: 'P4',
      what: 'cold start, empty data folder, ms to first 200',
      anchorWhat: 'Fastify hello world process, ms to first 200',
      anchor: helloMs,
      value: coldMs,
      ratio: ratioOf(coldMs, helloMs),
      target: `<= ${COLD_START_MS_MAX} ms`,
      met: coldMs <= COLD_START_MS_MAX,
      note: `median of ${START_RUNS}: ${cold.map((ms) => ms.toFixed(0)).join(', ')} ms; raw PGlite open of an empty folder ${pgliteMs.toFixed(0)} ms (median; ${pgliteOpen.map((ms) => ms.toFixed(0)).join(', ')})`,
    },
    {
      figure: 'P4',
      what: 'warm restart, same folder, ms to first 200',
      anchorWhat: 'Fastify hello world process, ms to first 200',
      anchor: helloMs,
      value: warmMs,
      ratio: ratioOf(warmMs, helloMs),
      target: `<= ${WARM_START_MS_MAX} ms`,
      met: warmMs <= WARM_START_MS_MAX,
      note: `median of ${START_RUNS}: ${warm.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    },
  ];
}
