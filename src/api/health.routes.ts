import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type Queryable, pingDatabase } from '../platform/db/index.ts';

/** How long readiness waits for the database's answer to `SELECT 1` before it says "down". */
export const HEALTH_READY_TIMEOUT_MS = 2_000;

export interface HealthRoutesOptions {
  /** The system of record; readiness asks it `SELECT 1`. */
  readonly db: Queryable;
  /** Milliseconds to wait for the answer (default HEALTH_READY_TIMEOUT_MS). */
  readonly readyTimeoutMs?: number;
}

const Ready = Type.Object(
  { status: Type.Literal('ready'), database: Type.Literal('up') },
  { additionalProperties: false, description: 'The database answered: the server can take requests.' },
);

const Unavailable = Type.Object(
  { status: Type.Literal('unavailable'), database: Type.Literal('down') },
  { additionalProperties: false, description: 'The database did not answer in time: requests get 503 until it does.' },
);

/**
 * Readiness, for load balancers and orchestrators: `GET /health/ready` answers 200
 * `{"status": "ready", "database": "up"}` when the database answers `SELECT 1` within
 * `readyTimeoutMs`, else 503 `{"status": "unavailable", "database": "down"}`. No authentication,
 * never cached. Liveness stays Jiko's `GET /health` ("OK"), which does not touch the database.
 */
export async function healthRoutes(plain: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const timeoutMs = options.readyTimeoutMs ?? HEALTH_READY_TIMEOUT_MS;

  app.get('/health/ready', {
    schema: {
      tags: ['Health'],
      summary: 'Readiness: whether the database answers',
      description:
        `200 when the database answers a trivial query within ${timeoutMs} ms, 503 otherwise. ` +
        'Liveness is `GET /health`, which answers "OK" without asking the database.',
      response: { 200: Ready, 503: Unavailable },
    },
  }, async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    if (await pingDatabase(options.db, timeoutMs)) return reply.code(200).send({ status: 'ready', database: 'up' } as const);
    return reply.code(503).send({ status: 'unavailable', database: 'down' } as const);
  });
}
