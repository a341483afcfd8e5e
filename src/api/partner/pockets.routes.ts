import type { FastifyInstance } from 'fastify';

/** Pockets, earnings: not built yet. */
export async function pocketsRoutes(_app: FastifyInstance): Promise<void> {}
