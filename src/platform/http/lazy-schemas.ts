import { createRequire } from 'node:module';
import type { FastifyInstance, FastifySchemaCompiler, FastifyServerOptions } from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';

/**
 * Request validators and response serializers compiled on first use instead of at boot.
 *
 * Fastify compiles an Ajv validator for each request part and a fast-json-stringify serializer for
 * each response status of every route while the app is built: with this API's schemas that was
 * most of building the app (about 0.6 s of a 1-2 s start), though a process answers a handful of
 * the routes before it exits (a test, a CLI call) or long after boot. Here each route gets a
 * stand-in that compiles the same schema with the same compiler on its first call and then calls
 * the compiled function; behaviour and output are the same, only when the work is done changes.
 *
 * A schema that does not compile therefore fails its first request rather than boot: the app's
 * stand-ins not yet compiled are kept per app, and `compilePendingSchemas` compiles them all at
 * once (test/startup.test.ts does, so a broken schema still fails the suite).
 */

/** The stand-ins of each app not yet compiled (compiling removes them). */
const pendingByApp = new WeakMap<FastifyInstance, Set<() => void>>();

function pendingOf(app: FastifyInstance): Set<() => void> {
  let pending = pendingByApp.get(app);
  if (!pending) {
    pending = new Set();
    pendingByApp.set(app, pending);
  }
  return pending;
}

/** An Ajv-style validator: returns whether the data is valid and leaves its issues in `errors`. */
interface Validator {
  (this: unknown, data: unknown, ...rest: unknown[]): unknown;
  errors?: unknown;
}

/**
 * A validator that compiles `compile()` on its first call. Fastify reads a failed validation's
 * issues from the function's `errors` property, so the stand-in copies them after each call.
 */
function validatorOnFirstUse(compile: () => Validator, pending: Set<() => void>): Validator {
  let compiled: Validator | undefined;
  const ensure = (): Validator => {
    if (!compiled) {
      compiled = compile();
      pending.delete(ensure);
    }
    return compiled;
  };
  pending.add(ensure);
  const validate: Validator = function (this: unknown, data: unknown, ...rest: unknown[]) {
    const inner = ensure();
    const valid = inner.call(this, data, ...rest);
    validate.errors = inner.errors;
    return valid;
  };
  validate.errors = null;
  return validate;
}

/** A serializer that compiles `compile()` on its first call. */
function serializerOnFirstUse(compile: () => (data: unknown) => string, pending: Set<() => void>): (data: unknown) => string {
  let compiled: ((data: unknown) => string) | undefined;
  const ensure = (): ((data: unknown) => string) => {
    if (!compiled) {
      compiled = compile();
      pending.delete(ensure);
    }
    return compiled;
  };
  pending.add(ensure);
  return (data) => ensure()(data);
}

/** `compiler` (e.g. requestValidators()) with each validator compiled on first use; install with `app.setValidatorCompiler`. */
export function validatorsOnFirstUse(app: FastifyInstance, compiler: FastifySchemaCompiler<unknown>): FastifySchemaCompiler<unknown> {
  const pending = pendingOf(app);
  return (route) => validatorOnFirstUse(() => compiler(route) as Validator, pending) as ReturnType<FastifySchemaCompiler<unknown>>;
}

/** Fastify's `schemaController.compilersFactory` option. */
type FastifyCompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** A Fastify compiler factory (`schemaController.compilersFactory`): shared schemas and options -> compiler. */
type CompilerFactory = (externalSchemas: unknown, options: unknown) => (route: never) => unknown;

/** Fastify's own default compilers (dependencies of Fastify), each loaded on first use. */
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));
let defaultSerializers: CompilerFactory | undefined;
let defaultValidators: CompilerFactory | undefined;

/** Fastify's default serializer factory (@fastify/fast-json-stringify-compiler), loaded now if not yet. */
function fastifySerializers(): CompilerFactory {
  defaultSerializers ??= (fastifyRequire('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => CompilerFactory }).SerializerSelector();
  return defaultSerializers;
}

/**
 * Fastify's default compiler factories (Ajv through @fastify/ajv-compiler, fast-json-stringify),
 * each module loaded when the first schema is compiled rather than when Fastify() is called:
 * loading Ajv alone costs about 0.2 s. Pass as `schemaController: { compilersFactory }`; the routes
 * get the compilers that httpConventions installs.
 */
export const defaultCompilersOnFirstUse: FastifyCompilersFactory = {
  // (Typed loosely: Fastify's types name these factories through packages it keeps to itself.)
  buildValidator: ((externalSchemas: unknown, options: unknown) => {
    let compiler: ((route: never) => unknown) | undefined;
    return (route: never) => {
      defaultValidators ??= (fastifyRequire('@fastify/ajv-compiler') as { ValidatorSelector: () => CompilerFactory }).ValidatorSelector();
      compiler ??= defaultValidators(externalSchemas, options);
      return compiler(route);
    };
  }) as FastifyCompilersFactory['buildValidator'],
  buildSerializer: ((externalSchemas: unknown, options: unknown) => {
    let compiler: ((route: never) => unknown) | undefined;
    return (route: never) => (compiler ??= fastifySerializers()(externalSchemas, options))(route);
  }) as FastifyCompilersFactory['buildSerializer'],
};

/**
 * Fastify's default response serializers (fast-json-stringify, with the app's shared schemas as
 * Fastify passes them), each compiled on first use; install with `app.setSerializerCompiler`.
 */
export function serializersOnFirstUse(app: FastifyInstance): FastifySerializerCompiler<unknown> {
  const pending = pendingOf(app);
  let compiler: ((route: never) => unknown) | undefined;
  return (route) =>
    serializerOnFirstUse(() => {
      // The shared schemas (app.addSchema) as they stand when the first response is sent.
      const shared = app.getSchemas();
      const compile = () => {
        compiler ??= fastifySerializers()(shared, {});
        return compiler(route as never) as (data: unknown) => string;
      };
      return Object.keys(shared).length === 0 ? serializerOfProcess(route, compile) : compile();
    }, pending);
}

/**
 * Serializers compiled in this process, by response schema object, then status and content type.
 * A serializer is a function of its schema alone when the app has no shared schemas, and the
 * routes' schemas are module constants: an app built again in the same process (each test file
 * builds its own) reuses the serializers of the ones before instead of generating them anew.
 */
const processSerializers = new WeakMap<object, Map<string, (data: unknown) => string>>();

function serializerOfProcess(route: { schema: unknown; httpStatus?: string; contentType?: string }, compile: () => (data: unknown) => string): (data: unknown) => string {
  if (typeof route.schema !== 'object' || route.schema === null) return compile();
  let byResponse = processSerializers.get(route.schema);
  if (!byResponse) {
    byResponse = new Map();
    processSerializers.set(route.schema, byResponse);
  }
  const key = `${route.httpStatus ?? ''} ${route.contentType ?? ''}`;
  let serializer = byResponse.get(key);
  if (!serializer) {
    serializer = compile();
    byResponse.set(key, serializer);
  }
  return serializer;
}

/**
 * Compiles every validator and serializer of `app` not compiled yet.
 * @returns how many were compiled.
 * @throws the compiler's error for a schema that does not compile.
 */
export function compilePendingSchemas(app: FastifyInstance): number {
  const pending = [...pendingOf(app)];
  for (const compile of pending) compile();
  return pending.length;
}
