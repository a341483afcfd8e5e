import type { RouteOptions } from 'fastify';

/**
 * How a door guards its routes, as the API reference tells it:
 * - `signed`: bearer token, `x-jiko-idempotency` and `x-jiko-signature` (the Partner API);
 * - `bearer`: bearer token only, an idempotency key honoured when sent (the sandbox endpoints);
 * - `public`: nothing (login, health).
 */
export type DocsDoor = 'signed' | 'bearer' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by the door that guards the route (`documentDoor`); unset means `public`. */
    docsDoor?: DocsDoor;
  }
}

/**
 * An `onRoute` hook for the context of a door: marks each route registered after it with the
 * door's guard, which the OpenAPI document turns into headers, security and error responses. The
 * hook that enforces the guard installs it, so the reference cannot say otherwise than the door does.
 */
export function documentDoor(door: DocsDoor): (route: RouteOptions) => void {
  return (route) => {
    route.config = { ...route.config, docsDoor: door };
  };
}
