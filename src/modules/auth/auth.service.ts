import type { AppDeps } from '../../deps.ts';
import { assert } from '../../platform/assert.ts';
import { newId } from '../../platform/ids.ts';
import type { Tx } from '../../platform/db/index.ts';
import {
  IDEMPOTENCY_WINDOW_MS,
  LOGIN_FAILURES_FORGET_MS,
  LOGIN_THROTTLE_PRUNE_ROWS_MAX,
  TOKEN_CACHE_ENTRIES_MAX,
  TOKEN_CACHE_TTL_MS,
} from '../../platform/limits.ts';
import {
  type NewPartner,
  type StoredResponse,
  decoyPasswordHash,
  SCRYPT_COST,
  hashPassword,
  hashToken,
  isWellFormedToken,
  newPartnerIssues,
  newToken,
  signatureMatches,
  type StreamedSignature,
  streamedSignature,
  verifyPassword,
} from './auth.domain.ts';
import { authErrors } from './auth.errors.ts';
import * as repo from './auth.repo.ts';
import { type ThrottleKey, throttleKeys, waitMs, withFailure } from './login-throttle.ts';

/** What claiming an idempotency key decided (see claimKey). */
export type ClaimOutcome = 'proceed' | 'in_progress' | 'mismatch' | 'replay';

/** A signed Partner API request, as the auth hook hands it over. */
export interface SignedRequest {
  readonly token: string;
  readonly idempotencyKey: string;
  /** The pathname exactly as the client sent it, without the query string. */
  readonly pathname: string;
  /** The raw request body ('' when there is none). */
  readonly body: string;
  readonly signature: string;
  /** The body is streamed (an upload): its signature is checked as it is read, see `streamedSignature`. */
  readonly streamed?: boolean;
}

/** A stored record of an idempotency key: the request's fingerprint and the response it got. */
export interface KeyRecordView {
  readonly requestHash: string;
  readonly response: StoredResponse;
}

function viewOf(row: repo.IdempotencyRow): KeyRecordView {
  return { requestHash: row.request_hash, response: repo.toStoredResponse(row) };
}

export interface SandboxPartner {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly sharedSecret: string;
  /** True when this call created the partner (first start), false when it already existed. */
  readonly created: boolean;
}

/**
 * Partners, logins, bearer tokens, request signatures and idempotency keys.
 * Token expiry and idempotency windows run on the wall clock (`deps.wallClock`), never on a
 * tenant's test clock: moving a sandbox clock a year forward must not log the partner out.
 */
export function createAuthService(deps: AppDeps) {
  /** scrypt's cost for new hashes (config.passwordHashLn); verifying reads the cost from the hash. */
  const cost = { ...SCRYPT_COST, ln: Math.min(deps.config.passwordHashLn, 20) };
  const { db, wallClock, config } = deps;

  /**
   * Creates a partner tenant.
   * @throws DomainError `auth.invalid_partner` (422) for a bad field (shared secret under 16
   *   characters, empty or over-long username or password), `auth.username_taken` (422).
   */
  async function createPartner(partner: NewPartner): Promise<{ id: string; username: string }> {
    const issues = newPartnerIssues(partner);
    if (issues.length > 0) throw authErrors.invalidPartner(issues);
    const id = newId();
    const inserted = await repo.insertPartner(db, {
      id,
      username: partner.username,
      passwordHash: await hashPassword(partner.password, cost),
      sharedSecret: partner.sharedSecret,
      isSandbox: partner.isSandbox ?? config.mode === 'sandbox',
    });
    if (!inserted) throw authErrors.usernameTaken();
    return { id, username: partner.username };
  }

  /**
   * The check of the sandbox partner's stored password against the configured one (scrypt, about a
   * tenth of a second), and its update when they differ: it runs after ensureSandboxPartner has
   * answered, so that a server start does not wait for it; logins wait for it instead.
   */
  let sandboxPasswordCheck: Promise<void> = Promise.resolve();

  /**
   * Sandbox mode only: makes sure the partner of `config.sandboxPartner` exists and answers to the
   * configured password and shared secret (the environment is the source of truth for them).
   * The shared secret is set before this answers; the password is checked and set right after
   * (sandboxCredentialsSettled), and this service's logins wait for that.
   * Idempotent, and safe when several processes start at once.
   */
  async function ensureSandboxPartner(): Promise<SandboxPartner> {
    assert(config.mode === 'sandbox', 'the sandbox partner exists only in sandbox mode');
    const wanted = config.sandboxPartner;
    const result = (id: string, created: boolean): SandboxPartner => ({ id, ...wanted, created });
    const existing = await repo.findPartnerByUsername(db, wanted.username);
    if (!existing) {
      try {
        const { id } = await createPartner({ ...wanted, isSandbox: true });
        return result(id, true);
      } catch (error) {
        // Another process created it between our read and our insert: fall through to it.
        const raced = await repo.findPartnerByUsername(db, wanted.username);
        if (!raced) throw error;
        return result(raced.id, false);
      }
    }
    if (existing.shared_secret !== wanted.sharedSecret) {
      await repo.updatePartnerCredentials(db, existing.id, { passwordHash: existing.password_hash, sharedSecret: wanted.sharedSecret });
    }
    sandboxPasswordCheck = (async () => {
      if (await verifyPassword(wanted.password, existing.password_hash)) return;
      await repo.updatePartnerCredentials(db, existing.id, { passwordHash: await hashPassword(wanted.password, cost), sharedSecret: wanted.sharedSecret });
    })();
    // Nobody may wait for it (no login comes): its failure must not end the process as an
    // unhandled rejection. Logins and sandboxCredentialsSettled still see it.
    sandboxPasswordCheck.catch(() => undefined);
    return result(existing.id, false);
  }

  /**
   * Resolves once the sandbox partner's password set by the last ensureSandboxPartner is in place.
   * @throws what the check or its update threw (the database went away, say).
   */
  function sandboxCredentialsSettled(): Promise<void> {
    return sandboxPasswordCheck;
  }

  /**
   * Counts a login attempt against the throttles of its keys before its password is checked (so
   * that concurrent guesses count too): it is a failure until a success clears it.
   * @returns the milliseconds the attempt must wait first (nothing counted), or 0.
   */
  async function admitLogin(keys: readonly ThrottleKey[], now: Date): Promise<number> {
    return db.tx(async (tx) => {
      const states = await repo.lockThrottles(tx, keys.map((k) => k.key), now);
      const wait = Math.max(0, ...states.map((state) => waitMs(state, now)));
      if (wait > 0) return wait;
      repo.writeThrottles(tx, keys.map((k) => withFailure(states.find((state) => state.key === k.key)!, now, k.failuresFree)));
      repo.pruneThrottles(tx, new Date(now.getTime() - LOGIN_FAILURES_FORGET_MS), LOGIN_THROTTLE_PRUNE_ROWS_MAX);
      return 0;
    });
  }

  /**
   * Checks a partner's username and password and issues a bearer token that lives
   * `config.tokenTtlMinutes` of wall-clock time. Also drops the partner's expired tokens and keys.
   * Failed logins are throttled per username and per client `address` (login-throttle.ts): an
   * attempt that must wait is refused before its password is checked.
   * @throws DomainError `auth.bad_credentials` (401), the same for an unknown user and a wrong
   *   password; `auth.login_throttled` (429, with the seconds to wait), the same for both too.
   */
  async function login(username: string, password: string, address: string): Promise<{ token: string; expires: Date }> {
    // A login right after a start meets the sandbox partner's password as configured (a failed
    // check left the stored one, which still works).
    await sandboxPasswordCheck.catch(() => undefined);
    const keys = throttleKeys(username, address);
    const wait = await admitLogin(keys, wallClock.now());
    if (wait > 0) throw authErrors.loginThrottled(Math.ceil(wait / 1000));
    const partner = await repo.findPartnerByUsername(db, username);
    // Verify against a decoy when the user is unknown, so both failures take the same time.
    const ok = await verifyPassword(password, partner?.password_hash ?? (await decoyPasswordHash(cost)));
    if (!partner || !ok) throw authErrors.badCredentials();
    const now = wallClock.now();
    const token = newToken();
    const expires = new Date(now.getTime() + config.tokenTtlMinutes * 60_000);
    await db.tx(async (tx) => {
      await repo.deleteExpired(tx, partner.id, now);
      await repo.insertToken(tx, { tokenHash: hashToken(token), partnerId: partner.id, createdAt: now, expiresAt: expires });
      repo.clearThrottles(tx, keys.map((k) => k.key));
    });
    return { token, expires };
  }

  /**
   * The partner id of a live bearer token.
   * @throws DomainError `auth.token_invalid` (401) for an unknown, malformed or expired token.
   */
  async function authenticate(token: string): Promise<string> {
    if (!isWellFormedToken(token)) throw authErrors.tokenInvalid();
    const live = await repo.findLiveToken(db, hashToken(token), wallClock.now());
    if (!live) throw authErrors.tokenInvalid();
    return live.partner_id;
  }

  /** Live tokens seen lately (requests without a key to look up need no query); oldest go first. */
  const tokens = new Map<string, { partner_id: string; shared_secret: string; token_expires_at: Date; cachedAtMs: number }>();
  function rememberToken(tokenHash: string, entry: { partner_id: string; shared_secret: string; token_expires_at: Date; cachedAtMs: number }): void {
    tokens.delete(tokenHash);
    tokens.set(tokenHash, entry);
    if (tokens.size > TOKEN_CACHE_ENTRIES_MAX) tokens.delete(tokens.keys().next().value!);
  }

  /**
   * The partner a token belonged to when last seen live (from memory; no query), or undefined: a
   * hint to start reading the partner's data alongside the token check, never an authentication.
   */
  function partnerHint(token: string): string | undefined {
    return isWellFormedToken(token) ? tokens.get(hashToken(token))?.partner_id : undefined;
  }

  /**
   * Checks the bearer token and, for a signed request, Jiko's request signature; reads the
   * partner's unexpired record of `key` at the same time (one query).
   *
   * A token seen live lately (TOKEN_CACHE_TTL_MS) needs no query: without a key, and with one
   * when `keyLater` says the caller reads the key's record itself later (`claimKey` in the
   * change's transaction, or `record` with the response).
   * @returns the partner id, and the record of the key when it was read and exists.
   * @throws DomainError `auth.token_invalid` or `auth.signature_invalid` (unauthorized).
   */
  async function authenticateRequest(request: {
    token: string;
    key: string | undefined;
    keyLater?: boolean;
    signed?: Omit<SignedRequest, 'token'>;
  }): Promise<{ partnerId: string; existing: KeyRecordView | undefined; bodySignature?: StreamedSignature }> {
    if (!isWellFormedToken(request.token)) throw authErrors.tokenInvalid();
    const tokenHash = hashToken(request.token);
    const nowMs = wallClock.now().getTime();
    const cached = request.key === undefined || request.keyLater === true ? tokens.get(tokenHash) : undefined;
    const live =
      cached && cached.token_expires_at.getTime() > nowMs && nowMs - cached.cachedAtMs < TOKEN_CACHE_TTL_MS
        ? cached
        : await repo.findLiveTokenAndKey(db, tokenHash, wallClock.now(), request.key);
    if (!live) throw authErrors.tokenInvalid();
    if (live !== cached) rememberToken(tokenHash, { partner_id: live.partner_id, shared_secret: live.shared_secret, token_expires_at: live.token_expires_at, cachedAtMs: nowMs });
    let bodySignature: StreamedSignature | undefined;
    if (request.signed?.streamed) {
      const { idempotencyKey, pathname, signature } = request.signed;
      bodySignature = streamedSignature(live.shared_secret, idempotencyKey, pathname, signature);
    } else if (request.signed) {
      const { idempotencyKey, pathname, body, signature } = request.signed;
      if (!signatureMatches(live.shared_secret, idempotencyKey, pathname, body, signature)) throw authErrors.signatureInvalid();
    }
    const existing = 'request_hash' in live && live.request_hash ? viewOf(live as repo.IdempotencyRow) : undefined;
    return { partnerId: live.partner_id, existing, ...(bodySignature ? { bodySignature } : {}) };
  }

  return {
    createPartner,
    ensureSandboxPartner,
    sandboxCredentialsSettled,
    login,
    authenticate,
    authenticateRequest,
    partnerHint,
    ...keyRecords(deps),
  };
}

/**
 * Idempotency records (see createAuthService): claiming a key in a change's transaction, and
 * recording the response a repeat of the request gets. On the wall clock, as tokens are.
 */
function keyRecords(deps: Pick<AppDeps, 'db' | 'wallClock'>) {
  const { db, wallClock } = deps;

  /**
   * Takes `key` for the caller's transaction (exactly-once writes). A concurrent transaction
   * holding the key is `in_progress`; a live record is `replay` (the same request: `existing` is
   * the response to send again) or `mismatch`. `expired`: an expired record of the key exists
   * (pass it on to recordInTx). `options.recorded`: the caller writes the key's record with its
   * change (recordInTx), whose primary key then stops a duplicate the claim misses: the lock and
   * the read can be one statement (repo.lockKey).
   */
  async function claimKey(
    tx: Tx,
    partnerId: string,
    key: string,
    requestHash: string,
    options: { recorded?: boolean } = {},
  ): Promise<{ outcome: ClaimOutcome; expired: boolean; existing?: KeyRecordView }> {
    const { locked, existing, expired } = await repo.lockKey(tx, partnerId, key, wallClock.now(), options.recorded === true);
    if (!locked) return { outcome: 'in_progress', expired };
    if (existing) return { outcome: existing.request_hash === requestHash ? 'replay' : 'mismatch', expired, existing: viewOf(existing) };
    return { outcome: 'proceed', expired };
  }

  function recordOf(partnerId: string, key: string, requestHash: string, response: { statusCode: number; contentType: string | undefined; body: string }): repo.KeyRecord {
    const now = wallClock.now();
    return { partnerId, key, requestHash, ...response, now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS) };
  }

  /**
   * Records a keyed request's response in the transaction of the change it answers. `expired`
   * false: the claim of this transaction found no expired record to replace (claimKey).
   */
  function recordInTx(tx: Tx, partnerId: string, key: string, requestHash: string, response: { statusCode: number; contentType: string | undefined; body: string }, expired = true): void {
    repo.insertRecordInTx(tx, recordOf(partnerId, key, requestHash, response), expired);
  }

  /** True for the error of a duplicate whose record met a live one at commit (refuse it as in progress). */
  const isKeyTaken = repo.isKeyTaken;

  /**
   * Records a keyed request's response on its own (a response that changed nothing: an error),
   * unless a live record holds the key: that record is returned then, and is the request's answer
   * (the caller replays it, or refuses a different request with the key). A request whose key's
   * record nobody read before (authenticateRequest's `keyLater`, and no claim ran) meets it here.
   */
  async function record(
    partnerId: string,
    key: string,
    requestHash: string,
    response: { statusCode: number; contentType: string | undefined; body: string },
  ): Promise<KeyRecordView | undefined> {
    const kept = await repo.insertRecord(db, recordOf(partnerId, key, requestHash, response));
    return kept && viewOf(kept);
  }

  return { claimKey, recordInTx, record, isKeyTaken };
}

export type AuthService = ReturnType<typeof createAuthService>;
