// `npm test`: runs the test files in a few shard processes at once, each loading many files over
// one shared database (test/support/shard.ts), and sums up their results.
//
// usage: node scripts/test.mjs [--shards=N] [node test flags, e.g. --test-name-pattern=...] [FILE|DIR...]
//   With no FILE, every *.test.ts under src/ and test/. Plain Node (20 or later), no TypeScript.
//
// - Files are spread over the shards by their time in earlier runs (kept in the OS temp folder;
//   unknown files are guessed from their size), longest first, each to the least loaded shard.
// - A file whose text holds the marker `test-isolation: own-process` gets a shard process of its own.
// - Shards: POCKETBOOK_TEST_SHARDS or --shards=N; by default the number of CPUs on PGlite (the
//   database runs inside each shard), one more on PostgreSQL (the server does part of the work).
// - Output: each shard's report as it finishes, then the summed `ℹ tests N`, `ℹ pass N`, ...
//   lines, the failed tests, and last `N passed, N failed`. The exit code is non-zero on any
//   failure, and when a shard ends without its report.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBundle } from './bundle.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARD_ENTRY = join(ROOT, 'test', 'support', 'shard.ts');
const REPORTER = join(ROOT, 'test', 'support', 'reporter.mjs');
const OWN_PROCESS_MARKER = 'test-isolation: own-process';
const CACHE_DIR = process.env.POCKETBOOK_TEST_CACHE_DIR || join(tmpdir(), 'pocketbook-test-cache');
// Times differ by database (spawned servers boot slower on PGlite): one file of times for each.
const TIMINGS_FILE = join(CACHE_DIR, `timings-${hashPath(ROOT)}-${process.env.DATABASE_URL ? 'postgres' : 'pglite'}.json`);
/**
 * How the shards load TypeScript: Node's own type erasing where it has it (22.18+, 23.6+; the
 * `node` devDependency brings 24), with test/support/native-ts.mjs's one resolve hook; else tsx.
 */
const TYPESCRIPT_LOADER = process.features.typescript ? join(ROOT, 'test', 'support', 'native-ts.mjs') : 'tsx';
/**
 * V8 flags of the shards. `--liftoff-only`: PGlite's WebAssembly (PostgreSQL itself) runs as V8's
 * baseline compiler makes it. By default V8 also recompiles its hot functions with the optimizing
 * compiler on background threads, about 2 s of CPU in every process that opens a database, which a
 * shard of a minute never earns back: the same shard took a third less CPU without it (see
 * docs/PERFORMANCE.md). The servers and CLI commands tests start inherit it (sharedEngineFlags in
 * scripts/fault-restart.ts).
 */
const ENGINE_FLAGS = ['--liftoff-only'];
/** Fixed cost of a file in a shard (imports, hooks), in milliseconds, added to its tests' time. */
const FILE_OVERHEAD_MS = 150;
const COUNT_NAMES = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo', 'duration_ms'];
/** A test that runs longer fails (node's --test-timeout; pass your own to change it), in milliseconds. */
const TEST_TIMEOUT_MS = 120_000;
/**
 * A shard still running after this long is killed and reported (a wedged database makes every
 * later test wait for its timeout), in milliseconds: five times its expected time, at least five
 * minutes, or POCKETBOOK_TEST_SHARD_TIMEOUT_MS.
 */
const shardTimeoutMs = (shard) => Number(process.env.POCKETBOOK_TEST_SHARD_TIMEOUT_MS) || Math.max(5 * 60_000, 5 * shard.load);

// ---------------------------------------------------------------------------------------------
// Arguments

const passThrough = [];
const targets = [];
let shardsWanted = Number(process.env.POCKETBOOK_TEST_SHARDS) || undefined;
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--shards=')) shardsWanted = Number(arg.slice('--shards='.length)) || undefined;
  else if (arg.startsWith('-')) passThrough.push(arg);
  else targets.push(arg);
}

const files = (targets.length > 0 ? targets : ['src', 'test'])
  .flatMap((target) => {
    const path = resolve(target);
    if (!existsSync(path)) throw new Error(`no such test file or folder: ${target}`);
    return statSync(path).isDirectory() ? walk(path) : [path];
  })
  .filter((file, index, all) => all.indexOf(file) === index);
if (files.length === 0) {
  console.error('no test files');
  process.exit(1);
}

function walk(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(path));
    else if (entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

function hashPath(path) {
  let hash = 0;
  for (const char of path) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(16);
}

// ---------------------------------------------------------------------------------------------
// Shards

const timings = readTimings();
const weight = (file) => (timings[relative(ROOT, file)] ?? guess(file)) + FILE_OVERHEAD_MS;
/**
 * A file never run here: about 1 ms per 2 bytes of an end-to-end test, 1 ms per 20 bytes of a unit
 * test, and some seconds more when it spawns processes (servers, the CLI), which boot slowly.
 */
function guess(file) {
  const text = readFileSync(file, 'utf8');
  const spawns = text.match(/\b(spawnServer|spawn|spawnSync|execFile|execFileSync)\(/g)?.length ?? 0;
  return (file.includes(`${sep}test${sep}`) ? text.length / 2 : text.length / 20) + spawns * 3_000;
}

const cpuCount = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
const shardCount = Math.max(1, Math.min(files.length, shardsWanted ?? (process.env.DATABASE_URL ? cpuCount + 1 : cpuCount)));
const alone = files.filter((file) => readFileSync(file, 'utf8').includes(OWN_PROCESS_MARKER));
const shared = files.filter((file) => !alone.includes(file));
const shards = Array.from({ length: Math.max(1, Math.min(shared.length, shardCount)) }, () => ({ files: [], load: 0 }));
for (const file of [...shared].sort((a, b) => weight(b) - weight(a))) {
  const lightest = shards.reduce((best, shard) => (shard.load < best.load ? shard : best));
  lightest.files.push(file);
  lightest.load += weight(file);
}
const plan = [...shards.filter((shard) => shard.files.length > 0), ...alone.map((file) => ({ files: [file], load: weight(file) }))];

// Each run's working copies of the PGlite database live in one folder, removed at the end.
const workRoot = process.platform === 'linux' && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
// Folders of runs that were killed (older than a run can be) go first.
for (const name of readdirSync(workRoot)) {
  const path = join(workRoot, name);
  try {
    if (name.startsWith('pocketbook-test-run-') && Date.now() - statSync(path).mtimeMs > 6 * 3600 * 1000) rmSync(path, { recursive: true, force: true });
  } catch {
    // Tidying only.
  }
}
const workDir = mkdtempSync(join(workRoot, 'pocketbook-test-run-'));
const children = new Set();
const cleanUp = () => rmSync(workDir, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    cleanUp();
    process.exit(130);
  });
}

const started = performance.now();
// The servers and CLI commands that tests spawn run from the bundle of src/ (scripts/bundle.mjs):
// built here once when the sources changed, rather than by several shards at the same time.
await ensureBundle();
const database = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite';
console.log(`${files.length} test files in ${plan.length} processes on ${database}`);
const results = await Promise.all(plan.map((shard, index) => runShard(shard, index)));
cleanUp();

function runShard(shard, index) {
  const summaryFile = join(workDir, `shard-${index}.json`);
  const args = [
    ...ENGINE_FLAGS, '--import', TYPESCRIPT_LOADER,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${REPORTER}`, `--test-reporter-destination=${summaryFile}`,
    ...(passThrough.some((arg) => arg.startsWith('--test-timeout')) ? [] : [`--test-timeout=${TEST_TIMEOUT_MS}`]),
    ...passThrough,
    SHARD_ENTRY,
    ...shard.files.map((file) => relative(ROOT, file)),
  ];
  const env = { ...process.env, POCKETBOOK_TEST_WORK_DIR: workDir };
  if (process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) env.FORCE_COLOR = '1';
  const shardStarted = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const output = [];
    const timeoutMs = shardTimeoutMs(shard);
    const watchdog = setTimeout(() => {
      output.push(Buffer.from(`\n✖ process ${index + 1} killed after ${Math.round(timeoutMs / 1000)} s\n`));
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      children.delete(child);
      const seconds = ((performance.now() - shardStarted) / 1000).toFixed(1);
      const names = shard.files.map((file) => relative(ROOT, file)).join(' ');
      process.stdout.write(`\n── process ${index + 1}/${plan.length}: ${shard.files.length} files in ${seconds} s: ${names}\n`);
      process.stdout.write(Buffer.concat(output));
      let summary;
      try {
        summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
      } catch {
        summary = undefined;
      }
      done({ shard, index, code, signal, summary });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Summary

const totals = Object.fromEntries(COUNT_NAMES.map((name) => [name, 0]));
const failures = [];
const broken = [];
for (const result of results) {
  if (!result.summary || result.summary.counts.tests === undefined) {
    broken.push(`process ${result.index + 1} ended (${result.signal ?? `exit code ${result.code}`}) without its report: ${result.shard.files.map((file) => relative(ROOT, file)).join(' ')}`);
    continue;
  }
  for (const name of COUNT_NAMES) if (name !== 'duration_ms') totals[name] += result.summary.counts[name] ?? 0;
  failures.push(...result.summary.failures);
  if (result.code !== 0 && (result.summary.counts.fail ?? 0) + (result.summary.counts.cancelled ?? 0) === 0) {
    broken.push(`process ${result.index + 1} exited with ${result.signal ?? `code ${result.code}`} though no test failed`);
  }
  for (const [file, ms] of Object.entries(result.summary.files)) timings[relative(ROOT, resolve(ROOT, fileURLToPathSafe(file)))] = Math.round(ms);
}
totals.duration_ms = Math.round(performance.now() - started);

console.log(`\n── all ${plan.length} processes, ${files.length} files`);
for (const name of COUNT_NAMES) console.log(`ℹ ${name} ${totals[name]}`);
if (failures.length > 0 || broken.length > 0) {
  console.log('\nfailed:');
  for (const failure of failures) console.log(`  ✖ ${failure.file ? `${relative(ROOT, fileURLToPathSafe(failure.file))}: ` : ''}${failure.name}${failure.message ? ` (${failure.message})` : ''}`);
  for (const line of broken) console.log(`  ✖ ${line}`);
}
if (broken.length === 0) writeTimings(timings);
// A test cut off by its timeout is `cancelled`: a failure too.
const failed = totals.fail + totals.cancelled + broken.length;
console.log(`${totals.pass} passed, ${failed} failed`);
process.exitCode = failed > 0 || results.some((result) => result.code !== 0) ? 1 : 0;

function fileURLToPathSafe(file) {
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}

function readTimings() {
  try {
    return JSON.parse(readFileSync(TIMINGS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

function writeTimings(value) {
  for (const file of Object.keys(value)) if (!existsSync(join(ROOT, file))) delete value[file];
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(TIMINGS_FILE, `${JSON.stringify(value, null, 1)}\n`);
  } catch {
    // Only a hint for the next run.
  }
}
