/**
 * Who is calling, for which tenant, and when. Each door's auth plugin builds one per request and
 * passes it to every service call; background work builds one with a `system` actor. `now` is the
 * tenant's clock at the start of the request (wall time plus the tenant's sandbox offset): nothing
 * else reads the time.
 */

/** The kinds of caller: a partner (Partner API), a user or an OAuth client (Customer API), the engine itself. */
export type ActorKind = 'partner' | 'user' | 'client' | 'system';

export interface Actor {
  readonly kind: ActorKind;
  /** The partner id, user id or OAuth client id; `system` for the engine's own work. */
  readonly id: string;
  /** Jiko's scopes (`pockets.read`, `transfers.write`, ...); the partner actor holds `*`. */
  readonly scopes: readonly string[];
}

/**
 * The exactly-once seal of a request that carries an idempotency key. A service that creates or
 * moves money runs its transaction through `exactlyOnce` (platform/exactly-once.ts), which calls
 * `claim` first (a concurrent duplicate in flight is refused, one committed meanwhile is replayed)
 * and `seal(tx, result)` last, so the idempotency record (key, request hash, response) commits
 * with the change or not at all.
 */
export interface IdempotencySeal {
  readonly key: string;
  /** Takes the key for this transaction; throws a DomainError when a duplicate holds or used it. */
  claim(tx: import('./db/index.ts').Tx): Promise<void>;
  /** Writes the idempotency record of `result` in `tx`. */
  seal(tx: import('./db/index.ts').Tx, result: unknown): Promise<void>;
  /** The error to answer instead of `error` when the transaction failed because of the key (a duplicate); else undefined. */
  translate(error: unknown): Error | undefined;
}

export interface RequestContext {
  /** The partner id: every tenant-owned row carries it. */
  readonly tenantId: string;
  readonly actor: Actor;
  /** The tenant's clock at the start of the request. */
  readonly now: Date;
  /** Present on keyed requests; see IdempotencySeal. */
  readonly idempotency?: IdempotencySeal | undefined;
}

/** The context of the engine's own work for a tenant (scheduler tasks, jobs). */
export function systemContext(tenantId: string, now: Date): RequestContext {
  return { tenantId, actor: { kind: 'system', id: 'system', scopes: ['*'] }, now };
}

/** The context of a Partner API request: the partner acts for itself with every scope. */
export function partnerContext(partnerId: string, now: Date, idempotency?: IdempotencySeal): RequestContext {
  return { tenantId: partnerId, actor: { kind: 'partner', id: partnerId, scopes: ['*'] }, now, idempotency };
}
