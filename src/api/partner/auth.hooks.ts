import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { type AuthService, type KeyRecordView, authErrors, bearerToken, pathnameOf, requestFingerprint, sharedRateStore } from '../../modules/auth/index.ts';
import type { Scheduler } from '../../modules/scheduler/index.ts';
import type { Tenancy } from '../../modules/tenancy/index.ts';
import type { WallClock } from '../../platform/clock.ts';
import { type IdempotencySeal, partnerContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { TenantContext } from '../../platform/http/index.ts';
import { StreamedUpload } from '../../platform/http/streamed-upload.ts';
import { isUuid } from '../../platform/ids.ts';
import { IDEMPOTENCY_RUNNING_STALE_MS, RATE_LIMIT_WINDOW_MS } from '../../platform/limits.ts';
import { documentDoor } from '../docs/door.ts';
import { routeLocs, toJikoError } from '../jiko/errors.ts';
import { faultArmed, faultPoint } from './faults.ts';

export interface PartnerAuthOptions {
  /** Require x-jiko-signature and x-jiko-idempotency (every Partner API call but sandbox ones). */
  readonly signed: boolean;
  readonly auth: AuthService;
  readonly tenancy: Tenancy;
  readonly scheduler: Scheduler;
  readonly config: Config;
  readonly wallClock: WallClock;
  /** Shared by every registration of one app, so the Partner API and the sandbox count together. */
  readonly rateOwner: object;
}

/** The idempotency state of one keyed request: its key, fingerprint, and whether its record is written. */
interface KeyedRequest {
  readonly partnerId: string;
  readonly key: string;
  readonly requestHash: string;
  /** The record of this same request the claim found: onSend replays it. */
  found: KeyRecordView | undefined;
  /** The record was written with the change (exactlyOnce): onSend has nothing to store. */
  sealed: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the door for a request that carries an idempotency key. */
    keyed: KeyedRequest | null;
  }
  interface FastifyContextConfig {
    /**
     * The route's change claims its idempotency key in its transaction (exactlyOnce) before it does
     * anything that outlives a rollback, and nothing else in the handler has an effect: the door
     * may leave reading the key's record to that claim (a round trip fewer), and a repeat still
     * runs nothing twice.
     */
    keyClaimedInTx?: boolean;
  }
}

/**
 * Keys of requests running in this process (request hash and start, wall time): a duplicate arriving
 * meanwhile gets 409. An entry older than IDEMPOTENCY_RUNNING_STALE_MS is ignored (a request that
 * never finished); the database's claim still stops a duplicate change.
 */
const inFlight = new Map<string, { requestHash: string; sinceMs: number }>();

/** Methods whose keyed responses are recorded (a GET writes nothing it does not need to). */
const RECORDED_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A promise's outcome as a value: never rejects (so that one left unawaited is not unhandled). */
function settled<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    () => ({ ok: false as const }),
  );
}

/** A header sent once, or undefined (absent); a repeated header counts as malformed (''). */
function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (Array.isArray(value)) return '';
  return value;
}

/**
 * Sets the reply's status and headers to those of the stored response, marked
 * `idempotent-replayed`, and returns its body: sent by the door, or returned by onSend in place of
 * the handler's answer (a record found after the door).
 */
function replayed(reply: FastifyReply, existing: KeyRecordView): Buffer {
  const { statusCode, contentType, body } = existing.response;
  void reply.code(statusCode).header('idempotent-replayed', 'true').removeHeader('retry-after');
  if (contentType) void reply.header('content-type', contentType);
  else reply.removeHeader('content-type');
  return body;
}

function replay(reply: FastifyReply, existing: KeyRecordView): FastifyReply {
  return reply.send(replayed(reply, existing));
}

/** In onSend, Jiko's 422 for a key found recorded for a different request, in place of the handler's response. */
function mismatchInstead(request: FastifyRequest, reply: FastifyReply): string {
  const { status, body } = toJikoError(authErrors.idempotencyMismatch(), routeLocs(request));
  void reply.code(status).header('content-type', 'application/json; charset=utf-8').removeHeader('retry-after');
  return JSON.stringify(body);
}

/**
 * Jiko's optional `x-jiko-partner-id` header (its sample client sends it when configured with a
 * partner id): absent is fine; any value but the authenticated partner's id is a 401.
 */
function checkPartnerIdHeader(request: FastifyRequest, partnerId: string): void {
  const claimed = singleHeader(request, 'x-jiko-partner-id');
  if (claimed !== undefined && claimed.trim().toLowerCase() !== partnerId.toLowerCase()) throw authErrors.partnerIdMismatch();
}

/** Who a request is, its key, and the key's record when the door read it. */
interface Authenticated {
  readonly partnerId: string;
  readonly key: string | undefined;
  readonly existing: KeyRecordView | undefined;
}

/**
 * Checks credentials, signature and the partner id header; reads the key's record in the same
 * query, or, for a token seen lately, leaves it to the claim or to onSend (no query at all).
 */
async function authenticate(request: FastifyRequest, options: PartnerAuthOptions): Promise<Authenticated> {
  const authenticated = await authenticateCredentials(request, options);
  checkPartnerIdHeader(request, authenticated.partnerId);
  return authenticated;
}

async function authenticateCredentials(request: FastifyRequest, options: PartnerAuthOptions): Promise<Authenticated> {
  const token = bearerToken(request.headers.authorization);
  if (!token) throw authErrors.tokenMissing();
  const rawUrl = request.raw.url ?? request.url;
  const key = singleHeader(request, 'x-jiko-idempotency');
  // Reads record nothing under their key: no record to look up, and the token may come from memory.
  const lookup = RECORDED_METHODS.has(request.method) ? key : undefined;
  // The key's record of a change that claims it in its transaction is read there (or in onSend,
  // when the handler stops before the claim), when that spares the door a query.
  const keyLater = lookup !== undefined && request.routeOptions.config?.keyClaimedInTx === true;
  if (!options.signed) {
    if (key !== undefined && !isUuid(key)) throw authErrors.idempotencyKeyMalformed();
    const { partnerId, existing } = await options.auth.authenticateRequest({ token, key: lookup, keyLater });
    return { partnerId, key, existing };
  }
  if (key === undefined) throw authErrors.idempotencyKeyMissing();
  if (!isUuid(key)) throw authErrors.idempotencyKeyMalformed();
  const signature = singleHeader(request, 'x-jiko-signature');
  // Only JSON bodies are kept raw; any other body would escape the signature, but an upload's
  // streamed body, whose signature is fed its bytes as the route reads them and checked at the end.
  const streamed = request.body instanceof StreamedUpload ? request.body : undefined;
  if (signature === undefined && streamed) {
    // Jiko's binary document uploads take an idempotency key but no signature; one that is sent is checked.
    const { partnerId, existing } = await options.auth.authenticateRequest({ token, key: lookup, keyLater });
    return { partnerId, key, existing };
  }
  if (!signature) throw authErrors.signatureMissing();
  if (request.body !== undefined && request.rawBody === '' && !streamed) throw authErrors.unsignedBody();
  const { partnerId, existing, bodySignature } = await options.auth.authenticateRequest({
    token,
    key: lookup,
    keyLater,
    signed: { idempotencyKey: key, pathname: pathnameOf(rawUrl), body: request.rawBody, signature, ...(streamed ? { streamed: true } : {}) },
  });
  if (streamed && bodySignature) streamed.expectSignature(bodySignature);
  return { partnerId, key, existing };
}

/**
 * The Partner door's authentication for one encapsulated context (register it with
 * fastify-plugin so that the hooks reach the sibling route plugins). In `preValidation`, so that
 * the raw body is there and a 401 comes before any 422, in this order:
 *   1. `Authorization: Bearer <token>` (401);
 *   2. when `signed`: `x-jiko-idempotency` is a UUID and `x-jiko-signature` is Jiko's HMAC of
 *      key + pathname as sent + raw body (401); unsigned contexts honour a key when one is sent;
 *      `x-jiko-partner-id`, when sent, is the authenticated partner's id (401);
 *   3. `request.ctx` = the token's partner acting for itself, at its tenant clock;
 *   4. the partner's rate limit (429, with X-RateLimit-* and Retry-After);
 *   5. the idempotency key: a recorded repeat replays the stored response
 *      (`idempotent-replayed: true`), a different request with the key gets 422, a repeat while
 *      the first runs gets 409. The record is written with the change (exactlyOnce, via
 *      `ctx.idempotency`); responses that changed nothing (errors) are recorded in `onSend`;
 *   6. the tenant's due scheduler work, once, before the handler.
 * Queries per request: one for token, signature and key record; none when the token was seen
 * lately (TOKEN_CACHE_TTL_MS) and the request is a read, or a change whose route claims its key
 * in its transaction (route config `keyClaimedInTx`). The key's record is then read by the claim,
 * and a replay found there is sent from `onSend`; a response that claimed nothing (an error
 * before the claim) is recorded in `onSend` unless the key already holds a record, which is then
 * the answer (replayed, or 422 for another request).
 * And one query for the tenant clock unless the process keeps it (tenancy), sent together with
 * the first when the token was seen lately (one round trip).
 */
export async function partnerAuth(app: FastifyInstance, options: PartnerAuthOptions): Promise<void> {
  const { auth, tenancy, scheduler, config } = options;
  // The API reference documents what this hook checks, on every route it guards.
  app.addHook('onRoute', documentDoor(options.signed ? 'signed' : 'bearer'));
  await app.register(rateLimit, { global: false, store: sharedRateStore(options.rateOwner, options.wallClock) });
  const limitPartner = app.rateLimit({
    max: config.rateLimitPerMinute,
    timeWindow: RATE_LIMIT_WINDOW_MS,
    keyGenerator: (request) => `partner:${request.ctx.tenantId}`,
    errorResponseBuilder: (_request, context) => authErrors.rateLimited(Math.ceil(context.ttl / 1000)),
  });

  if (!app.hasRequestDecorator('tenant')) app.decorateRequest('tenant', null as unknown as TenantContext);
  if (!app.hasRequestDecorator('ctx')) app.decorateRequest('ctx', null as unknown as FastifyRequest['ctx']);
  if (!app.hasRequestDecorator('keyed')) app.decorateRequest('keyed', null);

  app.addHook('preValidation', async (request, reply) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) void reply.header('www-authenticate', 'Bearer');
    // A token seen lately names its partner: the tenant clock is read alongside the token check
    // (one round trip), and used only when the token proves to be that partner's.
    const hint = token ? auth.partnerHint(token) : undefined;
    const early = hint ? settled(tenancy.clock(hint)) : undefined;
    const { partnerId, key, existing } = await authenticate(request, options);
    const read = hint === partnerId ? await early : undefined;
    const clock = read?.ok ? read.value : await tenancy.clock(partnerId);
    request.tenant = { partnerId, now: clock.now };
    request.ctx = partnerContext(partnerId, clock.now);
    await limitPartner.call(app, request, reply);
    if (reply.sent) return reply;

    if (key !== undefined) {
      const body = request.body instanceof StreamedUpload ? request.body.fingerprint : request.rawBody;
      const requestHash = requestFingerprint(request.method, request.raw.url ?? request.url, body);
      if (existing) {
        if (existing.requestHash !== requestHash) throw authErrors.idempotencyMismatch();
        return replay(reply, existing);
      }
      const flightKey = `${partnerId}:${key}`;
      const running = inFlight.get(flightKey);
      const nowMs = options.wallClock.now().getTime();
      if (running !== undefined && nowMs - running.sinceMs < IDEMPOTENCY_RUNNING_STALE_MS) {
        throw running.requestHash === requestHash ? authErrors.idempotencyInProgress() : authErrors.idempotencyMismatch();
      }
      if (RECORDED_METHODS.has(request.method)) {
        inFlight.set(flightKey, { requestHash, sinceMs: nowMs });
        const keyed: KeyedRequest = { partnerId, key, requestHash, found: undefined, sealed: false };
        request.keyed = keyed;
        request.ctx = partnerContext(partnerId, clock.now, sealOf(request, keyed, options));
      }
    }
    if (clock.workDue) await scheduler.runDue(request.ctx);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const keyed = request.keyed;
    // The handler is done (its transaction too): a duplicate may now find the record.
    if (keyed) inFlight.delete(`${keyed.partnerId}:${keyed.key}`);
    if (!keyed) return payload;
    if (keyed.found) return replayed(reply, keyed.found);
    if (keyed.sealed) {
      await faultPoint(config, 'after-commit', request);
      return payload;
    }
    // Transient answers (busy, rate limited, server or database trouble) are not the request's
    // outcome: a retry with the same key runs again.
    if (reply.statusCode >= 500 || reply.statusCode === 409 || reply.statusCode === 429) return payload;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload == null ? '' : undefined;
    // A streamed response cannot be kept: a repeat runs again.
    if (body === undefined) return payload;
    try {
      const contentType = reply.getHeader('content-type');
      const response = { statusCode: reply.statusCode, contentType: typeof contentType === 'string' ? contentType : undefined, body };
      // A record the key holds already (the door left reading it to a claim that never came, or a
      // duplicate recorded it meanwhile) is the answer.
      const kept = await auth.record(keyed.partnerId, keyed.key, keyed.requestHash, response);
      if (kept) return kept.requestHash === keyed.requestHash ? replayed(reply, kept) : mismatchInstead(request, reply);
    } catch (error) {
      // The response goes out anyway; a repeat runs again (the request changed nothing).
      request.log.error({ err: error }, 'could not record the idempotent response');
    }
    return payload;
  });

  app.addHook('onResponse', async (request) => {
    if (request.keyed) inFlight.delete(`${request.keyed.partnerId}:${request.keyed.key}`);
  });
}

/**
 * The seal a keyed request hands its service: claims the key in the service's transaction, and
 * records the response there. The route renders the result (see `sealedReply`).
 */
function sealOf(request: FastifyRequest, keyed: KeyedRequest, options: PartnerAuthOptions): IdempotencySeal {
  // Whether the claim found an expired record of the key, which the record then replaces.
  let expired = true;
  return {
    key: keyed.key,
    async claim(tx: Tx) {
      // A route that renders its result for the seal writes the record with the change: the
      // record's primary key backs the claim (claimKey), which can then be one statement.
      const claimed = await options.auth.claimKey(tx, keyed.partnerId, keyed.key, keyed.requestHash, { recorded: request.renderSealed !== undefined });
      // The last claim decides (a request carried out together with others may claim again alone).
      keyed.found = undefined;
      expired = claimed.expired;
      if (claimed.outcome === 'in_progress') throw authErrors.idempotencyInProgress();
      if (claimed.outcome === 'mismatch') throw authErrors.idempotencyMismatch();
      if (claimed.outcome === 'replay') {
        // Recorded since the door looked, or the door left the reading to the claim: onSend
        // replays the record in place of this error, which rolls the transaction back.
        keyed.found = claimed.existing;
        throw authErrors.idempotencyReplay();
      }
    },
    async seal(tx: Tx, result: unknown) {
      const rendered = request.renderSealed?.(result);
      if (!rendered) return;
      options.auth.recordInTx(tx, keyed.partnerId, keyed.key, keyed.requestHash, rendered, expired);
      keyed.sealed = true;
      if (faultArmed(options.config, 'before-commit', request)) {
        // Send the change and its record now, so that the crash comes after them, before COMMIT.
        await tx.flush();
        await faultPoint(options.config, 'before-commit', request);
      }
    },
    translate: (error) => (options.auth.isKeyTaken(error) ? authErrors.idempotencyInProgress() : undefined),
  };
}
