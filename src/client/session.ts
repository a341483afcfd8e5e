/**
 * The client's login session: one bearer token at a time, obtained through POST /api/v1/login/,
 * renewed a little before it expires and whenever the server says it no longer holds. Concurrent
 * requests that need a new token share one login.
 */

/** A bearer token and the instant it stops working (the login's `expires`). */
export interface Session {
  readonly token: string;
  readonly expires: Date;
}

/** A refused login: the status and Jiko's `{detail}` body the server answered. */
export class LoginError extends Error {
  override name = 'LoginError';
  /** HTTP status of the login (401 bad credentials, 429 throttled, 0 when no answer came). */
  readonly status: number;
  /** The answer's body (Jiko's `{detail}` shape), when there was one. */
  readonly body: unknown;
  constructor(username: string, status: number, body: unknown) {
    super(`pocketbook login as ${username} failed: ${status} ${JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

/** A token is renewed when less than this is left of it (or a tenth of its lifetime, if shorter). */
export const TOKEN_RENEW_MARGIN_MS_MAX = 60_000;

/** Keeps the session of one client. */
export interface SessionKeeper {
  /** The session in use, if any (whether or not it is still valid). */
  current(): Session | undefined;
  /** A token that is not about to expire by `clock`, logging in when there is none. */
  token(): Promise<string>;
  /**
   * Logs in again unless the session no longer holds `stale` (another request renewed it
   * meanwhile); with no argument, always logs in.
   * @throws LoginError when the login is refused.
   */
  renew(stale?: string): Promise<Session>;
}

/** When to renew a session obtained at `obtainedMs`: a little before it expires. */
function renewAtMs(session: Session, obtainedMs: number): number {
  const lifetimeMs = session.expires.getTime() - obtainedMs;
  return session.expires.getTime() - Math.max(0, Math.min(TOKEN_RENEW_MARGIN_MS_MAX, lifetimeMs / 10));
}

/**
 * @param login one POST /api/v1/login/ (throws LoginError when refused).
 * @param now the client's clock (the session is renewed when `expires` is near by it).
 * @param initial a session obtained earlier (another client's), used until it is due for renewal.
 */
export function sessionKeeper(login: () => Promise<Session>, now: () => Date, initial?: Session): SessionKeeper {
  let current: { session: Session; renewAtMs: number } | undefined = initial && { session: initial, renewAtMs: renewAtMs(initial, now().getTime()) };
  let pending: Promise<Session> | undefined;

  function start(): Promise<Session> {
    pending ??= (async () => {
      const startedMs = now().getTime();
      try {
        const session = await login();
        current = { session, renewAtMs: renewAtMs(session, startedMs) };
        return session;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  }

  return {
    current: () => current?.session,
    async token() {
      if (current && now().getTime() < current.renewAtMs) return current.session.token;
      return (await start()).token;
    },
    async renew(stale) {
      if (pending) return pending;
      if (stale !== undefined && current && current.session.token !== stale) return current.session;
      return start();
    },
  };
}
