import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type HeldKey,
  authErrors,
  bearerToken,
  pathnameOf,
  requestFingerprint,
  sharedRateStore,
} from '../../modules/auth/index.ts';
import type { TenantContext } from '../../platform/http/index.ts';
import { type RequestContext, partnerContext } from '../../platform/context.ts';
import { isUuid } from '../../platform/ids.ts';
import { RATE_LIMIT_WINDOW_MS } from '../../platform/limits.ts';
import { readTenantNow } from '../../platform/tenant-clock.ts';

export interface PartnerAuthOptions {
  /** Require x-jiko-signature and x-jiko-idempotency (every Partner API call but sandbox ones). */
  readonly signed: boolean;
}

/** The idempotency key each running request holds, until its response is stored. */
const heldKeys = new WeakMap<FastifyRequest, HeldKey>();

/** A header sent once, or undefined (absent); a repeated header counts as malformed (''). */
function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (Array.isArray(value)) return '';
  return value;
}

/**
 * Partner authentication for one encapsulated context (register it with fastify-plugin so that the
 * hooks reach the sibling route plugins). In `preValidation`, so that the raw body is there and a
 * 401 comes before any 422, in this order:
 *   1. `Authorization: Bearer <token>` (401);
 *   2. when `signed`: `x-jiko-idempotency` is a UUID and `x-jiko-signature` is Jiko's HMAC of
 *      key + pathname as sent + raw body (401); unsigned contexts honour a key when one is sent;
 *   3. `request.tenant` = the token's partner and its tenant clock;
 *   4. the partner's rate limit (429, with X-RateLimit-* and Retry-After);
 *   5. the idempotency key: a repeat replays the stored response (`idempotent-replayed: true`),
 *      a different request with the key gets 422, a repeat still running gets 409.
 * In `onSend` the response (any status) is stored against the key held by the request.
 */
export async function partnerAuth(app: FastifyInstance, options: PartnerAuthOptions): Promise<void> {
  const { services, deps } = app;
  const auth = services.auth;

  await app.register(rateLimit, { global: false, store: sharedRateStore(deps, deps.wallClock) });
  const limitPartner = app.rateLimit({
    max: deps.config.rateLimitPerMinute,
    timeWindow: RATE_LIMIT_WINDOW_MS,
    keyGenerator: (request) => `partner:${request.tenant.partnerId}`,
    errorResponseBuilder: (_request, context) => authErrors.rateLimited(Math.ceil(context.ttl / 1000)),
  });

  if (!app.hasRequestDecorator('tenant')) app.decorateRequest('tenant', null as unknown as TenantContext);
  if (!app.hasRequestDecorator('ctx')) app.decorateRequest('ctx', null as unknown as RequestContext);

  app.addHook('preValidation', async (request, reply) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      void reply.header('www-authenticate', 'Bearer');
      throw authErrors.tokenMissing();
    }
    const rawUrl = request.raw.url ?? request.url;
    const key = singleHeader(request, 'x-jiko-idempotency');
    let partnerId: string;
    if (options.signed) {
      if (key === undefined) throw authErrors.idempotencyKeyMissing();
      if (!isUuid(key)) throw authErrors.idempotencyKeyMalformed();
      const signature = singleHeader(request, 'x-jiko-signature');
      if (!signature) throw authErrors.signatureMissing();
      // Only JSON bodies are kept raw; any other body would escape the signature.
      if (request.body !== undefined && request.rawBody === '') throw authErrors.unsignedBody();
      partnerId = await auth.authenticateSigned({
        token,
        idempotencyKey: key,
        pathname: pathnameOf(rawUrl),
        body: request.rawBody,
        signature,
      });
    } else {
      if (key !== undefined && !isUuid(key)) throw authErrors.idempotencyKeyMalformed();
      partnerId = await auth.authenticate(token);
    }

    request.tenant = { partnerId, now: await readTenantNow(deps.db, deps.wallClock, partnerId) };
    request.ctx = partnerContext(partnerId, request.tenant.now);
    await limitPartner.call(app, request, reply);

    if (key === undefined) return;
    const outcome = await auth.beginRequest(partnerId, key, requestFingerprint(request.method, rawUrl, request.rawBody));
    switch (outcome.kind) {
      case 'proceed':
        if (outcome.held) heldKeys.set(request, outcome.held);
        return;
      case 'mismatch':
        throw authErrors.idempotencyMismatch();
      case 'in_progress':
        throw authErrors.idempotencyInProgress();
      case 'replay': {
        const { statusCode, contentType, body } = outcome.response;
        void reply.code(statusCode).header('idempotent-replayed', 'true');
        if (contentType) void reply.header('content-type', contentType);
        return reply.send(body);
      }
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const held = heldKeys.get(request);
    if (!held) return payload;
    heldKeys.delete(request);
    try {
      const body =
        typeof payload === 'string' ? Buffer.from(payload, 'utf8')
        : Buffer.isBuffer(payload) ? payload
        : payload === null || payload === undefined ? Buffer.alloc(0)
        : undefined;
      if (body === undefined) {
        // A streamed response cannot be kept: forget the key so that a repeat runs again.
        await auth.releaseRequest(held);
        return payload;
      }
      const contentType = reply.getHeader('content-type');
      await auth.completeRequest(held, {
        statusCode: reply.statusCode,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        body,
      });
    } catch (error) {
      // The response goes out anyway; the key stays 'running' and a repeat gets 409 until it is stale.
      request.log.error({ err: error }, 'could not store the idempotent response');
    }
    return payload;
  });
}
