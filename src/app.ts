import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from './deps.ts';
import { httpConventions } from './platform/http/index.ts';
import { REQUEST_BODY_BYTES_MAX } from './platform/limits.ts';
import { partnerApi } from './api/partner/index.ts';
import { sandboxApi } from './api/sandbox/index.ts';
import type { Services } from './services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    deps: AppDeps;
  }
}

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

  app.decorate('services', services);
  app.decorate('deps', deps);
  await app.register(httpConventions);

  await app.register(swagger, {
    openapi: {
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
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { hide: true } }, async (_request, reply) => reply.type('application/json').send('"OK"'));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(partnerApi);
  if (deps.config.mode === 'sandbox') await app.register(sandboxApi);

  await app.ready();
  return app;
}
