import type { Db, Tx } from './db/index.ts';

/**
 * Concurrent requests of one tenant carried out together: one transaction, one set of writes.
 *
 * Requests that arrive while a tenant already has a transaction of this kind in flight wait. The
 * next transaction takes every waiting request that does not conflict with another it takes (they
 * would lock the same rows), TOGETHER_SIZE_MAX at most. It starts when a slot is free (at most
 * TOGETHER_IN_FLIGHT_MAX transactions in flight) and either nothing is in flight, or at least as
 * many requests wait as the transactions in flight carry, or the oldest has waited
 * TOGETHER_WAIT_MS: groups stay of even size instead of a large one beside a small one. Their work
 * runs concurrently on the one transaction: their statements share its round trips, BEGIN and
 * COMMIT, and their deferred set-based writes travel as one statement each (Tx.defer's `rows`,
 * db/concat.ts). A request that arrives with nothing in flight runs at once, alone: waiting is
 * only ever for a transaction already running.
 *
 * All or nothing, then one by one: when any request's work fails (a refusal, a key in use, a
 * failed statement, a failed COMMIT), the transaction rolls back whole and each request is carried
 * out again alone, through its `alone` path, whose outcome it gets. A request's outcome never
 * depends on the company it had.
 *
 * Why: on this project's 2-core machine, four on-us transfers carried out together cost the
 * database about a third less CPU each, and the server a fifth less (docs/PERFORMANCE.md). The
 * short wait for companions is PostgreSQL's own trade for group commit (`commit_delay`, which
 * waits only while `commit_siblings` other transactions are active): a little latency, taken only
 * under concurrency, for fewer and fuller transactions.
 */

/**
 * Transactions of one key in flight at once; more requests wait for the next one. With groups kept
 * even (see the module's note), three did 5-8% better than two at 8 clients on the 2-core machine,
 * and the same at 4 and 16 (docs/PERFORMANCE.md).
 */
export const TOGETHER_IN_FLIGHT_MAX = 3;
/** Requests one transaction takes at most. */
export const TOGETHER_SIZE_MAX = 16;
/**
 * Milliseconds the oldest waiting request waits, while a transaction is in flight, for as many
 * companions as that transaction carries before the next one starts anyway. Measured on the
 * 2-core machine at 8 clients: 2-4 ms did best (docs/PERFORMANCE.md).
 */
export const TOGETHER_WAIT_MS = 3;

/** One request waiting to be carried out. */
interface Member<I> {
  readonly item: I;
  readonly inGroup: (tx: Tx) => Promise<unknown>;
  readonly alone: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** The waiting requests and transactions in flight of one key. */
interface Lane<I> {
  waiting: Member<I>[];
  /** The requests of each transaction in flight. */
  running: Set<readonly Member<I>[]>;
  /** Starts the next transaction when the oldest waiting request has waited TOGETHER_WAIT_MS. */
  timer: NodeJS.Timeout | undefined;
}

/** Thrown inside a transaction of several requests to roll it back when one of them failed. */
class MemberFailed extends Error {}

export interface Together<I> {
  /**
   * Carries out one request: `inGroup(tx)` on a transaction it may share with other requests of
   * `key`, or `alone()` (its own transaction) when it runs by itself or its company failed.
   * @returns what `inGroup` or `alone` returned; @throws what `alone` threw.
   */
  run<T>(key: string, item: I, inGroup: (tx: Tx) => Promise<T>, alone: () => Promise<T>): Promise<T>;
}

/**
 * A runner of requests carried out together (see the module's note). `conflicts(a, b)`: the two
 * must not share a transaction (they lock the same rows).
 */
export function together<I>(db: Db, conflicts: (a: I, b: I) => boolean): Together<I> {
  const lanes = new Map<string, Lane<I>>();

  /**
   * Takes the waiting requests that can share one transaction, oldest first: none that conflicts
   * with another it takes or with a request in flight (transactions that lock the same rows at
   * different moments could otherwise wait for each other).
   */
  function takeGroup(lane: Lane<I>): Member<I>[] {
    const busy = [...lane.running].flat();
    const group: Member<I>[] = [];
    const left: Member<I>[] = [];
    for (const member of lane.waiting) {
      const clash = (other: Member<I>) => conflicts(other.item, member.item);
      if (group.length < TOGETHER_SIZE_MAX && !group.some(clash) && !busy.some(clash)) group.push(member);
      else left.push(member);
    }
    lane.waiting = left;
    return group;
  }

  async function carryOut(group: readonly Member<I>[]): Promise<void> {
    if (group.length === 1) {
      const [member] = group;
      await member!.alone().then(member!.resolve, member!.reject);
      return;
    }
    let values: unknown[] | undefined;
    try {
      values = await db.tx(async (tx) => {
        const settled = await Promise.allSettled(group.map((member) => member.inGroup(tx)));
        if (settled.some((outcome) => outcome.status === 'rejected')) throw new MemberFailed();
        return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
      });
    } catch {
      values = undefined;
    }
    if (values) {
      group.forEach((member, index) => member.resolve(values[index]));
      return;
    }
    // Rolled back: each request alone, in a transaction of its own.
    await Promise.all(group.map((member) => member.alone().then(member.resolve, member.reject)));
  }

  /** True when the next transaction may start now rather than wait for more companions. */
  function mayStart(lane: Lane<I>, waited: boolean): boolean {
    if (lane.running.size === 0 || waited) return true;
    let inFlight = 0;
    for (const group of lane.running) inFlight += group.length;
    return lane.waiting.length >= inFlight;
  }

  /** Starts transactions while slots are free and `mayStart` allows; `waited`: the timer fired. */
  function pump(key: string, lane: Lane<I>, waited = false): void {
    while (lane.running.size < TOGETHER_IN_FLIGHT_MAX && lane.waiting.length > 0) {
      if (!mayStart(lane, waited)) {
        lane.timer ??= setTimeout(() => {
          lane.timer = undefined;
          pump(key, lane, true);
        }, TOGETHER_WAIT_MS);
        return;
      }
      const group = takeGroup(lane);
      // Every waiting request conflicts with one in flight: the next to end takes them.
      if (group.length === 0) return;
      waited = false;
      clearTimeout(lane.timer);
      lane.timer = undefined;
      lane.running.add(group);
      void carryOut(group).finally(() => {
        lane.running.delete(group);
        if (lane.running.size === 0 && lane.waiting.length === 0) lanes.delete(key);
        else pump(key, lane);
      });
    }
  }

  return {
    run<T>(key: string, item: I, inGroup: (tx: Tx) => Promise<T>, alone: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let lane = lanes.get(key);
        if (!lane) lanes.set(key, (lane = { waiting: [], running: new Set(), timer: undefined }));
        lane.waiting.push({ item, inGroup, alone, resolve: resolve as (value: unknown) => void, reject });
        pump(key, lane);
      });
    },
  };
}
