import type { FastifyInstance } from 'fastify';

/** Agreements, applications, customers: not built yet. */
export async function onboardingRoutes(_app: FastifyInstance): Promise<void> {}
