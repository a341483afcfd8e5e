/**
 * A Jiko client for the benchmark: signs requests the way a Jiko client does
 * (x-jiko-signature = base64(HMAC-SHA256(shared secret, idempotency key + pathname + body))) and
 * sends them either over HTTP to a server process or through `app.inject()` in-process.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { type Dispatcher, Pool } from 'undici';

export interface BenchResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Sends one request; `path` includes the query string. */
export interface Transport {
  request(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<BenchResponse>;
  close(): void;
}

/** Milliseconds one HTTP request of the benchmark may take before it fails. */
export const HTTP_REQUEST_TIMEOUT_MS = 120_000;

/**
 * HTTP/1.1 with keep-alive to `baseUrl` (e.g. http://127.0.0.1:8000), at most `sockets` at once,
 * through undici's connection pool: a lighter client than node:http's, so that the load generator
 * takes less of the machine it shares with the server it measures.
 */
export function httpTransport(baseUrl: string, sockets: number): Transport {
  const pool = new Pool(new URL(baseUrl).origin, { connections: sockets, pipelining: 1, headersTimeout: HTTP_REQUEST_TIMEOUT_MS, bodyTimeout: HTTP_REQUEST_TIMEOUT_MS });
  return {
    async request(method, path, body, headers) {
      const response = await pool.request({ method: method as Dispatcher.HttpMethod, path, headers, ...(body !== undefined ? { body } : {}) });
      return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
    },
    close() {
      void pool.destroy();
    },
  };
}

/** The part of a Fastify instance the in-process transport needs. */
export interface Injectable {
  inject(options: { method: string; url: string; payload?: string; headers: Record<string, string> }): Promise<{
    statusCode: number;
    headers: Record<string, string | string[] | number | undefined>;
    body: string;
  }>;
}

/** `app.inject()`: the whole HTTP stack of the app without a socket. */
export function injectTransport(app: Injectable): Transport {
  return {
    async request(method, path, body, headers) {
      const response = await app.inject({ method, url: path, ...(body !== undefined ? { payload: body } : {}), headers });
      const plain: Record<string, string | string[] | undefined> = {};
      for (const [name, value] of Object.entries(response.headers)) plain[name] = typeof value === 'number' ? String(value) : value;
      return { status: response.statusCode, headers: plain, body: response.body };
    },
    close() {},
  };
}

/** Jiko's request signature. */
export function sign(sharedSecret: string, idempotencyKey: string, pathname: string, body: string): string {
  return createHmac('sha256', sharedSecret).update(idempotencyKey + pathname + body, 'utf8').digest('base64');
}

export interface PartnerCredentials {
  readonly username: string;
  readonly password: string;
  readonly sharedSecret: string;
}

/** The sandbox partner a fresh database gets at boot (the defaults of src/config.ts). */
export const SANDBOX_PARTNER: PartnerCredentials = {
  username: 'sandbox',
  password: 'sandbox-password',
  sharedSecret: 'sandbox-shared-secret-0123456789',
};

/** Thrown when a request of the benchmark's setup does not answer as expected. */
export class BenchRequestError extends Error {
  override name = 'BenchRequestError';
}

/** Signed headers of one request: a fresh (or given) idempotency key and its signature. */
export function signedHeaders(token: string, sharedSecret: string, pathname: string, body: string, key: string = randomUUID()): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    'x-jiko-idempotency': key,
    'x-jiko-signature': sign(sharedSecret, key, pathname, body),
  };
}

/** A logged-in partner. */
export class JikoClient {
  readonly transport: Transport;
  readonly credentials: PartnerCredentials;
  readonly token: string;

  private constructor(transport: Transport, credentials: PartnerCredentials, token: string) {
    this.transport = transport;
    this.credentials = credentials;
    this.token = token;
  }

  /** Logs in with POST /api/v1/login/. */
  static async login(transport: Transport, credentials: PartnerCredentials): Promise<JikoClient> {
    const body = JSON.stringify({ username: credentials.username, password: credentials.password });
    const response = await transport.request('POST', '/api/v1/login/', body, { 'content-type': 'application/json' });
    const token = (expectStatus('login', response, 200) as { token: string }).token;
    return new JikoClient(transport, credentials, token);
  }

  /** A signed Partner API request (fresh idempotency key unless one is given). */
  signed(method: string, path: string, json?: unknown, key?: string): Promise<BenchResponse> {
    const body = json === undefined ? '' : JSON.stringify(json);
    const pathname = path.split('?')[0] ?? path;
    const headers = signedHeaders(this.token, this.credentials.sharedSecret, pathname, body, key);
    if (body) headers['content-type'] = 'application/json';
    return this.transport.request(method, path, body || undefined, headers);
  }

  /** A sandbox request: bearer token, no signature. */
  sandbox(method: string, path: string, json: unknown): Promise<BenchResponse> {
    return this.transport.request(method, path, JSON.stringify(json), { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' });
  }
}

/**
 * The parsed JSON body of `response` (undefined when empty).
 * @throws BenchRequestError when the status is not `status`.
 */
export function expectStatus(label: string, response: BenchResponse, status: number): unknown {
  if (response.status !== status) throw new BenchRequestError(`${label}: expected ${status}, got ${response.status} ${response.body.slice(0, 500)}`);
  return response.body ? JSON.parse(response.body) : undefined;
}
