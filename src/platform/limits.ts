/**
 * Named limits, together in one place (qualifier last: PAGE_SIZE_MAX). Every list, body, timeout,
 * queue and retry in pocketbook is bounded by one of these.
 */

/** Default and maximum `limit` of CursorList endpoints (Jiko: default 30, max 100). */
export const PAGE_SIZE_DEFAULT = 30;
export const PAGE_SIZE_MAX = 100;

/** Largest request body accepted by the HTTP server. */
export const REQUEST_BODY_BYTES_MAX = 1024 * 1024;

/** How long an idempotency key is remembered (Jiko: a key reused within 1 hour is a repeat). */
export const IDEMPOTENCY_WINDOW_MS = 60 * 60 * 1000;

/** Jiko sandbox fund limits: 0 < amount_usdc < 5,000,000 cents, 0 < count < 10. */
export const SANDBOX_FUND_AMOUNT_CENTS_MAX = 5_000_000;
export const SANDBOX_FUND_COUNT_MAX = 9;

/** Webhook delivery bounds. */
export const WEBHOOK_BODY_BYTES_MAX = 256 * 1024;
export const WEBHOOK_RESPONSE_BYTES_MAX = 64 * 1024;

/**
 * Most days (of 24 hours) one sandbox clock move may cover once the tenant has pockets: two years.
 * The move and all the due work it makes run in one transaction, which this keeps bounded; a
 * longer trip is several moves.
 */
export const CLOCK_ADVANCE_DAYS_MAX = 731;

/**
 * An idempotency key left 'running' this long (a crashed or hung request) may be taken over by a
 * retry; until then a repeat gets 409.
 */
export const IDEMPOTENCY_RUNNING_STALE_MS = 5 * 60 * 1000;

/** Rate-limit window of the per-partner request limit, and most partners tracked at once. */
export const RATE_LIMIT_WINDOW_MS = 60 * 1000;
export const RATE_LIMIT_KEYS_MAX = 10_000;

/**
 * Failed-login throttling (POST /api/v1/login/), per username and per client address: after
 * LOGIN_*_FAILURES_FREE failures in a row, each further failure makes the next attempt wait,
 * LOGIN_WAIT_MS_MIN doubling up to LOGIN_WAIT_MS_MAX. Failures are forgotten after a success, or
 * after LOGIN_FAILURES_FORGET_MS without one. An address gets more free failures than a username:
 * many partners may log in from behind one address.
 */
export const LOGIN_USERNAME_FAILURES_FREE = 5;
export const LOGIN_ADDRESS_FAILURES_FREE = 50;
export const LOGIN_WAIT_MS_MIN = 1_000;
export const LOGIN_WAIT_MS_MAX = 15 * 60 * 1000;
export const LOGIN_FAILURES_FORGET_MS = 24 * 60 * 60 * 1000;
/** Stale throttle rows one login removes, at most. */
export const LOGIN_THROTTLE_PRUNE_ROWS_MAX = 100;

/**
 * Live bearer tokens a process remembers, so that a request whose token it saw lately needs no
 * query to authenticate, and how long it trusts a remembered partner secret: a token only ever
 * expires, but a partner's shared secret may be changed by another process (at most this long
 * unseen here).
 */
export const TOKEN_CACHE_ENTRIES_MAX = 10_000;
export const TOKEN_CACHE_TTL_MS = 60 * 1000;

/**
 * Uploaded documents (Jiko: `content-length` below 50 MB; ID images, selfies and passports at most
 * 5 MB). Enforced on the declared length before a byte is read, and again while streaming.
 */
export const DOCUMENT_BYTES_MAX = 50 * 1024 * 1024;
export const DOCUMENT_ID_IMAGE_BYTES_MAX = 5 * 1024 * 1024;
/** File names kept from `content-disposition`, at most (longer ones are refused). */
export const DOCUMENT_FILE_NAME_CHARS_MAX = 255;
/** Files one sandbox review run decides for a tenant, at most; the rest wait for the next run. */
export const DOCUMENT_REVIEWS_PER_RUN_MAX = 500;

/** Related parties of one business application, and its invites and team members, at most. */
export const RELATED_PARTIES_MAX = 20;
export const APPLICATION_MEMBERS_MAX = 50;
