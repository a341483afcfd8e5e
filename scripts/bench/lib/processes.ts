/**
 * Child processes and scratch databases of the benchmark, each registered for clean-up so that an
 * interrupted run leaves no server running and no database behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** The project's root folder (two levels above this file's folder). */
export const PROJECT_DIR = new URL('../../../', import.meta.url).pathname;

/** How long a child may take to stop after SIGTERM before it is killed. */
export const CHILD_STOP_WAIT_MS = 10_000;

/** How long a server may take to answer its first GET /health. */
export const SERVER_START_WAIT_MS = 60_000;

/** A rate limit no benchmark reaches, per partner and minute. */
export const BENCH_RATE_LIMIT_PER_MINUTE = 100_000_000;

/** How often readiness is polled (P4 measures with it). */
export const HEALTH_POLL_MS = 20;

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

/** Registers `fn` to run at the end of the benchmark (or on interruption); returns an unregister. */
export function onCleanup(fn: Cleanup): () => void {
  cleanups.push(fn);
  return () => {
    const index = cleanups.indexOf(fn);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

/** Runs every registered clean-up, newest first; errors are reported and skipped. */
export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop() as Cleanup;
    try {
      await fn();
    } catch (error) {
      process.stderr.write(`bench clean-up: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

/** A fresh temporary folder, removed at clean-up. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pocketbook-bench-${label}-`));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** The last lines it printed (stdout and stderr), for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL after CHILD_STOP_WAIT_MS; resolves when it has exited. */
  stop(): Promise<void>;
}

/** Lines of a child's output kept for error messages. */
const CHILD_TAIL_LINES_MAX = 40;

/**
 * Node's flags for a spawned process. With `BENCH_CPU_PROFILE_DIR` set, each one writes a V8 CPU
 * profile (`--cpu-prof`) into that folder when it exits; such a profile samples wall time, so a
 * thread that the kernel preempted inside a system call (a write that woke a database backend) is
 * counted in that call. With `BENCH_PERF_MAP=1`, each one writes a map of its compiled JavaScript
 * for Linux `perf` (`--perf-basic-prof`), whose samples are CPU time: `perf record -g -p <pid>`.
 */
function profileFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return [...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), ...(process.env.BENCH_PERF_MAP === '1' ? ['--perf-basic-prof'] : [])];
}

/** Spawns `node <args>` (the Node.js running the benchmark) in the project folder. */
export function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv, options: { echo?: boolean } = {}): Child {
  const child = spawn(process.execPath, [...profileFlags(), ...args], { cwd: PROJECT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let lines: string[] = [];
  const keep = (chunk: Buffer) => {
    if (options.echo) process.stderr.write(chunk);
    lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
    if (lines.length > CHILD_TAIL_LINES_MAX) lines = lines.slice(-CHILD_TAIL_LINES_MAX);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', () => resolve('spawn error'));
  });
  const unregister = onCleanup(() => stop());
  let stopping: Promise<void> | undefined;
  function stop(): Promise<void> {
    stopping ??= (async () => {
      unregister();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const ended = await Promise.race([exited.then(() => true), sleep(CHILD_STOP_WAIT_MS).then(() => false)]);
      if (!ended) {
        child.kill('SIGKILL');
        await exited;
      }
    })();
    return stopping;
  }
  return { process: child, exited, tail: () => lines.join('\n'), stop };
}

/** One GET of `url`; its status, or 0 when nothing answered. */
export async function getStatus(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * Polls `url` every HEALTH_POLL_MS until it answers 200; returns the milliseconds since `startedMs`
 * (a `performance.now()` reading).
 * @throws Error when the child exits first or nothing answers within `waitMs`.
 */
export async function waitForHealth(child: Child, url: string, startedMs: number, waitMs = SERVER_START_WAIT_MS): Promise<number> {
  let exitedWith: number | string | undefined;
  void child.exited.then((code) => {
    exitedWith = code;
  });
  for (;;) {
    const polled = performance.now();
    if ((await getStatus(url)) === 200) return performance.now() - startedMs;
    if (exitedWith !== undefined) throw new Error(`the process exited (${exitedWith}) before ${url} answered:\n${child.tail()}`);
    if (performance.now() - startedMs > waitMs) throw new Error(`${url} did not answer within ${waitMs} ms:\n${child.tail()}`);
    const left = HEALTH_POLL_MS - (performance.now() - polled);
    if (left > 0) await sleep(left);
  }
}

export interface ServerOptions {
  /** PostgreSQL URL; embedded PGlite in `dataDir` otherwise. */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly port: number;
  readonly rateLimitPerMinute?: number;
  readonly extraEnv?: NodeJS.ProcessEnv;
}

/** The pocketbook server exactly as `npm start` runs it: `node --import tsx src/main.ts`. */
export function spawnServer(options: ServerOptions): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(options.port), HOST: '127.0.0.1', POCKETBOOK_SEED_DEMO: 'false', LOG_LEVEL: 'warn', POCKETBOOK_POCKET_OPEN_DELAY_MS: '0' };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.dataDir) env.POCKETBOOK_DATA_DIR = options.dataDir;
  if (options.rateLimitPerMinute) env.POCKETBOOK_RATE_LIMIT_PER_MINUTE = String(options.rateLimitPerMinute);
  return spawnNode(['--import', 'tsx', 'src/main.ts'], { ...env, ...options.extraEnv });
}

/** The bare Fastify hello world of the anchors, started the same way as the server. */
export function spawnHello(port: number): Child {
  return spawnNode(['--import', 'tsx', 'scripts/bench/hello-server.mjs', String(port)], { ...process.env });
}

/** The PostgreSQL server the benchmark uses: BENCH_PG_URL, or the local default. */
export function adminUrl(): URL {
  return new URL(process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
}

/** The URL of database `name` on the benchmark's server. */
export function databaseUrl(name: string): string {
  const url = adminUrl();
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl().toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** True when the benchmark's PostgreSQL server answers. */
export async function postgresAvailable(): Promise<boolean> {
  try {
    await admin((client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates an empty database `pb_bench_<label>_<pid>` (dropped at clean-up) and returns its URL.
 */
export async function scratchDatabase(label: string): Promise<{ name: string; url: string }> {
  const name = `pb_bench_${label}_${process.pid}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  onCleanup(() => admin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))));
  return { name, url: databaseUrl(name) };
}

/**
 * Runs a command in the project folder to its end; resolves with its stdout, rejects on a non-zero
 * exit. `onStart` gets the process id once it runs.
 */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, onStart?: (pid: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) onStart?.(child.pid);
    const unregister = onCleanup(() => void child.kill('SIGKILL'));
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.once('error', (error) => {
      unregister();
      reject(error);
    });
    child.once('exit', (code) => {
      unregister();
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.slice(0, 4).join(' ')} ... exited ${code}:\n${(errors || output).slice(-2_000)}`));
    });
  });
}

/** pgbench's connection options for database `name` of the benchmark's server. */
export function pgbenchConnection(name: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const url = adminUrl();
  const args = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  const env = { ...process.env, ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}) };
  return { args: [...args, name], env };
}
