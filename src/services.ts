import type { AppDeps } from './deps.ts';
import { createAuthService } from './modules/auth/index.ts';
import { createEventsService } from './modules/events/index.ts';
import { createMarketService } from './modules/market/index.ts';
import { createOnboardingService } from './modules/onboarding/index.ts';
import { createActivityService, createPocketsService } from './modules/pockets/index.ts';

/**
 * Builds the engine's services once per process. Each module is used through its index.ts; the
 * only cross-module wiring is passed here, explicitly.
 */
export async function createServices(deps: AppDeps) {
  const market = await createMarketService(deps);
  const events = createEventsService(deps);
  const auth = createAuthService(deps);
  const onboarding = createOnboardingService(deps);
  const pockets = createPocketsService(deps, { market });
  const activity = createActivityService(deps);
  return { market, events, auth, onboarding, pockets, activity };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
