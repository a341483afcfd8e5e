import type { FastifyInstance } from 'fastify';

/** Events and subscriptions: not built yet. */
export async function eventsRoutes(_app: FastifyInstance): Promise<void> {}
