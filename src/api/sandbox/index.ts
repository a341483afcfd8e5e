import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { partnerAuth } from '../partner/auth.hooks.ts';
import { clockRoutes } from './clock.routes.ts';
import { fundRoutes } from './fund.routes.ts';
import { webhookRoutes } from './webhook.routes.ts';

/** Sandbox endpoints (sandbox mode only): they need the bearer token but no request signature. */
export async function sandboxApi(app: FastifyInstance): Promise<void> {
  await app.register(async (sandbox) => {
    await sandbox.register(fp(partnerAuth), { signed: false });
    await sandbox.register(fundRoutes);
    await sandbox.register(clockRoutes);
    await sandbox.register(webhookRoutes);
  });
}
