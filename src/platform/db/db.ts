/**
 * The database interface every repo uses. Two drivers implement it: embedded PGlite (the default)
 * and a PostgreSQL server through a `pg` pool. Both return the same JavaScript types:
 * `bigint` for int8, `string` for numeric (exact decimals), `string` for date (YYYY-MM-DD) and
 * `Date` for timestamptz.
 */

/** Anything that runs a parameterised statement: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1..$n` parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** An open transaction; repo functions take one when they must see or change state atomically. */
export type Tx = Queryable;

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

export interface TxOptions {
  readonly isolation?: Isolation;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction: commit when it resolves, roll back when it throws. On PostgreSQL
   * a serialization failure or deadlock (SQLSTATE 40001/40P01) is retried a few times.
   */
  tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /** Runs a script of several statements (migrations); no parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Maximum attempts of a transaction that fails with a serialization error or a deadlock. */
export const TX_ATTEMPTS_MAX = 5;

/** Converts parameters to what both drivers accept: bigint and Date as text. */
export function normaliseParams(params: readonly unknown[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((value) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Date) return value.toISOString();
    return value;
  });
}

/** PostgreSQL type OIDs whose parsing both drivers override. */
export const OID = {
  INT8: 20,
  NUMERIC: 1700,
  DATE: 1082,
  TIMESTAMPTZ: 1184,
  TIMESTAMP: 1114,
} as const;

export const parsers: Record<number, (value: string) => unknown> = {
  [OID.INT8]: (value) => BigInt(value),
  [OID.NUMERIC]: (value) => value,
  [OID.DATE]: (value) => value,
  [OID.TIMESTAMPTZ]: (value) => new Date(value),
};

/** True for SQLSTATEs that mean "run the transaction again". */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}
