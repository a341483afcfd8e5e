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

/** Most business days one clock advance may process (about 40 years). */
export const CLOCK_ADVANCE_DAYS_MAX = 15_000;

/**
 * An idempotency key left 'running' this long (a crashed or hung request) may be taken over by a
 * retry; until then a repeat gets 409.
 */
export const IDEMPOTENCY_RUNNING_STALE_MS = 5 * 60 * 1000;

/** Rate-limit window of the per-partner request limit, and most partners tracked at once. */
export const RATE_LIMIT_WINDOW_MS = 60 * 1000;
export const RATE_LIMIT_KEYS_MAX = 10_000;

/**
 * Live bearer tokens a process remembers for requests that need no idempotency record (reads), and
 * how long it trusts a remembered partner secret: a token only ever expires, but a partner's shared
 * secret may be changed by another process (at most this long unseen here).
 */
export const TOKEN_CACHE_ENTRIES_MAX = 10_000;
export const TOKEN_CACHE_TTL_MS = 60 * 1000;
