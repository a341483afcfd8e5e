import type { AppDeps } from './deps.ts';
import { createAuthService } from './modules/auth/index.ts';
import { createEventsService } from './modules/events/index.ts';
import { createMarketService } from './modules/market/index.ts';
import { createMovements } from './modules/movements/index.ts';
import { createOnboardingService } from './modules/onboarding/index.ts';
import { createActivityService, createPocketsService } from './modules/pockets/index.ts';
import { createOnUsRail } from './modules/rails/onus/index.ts';
import { createSandbox } from './modules/sandbox/index.ts';
import { createScheduler } from './modules/scheduler/index.ts';
import { createTenancy } from './modules/tenancy/index.ts';

/**
 * Builds the engine's services once per process. Each module is used through its index.ts; the
 * cross-module wiring is passed here, explicitly, and nowhere else.
 */
export async function createServices(deps: AppDeps) {
  const { db, wallClock } = deps;
  const market = await createMarketService(deps);
  const tenancy = createTenancy({ db, wallClock });
  const scheduler = createScheduler({ db, calendar: market.calendar, tenancy });
  const events = createEventsService(deps, { tenantNow: async (tenantId) => (await tenancy.clock(tenantId)).now });
  const auth = createAuthService(deps);
  const onboarding = createOnboardingService(deps);
  const pockets = createPocketsService(deps, { market, scheduler });
  const movements = createMovements({ market, pockets: pockets.store });
  const onUs = createOnUsRail({ db, movements });
  const sandbox = createSandbox({ db, calendar: market.calendar, tenancy, scheduler, pockets, movements });
  const activity = createActivityService(deps);
  return { market, tenancy, scheduler, events, auth, onboarding, pockets, onUs, sandbox, activity };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
