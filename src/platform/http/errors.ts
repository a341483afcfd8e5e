/**
 * Coded errors. Domain code throws `DomainError` with a stable code (`pockets.not_found`) and a
 * kind; it never speaks HTTP. The table below is the one place where a kind becomes an HTTP status
 * and a Jiko-shaped body (FastAPI style: `{detail: ...}`).
 */

/** What went wrong, from the caller's point of view. */
export type ErrorKind =
  | 'invalid' // 422: the request is not acceptable as sent
  | 'not_found' // 404: no such object for this tenant
  | 'unauthorized' // 401: missing, malformed, expired or wrong credentials
  | 'forbidden' // 403
  | 'conflict' // 409: the request collides with one in progress or with current state
  | 'precondition' // 412: e.g. a portal already closed
  | 'rate_limited'; // 429

/** One entry of a 422 body: where (`["body", "amount", "amount_usdc"]`), what, and a type code. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    /** Stable machine code, `<module>.<reason>` (e.g. `transfers.insufficient_funds`). */
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    /** For `invalid`: the fields at fault; defaults to one issue naming the code. */
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
  }
}

/** A 422 about one field: `invalid(['body', 'amount_usdc'], 'must be positive')`. */
export function invalid(loc: (string | number)[], msg: string, type = 'value_error', code = 'request.invalid'): DomainError {
  return new DomainError(code, 'invalid', msg, [{ loc, msg, type }]);
}

/** The 404 every tenant sees for an id it does not own or that does not exist. */
export function notFound(code = 'request.not_found'): DomainError {
  return new DomainError(code, 'not_found', 'Not Found');
}

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 422,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  precondition: 412,
  rate_limited: 429,
};

/** The HTTP status and Jiko-shaped body of a domain error. */
export function toHttp(error: DomainError): { status: number; body: unknown } {
  const status = STATUS_BY_KIND[error.kind];
  switch (error.kind) {
    case 'invalid':
      return {
        status,
        body: { detail: error.issues ?? [{ loc: ['body'], msg: error.message, type: error.code }] },
      };
    case 'not_found':
      return { status, body: { detail: 'Not Found' } };
    default:
      return { status, body: { detail: error.message } };
  }
}
