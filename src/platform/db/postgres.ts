import pg from 'pg';
import { type Db, type Tx, type TxOptions, TX_ATTEMPTS_MAX, isRetryable, normaliseParams, parsers } from './db.ts';

/** Connections in the pool of one process. */
export const POOL_SIZE_MAX = 10;

const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    const parse = parsers[oid];
    if (parse && format !== 'binary') return parse;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Opens a connection pool to the PostgreSQL server at `url`. */
export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE_MAX, types: typeParsers as pg.CustomTypesConfig });
  // Fail at boot, not on the first request, when the server cannot be reached.
  const probe = await pool.connect();
  probe.release();

  return {
    kind: 'postgres',
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await pool.query(sql, normaliseParams(params));
      return result.rows as Row[];
    },
    async tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query(options?.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN');
          const tx: Tx = {
            async query<Row>(sql: string, params?: readonly unknown[]) {
              const result = await client.query(sql, normaliseParams(params));
              return result.rows as Row[];
            },
          };
          const value = await fn(tx);
          await client.query('COMMIT');
          return value;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (attempt < TX_ATTEMPTS_MAX && isRetryable(error)) continue;
          throw error;
        } finally {
          client.release();
        }
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}
