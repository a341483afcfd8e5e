import type { FastifyInstance } from 'fastify';

/** Partner login (POST /api/v1/login/): not built yet. */
export async function loginRoutes(_app: FastifyInstance): Promise<void> {}
