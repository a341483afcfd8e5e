import { type DeferredStatement, normaliseParams } from './db.ts';

/**
 * Concatenation of deferred set-based writes: a transaction that carries out several requests
 * together (platform/together.ts) defers the same statement once per request, each with its own
 * rows. A statement that declares which of its parameters hold rows (`Tx.defer`'s `rows`: JSON
 * array text, or an array) is sent once, at its first place in the queue, with the rows of every
 * deferral of the same text whose other parameters are equal, in the order they were deferred.
 *
 * Such a statement must do with the rows of several deferrals what it does with each one's after
 * the other: an INSERT of its rows, an UPDATE by the rows' sums. Moving a later deferral up to the
 * first one's place passes the writes deferred between them: a write that needed them first (a
 * foreign key to a row not inserted yet, a key not yet deleted) fails the statement, and with it
 * the transaction, which the caller then runs again without company. Writes deferred by one
 * request alone (every ordinary transaction) are sent as they are.
 *
 * Reads go the same way (`Tx.gather`, shareReads): the requests' reads over sets of keys (their
 * pockets' locks, balances and lots) issued in one turn travel as one statement over the union of
 * their keys, and each request picks its rows from the shared answer.
 */

/** The JSON array texts `a` and `b` as one array's text. */
function joinJsonArrays(a: string, b: string): string {
  const left = a.trim();
  const right = b.trim();
  if (left === '[]') return right;
  if (right === '[]') return left;
  return `${left.slice(0, -1)},${right.slice(1)}`;
}

/** The rows of two deferrals of one parameter: JSON array texts joined, arrays concatenated. */
function joinRows(a: unknown, b: unknown): unknown {
  if (typeof a === 'string' && typeof b === 'string') return joinJsonArrays(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return [...(a as unknown[]), ...(b as unknown[])];
  throw new Error('rows of a deferred write must be JSON array text or an array, alike in each deferral');
}

/** What two deferrals must share to be sent as one: the text and every parameter but the rows. */
function concatKey(statement: DeferredStatement): string | undefined {
  const rows = statement.rows;
  if (!rows || rows.length === 0) return undefined;
  const others = normaliseParams(statement.params).map((value, index) => (rows.includes(index) ? null : value));
  return `${statement.sql}\u0000${JSON.stringify(others)}`;
}

/** True when a write that declares its rows was deferred twice (the usual transaction defers each once). */
function declaredTwice(statements: readonly DeferredStatement[]): boolean {
  const seen = new Set<string>();
  for (const statement of statements) {
    if (statement.rows === undefined) continue;
    if (seen.has(statement.sql)) return true;
    seen.add(statement.sql);
  }
  return false;
}

/**
 * The deferred writes as they are sent: deferrals of one statement that declares its rows, with
 * equal other parameters, as one (see the module's note), the others unchanged, in order.
 * @throws Error when a declared rows parameter is neither JSON array text nor an array.
 */
export function concatWrites(statements: readonly DeferredStatement[]): DeferredStatement[] {
  if (!declaredTwice(statements)) return [...statements];
  const sent: DeferredStatement[] = [];
  const firstAt = new Map<string, number>();
  for (const statement of statements) {
    const key = concatKey(statement);
    const at = key === undefined ? undefined : firstAt.get(key);
    if (key === undefined || at === undefined) {
      if (key !== undefined) firstAt.set(key, sent.length);
      sent.push(statement);
      continue;
    }
    const first = sent[at]!;
    const rows = statement.rows!;
    sent[at] = { ...first, params: first.params.map((value, index) => (rows.includes(index) ? joinRows(value, statement.params[index]) : value)) };
  }
  return sent;
}

/** One call of Tx.gather: its statement, its parameters and which of them hold keys. */
export interface GatheredRead {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly keys: readonly number[];
}

/** A statement as gathered reads send it, and the indexes (in the calls given) of the reads it serves. */
export interface SharedRead {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly serves: readonly number[];
}

/**
 * Gathered reads as they are sent (Tx.gather): calls with the same text and equal parameters
 * other than their key arrays as one statement whose key arrays are the union of theirs (each key
 * once, first seen first), in the order of each statement's first call.
 * @throws Error when a keys parameter is not an array.
 */
export function shareReads(reads: readonly GatheredRead[]): SharedRead[] {
  const shared: { sql: string; params: unknown[]; serves: number[]; seen: Set<unknown>[] }[] = [];
  const byKey = new Map<string, number>();
  reads.forEach((read, index) => {
    for (const at of read.keys) {
      if (!Array.isArray(read.params[at])) throw new Error(`a gathered read's keys parameter ${at} must be an array`);
    }
    const others = normaliseParams(read.params).map((value, at) => (read.keys.includes(at) ? null : value));
    const key = `${read.sql}\u0000${JSON.stringify(read.keys)}\u0000${JSON.stringify(others)}`;
    const found = byKey.get(key);
    if (found === undefined) {
      byKey.set(key, shared.length);
      const params = read.params.map((value, at) => (read.keys.includes(at) ? [...new Set(value as unknown[])] : value));
      shared.push({ sql: read.sql, params, serves: [index], seen: read.keys.map((at) => new Set(params[at] as unknown[])) });
      return;
    }
    const statement = shared[found]!;
    statement.serves.push(index);
    read.keys.forEach((at, k) => {
      const seen = statement.seen[k]!;
      const keys = statement.params[at] as unknown[];
      for (const value of read.params[at] as unknown[]) {
        if (seen.has(value)) continue;
        seen.add(value);
        keys.push(value);
      }
    });
  });
  return shared.map(({ sql, params, serves }) => ({ sql, params, serves }));
}
