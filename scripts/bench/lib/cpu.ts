/**
 * CPU time of the processes behind a figure (the server, PostgreSQL's backends, the load
 * generator), measured over a window of a throughput run and divided by the operations the run
 * counted: where the time of one transfer or one GET goes, beside the same split of the anchor.
 * Linux only (/proc); elsewhere the figures are left out.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { adminUrl } from './processes.ts';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) process `pid` has used, or null when it cannot be read (gone, not Linux). */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name in parentheses (which may hold spaces): state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return null;
  }
}

/** Process ids of the server backends connected to `database` now. */
export async function backendPids(database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: adminUrl().toString() });
  await client.connect();
  try {
    const rows = (await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database])).rows;
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

/** Who used the CPU, in CPU seconds per second of the window, by name. */
export type CpuSplit = Record<string, number>;

/**
 * Waits `fromMs`, finds each group's processes, waits until `toMs` (both from now) and returns
 * each group's CPU seconds per second between the two readings. A process gone by the second
 * reading counts nothing; `self` is this process (process.cpuUsage).
 */
export async function cpuOver(groups: Record<string, () => Promise<number[]> | number[] | 'self'>, fromMs: number, toMs: number): Promise<CpuSplit | null> {
  if (process.platform !== 'linux') return null;
  const began = performance.now();
  await sleep(fromMs);
  const pids = new Map<string, number[] | 'self'>();
  for (const [name, find] of Object.entries(groups)) pids.set(name, await find());
  const read = (name: string) => {
    const group = pids.get(name)!;
    if (group === 'self') {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1e6;
    }
    return group.map((pid) => processCpuSeconds(pid) ?? Number.NaN);
  };
  const first = new Map([...pids.keys()].map((name) => [name, read(name)] as const));
  const firstAt = performance.now();
  await sleep(Math.max(0, toMs - (firstAt - began)));
  const seconds = (performance.now() - firstAt) / 1000;
  const split: CpuSplit = {};
  for (const name of pids.keys()) {
    const before = first.get(name)!;
    const after = read(name);
    const used = Array.isArray(before) && Array.isArray(after)
      ? before.reduce((sum, start, i) => sum + (Number.isFinite(start) && Number.isFinite(after[i]!) ? after[i]! - start : 0), 0)
      : (after as number) - (before as number);
    split[name] = used / seconds;
  }
  return split;
}

/** Microseconds of CPU per operation: `cpuPerSecond` CPU seconds per second at `opsPerSecond`. */
export function microsPerOp(cpuPerSecond: number | undefined, opsPerSecond: number): number | null {
  if (cpuPerSecond === undefined || !Number.isFinite(cpuPerSecond) || opsPerSecond <= 0) return null;
  return (cpuPerSecond * 1e6) / opsPerSecond;
}
