import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type DomainError, type ErrorKind } from '../../platform/errors.ts';

/**
 * Jiko's error shapes (FastAPI style) for domain errors: 422 `{detail: [{loc, msg, type}]}`, 404
 * `{detail: "Not Found"}`, others `{detail: "<message>"}`. Domain errors name fields in domain
 * terms (`['fromPocket']`); here they become Jiko's `loc`: a route says where its input comes from
 * (`source`, default body) and how its domain fields map to its wire fields (`fields`); unmapped
 * names turn to snake_case under the source.
 */

/** One entry of a 422 body: where (`["body", "amount", "amount_usdc"]`), what, and a type code. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** A route's mapping of domain field paths to Jiko locations (Fastify route `config.jikoLocs`). */
export interface JikoLocs {
  /** Where the route's input comes from when a field is not mapped: body (default), query, path. */
  readonly source?: 'body' | 'query' | 'path';
  /** Domain field name (first element of a path) -> Jiko location of that field. */
  readonly fields?: Readonly<Record<string, readonly (string | number)[]>>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    jikoLocs?: JikoLocs;
  }
}

/** Wire roots: a path that already starts with one is a location (built by the door itself). */
const WIRE_ROOTS = new Set(['body', 'query', 'path', 'header']);

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 422,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  precondition: 412,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Jiko's `loc` of a domain field path under a route's mapping. */
export function jikoLoc(field: readonly (string | number)[], locs: JikoLocs = {}): (string | number)[] {
  const [head, ...rest] = field;
  if (typeof head === 'string' && WIRE_ROOTS.has(head)) return [...field];
  const tail = rest.map((part) => (typeof part === 'string' ? snakeCase(part) : part));
  if (head === undefined) return [locs.source ?? 'body'];
  const mapped = typeof head === 'string' ? locs.fields?.[head] : undefined;
  if (mapped) return [...mapped, ...tail];
  return [locs.source ?? 'body', typeof head === 'string' ? snakeCase(head) : head, ...tail];
}

/** The HTTP status and Jiko-shaped body of a domain error, with the route's field mapping. */
export function toJikoError(error: DomainError, locs?: JikoLocs): { status: number; body: unknown } {
  const status = STATUS_BY_KIND[error.kind];
  switch (error.kind) {
    case 'invalid': {
      const issues = error.issues ?? [{ field: [], msg: error.message, type: error.code }];
      return { status, body: { detail: issues.map((issue) => ({ loc: jikoLoc(issue.field, locs), msg: issue.msg, type: issue.type })) } };
    }
    case 'not_found':
      return { status, body: { detail: 'Not Found' } };
    default:
      return { status, body: { detail: error.message } };
  }
}

/** Fields the Partner door itself checks, wherever the route. */
const DOOR_FIELDS: Readonly<Record<string, readonly string[]>> = { idempotencyKey: ['header', 'x-jiko-idempotency'] };

/**
 * The field mapping of the route that served `request`: its own (`config.jikoLocs`), else the
 * query string for GET and the body otherwise; the door's own fields everywhere.
 */
export function routeLocs(request: FastifyRequest): JikoLocs {
  const own = request.routeOptions.config?.jikoLocs;
  return {
    source: own?.source ?? (request.method === 'GET' ? 'query' : 'body'),
    fields: { ...DOOR_FIELDS, ...own?.fields },
  };
}

/** Details of the errors Fastify's router answers before any route runs; the URL is not echoed back. */
const FRAMEWORK_DETAILS: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: 'Invalid URL: a path segment is not valid percent-encoded UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: 'URI Too Long: a path parameter is longer than any id',
};

/**
 * Fastify's `frameworkErrors`: the router's own refusals, in Jiko's `{detail: "..."}` shape with
 * Fastify's status (400 for a path that does not decode, 414 for an over-long path parameter).
 * Without it Fastify answers them in its own shape (`{error, code, message, statusCode}`).
 */
export function jikoFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  void reply.code(status).send({ detail: FRAMEWORK_DETAILS[error.code] ?? 'Bad Request' });
}
