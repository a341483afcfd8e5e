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

/**
 * As `exactlyOnce`, but the claim's statements and the change's first ones are issued together (one
 * round trip on PostgreSQL; a claim read through Tx.gather runs after the change's first plain
 * queries and before its first gathered reads): for a change `fn` whose work before the
 * claim is known is confined to its transaction (reads and locks; nothing outside the database,
 * nothing it cannot roll back). When the claim fails, `fn` is let finish inside the transaction,
 * which then rolls back, and the claim's error is thrown (409, 422 or the replay): a duplicate can
 * run its reads, and wait for the locks of the request it duplicates, but never commits.
 */
export async function exactlyOnceEager<T>(db: Db, ctx: RequestContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const idempotency = ctx.idempotency;
  if (!idempotency) return exactlyOnce(db, ctx, fn);
  try {
    return await db.tx((tx) => exactlyOnceEagerIn(tx, ctx, fn));
  } catch (error) {
    throw idempotency.translate(error) ?? error;
  }
}

/**
 * What `exactlyOnceEager` runs in its transaction, in a transaction the caller holds (requests
 * carried out together, platform/together.ts): the claim and the change issued together, then the
 * seal. A failure rejects as it is (the caller rolls back and runs the request alone through
 * exactlyOnceEager, which translates it).
 */
export async function exactlyOnceEagerIn<T>(tx: Tx, ctx: RequestContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const idempotency = ctx.idempotency;
  if (!idempotency) return fn(tx);
  const [claimed, ran] = await Promise.allSettled([idempotency.claim(tx), fn(tx)]);
  if (claimed.status === 'rejected') throw claimed.reason;
  if (ran.status === 'rejected') throw ran.reason;
  await idempotency.seal(tx, ran.value);
  return ran.value;
}
