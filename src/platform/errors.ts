/**
 * Coded domain errors. Domain code throws `DomainError` with a stable code (`pockets.not_found`), a
 * kind, and, for invalid input, the fields at fault as paths in domain terms (`['fromPocket']`,
 * `['amount', 'type']`). It never speaks a wire format: each door turns kinds into statuses and
 * field paths into its own locations (the Partner door: api/jiko/errors.ts).
 */

/** What went wrong, from the caller's point of view. */
export type ErrorKind =
  | 'invalid' // the request is not acceptable as sent
  | 'not_found' // no such object for this tenant
  | 'unauthorized' // missing, malformed, expired or wrong credentials
  | 'forbidden'
  | 'conflict' // collides with a request in progress or with current state
  | 'precondition' // e.g. a portal already closed
  | 'too_large' // a body over its limit (an upload)
  | 'rate_limited'
  | 'unavailable'; // a dependency (the database) does not answer

/** One field at fault: its domain path (`['amount', 'amountCents']`), what is wrong, and a type code. */
export interface FieldIssue {
  readonly field: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

export class DomainError extends Error {
  override name = 'DomainError';
  /** Stable machine code, `<module>.<reason>` (e.g. `transfers.insufficient_funds`). */
  readonly code: string;
  readonly kind: ErrorKind;
  /** For `invalid`: the fields at fault. */
  readonly issues: readonly FieldIssue[] | undefined;
  /** Seconds the caller should wait before trying again (rate_limited, unavailable). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, kind: ErrorKind, message: string, issues?: readonly FieldIssue[], retryAfterSeconds?: number) {
    super(message);
    this.code = code;
    this.kind = kind;
    this.issues = issues;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Invalid input about one field: `invalid(['amount'], 'must be positive')`. */
export function invalid(field: readonly (string | number)[], msg: string, type = 'value_error', code = 'request.invalid'): DomainError {
  return new DomainError(code, 'invalid', msg, [{ field, msg, type }]);
}

/** The "not found" every tenant sees for an id it does not own or that does not exist. */
export function notFound(code = 'request.not_found'): DomainError {
  return new DomainError(code, 'not_found', 'Not Found');
}
