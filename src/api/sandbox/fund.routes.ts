import type { FastifyInstance } from 'fastify';

/** Sandbox fund: not built yet. */
export async function fundRoutes(_app: FastifyInstance): Promise<void> {}
