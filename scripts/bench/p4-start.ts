/**
 * P4: `npm start` (`node scripts/start.mjs`) on an empty data folder (embedded PGlite, no demo) to
 * the first 200 of GET /health, polled every 20 ms; then a warm restart on the same folder.
 * Anchors: a bare Fastify hello world process (`node scripts/bench/hello-server.mjs`, started the
 * same way: plain node) to its first 200, and opening PGlite on an empty folder. Medians of 3.
 * Also noted: the CPU time each process had used when it first answered (user + system, all its
 * threads, from /proc on Linux), which a busy machine inflates far less than the wall time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchOptions, Log } from './lib/options.ts';
import { type Child, freePort, run, spawnNode, tempDir, waitForHealth } from './lib/processes.ts';
import { type Row, ratioOf } from './lib/report.ts';

export const START_RUNS = 3;
export const COLD_START_MS_MAX = 2_000;
export const WARM_START_MS_MAX = 1_000;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The server as `npm start` runs it (no demo, log level warn), on `dataDir` and `port`. */
function spawnStart(dataDir: string, port: number): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', POCKETBOOK_SEED_DEMO: 'false', LOG_LEVEL: 'warn', POCKETBOOK_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  return spawnNode(['scripts/start.mjs'], env);
}

/** The hello world anchor, started as the server is: plain node. */
function spawnPlainHello(port: number): Child {
  return spawnNode(['scripts/bench/hello-server.mjs', String(port)], { ...process.env });
}

/** CPU milliseconds (user + system, all threads) process `pid` has used; NaN where /proc is not there. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Start-up of one process: wall milliseconds to its first 200 on /health, and its CPU milliseconds then. */
interface StartTime {
  readonly ms: number;
  readonly cpuMs: number;
}

/** Spawns `start(port)` and times it to its first 200 on /health; the process is stopped after. */
async function timeToHealthy(start: (port: number) => Child): Promise<StartTime> {
  const port = await freePort();
  const started = performance.now();
  const child = start(port);
  try {
    const ms = await waitForHealth(child, `http://127.0.0.1:${port}/health`, started);
    return { ms, cpuMs: cpuMsOf(child.process.pid) };
  } finally {
    await child.stop();
  }
}

/** `median N ms (a, b, c)` of CPU times, or `not measured` without /proc. */
function cpuNote(values: readonly number[]): string {
  if (values.some((value) => Number.isNaN(value))) return 'not measured';
  return `median ${median(values).toFixed(0)} ms (${values.map((ms) => ms.toFixed(0)).join(', ')})`;
}

export async function runP4(_options: BenchOptions, log: Log): Promise<Row[]> {
  const hello: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const cpu = { hello: [] as number[], cold: [] as number[], warm: [] as number[] };
  const pgliteOpen: number[] = [];
  const timed = async (into: number[], cpuInto: number[], start: (port: number) => Child) => {
    const time = await timeToHealthy(start);
    into.push(time.ms);
    cpuInto.push(time.cpuMs);
  };
  for (let i = 0; i < START_RUNS; i++) {
    await timed(hello, cpu.hello, (port) => spawnPlainHello(port));
    const dataDir = join(tempDir('start'), 'data');
    await timed(cold, cpu.cold, (port) => spawnStart(dataDir, port));
    await timed(warm, cpu.warm, (port) => spawnStart(dataDir, port));
    const empty = join(tempDir('pglite'), 'data');
    const output = await run(process.execPath, ['scripts/bench/pglite-open.mjs', empty]);
    pgliteOpen.push((JSON.parse(output.trim().split('\n').pop() ?? '') as { openMs: number }).openMs);
    log(`P4: run ${i + 1}: hello ${hello[i]?.toFixed(0)} ms, cold ${cold[i]?.toFixed(0)} ms (CPU ${cpu.cold[i]?.toFixed(0)}), warm ${warm[i]?.toFixed(0)} ms (CPU ${cpu.warm[i]?.toFixed(0)}), PGlite open ${pgliteOpen[i]?.toFixed(0)} ms`);
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
      note: `median of ${START_RUNS}: ${cold.map((ms) => ms.toFixed(0)).join(', ')} ms; raw PGlite open of an empty folder ${pgliteMs.toFixed(0)} ms (median; ${pgliteOpen.map((ms) => ms.toFixed(0)).join(', ')}); CPU to first 200 ${cpuNote(cpu.cold)}, hello world ${cpuNote(cpu.hello)}`,
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
      note: `median of ${START_RUNS}: ${warm.map((ms) => ms.toFixed(0)).join(', ')} ms; CPU to first 200 ${cpuNote(cpu.warm)}`,
    },
  ];
}
