/**
 * SQL of the auth module: partners (credentials), partner_tokens, idempotency_keys.
 * All instants are wall-clock times passed in by the service; nothing here reads the time.
 */
import type { Queryable } from '../../platform/db/index.ts';
import type { StoredResponse } from './auth.domain.ts';

export interface PartnerCredentialsRow {
  id: string;
  username: string;
  password_hash: string;
  shared_secret: string;
}

/** Inserts a partner; returns false (and changes nothing) when the username is taken. */
export async function insertPartner(
  q: Queryable,
  partner: { id: string; username: string; passwordHash: string; sharedSecret: string; isSandbox: boolean },
): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO partners (id, username, password_hash, shared_secret, is_sandbox)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (username) DO NOTHING
     RETURNING id`,
    [partner.id, partner.username, partner.passwordHash, partner.sharedSecret, partner.isSandbox],
  );
  return rows.length === 1;
}

export async function findPartnerByUsername(q: Queryable, username: string): Promise<PartnerCredentialsRow | undefined> {
  const rows = await q.query<PartnerCredentialsRow>(
    'SELECT id, username, password_hash, shared_secret FROM partners WHERE username = $1',
    [username],
  );
  return rows[0];
}

export async function updatePartnerCredentials(
  q: Queryable,
  partnerId: string,
  credentials: { passwordHash: string; sharedSecret: string },
): Promise<void> {
  await q.query('UPDATE partners SET password_hash = $2, shared_secret = $3 WHERE id = $1', [
    partnerId,
    credentials.passwordHash,
    credentials.sharedSecret,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Tokens

export async function insertToken(
  q: Queryable,
  token: { tokenHash: string; partnerId: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await q.query('INSERT INTO partner_tokens (token_hash, partner_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    token.tokenHash,
    token.partnerId,
    token.createdAt,
    token.expiresAt,
  ]);
}

/** The partner of a live token, with the shared secret that signs its requests. */
export async function findLiveToken(
  q: Queryable,
  tokenHash: string,
  now: Date,
): Promise<{ partner_id: string; shared_secret: string } | undefined> {
  const rows = await q.query<{ partner_id: string; shared_secret: string }>(
    `SELECT t.partner_id, p.shared_secret
       FROM partner_tokens t JOIN partners p ON p.id = t.partner_id
      WHERE t.token_hash = $1 AND t.expires_at > $2`,
    [tokenHash, now],
  );
  return rows[0];
}

/** Lazy cleanup, run at each login: the partner's expired tokens and idempotency keys. */
export async function deleteExpired(q: Queryable, partnerId: string, now: Date): Promise<void> {
  await q.query('DELETE FROM partner_tokens WHERE partner_id = $1 AND expires_at <= $2', [partnerId, now]);
  await q.query('DELETE FROM idempotency_keys WHERE partner_id = $1 AND expires_at <= $2', [partnerId, now]);
}

// ---------------------------------------------------------------------------------------------
// Idempotency keys

interface IdempotencyRow {
  request_hash: string;
  state: 'running' | 'done';
  status_code: number | null;
  content_type: string | null;
  response_body: Uint8Array | null;
  started_at: Date;
  expires_at: Date;
}

/** The attempt that holds a key: only it stores or releases the key's response. */
export interface HeldKey {
  readonly partnerId: string;
  readonly key: string;
  readonly attemptId: string;
}

export type ClaimResult =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly existing: IdempotencyRow | undefined };

/**
 * Claims `key` for a new attempt in one statement: inserts a 'running' row, or takes over an
 * existing row whose window has expired, or that is still 'running' for the same request since
 * before `staleBefore` (its holder crashed). The primary key serialises concurrent claims: the
 * second waits for the first and then sees its row. When the claim fails, returns the row as it is.
 */
export async function claimKey(
  q: Queryable,
  claim: { partnerId: string; key: string; attemptId: string; requestHash: string; now: Date; expiresAt: Date; staleBefore: Date },
): Promise<ClaimResult> {
  const claimed = await q.query(
    `INSERT INTO idempotency_keys AS k (partner_id, key, attempt_id, request_hash, state, started_at, expires_at)
     VALUES ($1, $2, $7, $3, 'running', $4, $5)
     ON CONFLICT (partner_id, key) DO UPDATE
        SET attempt_id = EXCLUDED.attempt_id, request_hash = EXCLUDED.request_hash, state = 'running', status_code = NULL,
            content_type = NULL, response_body = NULL,
            started_at = EXCLUDED.started_at, expires_at = EXCLUDED.expires_at
      WHERE k.expires_at <= EXCLUDED.started_at
         OR (k.state = 'running' AND k.request_hash = EXCLUDED.request_hash AND k.started_at <= $6)
     RETURNING 1 AS claimed`,
    [claim.partnerId, claim.key, claim.requestHash, claim.now, claim.expiresAt, claim.staleBefore, claim.attemptId],
  );
  if (claimed.length === 1) return { claimed: true };
  const rows = await q.query<IdempotencyRow>(
    `SELECT request_hash, state, status_code, content_type, response_body, started_at, expires_at
       FROM idempotency_keys WHERE partner_id = $1 AND key = $2`,
    [claim.partnerId, claim.key],
  );
  return { claimed: false, existing: rows[0] };
}

/** Stores the response of the attempt that holds `key` (the row must still be that attempt's). */
export async function storeResponse(
  q: Queryable,
  held: HeldKey,
  response: StoredResponse,
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE idempotency_keys
        SET state = 'done', status_code = $4, content_type = $5, response_body = $6
      WHERE partner_id = $1 AND key = $2 AND attempt_id = $3 AND state = 'running'
      RETURNING 1 AS stored`,
    [held.partnerId, held.key, held.attemptId, response.statusCode, response.contentType ?? null, response.body],
  );
  return rows.length === 1;
}

/** Forgets a 'running' key whose response cannot be kept, so that a retry runs again. */
export async function releaseKey(
  q: Queryable,
  held: HeldKey,
): Promise<void> {
  await q.query(
    `DELETE FROM idempotency_keys
      WHERE partner_id = $1 AND key = $2 AND attempt_id = $3 AND state = 'running'`,
    [held.partnerId, held.key, held.attemptId],
  );
}

export function toStoredResponse(row: IdempotencyRow): StoredResponse {
  return {
    statusCode: row.status_code ?? 500,
    contentType: row.content_type ?? undefined,
    body: row.response_body ? Buffer.from(row.response_body) : Buffer.alloc(0),
  };
}
