import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { type OpenApiDocument, decorateDocument, markDoor, openApiBase, withServer } from './openapi.ts';
import { tryItUi } from './try-it.ts';

export { type DocsDoor, documentDoor } from './door.ts';

/** What the API reference is given. */
export interface ApiReferenceOptions {
  readonly config: Config;
}

/** The scheme, host and port the client used (`http://127.0.0.1:8000`). */
function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * The API reference: `GET /openapi.json` (OpenAPI 3.1, built from the route schemas with each
 * door's headers, errors and the examples, see openapi.ts) and `/docs`, Swagger UI whose "Try it
 * out" logs in and signs requests in the browser (see try-it.ts). Register it before the doors:
 * it documents the routes registered after it.
 */
export const apiReference = fp(async (app: FastifyInstance, options: ApiReferenceOptions) => {
  await app.register(swagger, {
    openapi: openApiBase() as never,
    transform: markDoor as never,
    transformObject: ({ openapiObject }: { openapiObject?: unknown }) => decorateDocument(openapiObject as OpenApiDocument) as never,
  } as never);
  // The page's own copy names its server relatively: "Try it out" then calls the origin the page was
  // loaded from, whatever a proxy in front says the scheme is.
  await app.register(swaggerUi, tryItUi(options.config, (document) => withServer(document as OpenApiDocument, '/')));
  // The downloadable document names the server absolutely, for tools that import it from a file.
  app.get('/openapi.json', { schema: { hide: true } }, async (request) => withServer(app.swagger() as OpenApiDocument, origin(request)));
});
