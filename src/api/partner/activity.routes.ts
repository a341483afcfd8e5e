import type { FastifyInstance } from 'fastify';

/** Trades and bank transactions: not built yet. */
export async function activityRoutes(_app: FastifyInstance): Promise<void> {}
