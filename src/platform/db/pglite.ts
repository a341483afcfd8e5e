import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type Db, type Tx, type TxOptions, deferringTx, normaliseParams, parsers } from './db.ts';

/**
 * Opens the embedded database. `dataDir` undefined keeps it in memory (tests); otherwise the folder
 * is created if needed. PGlite has a single connection, so transactions run one at a time.
 */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = new PGlite(dataDir, { parsers });
  await pg.waitReady;

  const db: Db = {
    kind: 'pglite',
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await pg.query<Row>(sql, normaliseParams(params), { parsers });
      return result.rows;
    },
    async tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions) {
      return pg.transaction(async (transaction) => {
        if (options?.isolation) {
          await transaction.query(`SET TRANSACTION ISOLATION LEVEL ${options.isolation.toUpperCase()}`);
        }
        const tx = deferringTx(
          async <Row>(sql: string, params?: readonly unknown[]) => (await transaction.query<Row>(sql, normaliseParams(params), { parsers })).rows,
          async (script) => {
            await transaction.exec(script);
          },
          true,
        );
        const value = await fn(tx);
        await tx.flush();
        return value;
      });
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
  return db;
}
