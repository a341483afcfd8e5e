import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { type AuthService, authErrors, sharedRateStore } from '../../modules/auth/index.ts';
import type { WallClock } from '../../platform/clock.ts';
import { DateTimeString, DetailErrorSchema, ValidationErrorSchema } from '../../platform/http/index.ts';
import { RATE_LIMIT_WINDOW_MS } from '../../platform/limits.ts';

const LoginInput = Type.Object({
  username: Type.String({ maxLength: 128 }),
  password: Type.String({ maxLength: 128 }),
});

const LoginResponse = Type.Object({
  token: Type.String({ description: 'Bearer token for the Authorization header' }),
  expires: DateTimeString('When the token stops working'),
});

const loginSchema = {
  tags: ['Security'],
  summary: 'Login',
  description:
    'Exchanges the partner username and password for a bearer token valid 60 minutes. After a few failed logins for a ' +
    'username, or many from one address, further attempts wait a growing time (429 with Retry-After).',
  operationId: 'Security_authenticateUser',
  security: [],
  body: LoginInput,
  response: { 200: LoginResponse, 401: DetailErrorSchema, 422: ValidationErrorSchema, 429: DetailErrorSchema },
} as const;

/**
 * POST /api/v1/login/: username and password in, bearer token out. No token, signature or
 * idempotency key. Against password guessing: requests are limited per client IP
 * (config.rateLimitPerMinute), and failed logins are throttled per username and per client IP
 * with a growing wait (429 with Retry-After; the auth module's login throttle).
 */
/** What the login route is given. */
export interface LoginRoutesOptions {
  readonly auth: AuthService;
  readonly config: Config;
  readonly wallClock: WallClock;
  /** Shared with the door's rate limits (one set of counters per app). */
  readonly rateOwner: object;
}

export async function loginRoutes(app: FastifyInstance, options: LoginRoutesOptions): Promise<void> {
  const { config, wallClock } = options;
  await app.register(rateLimit, { global: false, store: sharedRateStore(options.rateOwner, wallClock) });

  app.post<{ Body: { username: string; password: string } }>(
    '/api/v1/login/',
    {
      schema: loginSchema,
      config: {
        rateLimit: {
          max: config.rateLimitPerMinute,
          timeWindow: RATE_LIMIT_WINDOW_MS,
          keyGenerator: (request) => `login:${request.ip}`,
          errorResponseBuilder: (_request, context) => authErrors.rateLimited(Math.ceil(context.ttl / 1000)),
        },
      },
    },
    async (request) => {
      const { token, expires } = await options.auth.login(request.body.username, request.body.password, request.ip);
      return { token, expires: expires.toISOString() };
    },
  );
}
