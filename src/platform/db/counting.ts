/**
 * A database that counts what it sends: the benchmark (`npm run bench`) measures SQL round trips
 * per request with it. It wraps any `Db` and changes nothing else.
 *
 * Statements: every `query` (on the database or inside a transaction) and `gather` (gathered
 * reads that travel as one count each), every `exec`, every deferred write, and for each attempt
 * of a transaction its BEGIN and its COMMIT (or ROLLBACK); on PGlite a transaction with an
 * isolation level also sends SET TRANSACTION.
 * Round trips: the same, except that the writes a transaction defers travel together: each batch
 * of them (flushed before the next `query`, or at the end of the transaction) is one round trip.
 * At the end, the PostgreSQL driver sends the last batch and COMMIT in one round trip; PGlite sends
 * the batch, then commits. The PostgreSQL driver also pipelines: BEGIN travels with the
 * transaction's first statement (or its COMMIT), a batch with the `query` that follows it, and a
 * transaction that sends nothing sends no BEGIN or COMMIT. Keep this in step with the drivers
 * (postgres.ts, pglite.ts).
 */
import type { Db, DeferOptions, Tx, TxOptions } from './db.ts';

/** How many statement texts a counting database keeps for inspection (the most recent ones). */
export const COUNTED_STATEMENTS_KEPT_MAX = 1_000;

/** Characters kept of each statement text (whitespace collapsed). */
export const COUNTED_STATEMENT_CHARS_MAX = 120;

export interface StatementCount {
  /** Every statement, deferred ones one by one. */
  readonly statements: number;
  /** Messages to the database and back: a batch of deferred writes is one. */
  readonly roundTrips: number;
}

export interface CountingDb extends Db {
  /** What was sent since the last `resetCount()` (or since the wrapper was made). */
  count(): StatementCount;
  /** The most recent statements since the last reset, oldest first, shortened; deferred ones marked. */
  recentStatements(): readonly string[];
  resetCount(): void;
}

/** Wraps `db` so that everything it sends is counted; closing the wrapper closes `db`. */
export function countingDb(db: Db): CountingDb {
  let statements = 0;
  let roundTrips = 0;
  let recent: string[] = [];

  function note(sql: string, roundTrip: boolean): void {
    statements += 1;
    if (roundTrip) roundTrips += 1;
    // Texts are kept as sent and shortened when read; the list is cut back now and then, not at
    // every statement, so that counting costs the measured requests next to nothing.
    recent.push(sql);
    if (recent.length >= 2 * COUNTED_STATEMENTS_KEPT_MAX) recent = recent.slice(-COUNTED_STATEMENTS_KEPT_MAX);
  }

  // On PostgreSQL the statements issued in one turn of the event loop travel together (on one
  // connection outside transactions, in one write inside one): one round trip for all of them.
  const turns = new WeakSet<object>();
  function noteInTurn(sql: string, group: object): void {
    const alongside = db.kind === 'postgres' && turns.has(group);
    if (db.kind === 'postgres' && !alongside) {
      turns.add(group);
      process.nextTick(() => turns.delete(group));
    }
    note(sql, !alongside);
  }

  const outside = {};
  return {
    // Anything the interface gains later passes through uncounted until it is wrapped here.
    ...db,
    kind: db.kind,
    async query<Row>(sql: string, params?: readonly unknown[]) {
      noteInTurn(sql, outside);
      return db.query<Row>(sql, params);
    },
    async tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions) {
      // The driver may call `fn` more than once (a retried serialization failure): each attempt
      // is its own BEGIN ... COMMIT or ROLLBACK.
      return db.tx(async (tx) => {
        const isolation = options?.isolation?.toUpperCase();
        const pipelined = db.kind === 'postgres';
        // On PostgreSQL BEGIN rides along with whatever the transaction sends first.
        let begun = false;
        const begin = () => {
          if (begun) return;
          begun = true;
          note(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN', !pipelined);
        };
        if (!pipelined) begin();
        if (isolation && db.kind === 'pglite') note(`SET TRANSACTION ISOLATION LEVEL ${isolation}`, true);
        let deferred = 0;
        const flushed = () => {
          if (deferred > 0) roundTrips += 1;
          deferred = 0;
        };
        /** A statement that answers (`query`, `gather`): a pending batch travels with it on PostgreSQL. */
        const answering = (sql: string) => {
          begin();
          if (pipelined) deferred = 0;
          flushed();
          noteInTurn(sql, counted);
        };
        const counted: Tx = {
          alone: tx.alone,
          async query<Row>(sql: string, params?: readonly unknown[]) {
            answering(sql);
            return tx.query<Row>(sql, params);
          },
          async gather<Row>(sql: string, params: readonly unknown[], keys: readonly number[]) {
            answering(sql);
            return tx.gather<Row>(sql, params, keys);
          },
          defer(sql: string, params?: readonly unknown[], options?: DeferOptions) {
            begin();
            deferred += 1;
            note(`(deferred) ${sql}`, false);
            tx.defer(sql, params, options);
          },
          async flush() {
            flushed();
            await tx.flush();
          },
        };
        try {
          const value = await fn(counted);
          const commitRidesAlong = deferred > 0 && pipelined;
          flushed();
          if (begun) note('COMMIT', !commitRidesAlong);
          return value;
        } catch (error) {
          if (begun) note('ROLLBACK', true);
          throw error;
        }
      }, options);
    },
    async exec(sql: string) {
      note(sql, true);
      await db.exec(sql);
    },
    close() {
      return db.close();
    },
    count() {
      return { statements, roundTrips };
    },
    recentStatements() {
      return recent.slice(-COUNTED_STATEMENTS_KEPT_MAX).map((sql) => sql.replace(/\s+/g, ' ').trim().slice(0, COUNTED_STATEMENT_CHARS_MAX));
    },
    resetCount() {
      statements = 0;
      roundTrips = 0;
      recent = [];
    },
  };
}
