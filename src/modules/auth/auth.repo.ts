/**
 * SQL of the auth module: partners (credentials), login_throttles, partner_tokens, idempotency_keys.
 * All instants are wall-clock times passed in by the service; nothing here reads the time.
 */
import type { Queryable, Tx } from '../../platform/db/index.ts';
import type { StoredResponse } from './auth.domain.ts';
import type { ThrottleState } from './login-throttle.ts';

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
// Login throttles

/**
 * Locks the throttle rows of `keys` until `tx` ends, in key order, making the missing ones (no
 * failures yet, `now` as their last failure's instant), and returns them.
 */
export async function lockThrottles(tx: Tx, keys: readonly string[], now: Date): Promise<ThrottleState[]> {
  const rows = await tx.query<{ key: string; failures: number; last_failure_at: Date; locked_until: Date | null }>(
    `INSERT INTO login_throttles AS t (key, failures, last_failure_at)
     SELECT k, 0, $2 FROM unnest($1::text[]) AS k ORDER BY k
     ON CONFLICT (key) DO UPDATE SET failures = t.failures
     RETURNING key, failures, last_failure_at, locked_until`,
    [[...keys].sort(), now],
  );
  return rows.map((row) => ({ key: row.key, failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until }));
}

/** Writes throttle states (rows locked by lockThrottles; deferred: sent with the commit). */
export function writeThrottles(tx: Tx, states: readonly ThrottleState[]): void {
  tx.defer(
    `UPDATE login_throttles AS t SET failures = x.failures, last_failure_at = x.last_failure_at, locked_until = x.locked_until
       FROM jsonb_to_recordset($1::jsonb) AS x(key text, failures integer, last_failure_at timestamptz, locked_until timestamptz)
      WHERE t.key = x.key`,
    [JSON.stringify(states.map((s) => ({ key: s.key, failures: s.failures, last_failure_at: s.lastFailureAt, locked_until: s.lockedUntil })))],
  );
}

/** Forgets the throttles of `keys` (a successful login; deferred). */
export function clearThrottles(tx: Tx, keys: readonly string[]): void {
  tx.defer(`DELETE FROM login_throttles WHERE key IN (SELECT jsonb_array_elements_text($1::jsonb))`, [JSON.stringify(keys)]);
}

/**
 * Removes up to `rowsMax` rows whose last failure is before `before` and whose wait is over
 * (rows another login holds are skipped; deferred).
 */
export function pruneThrottles(tx: Tx, before: Date, rowsMax: number): void {
  tx.defer(
    `DELETE FROM login_throttles WHERE key IN (
       SELECT key FROM login_throttles
        WHERE last_failure_at < $1::timestamptz AND (locked_until IS NULL OR locked_until < $1::timestamptz)
        LIMIT $2::integer FOR UPDATE SKIP LOCKED)`,
    [before, rowsMax],
  );
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

export interface IdempotencyRow {
  request_hash: string;
  status_code: number | null;
  content_type: string | null;
  response_body: Uint8Array | null;
}

/**
 * The live bearer token's partner and shared secret, and, when `key` is given, the partner's
 * unexpired idempotency record of that key: one query for the door.
 */
export async function findLiveTokenAndKey(
  q: Queryable,
  tokenHash: string,
  now: Date,
  key: string | undefined,
): Promise<({ partner_id: string; shared_secret: string; token_expires_at: Date } & Partial<IdempotencyRow>) | undefined> {
  const rows = await q.query<{ partner_id: string; shared_secret: string; token_expires_at: Date } & Partial<IdempotencyRow>>(
    `SELECT t.partner_id, p.shared_secret, t.expires_at AS token_expires_at, k.request_hash, k.status_code, k.content_type, k.response_body
       FROM partner_tokens t JOIN partners p ON p.id = t.partner_id
       LEFT JOIN idempotency_keys k ON $3::uuid IS NOT NULL AND k.partner_id = t.partner_id AND k.key = $3::uuid AND k.expires_at > $2
      WHERE t.token_hash = $1 AND t.expires_at > $2`,
    [tokenHash, now, key ?? null],
  );
  return rows[0];
}

/** What a claim of a key found (lockKey). */
export interface KeyClaim {
  /** False when a concurrent transaction holds the key. */
  readonly locked: boolean;
  /** The key's unexpired record, when one exists (and the key was locked). */
  readonly existing: IdempotencyRow | undefined;
  /** An expired record of the key exists: the new record must replace it (insertRecordInTx). */
  readonly expired: boolean;
}

/**
 * Takes the key for the caller's transaction (an advisory lock held until it ends) and reads its
 * record, live or expired.
 *
 * `together` false: the lock comes first, in a statement of its own: under READ COMMITTED each
 * statement sees what was committed before it began, so the read that follows the lock sees a
 * record committed by the transaction that held the lock before us. The two are issued together
 * (pipelined: one round trip), and run in that order.
 *
 * `together` true: the lock and the read are one statement, whose snapshot is taken before the
 * lock is granted: a record committed by the lock's previous holder in between is not seen. Only
 * for a caller that writes the key's record with its change (insertRecordInTx): that insert then
 * meets the committed record's primary key, and the duplicate rolls back whole (isKeyTaken), as
 * when it loses the race with a record committed after its claim.
 */
export async function lockKey(tx: Tx, partnerId: string, key: string, now: Date, together: boolean): Promise<KeyClaim> {
  type Found = IdempotencyRow & { locked: boolean; live: boolean | null };
  const lockOf = (keyText: string) => `pg_try_advisory_xact_lock(hashtextextended($1::text || ':' || ${keyText}, 0))`;
  let row: Found | undefined;
  // Alone on its database (PGlite), a transaction cannot meet a concurrent duplicate: no lock.
  if (tx.alone || together) {
    // Over a set of keys, so that the claims of requests carried out together are one statement
    // (Tx.gather); each lock is taken on the key's text as given, as the two-statement form does.
    const rows = await tx.gather<Found & { key: string }>(
      `SELECT x.key, ${tx.alone ? 'true' : lockOf('x.key')} AS locked, k.request_hash, k.status_code, k.content_type, k.response_body,
              k.expires_at > $3::timestamptz AS live
         FROM unnest($2::text[]) AS x(key) LEFT JOIN idempotency_keys k ON k.partner_id = $1::uuid AND k.key = x.key::uuid`,
      [partnerId, [key], now],
      [1],
    );
    row = rows.find((found) => found.key === key);
  } else {
    const [[lock], found] = await Promise.all([
      tx.query<{ locked: boolean }>(`SELECT ${lockOf('$2::text')} AS locked`, [partnerId, key]),
      tx.query<Found>(
        `SELECT true AS locked, k.request_hash, k.status_code, k.content_type, k.response_body, k.expires_at > $3::timestamptz AS live
           FROM (SELECT 1) AS one LEFT JOIN idempotency_keys k ON k.partner_id = $1::uuid AND k.key = $2::uuid`,
        [partnerId, key, now],
      ),
    ]);
    row = found[0] && { ...found[0], locked: lock?.locked === true };
  }
  if (!row?.locked) return { locked: false, existing: undefined, expired: false };
  const existing = row.live === true ? { request_hash: row.request_hash, status_code: row.status_code, content_type: row.content_type, response_body: row.response_body } : undefined;
  return { locked: true, existing, expired: row.live === false };
}

/** An idempotency record to write: the request's fingerprint and the response it got. */
export interface KeyRecord {
  readonly partnerId: string;
  readonly key: string;
  readonly requestHash: string;
  readonly statusCode: number;
  readonly contentType: string | undefined;
  /** UTF-8 text of the response body. */
  readonly body: string;
  readonly now: Date;
  readonly expiresAt: Date;
}

const INSERT_RECORD = `INSERT INTO idempotency_keys AS k (partner_id, key, attempt_id, request_hash, state, status_code, content_type, response_body, started_at, expires_at)
     VALUES ($1::uuid, $2::uuid, gen_random_uuid(), $3, 'done', $4::integer, $5, convert_to($6, 'UTF8'), $7::timestamptz, $8::timestamptz)
     ON CONFLICT (partner_id, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, state = 'done', status_code = EXCLUDED.status_code, content_type = EXCLUDED.content_type,
            response_body = EXCLUDED.response_body, started_at = EXCLUDED.started_at, expires_at = EXCLUDED.expires_at
      WHERE k.expires_at <= EXCLUDED.started_at`;

function recordParams(r: KeyRecord): unknown[] {
  return [r.partnerId, r.key, r.requestHash, r.statusCode, r.contentType ?? null, r.body, r.now, r.expiresAt];
}

/**
 * Writes the record in the caller's transaction (deferred: it commits with the change it answers).
 * An expired record of the key goes first, unless `expired` is false: the caller's claim found
 * none (lockKey), and none can turn up later (a record written since is live). A live one
 * makes the insert fail on the primary key (SQLSTATE 23505, see `isKeyTaken`), so a duplicate that
 * slipped past the claim rolls back.
 */
export function insertRecordInTx(tx: Tx, record: KeyRecord, expired = true): void {
  if (expired) tx.defer(`DELETE FROM idempotency_keys WHERE partner_id = $1::uuid AND key = $2::uuid AND expires_at <= $3::timestamptz`, [record.partnerId, record.key, record.now]);
  // The record as JSON, so that the records of requests carried out together travel as one insert (Tx.defer's rows).
  const row = {
    key: record.key, request_hash: record.requestHash, status_code: record.statusCode, content_type: record.contentType ?? null, body: record.body,
    started_at: record.now.toISOString(), expires_at: record.expiresAt.toISOString(),
  };
  tx.defer(
    `INSERT INTO idempotency_keys (partner_id, key, attempt_id, request_hash, state, status_code, content_type, response_body, started_at, expires_at)
     SELECT $1::uuid, x.key, gen_random_uuid(), x.request_hash, 'done', x.status_code, x.content_type, convert_to(x.body, 'UTF8'), x.started_at, x.expires_at
       FROM jsonb_to_recordset($2::jsonb) AS x(key uuid, request_hash text, status_code integer, content_type text, body text, started_at timestamptz, expires_at timestamptz)`,
    [record.partnerId, JSON.stringify([row])],
    { rows: [1] },
  );
}

/** True for the error of a record inserted while a live one holds the key (a duplicate request). */
export function isKeyTaken(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  return e?.code === '23505' && (e.constraint === 'idempotency_keys_pkey' || String(e.message).includes('idempotency_keys_pkey'));
}

/**
 * Writes the record of a response that changed nothing (an error) in a transaction of its own,
 * unless a live record holds the key, and returns that record then (one statement). A record committed by another transaction after this
 * statement's snapshot was taken is neither overwritten nor returned: the caller's response goes
 * out as it is, which a request that changed nothing can afford.
 */
export async function insertRecord(q: Queryable, record: KeyRecord): Promise<IdempotencyRow | undefined> {
  const rows = await q.query<IdempotencyRow>(
    `WITH written AS (${INSERT_RECORD} RETURNING 1)
     SELECT k.request_hash, k.status_code, k.content_type, k.response_body
       FROM idempotency_keys k
      WHERE NOT EXISTS (SELECT 1 FROM written) AND k.partner_id = $1::uuid AND k.key = $2::uuid AND k.expires_at > $7::timestamptz`,
    recordParams(record),
  );
  return rows[0];
}

export function toStoredResponse(row: IdempotencyRow): StoredResponse {
  return {
    statusCode: row.status_code ?? 500,
    contentType: row.content_type ?? undefined,
    body: row.response_body ? Buffer.from(row.response_body) : Buffer.alloc(0),
  };
}
