/**
 * The real server as a child process (`node --import tsx src/main.ts`) on either database: a
 * PostgreSQL database (DATABASE_URL) or an embedded PGlite data folder (POCKETBOOK_DATA_DIR), in
 * sandbox mode, without the demo seed, on a free port, optionally with sandbox fault injection
 * (POCKETBOOK_FAULTS). Restarting on the same database is spawning again with the same target.
 * The signed client and the PostgreSQL helpers come from scripts/fault-restart.ts.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { FaultSetting } from '../../src/config.ts';
import { type ServerProcess, drillServerEnv, freePort } from '../../scripts/fault-restart.ts';

const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** How long the server may take to answer GET /health after it was spawned. */
const SERVER_BOOT_MS_MAX = 20_000;
/** How long a stopped server may take to exit after SIGTERM before it gets SIGKILL. */
const SERVER_STOP_MS_MAX = 5_000;
/** Bytes of the server's output kept for failure reports. */
const SERVER_OUTPUT_BYTES_MAX = 64 * 1024;

/** Where the server keeps its data: one of the two. */
export type DatabaseTarget = { readonly databaseUrl: string } | { readonly dataDir: string };

export interface SpawnedServer extends ServerProcess {
  /** Milliseconds from spawn to the first 200 of GET /health. */
  readonly bootMs: number;
  /** Resolves when the process has exited (for whatever reason). */
  readonly exited: Promise<void>;
  /** Kills it at once (SIGKILL), if it is still there, and waits for the exit. */
  kill(): Promise<void>;
}

/** Every process spawned here and not yet exited: `killAllServers` ends them. */
const live = new Set<SpawnedServer>();

// Should the test process end without its `after` hooks (a crash, process.exit), no server outlives it.
process.once('exit', () => {
  for (const server of live) server.child.kill('SIGKILL');
});

/**
 * Spawns the server on `target` and waits until GET /health answers 200.
 * @param faults sandbox crash points (POCKETBOOK_FAULTS), none by default.
 * @throws Error when the process exits or does not answer within SERVER_BOOT_MS_MAX.
 */
export async function spawnServer(target: DatabaseTarget, faults: readonly FaultSetting[] = []): Promise<SpawnedServer> {
  const port = await freePort();
  const env = drillServerEnv(target, port, faults);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-SERVER_OUTPUT_BYTES_MAX);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const started = performance.now();
  let bootMs = Number.NaN;
  const server: SpawnedServer = {
    get bootMs() {
      return bootMs;
    },
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    env,
    exited,
    alive,
    output: () => output,
    async stop() {
      if (alive()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_STOP_MS_MAX);
        await exited;
        clearTimeout(timer);
      }
      live.delete(server);
    },
    async kill() {
      if (alive()) {
        child.kill('SIGKILL');
        await exited;
      }
      live.delete(server);
    },
  };
  live.add(server);
  void exited.then(() => live.delete(server));
  while (performance.now() - started < SERVER_BOOT_MS_MAX) {
    if (!alive()) throw new Error(`the server exited at boot:\n${output}`);
    const health = await fetch(`${server.baseUrl}/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (health?.status === 200) {
      bootMs = performance.now() - started;
      return server;
    }
    await sleep(50);
  }
  await server.kill();
  throw new Error(`the server did not answer within ${SERVER_BOOT_MS_MAX} ms:\n${output}`);
}

/** Kills every server spawned here that is still running (for `after` hooks). */
export async function killAllServers(): Promise<void> {
  await Promise.all([...live].map((server) => server.kill()));
}
