import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { type OpenApiDocument, decorateDocument, markDoor, openApiBase, withServer } from './openapi.ts';
import { DOCS_PREFIX, tryItUi } from './try-it.ts';

export { type DocsDoor, documentDoor } from './door.ts';

/** What the API reference is given. */
export interface ApiReferenceOptions {
  readonly config: Config;
}

/** The scheme, host and port the client used (`http://127.0.0.1:8000`). */
function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The OpenAPI document of the routes registered after apiReference, as GET /openapi.json serves
     * it without its `servers` entry (`{ yaml: true }`: as YAML text); built at the first call.
     */
    openApiDocument(options?: { yaml?: boolean }): Promise<unknown>;
  }
}

/**
 * The API reference: `GET /openapi.json` (OpenAPI 3.1, built from the route schemas with each
 * door's headers, errors and the examples, see openapi.ts) and `/docs`, Swagger UI whose "Try it
 * out" logs in and signs requests in the browser (see try-it.ts). Register it before the doors:
 * it documents the routes registered after it.
 *
 * The document is made by @fastify/swagger at its first request, not at start: this plugin keeps
 * the routes as they are registered (as @fastify/swagger's own hook does), and the first request
 * registers them again, without handlers or compiled schemas, in an app of the plugin's own.
 * @fastify/swagger and its YAML writer were about 140 of the modules a start loaded (yaml alone 72).
 */
export const apiReference = fp(async (app: FastifyInstance, options: ApiReferenceOptions) => {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  let documented: Promise<FastifyInstance> | undefined;
  const documentedApp = (): Promise<FastifyInstance> =>
    (documented ??= documentRoutes(routes).catch((error: unknown) => {
      documented = undefined;
      throw error;
    }));
  app.decorate('openApiDocument', async (opts?: { yaml?: boolean }) => (await documentedApp()).swagger(opts as never));
  // The page's own copy names its server relatively: "Try it out" then calls the origin the page was
  // loaded from, whatever a proxy in front says the scheme is.
  swaggerUiOnFirstUse(app, documentedApp, () => tryItUi(options.config, (document) => withServer(document as OpenApiDocument, '/')));
  // The downloadable document names the server absolutely, for tools that import it from a file.
  app.get('/openapi.json', { schema: { hide: true } }, async (request) => withServer((await app.openApiDocument()) as OpenApiDocument, origin(request)));
  // Named: fastify-plugin otherwise reads a name off a stack trace, which the bundle's source maps make slow.
}, { name: 'pocketbook-api-reference' });

/**
 * An app that has @fastify/swagger (with pocketbook's base document, door marks and decorations,
 * openapi.ts) and `routes` registered as they were, answering nothing: its `swagger()` is the
 * document. No schema is compiled (it validates and serializes no request). HEAD routes are
 * registered as recorded, none added, and @fastify/swagger leaves them out as it did.
 */
async function documentRoutes(routes: readonly RouteOptions[]): Promise<FastifyInstance> {
  const { default: swagger } = await import('@fastify/swagger');
  const docs = Fastify({ exposeHeadRoutes: false });
  docs.setValidatorCompiler(() => () => true);
  docs.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
  await docs.register(swagger, {
    openapi: openApiBase() as never,
    transform: markDoor as never,
    transformObject: ({ openapiObject }: { openapiObject?: unknown }) => decorateDocument(openapiObject as OpenApiDocument) as never,
  } as never);
  const answerNothing = async () => undefined;
  for (const route of routes) {
    docs.route({
      method: route.method,
      url: route.url,
      handler: answerNothing,
      ...(route.schema ? { schema: route.schema } : {}),
      ...(route.config ? { config: route.config } : {}),
      ...(route.constraints ? { constraints: route.constraints } : {}),
    });
  }
  await docs.ready();
  return docs;
}

/** Response headers of the page's app not passed on: the server in front sets its own. */
const HOP_HEADERS = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding']);

/**
 * Swagger UI under DOCS_PREFIX (the page, its assets, the page's copy of the document), built on
 * the first request to it: @fastify/swagger-ui, @fastify/static and yaml cost a start about a
 * hundred modules (0.05-0.1 s of CPU) that most processes (a restart, a test, a CLI call) never
 * use. Two hidden routes take every GET (and so HEAD) under DOCS_PREFIX and pass it to an app of the
 * plugin's own, built once, whose answer (status, headers, bytes) they return as is; what that app
 * does not serve is this app's 404. The plugin reads the document from the documented app's
 * `swagger()` (documentRoutes).
 */
function swaggerUiOnFirstUse(app: FastifyInstance, documentedApp: () => Promise<FastifyInstance>, options: () => FastifySwaggerUiOptions): void {
  let ui: Promise<FastifyInstance> | undefined;
  const build = async (): Promise<FastifyInstance> => {
    const [{ default: swaggerUi }, docs] = await Promise.all([import('@fastify/swagger-ui'), documentedApp()]);
    // Routes as this app has them (a trailing slash makes no difference).
    const page = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    // The plugin needs @fastify/swagger's `swagger()`: the documented app's, named so the plugin finds it.
    await page.register(
      fp(
        async (inner: FastifyInstance) => {
          inner.decorate('swagger', ((opts?: never) => docs.swagger(opts)) as never);
        },
        { name: '@fastify/swagger' },
      ),
    );
    await page.register(swaggerUi, options());
    await page.ready();
    return page;
  };
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    ui ??= build().catch((error: unknown) => {
      ui = undefined;
      throw error;
    });
    const page = await ui;
    // A HEAD is this app's GET without the body (Fastify's HEAD routes): the page's app gets the GET.
    const answer = await page.inject({ method: 'GET', url: request.url, headers: request.headers });
    if (answer.statusCode === 404) return reply.callNotFound();
    for (const [name, value] of Object.entries(answer.headers)) if (!HOP_HEADERS.has(name) && value !== undefined) reply.header(name, value);
    // A redirect has no body (nor a content type to give one).
    return reply.code(answer.statusCode).send(answer.rawPayload.length > 0 ? answer.rawPayload : undefined);
  };
  app.get(DOCS_PREFIX, { schema: { hide: true } }, serve);
  app.get(`${DOCS_PREFIX}/*`, { schema: { hide: true } }, serve);
}
