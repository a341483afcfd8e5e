/**
 * The operations to fuzz, read from the app itself: the routes Fastify has registered
 * (`printRoutes`) and, for each, its parameters and body schema as /openapi.json documents them.
 * A route of the API that the document does not describe is reported, so that none escapes.
 */
import type { FastifyInstance } from 'fastify';
import type { Schema } from './schema.ts';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Param {
  readonly name: string;
  readonly schema: Schema;
  readonly required: boolean;
}

/** One operation of the API: a method on a path template (`/api/v2/pockets/{pocket_id}/`). */
export interface Operation {
  /** `METHOD /path/{param}` as the document names it. */
  readonly id: string;
  readonly method: Method;
  readonly path: string;
  readonly pathParams: readonly Param[];
  readonly query: readonly Param[];
  /** The JSON body's schema; undefined when the route declares none (the fuzzer still sends some). */
  readonly body: Schema | undefined;
  /** Login: no token, no signature. */
  readonly public: boolean;
  /** Sandbox door: token, but no signature needed. */
  readonly sandbox: boolean;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** `/api/v2/pockets/:pocket_id` and `/api/v2/pockets/{pocket_id}/` both become `/api/v2/pockets/{}`. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/:[A-Za-z0-9_]+/g, '{}').replace(/\{[^}]+\}/g, '{}').replace(/\/$/, '')}`;
}

/**
 * Every (method, path) Fastify serves, from `printRoutes({ commonPrefix: false })`: a tree whose
 * depth is the indentation, each line a path suffix and its methods.
 */
export function registeredRoutes(app: FastifyInstance): { method: string; path: string }[] {
  const stack: string[] = [];
  const routes: { method: string; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack.push(path);
    for (const method of match[3]!.split(',').map((m) => m.trim())) routes.push({ method, path });
  }
  return routes;
}

function deref(schema: Schema | undefined, document: OpenApiDocument, depth = 0): Schema | undefined {
  if (!schema || depth > 20) return schema;
  if (schema.$ref) return deref(document.components?.schemas?.[schema.$ref.split('/').pop()!], document, depth + 1);
  const out: Record<string, unknown> = { ...schema };
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, deref(v, document, depth + 1)]));
  if (schema.items) out.items = deref(schema.items, document, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (schema[key]) out[key] = schema[key]!.map((v) => deref(v, document, depth + 1));
  }
  return out as Schema;
}

/** Bodies a route reads by hand (no body schema): what it accepts, so that good ones get through. */
const HAND_READ_BODIES: Record<string, Schema> = {
  'POST /api/v1/events/{}/redeliver': { type: 'object', properties: { subscription_id: { type: 'string', format: 'uuid' } } },
};

const known = new WeakMap<FastifyInstance, Promise<{ operations: Operation[]; undocumented: string[] }>>();

/**
 * The API's operations (paths under /api/), each with its schemas; and the registered API routes
 * (HEAD aside) that the document does not describe. Read once per app.
 */
export function apiOperations(app: FastifyInstance): Promise<{ operations: Operation[]; undocumented: string[] }> {
  let found = known.get(app);
  if (!found) known.set(app, (found = readOperations(app)));
  return found;
}

async function readOperations(app: FastifyInstance): Promise<{ operations: Operation[]; undocumented: string[] }> {
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApiDocument;
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const [lower, op] of Object.entries(methods)) {
      const method = lower.toUpperCase() as Method;
      const params = (where: string) =>
        (op.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, schema: deref(p.schema, document) ?? {}, required: p.required ?? where === 'path' }));
      const body = deref(op.requestBody?.content?.['application/json']?.schema, document) ?? HAND_READ_BODIES[routeKey(method, path)];
      operations.push({
        id: `${method} ${path}`,
        method,
        path,
        pathParams: params('path'),
        query: params('query'),
        body,
        public: path.startsWith('/api/v1/login'),
        sandbox: path.startsWith('/api/v1/sandbox'),
      });
    }
  }
  const documented = new Set(operations.map((op) => routeKey(op.method, op.path)));
  const undocumented = registeredRoutes(app)
    .filter((route) => route.path.startsWith('/api/') && route.method !== 'HEAD' && !documented.has(routeKey(route.method, route.path)))
    .map((route) => `${route.method} ${route.path}`);
  return { operations, undocumented };
}
