import type { FastifyReply, FastifyRequest } from 'fastify';

/** What a keyed request's seal records: the response a replay will send. */
export interface RenderedResponse {
  readonly statusCode: number;
  readonly contentType: string;
  readonly body: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a route that answers a change with a body: renders the service's result for the seal. */
    renderSealed?: ((result: unknown) => RenderedResponse) | undefined;
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * For a route whose service runs exactly-once: registers how the result becomes the response (so
 * the idempotency record written in the service's transaction holds exactly what is sent), and
 * returns the function that sends it. Replays then send the same bytes.
 */
export function sealedReply<T>(request: FastifyRequest, reply: FastifyReply, statusCode: number, toJson: (result: T) => unknown): (result: T) => FastifyReply {
  let body: string | undefined;
  request.renderSealed = (result) => {
    const json = toJson(result as T);
    // A change answered with no body (202 Accepted) is recorded as such.
    body = json === undefined ? '' : JSON.stringify(json);
    return { statusCode, contentType: json === undefined ? '' : JSON_TYPE, body };
  };
  return (result) => {
    if (body === undefined) return reply.code(statusCode).send(toJson(result));
    if (body === '') return reply.code(statusCode).send(undefined as never);
    return reply.code(statusCode).type(JSON_TYPE).send(body);
  };
}
