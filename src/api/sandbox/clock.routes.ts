import type { FastifyInstance } from 'fastify';

/** Sandbox test clock: not built yet. */
export async function clockRoutes(_app: FastifyInstance): Promise<void> {}
