import { DomainError, type FieldIssue } from '../../platform/errors.ts';

/**
 * The auth module's coded errors. The 401 messages say which part of the request is at fault
 * (integrators need that to fix their client) but never anything about the partner or its secret.
 */
export const authErrors = {
  invalidPartner: (issues: FieldIssue[]) =>
    new DomainError('auth.invalid_partner', 'invalid', issues[0]?.msg ?? 'invalid partner', issues),
  usernameTaken: () =>
    new DomainError('auth.username_taken', 'invalid', 'username already exists', [
      { field: ['username'], msg: 'username already exists', type: 'value_error' },
    ]),
  badCredentials: () => new DomainError('auth.bad_credentials', 'unauthorized', 'Incorrect username or password'),
  tokenMissing: () => new DomainError('auth.token_missing', 'unauthorized', 'Not authenticated'),
  tokenInvalid: () => new DomainError('auth.token_invalid', 'unauthorized', 'Invalid or expired token'),
  idempotencyKeyMissing: () =>
    new DomainError('auth.idempotency_key_missing', 'unauthorized', 'Missing x-jiko-idempotency header'),
  idempotencyKeyMalformed: () =>
    new DomainError('auth.idempotency_key_malformed', 'unauthorized', 'x-jiko-idempotency must be a UUID'),
  partnerIdMismatch: () =>
    new DomainError('auth.partner_id_mismatch', 'unauthorized', 'x-jiko-partner-id is not the id of the authenticated partner'),
  signatureMissing: () => new DomainError('auth.signature_missing', 'unauthorized', 'Missing x-jiko-signature header'),
  signatureInvalid: () => new DomainError('auth.signature_invalid', 'unauthorized', 'Invalid request signature'),
  unsignedBody: () =>
    new DomainError('auth.unsigned_body', 'unauthorized', 'Signed requests must send their body as application/json'),
  idempotencyMismatch: () =>
    new DomainError('auth.idempotency_key_reused', 'invalid', 'x-jiko-idempotency was already used for a different request', [
      { field: ['idempotencyKey'], msg: 'key already used for a different request within the last hour', type: 'value_error' },
    ]),
  idempotencyInProgress: () =>
    new DomainError('auth.idempotency_in_progress', 'conflict', 'A request with this x-jiko-idempotency key is still in progress'),
  rateLimited: (retryAfterSeconds: number) =>
    new DomainError('auth.rate_limited', 'rate_limited', `Rate limit exceeded, retry in ${retryAfterSeconds} seconds`),
  /** Too many failed logins for the username or from the address; the same for unknown usernames. */
  loginThrottled: (retryAfterSeconds: number) =>
    new DomainError('auth.login_throttled', 'rate_limited', `Too many failed logins, retry in ${retryAfterSeconds} seconds`, undefined, retryAfterSeconds),
  idempotencyReplay: () =>
    new DomainError('auth.idempotency_replay', 'conflict', 'A request with this x-jiko-idempotency key has just completed; retry to get its response'),
};
