import type { FastifyInstance } from 'fastify';

/** On-us transfers: not built yet. */
export async function transfersRoutes(_app: FastifyInstance): Promise<void> {}
