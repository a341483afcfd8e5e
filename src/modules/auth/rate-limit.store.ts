import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { WallClock } from '../../platform/clock.ts';
import { RATE_LIMIT_KEYS_MAX } from '../../platform/limits.ts';

interface Window {
  count: number;
  startMs: number;
}

/**
 * A fixed-window counter store for `@fastify/rate-limit` that reads the wall clock (the library's
 * own store reads the machine's time) and is shared by every context of one app: the Partner API
 * and the sandbox endpoints count against the same per-partner budget. At most
 * RATE_LIMIT_KEYS_MAX keys are tracked; the oldest go first when it is full.
 * Per process: N API processes allow N times the limit (a shared store would fix that).
 */
export class WallClockRateStore implements FastifyRateLimitStore {
  private readonly windows: Map<string, Window>;
  private readonly clock: WallClock;

  constructor(windows: Map<string, Window>, clock: WallClock) {
    this.windows = windows;
    this.clock = clock;
  }

  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
    const nowMs = this.clock.now().getTime();
    let window = this.windows.get(key);
    if (!window || window.startMs + timeWindow <= nowMs) {
      if (!window) this.makeRoom(nowMs, timeWindow);
      window = { count: 0, startMs: nowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    callback(null, { current: window.count, ttl: window.startMs + timeWindow - nowMs });
  }

  child(): FastifyRateLimitStore {
    return this;
  }

  private makeRoom(nowMs: number, timeWindow: number): void {
    if (this.windows.size < RATE_LIMIT_KEYS_MAX) return;
    for (const [key, window] of this.windows) {
      if (window.startMs + timeWindow <= nowMs) this.windows.delete(key);
    }
    while (this.windows.size >= RATE_LIMIT_KEYS_MAX) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}

const windowsByOwner = new WeakMap<object, Map<string, Window>>();

/**
 * The store constructor to pass to `@fastify/rate-limit`: every registration made with the same
 * `owner` (the app's deps) shares one set of counters.
 */
export function sharedRateStore(owner: object, clock: WallClock): FastifyRateLimitStoreCtor {
  let windows = windowsByOwner.get(owner);
  if (!windows) {
    windows = new Map();
    windowsByOwner.set(owner, windows);
  }
  const shared = windows;
  return class extends WallClockRateStore {
    constructor() {
      super(shared, clock);
    }
  };
}
