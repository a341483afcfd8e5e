import type { AppDeps } from '../../deps.ts';
import { assert } from '../../platform/assert.ts';
import { newId } from '../../platform/ids.ts';
import { IDEMPOTENCY_RUNNING_STALE_MS, IDEMPOTENCY_WINDOW_MS } from '../../platform/limits.ts';
import {
  type IdempotencyOutcome,
  type NewPartner,
  type StoredResponse,
  decoyPasswordHash,
  hashPassword,
  hashToken,
  isWellFormedToken,
  newPartnerIssues,
  newToken,
  signatureMatches,
  verifyPassword,
} from './auth.domain.ts';
import { authErrors } from './auth.errors.ts';
import * as repo from './auth.repo.ts';

/** Claims of one idempotency key tried before answering 409 (the row kept vanishing under us). */
const CLAIM_ATTEMPTS_MAX = 3;

/** A signed Partner API request, as the auth hook hands it over. */
export interface SignedRequest {
  readonly token: string;
  readonly idempotencyKey: string;
  /** The pathname exactly as the client sent it, without the query string. */
  readonly pathname: string;
  /** The raw request body ('' when there is none). */
  readonly body: string;
  readonly signature: string;
}

/** An idempotency key claimed by the running request: only it may store the key's response. */
export type HeldKey = repo.HeldKey;

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
      passwordHash: await hashPassword(partner.password),
      sharedSecret: partner.sharedSecret,
      isSandbox: partner.isSandbox ?? config.mode === 'sandbox',
    });
    if (!inserted) throw authErrors.usernameTaken();
    return { id, username: partner.username };
  }

  /**
   * Sandbox mode only: makes sure the partner of `config.sandboxPartner` exists and answers to the
   * configured password and shared secret (the environment is the source of truth for them).
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
    const passwordOk = await verifyPassword(wanted.password, existing.password_hash);
    if (!passwordOk || existing.shared_secret !== wanted.sharedSecret) {
      await repo.updatePartnerCredentials(db, existing.id, {
        passwordHash: passwordOk ? existing.password_hash : await hashPassword(wanted.password),
        sharedSecret: wanted.sharedSecret,
      });
    }
    return result(existing.id, false);
  }

  /**
   * Checks a partner's username and password and issues a bearer token that lives
   * `config.tokenTtlMinutes` of wall-clock time. Also drops the partner's expired tokens and keys.
   * @throws DomainError `auth.bad_credentials` (401), the same for an unknown user and a wrong password.
   */
  async function login(username: string, password: string): Promise<{ token: string; expires: Date }> {
    const partner = await repo.findPartnerByUsername(db, username);
    // Verify against a decoy when the user is unknown, so both failures take the same time.
    const ok = await verifyPassword(password, partner?.password_hash ?? (await decoyPasswordHash()));
    if (!partner || !ok) throw authErrors.badCredentials();
    const now = wallClock.now();
    const token = newToken();
    const expires = new Date(now.getTime() + config.tokenTtlMinutes * 60_000);
    await db.tx(async (tx) => {
      await repo.deleteExpired(tx, partner.id, now);
      await repo.insertToken(tx, { tokenHash: hashToken(token), partnerId: partner.id, createdAt: now, expiresAt: expires });
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

  /**
   * Checks the bearer token and Jiko's request signature together (one query).
   * @returns the partner id.
   * @throws DomainError `auth.token_invalid` or `auth.signature_invalid` (401).
   */
  async function authenticateSigned(request: SignedRequest): Promise<string> {
    if (!isWellFormedToken(request.token)) throw authErrors.tokenInvalid();
    const live = await repo.findLiveToken(db, hashToken(request.token), wallClock.now());
    if (!live) throw authErrors.tokenInvalid();
    const { idempotencyKey, pathname, body, signature } = request;
    if (!signatureMatches(live.shared_secret, idempotencyKey, pathname, body, signature)) throw authErrors.signatureInvalid();
    return live.partner_id;
  }

  /**
   * Starts a request that carries an idempotency key (a UUID). `requestHash` is the request's
   * fingerprint (see `requestFingerprint`). On `proceed` the caller holds the key and must later
   * call `completeRequest` (or `releaseRequest`) with the returned `held`.
   */
  async function beginRequest(
    partnerId: string,
    key: string,
    requestHash: string,
    attempt = 1,
  ): Promise<IdempotencyOutcome & { held?: HeldKey }> {
    const now = wallClock.now();
    const attemptId = newId();
    const claim = await repo.claimKey(db, {
      partnerId,
      key,
      attemptId,
      requestHash,
      now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS),
      staleBefore: new Date(now.getTime() - IDEMPOTENCY_RUNNING_STALE_MS),
    });
    if (claim.claimed) return { kind: 'proceed', held: { partnerId, key, attemptId } };
    const existing = claim.existing;
    if (!existing) {
      // The row vanished between the claim and the read (released or cleaned up): claim again.
      return attempt < CLAIM_ATTEMPTS_MAX ? beginRequest(partnerId, key, requestHash, attempt + 1) : { kind: 'in_progress' };
    }
    if (existing.request_hash !== requestHash) return { kind: 'mismatch' };
    if (existing.state === 'running') return { kind: 'in_progress' };
    return { kind: 'replay', response: repo.toStoredResponse(existing) };
  }

  /** Records the response of a request begun with `beginRequest`, for replays within the window. */
  async function completeRequest(held: HeldKey, response: StoredResponse): Promise<void> {
    await repo.storeResponse(db, held, response);
  }

  /** Gives up a held key without a response (the response cannot be kept): a retry runs again. */
  async function releaseRequest(held: HeldKey): Promise<void> {
    await repo.releaseKey(db, held);
  }

  return {
    createPartner,
    ensureSandboxPartner,
    login,
    authenticate,
    authenticateSigned,
    beginRequest,
    completeRequest,
    releaseRequest,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
