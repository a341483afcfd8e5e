import type { RequestContext } from './context.ts';
import type { Db, Tx } from './db/index.ts';

/**
 * Runs a change that creates something or moves money in one transaction together with its
 * idempotency record: the request's key is claimed first and sealed with the result last, so the
 * record commits with the change or not at all. A crash before commit leaves nothing (the client's
 * retry runs at once); a retry after commit finds the record and replays it. Without a key (the
 * engine's own work, unkeyed sandbox calls) it is a plain transaction.
 */
export async function exactlyOnce<T>(db: Db, ctx: RequestContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.tx(async (tx) => {
      await ctx.idempotency?.claim(tx);
      const result = await fn(tx);
      await ctx.idempotency?.seal(tx, result);
      return result;
    });
  } catch (error) {
    throw ctx.idempotency?.translate(error) ?? error;
  }
}
