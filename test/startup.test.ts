/**
 * Start-up as an operator meets it, on real processes (`npm start`'s `node scripts/start.mjs` and
 * the `pocketbook` command of bin/):
 *   - the embedded data folder belongs to one process: a second server or a CLI command on the same
 *     folder exits at once, non-zero, naming the holder and what to do; the lock goes with a clean
 *     stop, and a lock left by a killed process does not block the next start;
 *   - a start that cannot succeed (port in use, data folder not writable, PostgreSQL unreachable
 *     or refusing the user or the database) ends with one line naming the problem and the fix, no
 *     stack trace, and nothing written.
 * Spawning costs about a second of CPU each: the failing starts run concurrently.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHUNK_URL_MARK, ensureBundle } from '../scripts/bundle.mjs';
import { drillServerEnv, freePort, sharedEngineFlags } from '../scripts/fault-restart.ts';
import { ConfigError, SANDBOX_PARTNER_DEFAULTS, loadConfig } from '../src/config.ts';
import { DATA_DIR_LOCK_NAME } from '../src/platform/db/index.ts';
import { compilePendingSchemas } from '../src/platform/http/index.ts';
import { buildApp } from '../src/app.ts';
import { startTestApp } from './support/app.ts';
import { killAllServers, spawnServer } from './support/server-process.ts';
import { scratchFolder } from './support/db.ts';

const ROOT_DIR = fileURLToPath(new URL('../', import.meta.url));
/** The server as `npm start` runs it (src/main.ts from its bundle: scripts/bundle.mjs). */
const SERVER = ['scripts/start.mjs'];
/** A refused start must end well within this (it takes about one process start). */
const REFUSAL_MS_MAX = 15_000;

const scratch = scratchFolder('pocketbook-startup-');
after(async () => {
  await killAllServers();
  rmSync(scratch, { recursive: true, force: true });
});

interface Finished {
  /** Exit status; null when it had to be killed (it did not exit by itself within the limit). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `node <args>` in the project folder until it exits (killed after REFUSAL_MS_MAX). */
function runToExit(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  const started = performance.now();
  const child = spawn(process.execPath, [...sharedEngineFlags(), ...args], { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), REFUSAL_MS_MAX);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** The server's environment (sandbox, no demo) on `target` and `port`, plus `extra`. */
function serverEnv(target: { dataDir: string } | { databaseUrl: string }, port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...drillServerEnv(target, port), ...extra };
}

/** `pocketbook partners create` of a partner named `username`, through bin/pocketbook.mjs. */
function createPartnerArgs(username: string): string[] {
  return ['bin/pocketbook.mjs', 'partners', 'create', '--username', username, '--password', 'startup-password-1', '--shared-secret', 'startup-shared-secret-0123456789'];
}

/** A pattern that matches `text` as it is. */
function literally(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/**
 * A refused start: non-zero exit within the limit, and stderr is exactly one line, without a stack
 * trace, matching every pattern.
 */
function assertRefused(run: Finished, ...patterns: RegExp[]): void {
  assert.notEqual(run.code, null, `it did not exit within ${REFUSAL_MS_MAX} ms:\n${run.stdout}${run.stderr}`);
  assert.notEqual(run.code, 0, `it exited 0:\n${run.stdout}${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `stderr is not one line:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'stack trace on stderr');
  for (const pattern of patterns) assert.match(lines[0]!, pattern);
}

const embeddedSkip = process.env.DATABASE_URL ? 'embedded database: runs in the PGlite run (without DATABASE_URL)' : false;

describe('the embedded data folder belongs to one process', { skip: embeddedSkip }, () => {
  test('a second server and the CLI are refused while a server runs (its database on its main thread); after it stops the next one starts', async () => {
    const dataDir = join(scratch, 'shared');
    // This server runs the database on its main thread (POCKETBOOK_PGLITE_THREAD=false); the
    // servers of the other tests on a thread of its own, the default.
    const first = await spawnServer({ dataDir }, [], { POCKETBOOK_PGLITE_THREAD: 'false' });
    const holder = first.child.pid;
    assert.ok(holder);

    const secondPort = await freePort();
    const [second, cli] = await Promise.all([
      runToExit(SERVER, serverEnv({ dataDir }, secondPort)),
      runToExit(createPartnerArgs('startup-cli'), serverEnv({ dataDir }, secondPort)),
    ]);
    const names = [new RegExp(`process ${holder} \\(pocketbook server started at \\d{4}-\\d\\d-\\d\\dT`), /stop/, /DATABASE_URL/];
    assertRefused(second, literally(`data folder ${dataDir} `), ...names);
    assertRefused(cli, ...names);
    assert.equal(cli.stdout, '', 'the CLI printed a success');

    // The first server is unharmed, and reads its database.
    assert.equal((await fetch(`${first.baseUrl}/health/ready`)).status, 200);
    const login = await fetch(`${first.baseUrl}/api/v1/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: SANDBOX_PARTNER_DEFAULTS.username, password: SANDBOX_PARTNER_DEFAULTS.password }),
    });
    assert.equal(login.status, 200, await login.text());

    await first.stop();
    assert.equal(first.child.exitCode, 0);
    assert.equal(existsSync(join(dataDir, DATA_DIR_LOCK_NAME)), false, 'a clean stop leaves its lock behind');

    // The folder is free again: the next process on it starts and does its work. (A holder killed
    // with SIGKILL leaves its lock, which the next process takes over: data-dir-lock.test.ts.)
    const created = await runToExit(createPartnerArgs('startup-after-stop'), serverEnv({ dataDir }, secondPort));
    assert.equal(created.code, 0, created.stderr);
    assert.equal((JSON.parse(created.stdout) as { username: string }).username, 'startup-after-stop');
    assert.equal(existsSync(join(dataDir, DATA_DIR_LOCK_NAME)), false, 'the CLI left its lock behind');

  });
});

/** True when a TCP connection to `host:port` opens within a second. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

describe('a start that cannot succeed says why in one line', () => {
  test('port in use, data folder not writable, PostgreSQL not listening', { skip: embeddedSkip }, async () => {
    const [busyPort, closedPort, freeOne] = await Promise.all([freePort(), freePort(), freePort()]);
    const occupant: Server = createServer();
    await new Promise<void>((resolve) => occupant.listen(busyPort, '127.0.0.1', resolve));
    try {
      const portDataDir = join(scratch, 'port-in-use');
      const aFile = join(scratch, 'a-file');
      writeFileSync(aFile, 'not a folder\n');
      const unwritable = join(aFile, 'data');
      const closedUrl = `postgres://pbuser:secret-password@127.0.0.1:${closedPort}/pbdb`;
      const [port, folder, closed] = await Promise.all([
        runToExit(SERVER, serverEnv({ dataDir: portDataDir }, busyPort)),
        // Also the TypeScript sources through tsx, as `npm start` runs them when it has no bundle.
        runToExit(SERVER, serverEnv({ dataDir: unwritable }, freeOne, { POCKETBOOK_NO_BUNDLE: '1' })),
        runToExit(SERVER, serverEnv({ databaseUrl: closedUrl }, freeOne, { POCKETBOOK_DATABASE_WAIT_MS: '0' })),
      ]);
      assertRefused(port, new RegExp(`port ${busyPort}`), /in use/, /PORT/);
      // Checked before the database was seeded or migrated: the folder holds no cluster.
      const written = existsSync(portDataDir) ? readdirSync(portDataDir) : [];
      assert.deepEqual(written, []);

      assertRefused(folder, literally(`data folder ${unwritable} `), /POCKETBOOK_DATA_DIR/);

      assertRefused(closed, new RegExp(`127\\.0\\.0\\.1:${closedPort}`), /user pbuser/, /database pbdb/, /DATABASE_URL/);
      assert.doesNotMatch(closed.stderr, /secret-password/, 'the password was printed');
    } finally {
      await new Promise<void>((resolve) => occupant.close(() => resolve()));
    }
  });

  const serverUrl = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  const serverHost = serverUrl.hostname || '127.0.0.1';
  const serverPort = Number(serverUrl.port || 5432);

  test('PostgreSQL refuses the user (server) or has no such database (CLI)', async (t) => {
    if (!(await reachable(serverHost, serverPort))) return t.skip(`no PostgreSQL server on ${serverHost}:${serverPort}`);
    const at = (user: string, database: string) => {
      const url = new URL(serverUrl);
      url.username = user;
      url.pathname = `/${database}`;
      return url.toString();
    };
    const port = await freePort();
    const missing = 'pocketbook_startup_no_such_database';
    const [role, database] = await Promise.all([
      runToExit(SERVER, serverEnv({ databaseUrl: at('nobody', 'x') }, port)),
      runToExit(createPartnerArgs('startup-nodb'), serverEnv({ databaseUrl: at('postgres', missing) }, port)),
    ]);
    assertRefused(role, literally(`${serverHost}:${serverPort}`), /user nobody/, /database x\b/, /DATABASE_URL/);
    assertRefused(database, new RegExp(`database ${missing}`), /does not exist/, /createdb|DATABASE_URL/);
  });
});

test('DATABASE_URL that is not a PostgreSQL URL is a configuration error that does not echo it', () => {
  for (const url of ['mysql://root:hunter2@db/app', 'db.internal:5432', 'hunter2']) {
    assert.throws(
      () => loadConfig({ DATABASE_URL: url }),
      (error: unknown) => error instanceof ConfigError && /postgres:\/\/user:password@host:5432\/database/.test(error.message) && !error.message.includes('hunter2') && !error.message.includes('db.internal'),
    );
  }
  for (const url of ['postgres://u:p@h:5432/d', 'postgresql://h/d', 'socket:/var/run/postgresql?db=d']) assert.equal(loadConfig({ DATABASE_URL: url }).databaseUrl, url);
  assert.equal(loadConfig({}).databaseWaitMs, 15_000);
  assert.equal(loadConfig({ POCKETBOOK_DATABASE_WAIT_MS: '0' }).databaseWaitMs, 0);
});

test('every route’s request validators and response serializers compile; a start compiles none of them', async () => {
  const t = await startTestApp();
  try {
    // A fresh app over the same services: nothing compiled until a route is used.
    const app = await buildApp(t.deps, t.services);
    try {
      // The login body's validator and the 422's serializer compile on this first call.
      const refused = await app.inject({ method: 'POST', url: '/api/v1/login/', payload: {} });
      assert.equal(refused.statusCode, 422, refused.body);
      assert.ok((refused.json() as { detail: { loc: string[] }[] }).detail.some((issue) => issue.loc.join('.') === 'body.username'), refused.body);
      const compiled = compilePendingSchemas(app);
      assert.ok(compiled > 300, `only ${compiled} schemas were waiting to compile`);
      assert.equal(compilePendingSchemas(app), 0, 'compiled twice');
      // Another app of this process takes the validators and serializers compiled for the first
      // (lazy-schemas.ts, validation.ts): the same refusal, issue by issue.
      const again = await buildApp(t.deps, t.services);
      try {
        const refusedAgain = await again.inject({ method: 'POST', url: '/api/v1/login/', payload: { username: 7 } });
        assert.equal(refusedAgain.statusCode, 422, refusedAgain.body);
        const locs = (refusedAgain.json() as { detail: { loc: string[] }[] }).detail.map((issue) => issue.loc.join('.')).sort();
        assert.deepEqual(locs, ['body.password', 'body.username'], refusedAgain.body);
      } finally {
        await again.close();
      }
    } finally {
      await app.close();
    }
  } finally {
    await t.close();
  }
});

test('npm start runs a bundle of the current sources, whose file URLs are those of the sources', async () => {
  const dir = await ensureBundle();
  assert.ok(dir, 'no bundle could be built');
  assert.equal(await ensureBundle(), dir, 'the bundle of unchanged sources is built again');
  const files = readdirSync(dir).filter((name) => name.endsWith('.mjs'));
  assert.ok(['server.mjs', 'cli.mjs', 'pglite-worker.mjs'].every((entry) => files.includes(entry)), files.join(' '));
  // Every import.meta.url of the sources became the URL of its own file, found from the bundle;
  // the others are the chunks' own (import.meta.bundleUrl), marked so.
  let rewritten = 0;
  let chunkUrls = 0;
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const match of text.matchAll(/import\.meta\.url/g)) {
      const before = text.slice(Math.max(0, (match.index ?? 0) - 200), match.index);
      if (before.trimEnd().endsWith(CHUNK_URL_MARK)) {
        chunkUrls++;
        continue;
      }
      const source = /new URL\("([^"]+)", $/.exec(before)?.[1];
      assert.ok(source, `${file}: an import.meta.url that is not a source file's URL: ...${before.slice(-80)}`);
      assert.ok(existsSync(new URL(source, pathToFileURL(join(dir, file)))), `${file}: ${source} does not exist`);
      rewritten++;
    }
  }
  assert.ok(rewritten >= 5, `${rewritten} file URLs`);
  assert.ok(chunkUrls >= 1, 'no chunk finds its own URL (src/platform/bundled.ts)');
});
