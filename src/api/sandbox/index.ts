import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import type { AuthService } from '../../modules/auth/index.ts';
import type { EventsService } from '../../modules/events/index.ts';
import type { Sandbox } from '../../modules/sandbox/index.ts';
import type { Scheduler } from '../../modules/scheduler/index.ts';
import type { Tenancy } from '../../modules/tenancy/index.ts';
import type { WallClock } from '../../platform/clock.ts';
import { partnerAuth } from '../partner/auth.hooks.ts';
import { clockRoutes } from './clock.routes.ts';
import { fundRoutes } from './fund.routes.ts';
import { webhookRoutes } from './webhook.routes.ts';

/** What the sandbox door is given. */
export interface SandboxDoorOptions {
  readonly config: Config;
  readonly wallClock: WallClock;
  readonly rateOwner: object;
  readonly auth: AuthService;
  readonly tenancy: Tenancy;
  readonly scheduler: Scheduler;
  readonly sandbox: Sandbox;
  readonly events: EventsService;
}

/** Sandbox endpoints (sandbox mode only): they need the bearer token but no request signature. */
export async function sandboxApi(app: FastifyInstance, door: SandboxDoorOptions): Promise<void> {
  await app.register(async (sandbox) => {
    await sandbox.register(fp(partnerAuth), {
      signed: false, auth: door.auth, tenancy: door.tenancy, scheduler: door.scheduler, config: door.config,
      wallClock: door.wallClock, rateOwner: door.rateOwner,
    });
    await sandbox.register(fundRoutes, { sandbox: door.sandbox });
    await sandbox.register(clockRoutes, { sandbox: door.sandbox });
    await sandbox.register(webhookRoutes, { events: door.events });
  });
}
