/**
 * How the `pocketbook` command talks to a running server: one small layer on `fetch` that logs in
 * as a partner (`POST /api/v1/login/`) on first use and signs every request as a Jiko client does
 * (`x-jiko-idempotency`, a fresh UUID, and `x-jiko-signature`, the `sign` of the in-process client).
 * The commands see only `PocketbookApi`, so this file alone changes if the CLI moves to the typed
 * client (`pocketbook/client`).
 */
import { randomUUID } from 'node:crypto';
import { SANDBOX_PARTNER_DEFAULTS } from '../config.ts';
import { sign } from '../seed/inject-client.ts';
import { CliFailure, UsageError } from './errors.ts';

/** One request to the server, at most (login included). */
export const REQUEST_TIMEOUT_MS = 15_000;

/** Where the server is and who the CLI is there. */
export interface Connection {
  /** e.g. `http://127.0.0.1:8000` (no trailing slash). */
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  readonly sharedSecret: string;
}

/** The connection flags as commander parsed them (each already falls back to its variable). */
export interface ConnectionFlags {
  readonly url?: string;
  readonly username?: string;
  readonly password?: string;
  readonly sharedSecret?: string;
}

/** The environment variables of the connection, and their defaults. */
export const CONNECTION_ENV = {
  url: { variable: 'POCKETBOOK_URL', fallback: 'http://127.0.0.1:8000' },
  username: { variable: 'POCKETBOOK_USERNAME', fallback: SANDBOX_PARTNER_DEFAULTS.username },
  password: { variable: 'POCKETBOOK_PASSWORD', fallback: SANDBOX_PARTNER_DEFAULTS.password },
  sharedSecret: { variable: 'POCKETBOOK_SHARED_SECRET', fallback: SANDBOX_PARTNER_DEFAULTS.sharedSecret },
} as const;

/**
 * The connection from the flags, falling back to the sandbox partner's built-in credentials.
 * @throws UsageError when the URL is not an http(s) URL.
 */
export function connectionOf(flags: ConnectionFlags): Connection {
  const raw = flags.url ?? CONNECTION_ENV.url.fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url "${raw}" is not a URL: write it like http://127.0.0.1:8000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url "${raw}" must be an http or https URL`);
  return {
    baseUrl: raw.replace(/\/+$/, ''),
    username: flags.username ?? CONNECTION_ENV.username.fallback,
    password: flags.password ?? CONNECTION_ENV.password.fallback,
    sharedSecret: flags.sharedSecret ?? CONNECTION_ENV.sharedSecret.fallback,
  };
}

/** A 2xx answer: its status and its JSON body (undefined when empty). */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** The server, logged in: each call is signed and answers its 2xx, or throws. */
export interface PocketbookApi {
  readonly baseUrl: string;
  /**
   * `method path` with an optional JSON body; `path` starts with `/api/`.
   * @throws CliFailure when the server cannot be reached, or answers other than 2xx (the message
   *   carries Jiko's error detail).
   */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Answer>;
}

/** Jiko's error body in one line: `detail` as text, or each validation issue as `loc: msg`. */
export function errorDetail(body: unknown): string {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((issue: { loc?: unknown[]; msg?: unknown }) => `${Array.isArray(issue.loc) ? issue.loc.join('.') : '?'}: ${String(issue.msg)}`)
      .join('; ');
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Why a fetch failed, in a word or two: the system's code (ECONNREFUSED), else the cause's message. */
export function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  if (error instanceof Error) return error.name === 'TimeoutError' ? 'timed out' : error.message;
  return String(error);
}

async function send(connection: Connection, init: { method: string; path: string; headers: Record<string, string>; payload: string }): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(connection.baseUrl + init.path, {
      method: init.method,
      headers: init.headers,
      body: init.payload === '' ? undefined : init.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = causeOf(error);
    throw new CliFailure(`cannot reach pocketbook at ${connection.baseUrl} (${cause}): is the server running (npm start)? set --url or POCKETBOOK_URL`);
  }
  const text = await response.text();
  let body: unknown = text === '' ? undefined : text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  if (response.status < 200 || response.status > 299) {
    throw new CliFailure(`${init.method} ${init.path} answered ${response.status}: ${errorDetail(body)}`);
  }
  return { status: response.status, body };
}

/** A logged-in, signing client of `connection`; it logs in on its first call. */
export function connect(connection: Connection): PocketbookApi {
  let token: Promise<string> | undefined;
  const login = async (): Promise<string> => {
    const payload = JSON.stringify({ username: connection.username, password: connection.password });
    try {
      const answer = await send(connection, { method: 'POST', path: '/api/v1/login/', headers: { 'content-type': 'application/json' }, payload });
      return (answer.body as { token: string }).token;
    } catch (error) {
      if (error instanceof CliFailure && / answered 4\d\d/.test(error.message)) {
        throw new CliFailure(`login as "${connection.username}" refused by ${connection.baseUrl}: check --username/--password (POCKETBOOK_USERNAME, POCKETBOOK_PASSWORD)`);
      }
      throw error;
    }
  };
  return {
    baseUrl: connection.baseUrl,
    async call(method, path, body) {
      token ??= login();
      const payload = body === undefined ? '' : JSON.stringify(body);
      const key = randomUUID();
      const headers: Record<string, string> = {
        authorization: `Bearer ${await token}`,
        'x-jiko-idempotency': key,
        'x-jiko-signature': sign(connection.sharedSecret, key, path.split('?')[0] ?? path, payload),
      };
      if (payload !== '') headers['content-type'] = 'application/json';
      return send(connection, { method, path, headers, payload });
    },
  };
}
