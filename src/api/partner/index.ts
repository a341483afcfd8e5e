import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { activityRoutes } from './activity.routes.ts';
import { partnerAuth } from './auth.hooks.ts';
import { eventsRoutes } from './events.routes.ts';
import { loginRoutes } from './login.routes.ts';
import { onboardingRoutes } from './onboarding.routes.ts';
import { pocketsRoutes } from './pockets.routes.ts';
import { strategiesRoutes } from './strategies.routes.ts';
import { transfersRoutes } from './transfers.routes.ts';

/**
 * The Partner API: login is public; every other route sits in one encapsulated context whose
 * hooks check the bearer token, the request signature and the idempotency key.
 */
export async function partnerApi(app: FastifyInstance): Promise<void> {
  await app.register(loginRoutes);
  await app.register(async (secured) => {
    // The auth hooks must reach the sibling route plugins, so they are not encapsulated.
    await secured.register(fp(partnerAuth), { signed: true });
    await secured.register(strategiesRoutes);
    await secured.register(onboardingRoutes);
    await secured.register(pocketsRoutes);
    await secured.register(activityRoutes);
    await secured.register(transfersRoutes);
    await secured.register(eventsRoutes);
  });
}
