import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DATA_DIR_LOCK_NAME, DatabaseOpenError, type LockHolder, lockDataDir, openDatabase } from './index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pocketbook-lock-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
const newFolder = () => join(scratch, `data-${++folders}`);

/** Writes a lock into `dataDir` as another process would have left it (fresh mtime). */
function plantLock(dataDir: string, holder: Omit<LockHolder, 'token'>): void {
  mkdirSync(join(dataDir, DATA_DIR_LOCK_NAME), { recursive: true });
  writeFileSync(join(dataDir, DATA_DIR_LOCK_NAME, 'holder.json'), JSON.stringify({ ...holder, token: 'another process' }));
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  assert.ok(child.pid);
  return child.pid;
}

function rejectsWith(problem: string, ...patterns: RegExp[]) {
  return (error: unknown) => {
    assert.ok(error instanceof DatabaseOpenError, String(error));
    assert.equal(error.problem, problem);
    assert.doesNotMatch(error.message, /\n/);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}

test('a held data folder is refused, naming the holder; released, it can be taken again', async () => {
  const dataDir = newFolder();
  const lock = await lockDataDir(dataDir, 'pocketbook server');
  assert.equal(lock.holder.pid, process.pid);
  await assert.rejects(lockDataDir(dataDir, 'pocketbook worker'), rejectsWith('data_dir_in_use', /already open in this process \(pocketbook server started at \d{4}-/));
  await lock.release();
  assert.equal(existsSync(join(dataDir, DATA_DIR_LOCK_NAME)), false);
  await lock.release(); // a second release does nothing
  const again = await lockDataDir(dataDir, 'pocketbook worker');
  await again.release();
});

test('a lock whose holder is alive is refused; one whose holder is dead is taken over at once', async () => {
  const live = newFolder();
  // The test runner that started this process is alive.
  plantLock(live, { pid: process.ppid, host: hostname(), what: 'pocketbook server', startedAt: '2025-01-02T03:04:05.000Z' });
  await assert.rejects(
    lockDataDir(live, 'pocketbook partners create'),
    rejectsWith('data_dir_in_use', new RegExp(`in use by process ${process.ppid} \\(pocketbook server started at 2025-01-02T03:04:05\\.000Z\\): stop that process`), /DATABASE_URL/),
  );
  assert.ok(existsSync(join(live, DATA_DIR_LOCK_NAME)), 'the live holder keeps its lock');

  const dead = newFolder();
  plantLock(dead, { pid: await deadPid(), host: hostname(), what: 'pocketbook server', startedAt: '2025-01-02T03:04:05.000Z' });
  const lock = await lockDataDir(dead, 'pocketbook server');
  const written = JSON.parse(readFileSync(join(dead, DATA_DIR_LOCK_NAME, 'holder.json'), 'utf8')) as LockHolder;
  assert.equal(written.pid, process.pid);
  await lock.release();
});

test('a holder on another host cannot be checked: refused, naming the host', async () => {
  const dataDir = newFolder();
  plantLock(dataDir, { pid: await deadPid(), host: 'elsewhere.example', what: 'pocketbook server', startedAt: '2025-01-02T03:04:05.000Z' });
  await assert.rejects(lockDataDir(dataDir, 'pocketbook server'), rejectsWith('data_dir_in_use', /on host elsewhere\.example/, /lapses 60 s after/));
});

test('a data folder that cannot be made is refused in one line with the fix', async () => {
  const file = join(scratch, 'a-file');
  writeFileSync(file, 'not a folder\n');
  await assert.rejects(lockDataDir(join(file, 'data'), 'pocketbook server'), rejectsWith('data_dir_unusable', /cannot be written \(ENOTDIR/, /POCKETBOOK_DATA_DIR/));
  await assert.rejects(lockDataDir(file, 'pocketbook server'), rejectsWith('data_dir_unusable', /\(EEXIST, it is a file, not a folder\)/));
});

test('openDatabase on a data folder holds its lock until close', async () => {
  const dataDir = newFolder();
  const db = await openDatabase({ dataDir, holder: 'pocketbook test' });
  try {
    // The folder held only the lock: it was still seeded (or created) as a new cluster.
    assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
    await assert.rejects(openDatabase({ dataDir }), rejectsWith('data_dir_in_use', /pocketbook test/));
  } finally {
    await db.close();
  }
  assert.equal(existsSync(join(dataDir, DATA_DIR_LOCK_NAME)), false);
  assert.ok(existsSync(join(dataDir, 'PG_VERSION')));
});

test('the holder keeps its lock fresh: writing its name does not make the lock look taken by another', async () => {
  const dataDir = newFolder();
  const lost: Error[] = [];
  const lock = await lockDataDir(dataDir, 'pocketbook server', { staleMs: 2_000, onCompromised: (error) => lost.push(error) });
  const lockPath = join(dataDir, DATA_DIR_LOCK_NAME);
  const before = statSync(lockPath).mtimeMs;
  // With a stale time of 2 s the lock is refreshed every second.
  await sleep(1_400);
  assert.deepEqual(lost.map((error) => error.message), []);
  assert.ok(statSync(lockPath).mtimeMs > before, 'the lock was not refreshed');
  await lock.release();
  assert.equal(existsSync(lockPath), false);
});
