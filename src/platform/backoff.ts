/** Delay before attempt number `attempt + 1`, in milliseconds, after attempt number `attempt` failed. */
export type Backoff = (attempt: number) => number;

/**
 * Exponential backoff: `baseMs * factor^(attempt - 1)`, capped at `capMs`.
 * @param options.baseMs delay after the first failed attempt, in milliseconds.
 * @param options.factor growth per attempt (default 2). @param options.capMs longest delay (default 1 hour).
 */
export function exponentialBackoff(options: { baseMs: number; factor?: number; capMs?: number }): Backoff {
  const factor = options.factor ?? 2;
  const capMs = options.capMs ?? 3600 * 1000;
  return (attempt) => Math.min(capMs, Math.round(options.baseMs * factor ** Math.max(0, attempt - 1)));
}
