import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import { type WallClock, systemClock } from '../clock.ts';
import { DatabaseOpenError, errorCode } from './open-error.ts';

/**
 * The embedded database belongs to one process at a time. PGlite keeps its cluster in memory and
 * writes it back to the data folder: two processes on one folder would each overwrite the other's
 * writes without a word. So whoever opens a data folder (server, worker, CLI) first takes this lock.
 *
 * The lock is a folder made by `mkdir` (atomic) through proper-lockfile, which keeps its mtime fresh
 * while the holder lives and removes it on exit (normal exit, SIGINT/SIGTERM without a handler of
 * our own, uncaught errors). Inside it, `holder.json` says who holds it (pid, host, what, since
 * when), so that a refused process can name the holder, and so that a lock left by a killed process
 * (SIGKILL, power loss) is taken over at once: its pid is no longer alive on this host. A holder on
 * another host (a shared file system) cannot be checked that way: its lock lapses when it has not
 * been refreshed for DATA_DIR_LOCK_STALE_MS.
 */

/** The lock's folder, inside the data folder. PostgreSQL ignores unknown entries of its folder. */
export const DATA_DIR_LOCK_NAME = 'pocketbook.lock';
/** Inside the lock folder: the holder (JSON, LockHolder). */
const HOLDER_FILE = 'holder.json';
/**
 * Milliseconds after which a lock that nobody refreshed is stale whoever holds it; the holder
 * refreshes it every half of this. Long, because a live local holder is recognised by its pid, and
 * a holder whose event loop stalls longer than this loses the lock (it stops: see lockDataDir).
 */
export const DATA_DIR_LOCK_STALE_MS = 60_000;

/** Tells this process's own locks from those of an earlier process that had the same pid. */
const PROCESS_TOKEN = randomUUID();

/** Who holds a data folder, as written in its lock. */
export interface LockHolder {
  readonly pid: number;
  /** `os.hostname()` of the holder. */
  readonly host: string;
  /** What the process is, for people: `pocketbook server`, `pocketbook worker`. */
  readonly what: string;
  /** When it took the lock, ISO 8601 UTC. */
  readonly startedAt: string;
  /** A random value per process (see PROCESS_TOKEN). */
  readonly token: string;
}

/** A data folder held by this process. */
export interface DataDirLock {
  /** The data folder, absolute. */
  readonly dataDir: string;
  readonly holder: LockHolder;
  /** Lets go of the folder (removes the lock); later calls do nothing. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Source of `startedAt`; the machine's clock by default. */
  readonly clock?: WallClock;
  /**
   * Called when the lock was lost while held (its folder removed, or taken by another process after
   * this one stalled past DATA_DIR_LOCK_STALE_MS). By default: one line on stderr and exit 1, since
   * going on could overwrite another process's writes.
   */
  readonly onCompromised?: (error: Error) => void;
  /** Milliseconds after which an unrefreshed lock is stale (DATA_DIR_LOCK_STALE_MS; 2 000 at least). */
  readonly staleMs?: number;
}

// proper-lockfile removes its lock with rmdir; ours holds the holder file, so removal is recursive.
const lockFs = {
  ...fs,
  rmdir: (path: string, callback: (error: NodeJS.ErrnoException | null) => void) => fs.rm(path, { recursive: true, force: true }, callback),
  rmdirSync: (path: string) => fs.rmSync(path, { recursive: true, force: true }),
};

/**
 * Takes the data folder `dataDir` (created when missing) for this process, in the name of `what`.
 * A lock whose holder is gone (a dead pid on this host, or not refreshed for DATA_DIR_LOCK_STALE_MS)
 * is taken over.
 * @throws DatabaseOpenError `data_dir_in_use` naming the holder when another live process holds
 *   it; `data_dir_unusable` when the folder cannot be created or written.
 */
export async function lockDataDir(dataDir: string, what: string, options: LockOptions = {}): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw unusable(dir, error);
  }
  const lockPath = join(dir, DATA_DIR_LOCK_NAME);
  const onCompromised = options.onCompromised ?? stopOnLostLock(dir);
  const stale = options.staleMs ?? DATA_DIR_LOCK_STALE_MS;
  const take = () => lock(dir, { lockfilePath: lockPath, stale, fs: lockFs, onCompromised });
  let unlock: () => Promise<void>;
  try {
    unlock = await take();
  } catch (error) {
    if (errorCode(error) !== 'ELOCKED') throw unusable(dir, error);
    const current = readHolder(lockPath);
    if (!current || !isGone(current)) throw inUse(dir, lockPath, current);
    removeStaleLock(lockPath, current);
    try {
      unlock = await take();
    } catch (again) {
      // Another process took the folder over first.
      throw errorCode(again) === 'ELOCKED' ? inUse(dir, lockPath, readHolder(lockPath)) : unusable(dir, again);
    }
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), what, startedAt: (options.clock ?? systemClock).now().toISOString(), token: PROCESS_TOKEN };
  try {
    // proper-lockfile knows its lock is still its own by the folder's mtime, which adding a file
    // changes: the mtime it set is put back (all synchronously, so its refresh cannot run between).
    const taken = fs.statSync(lockPath);
    const staged = join(lockPath, `${HOLDER_FILE}.${process.pid}`);
    fs.writeFileSync(staged, `${JSON.stringify(holder)}\n`);
    fs.renameSync(staged, join(lockPath, HOLDER_FILE));
    fs.utimesSync(lockPath, taken.atime, taken.mtime);
  } catch (error) {
    await unlock().catch(() => undefined);
    throw unusable(dir, error);
  }
  let released = false;
  return {
    dataDir: dir,
    holder,
    async release() {
      if (released) return;
      released = true;
      // ERELEASED: the lock was lost meanwhile (onCompromised has said so); nothing left to remove.
      await unlock().catch((error: unknown) => {
        if (errorCode(error) !== 'ERELEASED') throw error;
      });
    },
  };
}

/** The holder written in the lock at `lockPath`, or undefined when there is none (yet) or it does not parse. */
function readHolder(lockPath: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(join(lockPath, HOLDER_FILE), 'utf8')) as Partial<LockHolder>;
    if (typeof holder.pid !== 'number' || typeof holder.host !== 'string') return undefined;
    return {
      pid: holder.pid,
      host: holder.host,
      what: typeof holder.what === 'string' ? holder.what : 'unknown',
      startedAt: typeof holder.startedAt === 'string' ? holder.startedAt : 'unknown',
      token: typeof holder.token === 'string' ? holder.token : '',
    };
  } catch {
    return undefined;
  }
}

/** True when `holder` is certainly not running: on this host, and its pid is dead or an earlier process's. */
function isGone(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return holder.token !== PROCESS_TOKEN;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === 'ESRCH';
  }
}

/** Removes the lock of a holder that is gone, unless another process has taken it over meanwhile. */
function removeStaleLock(lockPath: string, stale: LockHolder): void {
  const current = readHolder(lockPath);
  if (current?.pid !== stale.pid || current.token !== stale.token) return;
  fs.rmSync(lockPath, { recursive: true, force: true });
}

const SHARE_HINT = 'or set DATABASE_URL to a PostgreSQL database, which any number of processes can share';

function inUse(dir: string, lockPath: string, holder: LockHolder | undefined): DatabaseOpenError {
  if (!holder) {
    return new DatabaseOpenError(
      'data_dir_in_use',
      `the data folder ${dir} is in use by another process, which has not yet written its name in ${lockPath}: stop that process first, ${SHARE_HINT}`,
    );
  }
  const who = `process ${holder.pid}${holder.host === hostname() ? '' : ` on host ${holder.host}`} (${holder.what} started at ${holder.startedAt})`;
  if (holder.pid === process.pid && holder.token === PROCESS_TOKEN) {
    return new DatabaseOpenError('data_dir_in_use', `the data folder ${dir} is already open in this process (${holder.what} started at ${holder.startedAt}): open it once`);
  }
  const lapse = holder.host === hostname() ? '' : `; if that process is gone, its lock lapses ${DATA_DIR_LOCK_STALE_MS / 1000} s after it was last refreshed`;
  return new DatabaseOpenError('data_dir_in_use', `the data folder ${dir} is in use by ${who}: stop that process first, ${SHARE_HINT}${lapse}`);
}

/** Words for the usual reasons a folder cannot be made or written. */
const UNUSABLE_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'it is a file, not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

function unusable(dir: string, error: unknown): DatabaseOpenError {
  const code = errorCode(error);
  const reason = (code && UNUSABLE_REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new DatabaseOpenError(
    'data_dir_unusable',
    `the data folder ${dir} cannot be written (${code ? `${code}, ` : ''}${reason}): set POCKETBOOK_DATA_DIR to a folder this user can write, or set DATABASE_URL to use a PostgreSQL database`,
    error,
  );
}

/** The default reaction to a lost lock: say so in one line and stop at once. */
function stopOnLostLock(dir: string): (error: Error) => void {
  return (error) => {
    process.stderr.write(`pocketbook: lost the lock on the data folder ${dir} (${error.message}); stopping, so that no other process's writes are overwritten\n`);
    process.exit(1);
  };
}
