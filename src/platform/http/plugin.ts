import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AssertionFailed } from '../assert.ts';
import { isDatabaseUnavailable } from '../db/index.ts';
import { routeLocs, toJikoError } from '../../api/jiko/errors.ts';
import { DomainError } from '../errors.ts';
import type { ValidationIssue } from './errors.ts';
import { unstorableText } from './unstorable.ts';
import { serializersOnFirstUse, validatorsOnFirstUse } from './lazy-schemas.ts';
import { requestValidators } from './validation.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body exactly as received (signature checks need the raw bytes). */
    rawBody: string;
  }
}

const LOCATION: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns Ajv's validation errors into FastAPI's `{loc, msg, type}` items, as Jiko returns them. */
export function validationIssues(context: string | undefined, errors: AjvError[]): ValidationIssue[] {
  const root = LOCATION[context ?? 'body'] ?? 'body';
  return errors.map((error) => {
    const path = error.instancePath.split('/').filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    if (error.keyword === 'required') {
      return { loc: [root, ...path, String(error.params.missingProperty)], msg: 'Field required', type: 'missing' };
    }
    if (error.keyword === 'additionalProperties') {
      return { loc: [root, ...path, String(error.params.additionalProperty)], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' };
    }
    return { loc: [root, ...path], msg: error.message ?? 'Invalid value', type: error.keyword };
  });
}

/**
 * The HTTP conventions shared by every API surface: JSON bodies kept raw for signatures and
 * validated as typed (query strings and path parameters converted to their types, see
 * requestValidators), Jiko-shaped errors (422 `{detail: [...]}`, 404 `{detail: "Not Found"}`, 503
 * `{detail: "Service Unavailable"}` while the database cannot be reached), and no internals in 500
 * bodies.
 */
export const httpConventions = fp(async (app: FastifyInstance) => {
  app.decorateRequest('rawBody', '');
  // Each route's validators and serializers are compiled on first use, not at boot (lazy-schemas.ts).
  app.setValidatorCompiler(validatorsOnFirstUse(app, requestValidators()));
  app.setSerializerCompiler(serializersOnFirstUse(app));

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const error = new DomainError('request.malformed_json', 'invalid', 'JSON decode error', [
        { field: ['body'], msg: 'JSON decode error', type: 'json_invalid' },
      ]);
      return done(error, undefined);
    }
    // Text no database can store (U+0000, an unpaired surrogate): refused here, where it is named.
    const unstorable = unstorableText(value, text);
    if (unstorable) {
      const { path, msg, type } = unstorable;
      return done(new DomainError('request.unstorable_text', 'invalid', msg, [{ field: ['body', ...path], msg, type }]), undefined);
    }
    done(null, value);
  });

  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send({ detail: 'Not Found' });
  });

  app.setErrorHandler((error: FastifyError | DomainError | AssertionFailed, request, reply) => {
    if (error instanceof DomainError) {
      const { status, body } = toJikoError(error, routeLocs(request));
      if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(status).send(body);
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.code(422).send({ detail: validationIssues(fastifyError.validationContext, fastifyError.validation as AjvError[]) });
    }
    if (fastifyError.statusCode === 429) {
      return reply.code(429).send({ detail: 'Too Many Requests' });
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      if (fastifyError.statusCode === 415 || fastifyError.statusCode === 400) {
        return reply.code(422).send({ detail: [{ loc: ['body'], msg: fastifyError.message, type: 'value_error' }] });
      }
      return reply.code(fastifyError.statusCode).send({ detail: fastifyError.message });
    }
    if (isDatabaseUnavailable(error)) {
      // The database is away (restarting, connection dropped): a retry with the same idempotency
      // key is safe, so say 503 rather than 500.
      request.log.warn({ err: error, tenant: request.ctx?.tenantId }, 'database unavailable');
      return reply.code(503).header('retry-after', '1').send({ detail: 'Service Unavailable' });
    }
    // The reason (err) and the tenant it happened to, for whoever reads the logs.
    request.log.error({ err: error, tenant: request.ctx?.tenantId }, 'unhandled error');
    return reply.code(500).send({ detail: 'Internal Server Error' });
  });
  // Named: fastify-plugin otherwise reads a name off a stack trace, which the bundle's source maps make slow.
}, { name: 'pocketbook-http-conventions' });
