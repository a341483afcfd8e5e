import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from './deps.ts';
import { httpConventions } from './platform/http/index.ts';
import { REQUEST_BODY_BYTES_MAX } from './platform/limits.ts';
import { partnerApi } from './api/partner/index.ts';
import { sandboxApi } from './api/sandbox/index.ts';
import { healthRoutes } from './api/health.routes.ts';
import { eventWebhooksOpenApi } from './modules/events/index.ts';
import type { Services } from './services.ts';

export interface BuildAppOptions {
  /** Log requests (the server does; tests keep quiet). */
  readonly logger?: boolean;
}

/**
 * Builds the HTTP application around already-built services; never listens. Tests call
 * `app.inject()` on it; `main.ts` listens.
 */
export async function buildApp(deps: AppDeps, services: Services, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: deps.config.logLevel } : false,
    bodyLimit: REQUEST_BODY_BYTES_MAX,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(httpConventions);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'pocketbook Partner API',
        version: '0.1.0',
        description: "A Jiko-compatible banking core in which every dollar sits in US Treasury bills.",
      },
      components: {
        securitySchemes: {
          HTTPBearer: { type: 'http', scheme: 'bearer' },
        },
      },
      // The event catalog's deliveries (OpenAPI 3.1 webhooks).
      webhooks: eventWebhooksOpenApi(),
    } as never,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { hide: true } }, async (_request, reply) => reply.type('application/json').send('"OK"'));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { db: deps.db });

  const { config, wallClock } = deps;
  // One set of rate-limit counters per app, shared by the Partner and sandbox doors.
  const rateOwner = {};
  const common = { config, wallClock, rateOwner, auth: services.auth, tenancy: services.tenancy, scheduler: services.scheduler, events: services.events };
  await app.register(partnerApi, {
    ...common,
    market: services.market,
    onboarding: services.onboarding,
    pockets: services.pockets,
    activity: services.activity,
    onUs: services.onUs,
  });
  if (config.mode === 'sandbox') await app.register(sandboxApi, { ...common, sandbox: services.sandbox });

  await app.ready();
  return app;
}
