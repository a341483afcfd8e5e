/**
 * In-process Jiko clients, through `app.inject()` rather than a socket:
 * - `injectFetch(app)`: a `fetch` over `app.inject()`, so that the typed client (`pocketbook/client`)
 *   runs in-process; `loginClient` gives one for a partner (the demo seed uses it);
 * - `PartnerClient`: the tests' untyped client (a logged-in partner that signs its requests).
 * Both sign with the typed client's `signRequest`: there is one client-side signing function.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify';
import { type PocketbookClient, createPocketbookClient, signRequest } from '../client/index.ts';

/**
 * Jiko's request signature: base64(HMAC-SHA256(shared secret, idempotency + pathname + body)).
 * The typed client's `signRequest` (src/client/signing.ts), under the name the tests use.
 */
export const sign = signRequest;

export interface RequestOptions {
  /** Reuse a key to test replays; a fresh UUID otherwise. */
  readonly idempotencyKey?: string;
  /** Extra or overriding headers. */
  readonly headers?: Record<string, string>;
  /** Send without the signature and idempotency headers (sandbox endpoints). */
  readonly unsigned?: boolean;
}

/** A logged-in partner that signs its requests like a Jiko client. */
export class PartnerClient {
  readonly app: FastifyInstance;
  readonly partnerId: string;
  readonly username: string;
  readonly sharedSecret: string;
  token: string;

  constructor(app: FastifyInstance, partnerId: string, username: string, sharedSecret: string, token: string) {
    this.app = app;
    this.partnerId = partnerId;
    this.username = username;
    this.sharedSecret = sharedSecret;
    this.token = token;
  }

  async request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown, options: RequestOptions = {}): Promise<LightMyRequestResponse> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const pathname = url.split('?')[0] ?? url;
    const key = options.idempotencyKey ?? randomUUID();
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (!options.unsigned) {
      headers['x-jiko-idempotency'] = key;
      headers['x-jiko-signature'] = sign(this.sharedSecret, key, pathname, payload);
    }
    if (payload) headers['content-type'] = 'application/json';
    return this.app.inject({ method, url, payload: payload || undefined, headers: { ...headers, ...options.headers } });
  }

  get(url: string, options?: RequestOptions) {
    return this.request('GET', url, undefined, options);
  }
  post(url: string, body?: unknown, options?: RequestOptions) {
    return this.request('POST', url, body ?? {}, options);
  }
  patch(url: string, body: unknown, options?: RequestOptions) {
    return this.request('PATCH', url, body, options);
  }
  delete(url: string, options?: RequestOptions) {
    return this.request('DELETE', url, undefined, options);
  }

  /** Sets this tenant's test clock (allowed while it has no customers). */
  async setClock(now: string): Promise<void> {
    const response = await this.request('POST', '/api/v1/sandbox/clock/', { now }, { unsigned: true });
    if (response.statusCode !== 200) throw new Error(`set clock: ${response.statusCode} ${response.body}`);
  }

  /** Moves this tenant's clock forward, running due work. */
  async advanceClock(to: { to?: string; days?: number }): Promise<{ now: string; business_date: string }> {
    const response = await this.request('POST', '/api/v1/sandbox/clock/advance/', to, { unsigned: true });
    if (response.statusCode !== 200) throw new Error(`advance clock: ${response.statusCode} ${response.body}`);
    return response.json();
  }
}

/** The origin of in-process requests (nothing listens there: `injectFetch` never opens a socket). */
export const IN_PROCESS_BASE_URL = 'http://pocketbook.in-process';

/** Statuses whose responses have no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * A `fetch` that hands each request to `app.inject()`: method, path and query as sent, headers,
 * and the body's exact bytes (the signature covers them); the answer comes back as a Response
 * (status, headers, body bytes).
 */
export function injectFetch(app: FastifyInstance): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const answer = await app.inject({
      method: request.method as HTTPMethods,
      url: url.pathname + url.search,
      headers,
      ...(body && body.length > 0 ? { payload: body } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [String(value)]) responseHeaders.append(name, one);
    }
    return new Response(NULL_BODY_STATUSES.has(answer.statusCode) ? null : new Uint8Array(answer.rawPayload), { status: answer.statusCode, headers: responseHeaders });
  };
}

/**
 * The typed client (`pocketbook/client`) of a partner, in-process: logs in now, through
 * POST /api/v1/login/, so that refused credentials fail here.
 * @throws LoginError when the login is refused.
 */
export async function loginClient(app: FastifyInstance, partnerId: string, username: string, password: string, sharedSecret: string): Promise<PocketbookClient> {
  const client = createPocketbookClient({ baseUrl: IN_PROCESS_BASE_URL, username, password, sharedSecret, partnerId, fetch: injectFetch(app) });
  await client.login();
  return client;
}
