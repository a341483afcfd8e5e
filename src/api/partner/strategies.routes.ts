import type { FastifyInstance } from 'fastify';

/** Trading strategies: not built yet. */
export async function strategiesRoutes(_app: FastifyInstance): Promise<void> {}
