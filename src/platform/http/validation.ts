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
  // Ajv is loaded when the first schema is compiled, not at boot (see lazy-schemas.ts).
  let compilers: { strict: Compile; coercing: Compile } | undefined;
  const build = () => {
    const pool = (requirePackage('@fastify/ajv-compiler') as typeof AjvCompilerModule).AjvCompiler();
    return {
      strict: pool({}, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } }),
      coercing: pool({}, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' } }),
    };
  };
  // The pool's compilers take the whole route definition ({schema, method, url, httpPart}), as
  // Fastify hands it over, whatever their declared type says.
  return (route) => {
    compilers ??= build();
    return (route.httpPart === 'body' ? compilers.strict : compilers.coercing)(route as never) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}

type Compile = ReturnType<ReturnType<typeof AjvCompilerModule.AjvCompiler>>;
const requirePackage = createRequire(import.meta.url);
