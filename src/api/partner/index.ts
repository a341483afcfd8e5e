import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import type { AuthService } from '../../modules/auth/index.ts';
import type { EventsService } from '../../modules/events/index.ts';
import type { MarketService } from '../../modules/market/index.ts';
import type { BusinessOnboarding, OnboardingService, OnboardingUploads } from '../../modules/onboarding/index.ts';
import type { ActivityService, PocketsService } from '../../modules/pockets/index.ts';
import type { Cards } from '../../modules/cards/index.ts';
import type { CounterpartiesService } from '../../modules/counterparties/index.ts';
import type { AchRail } from '../../modules/rails/ach/index.ts';
import type { OnUsRail } from '../../modules/rails/onus/index.ts';
import type { Portals } from '../../modules/rails/portal/index.ts';
import type { WireRail } from '../../modules/rails/wire/index.ts';
import type { Scheduler } from '../../modules/scheduler/index.ts';
import type { Tenancy } from '../../modules/tenancy/index.ts';
import type { WallClock } from '../../platform/clock.ts';
import { achRoutes } from './ach.routes.ts';
import { activityRoutes } from './activity.routes.ts';
import { businessApplicationsRoutes } from './business-applications.routes.ts';
import { cardsRoutes, publicKeysRoutes } from './cards.routes.ts';
import { counterpartiesRoutes } from './counterparties.routes.ts';
import { documentsRoutes } from './documents.routes.ts';
import { partnerAuth } from './auth.hooks.ts';
import { eventsRoutes } from './events.routes.ts';
import { loginRoutes } from './login.routes.ts';
import { onboardingRoutes } from './onboarding.routes.ts';
import { pocketsRoutes } from './pockets.routes.ts';
import { portalsRoutes } from './portals.routes.ts';
import { strategiesRoutes } from './strategies.routes.ts';
import { transfersRoutes } from './transfers.routes.ts';
import { wiresRoutes } from './wires.routes.ts';

/** What every door's auth hooks need: credentials, the tenant clock, due work, limits. */
export interface DoorBase {
  readonly config: Config;
  readonly wallClock: WallClock;
  /** Owner of the rate-limit counters shared by the doors of one app. */
  readonly rateOwner: object;
  readonly auth: AuthService;
  readonly tenancy: Tenancy;
  readonly scheduler: Scheduler;
  readonly events: EventsService;
}

/** What the Partner door is given: the services its routes use, and nothing else. */
export interface PartnerDoorOptions extends DoorBase {
  readonly market: MarketService;
  readonly onboarding: OnboardingService;
  readonly business: BusinessOnboarding;
  readonly uploads: OnboardingUploads;
  readonly pockets: PocketsService;
  readonly activity: ActivityService;
  readonly onUs: OnUsRail;
  readonly ach: AchRail;
  readonly counterparties: CounterpartiesService;
  readonly portals: Portals;
  readonly wires: WireRail;
  readonly cards: Cards;
}

/**
 * The Partner API door: login is public; every other route sits in one encapsulated context whose
 * hooks check the bearer token, the request signature and the idempotency key, build the
 * request's RequestContext and run the tenant's due work. Each route plugin gets only its services.
 */
export async function partnerApi(app: FastifyInstance, door: PartnerDoorOptions): Promise<void> {
  await app.register(loginRoutes, { auth: door.auth, config: door.config, wallClock: door.wallClock, rateOwner: door.rateOwner });
  await app.register(publicKeysRoutes, { cards: door.cards });
  await app.register(async (secured) => {
    // The auth hooks must reach the sibling route plugins, so they are not encapsulated.
    await secured.register(fp(partnerAuth), { ...door, signed: true });
    await secured.register(strategiesRoutes, { market: door.market });
    await secured.register(onboardingRoutes, { onboarding: door.onboarding });
    await secured.register(businessApplicationsRoutes, { business: door.business });
    await secured.register(documentsRoutes, { business: door.business, uploads: door.uploads });
    await secured.register(pocketsRoutes, { pockets: door.pockets });
    await secured.register(portalsRoutes, { portals: door.portals });
    await secured.register(activityRoutes, { activity: door.activity });
    await secured.register(transfersRoutes, { onUs: door.onUs });
    await secured.register(achRoutes, { ach: door.ach });
    await secured.register(counterpartiesRoutes, { counterparties: door.counterparties });
    await secured.register(wiresRoutes, { wires: door.wires });
    await secured.register(cardsRoutes, { cards: door.cards });
    await secured.register(eventsRoutes, { events: door.events });
  });
}
