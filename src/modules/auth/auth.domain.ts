/**
 * Partner authentication rules, free of storage and HTTP: password hashing, bearer tokens, Jiko's
 * request signature, and the fingerprint that tells a repeated request from a different one.
 */
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { FieldIssue } from '../../platform/errors.ts';

/** Field limits of a partner's credentials (Jiko's login accepts at most 128 characters each). */
export const USERNAME_CHARS_MAX = 128;
export const PASSWORD_CHARS_MAX = 128;
/** A shared secret keys an HMAC; shorter than this it is guessable. */
export const SHARED_SECRET_CHARS_MIN = 16;
export const SHARED_SECRET_CHARS_MAX = 256;

// ---------------------------------------------------------------------------------------------
// Passwords: scrypt with a random salt, stored in PHC form `$scrypt$ln=15,r=8,p=1$<salt>$<hash>`
// so that the cost can be raised later without breaking the hashes already stored.

export interface ScryptCost {
  /** log2 of N, the CPU/memory cost. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** Cost of new hashes: N = 2^15, r = 8, p = 1 (32 MiB, some tens of milliseconds). */
export const SCRYPT_COST: ScryptCost = { ln: 15, r: 8, p: 1 };
/** Bounds on a stored hash's parameters, so a corrupt row cannot make a login run for minutes. */
const SCRYPT_LN_MAX = 20;
const SCRYPT_R_MAX = 32;
const SCRYPT_P_MAX = 16;
const SCRYPT_SALT_BYTES = 16;
const SCRYPT_KEY_BYTES = 32;

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.ln;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, SCRYPT_KEY_BYTES, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password with a fresh random salt; the result embeds the scrypt parameters. */
export async function hashPassword(password: string, cost: ScryptCost = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SCRYPT_SALT_BYTES);
  const key = await scryptAsync(password, salt, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const PHC_SCRYPT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * True when `password` matches `encoded` (a hash from `hashPassword`). Compares in constant time;
 * a malformed hash never matches.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = PHC_SCRYPT.exec(encoded);
  if (!match) return false;
  const cost = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (cost.ln < 1 || cost.ln > SCRYPT_LN_MAX || cost.r < 1 || cost.r > SCRYPT_R_MAX || cost.p < 1 || cost.p > SCRYPT_P_MAX) {
    return false;
  }
  const salt = Buffer.from(match[4] as string, 'base64');
  const expected = Buffer.from(match[5] as string, 'base64');
  if (expected.length !== SCRYPT_KEY_BYTES) return false;
  const actual = await scryptAsync(password, salt, cost);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of no real password, verified when the username is unknown so that a failed login costs
 * the same time whether or not the partner exists.
 */
const decoyHashes = new Map<number, Promise<string>>();
export function decoyPasswordHash(cost: ScryptCost = SCRYPT_COST): Promise<string> {
  let decoy = decoyHashes.get(cost.ln);
  if (!decoy) {
    decoy = hashPassword(randomBytes(16).toString('hex'), cost);
    decoyHashes.set(cost.ln, decoy);
  }
  return decoy;
}

// ---------------------------------------------------------------------------------------------
// Bearer tokens: 32 random bytes, base64url. The database keeps only their SHA-256.

const TOKEN_BYTES = 32;
/** Shape of a token we issued: 43 base64url characters. Anything else is refused unread. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** The stored form of a token: hex SHA-256. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}

// ---------------------------------------------------------------------------------------------
// Request signature (Jiko): base64(HMAC-SHA256(shared secret, idempotency + pathname + body)),
// UTF-8, where pathname is the path as sent without the query string and body is '' for a GET.

export function requestSignature(sharedSecret: string, idempotencyKey: string, pathname: string, body: string): string {
  return createHmac('sha256', sharedSecret).update(idempotencyKey + pathname + body, 'utf8').digest('base64');
}

/** True when `provided` is the signature of the request; compares in constant time. */
export function signatureMatches(
  sharedSecret: string,
  idempotencyKey: string,
  pathname: string,
  body: string,
  provided: string,
): boolean {
  const expected = Buffer.from(requestSignature(sharedSecret, idempotencyKey, pathname, body), 'utf8');
  const actual = Buffer.from(provided, 'utf8');
  // The expected length is public (always 44 characters), so checking it first leaks nothing.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The signature of a body read as a stream, checked once its last byte is in (see `streamedSignature`). */
export interface StreamedSignature {
  /** Feeds the next bytes of the body, as sent. */
  update(chunk: Buffer): void;
  /** True when the bytes fed are the body that was signed; compares in constant time. */
  holds(): boolean;
}

/**
 * Jiko's request signature for a body that is streamed rather than kept (document uploads): the
 * same HMAC-SHA256 as `requestSignature`, over the key and pathname (UTF-8) followed by the body's
 * bytes exactly as sent, fed chunk by chunk. For a UTF-8 text body it equals `requestSignature`.
 */
export function streamedSignature(sharedSecret: string, idempotencyKey: string, pathname: string, provided: string): StreamedSignature {
  const hmac = createHmac('sha256', sharedSecret).update(idempotencyKey + pathname, 'utf8');
  return {
    update: (chunk) => void hmac.update(chunk),
    holds() {
      const expected = Buffer.from(hmac.digest('base64'), 'utf8');
      const actual = Buffer.from(provided, 'utf8');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

/** The pathname of a request target exactly as the client wrote it: no decoding, no query string. */
export function pathnameOf(rawUrl: string): string {
  const query = rawUrl.indexOf('?');
  return query === -1 ? rawUrl : rawUrl.slice(0, query);
}

// ---------------------------------------------------------------------------------------------
// Idempotency

/**
 * What makes two requests "the same" for an idempotency key: method, target (with its query) and
 * raw body. Hex SHA-256 of the three, length-prefixed so that no two triples collide by concatenation.
 */
export function requestFingerprint(method: string, url: string, body: string): string {
  const hash = createHash('sha256');
  for (const part of [method.toUpperCase(), url, body]) {
    hash.update(`${Buffer.byteLength(part, 'utf8')}:`, 'utf8').update(part, 'utf8');
  }
  return hash.digest('hex');
}

/** A response kept for replay. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

/** What to do with a request that carries an idempotency key. */
export type IdempotencyOutcome =
  | { readonly kind: 'proceed' } // first sight (or the key expired, or its holder crashed): run it
  | { readonly kind: 'replay'; readonly response: StoredResponse } // done before: send this again
  | { readonly kind: 'in_progress' } // the same request is still running: 409
  | { readonly kind: 'mismatch' }; // the key was used for a different request: 422

// ---------------------------------------------------------------------------------------------
// New partners

export interface NewPartner {
  readonly username: string;
  readonly password: string;
  readonly sharedSecret: string;
  readonly isSandbox?: boolean;
}

/** The reasons `partner` cannot be created, as 422 items (empty when it can). */
export function newPartnerIssues(partner: NewPartner): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const check = (ok: boolean, field: string, msg: string) => {
    if (!ok) issues.push({ field: [field], msg, type: 'value_error' });
  };
  const printable = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);
  check(partner.username.length >= 1 && partner.username.length <= USERNAME_CHARS_MAX,
    'username', `username must be 1 to ${USERNAME_CHARS_MAX} characters`);
  check(printable(partner.username) && partner.username.trim() === partner.username,
    'username', 'username must not contain control characters or surrounding spaces');
  check(partner.password.length >= 1 && partner.password.length <= PASSWORD_CHARS_MAX,
    'password', `password must be 1 to ${PASSWORD_CHARS_MAX} characters`);
  check(partner.sharedSecret.length >= SHARED_SECRET_CHARS_MIN && partner.sharedSecret.length <= SHARED_SECRET_CHARS_MAX,
    'shared_secret', `shared secret must be ${SHARED_SECRET_CHARS_MIN} to ${SHARED_SECRET_CHARS_MAX} characters`);
  return issues;
}
