import type { FastifyInstance } from 'fastify';

/** Sandbox webhook trigger: not built yet. */
export async function webhookRoutes(_app: FastifyInstance): Promise<void> {}
