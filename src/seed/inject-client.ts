/**
 * An in-process Jiko client: logs in as a partner and sends signed requests through
 * `app.inject()`, exactly as a Jiko client would over HTTP. The demo seed and the tests use it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Jiko's request signature: base64(HMAC-SHA256(shared secret, idempotency + pathname + body)). */
export function sign(sharedSecret: string, idempotencyKey: string, pathname: string, body: string): string {
  return createHmac('sha256', sharedSecret).update(idempotencyKey + pathname + body, 'utf8').digest('base64');
}

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

/**
 * Logs in with a username and password through POST /api/v1/login/.
 * @throws Error when the login is refused.
 */
export async function loginClient(app: FastifyInstance, partnerId: string, username: string, password: string, sharedSecret: string): Promise<PartnerClient> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return new PartnerClient(app, partnerId, username, sharedSecret, (response.json() as { token: string }).token);
}
