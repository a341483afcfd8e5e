/**
 * Jiko's request signing, as a client does it. The server checks it in the auth module
 * (`requestSignature`, `signatureMatches`); this is the client's side, written apart from it so that
 * each checks the other. The in-process client of the tests and the demo seed
 * (src/seed/inject-client.ts) signs with this function too.
 */
import { createHmac } from 'node:crypto';

/** The headers of a signed request. */
export const IDEMPOTENCY_HEADER = 'x-jiko-idempotency';
export const SIGNATURE_HEADER = 'x-jiko-signature';
export const PARTNER_ID_HEADER = 'x-jiko-partner-id';

/**
 * Jiko's request signature: base64(HMAC-SHA256(key = the partner's shared secret as UTF-8,
 * message = idempotency key + URL pathname + body)), 44 characters.
 * @param pathname the request's path exactly as sent, without the query string
 *   (`/api/v2/pockets/` for `/api/v2/pockets/?limit=5`).
 * @param body the body's bytes exactly as sent, or its text (UTF-8); '' when there is none.
 * Source: Jiko's Partner API request signing, as its sample client computes it; the OpenAPI
 * document's `x-jiko-signature` header works an example through.
 */
export function signRequest(sharedSecret: string, idempotencyKey: string, pathname: string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', sharedSecret).update(idempotencyKey + pathname, 'utf8');
  if (typeof body === 'string') hmac.update(body, 'utf8');
  else hmac.update(body);
  return hmac.digest('base64');
}

/**
 * How the server guards a path (a path template of the OpenAPI document, or a concrete path):
 * - `public`: no credentials (login, the public keys, health, the API reference);
 * - `bearer`: the bearer token, no signature (the sandbox endpoints, `/api/v1/sandbox/...`); an
 *   idempotency key is honoured when sent;
 * - `signed`: the bearer token, `x-jiko-idempotency` and `x-jiko-signature` (every other Partner
 *   API path).
 * test/client.test.ts checks this against every operation of the OpenAPI document.
 */
export type Door = 'public' | 'bearer' | 'signed';

/** The door of `path` (relative to the base URL, without the query string). */
export function doorOf(path: string): Door {
  if (!path.startsWith('/api/') || /^\/api\/v1\/(login|public-keys)\/?$/.test(path)) return 'public';
  if (path.startsWith('/api/v1/sandbox/') || path === '/api/v1/sandbox') return 'bearer';
  return 'signed';
}
