import { createRequire } from 'node:module';
import type * as AjvCompilerModule from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';

/** Ajv options shared by every request part: keep unknown fields (they are refused, not dropped), fill defaults, report every issue. */
const AJV_OPTIONS = { removeAdditional: false, useDefaults: true, allErrors: true } as const;

/**
 * The request validators of every API surface (install with `app.setValidatorCompiler`), one Ajv
 * configuration per part, as Fastify's validation guide shows:
 * - bodies are JSON and are taken as typed: no coercion, so `"15.00"` or `"3"` where an integer is
 *   expected, `true` where a string is, is a 422 rather than a quietly converted value;
 * - the query string, path parameters and headers are text on the wire, converted to their
 *   schema's types (`?limit=5` is the integer 5; a single value where an array is expected becomes
 *   a one-element array), Fastify's own default (`coerceTypes: 'array'`).
 * Everything else (formats, `$id` handling) is Fastify's default validator (@fastify/ajv-compiler).
 */
export function requestValidators(): FastifySchemaCompiler<unknown> {
  // The pool's compilers take the whole route definition ({schema, method, url, httpPart}), as
  // Fastify hands it over, whatever their declared type says.
  return (route) => {
    const compilers = sharedCompilers();
    return (route.httpPart === 'body' ? compilers.strict : compilers.coercing)(route as never) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}

/**
 * The two Ajv configurations, made once per process and shared by every app built in it. Ajv keeps
 * what it compiled by schema object, and the routes' schemas are module constants, so an app built
 * again in the same process (each test file builds its own) reuses the validators of the ones
 * before instead of compiling them anew. Nothing here depends on the app: no shared schemas
 * (`addSchema`), keywords or formats are added per app. Ajv is loaded when the first schema is
 * compiled, not at boot (see lazy-schemas.ts).
 */
function sharedCompilers(): { strict: Compile; coercing: Compile } {
  if (!compilers) {
    const pool = (requirePackage('@fastify/ajv-compiler') as typeof AjvCompilerModule).AjvCompiler();
    compilers = {
      strict: pool({}, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } }),
      coercing: pool({}, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' } }),
    };
  }
  return compilers;
}
let compilers: { strict: Compile; coercing: Compile } | undefined;

type Compile = ReturnType<ReturnType<typeof AjvCompilerModule.AjvCompiler>>;
const requirePackage = createRequire(import.meta.url);
