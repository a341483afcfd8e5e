import type { AppDeps } from './deps.ts';
import { createAuthService } from './modules/auth/index.ts';
import { createEventsService } from './modules/events/index.ts';
import { createMarketService } from './modules/market/index.ts';
import { createMovements } from './modules/movements/index.ts';
import { createDocuments } from './modules/documents/index.ts';
import { createBusinessOnboarding, createOnboardingService, createOnboardingUploads } from './modules/onboarding/index.ts';
import { createActivityService, createPocketsService } from './modules/pockets/index.ts';
import { createCards } from './modules/cards/index.ts';
import { createCounterpartiesService } from './modules/counterparties/index.ts';
import { achInbound, createAchRail } from './modules/rails/ach/index.ts';
import { createCardRail } from './modules/rails/card/index.ts';
import { createOnUsRail } from './modules/rails/onus/index.ts';
import { createPortals } from './modules/rails/portal/index.ts';
import { createWireRail } from './modules/rails/wire/index.ts';
import { createSandbox, createScenarioSources, createScenarios } from './modules/sandbox/index.ts';
import { createScheduler } from './modules/scheduler/index.ts';
import { createTenancy } from './modules/tenancy/index.ts';
import { createJobQueue } from './platform/jobs/index.ts';

/**
 * Builds the engine's services once per process. Each module is used through its index.ts; the
 * cross-module wiring is passed here, explicitly, and nowhere else.
 */
export async function createServices(deps: AppDeps) {
  const { db, wallClock } = deps;
  const market = await createMarketService(deps);
  const tenancy = createTenancy({ db, wallClock });
  const scheduler = createScheduler({ db, calendar: market.calendar, tenancy });
  const tenantNow = async (tenantId: string) => (await tenancy.clock(tenantId)).now;
  // One job queue per process: every module registers its kinds on it.
  const jobs = createJobQueue({ db, wallClock, pollIntervalMs: deps.config.webhooks.pollIntervalMs });
  const events = createEventsService(deps, { tenantNow, jobs });
  const auth = createAuthService(deps);
  const onboarding = createOnboardingService(deps);
  const documents = createDocuments(deps);
  const business = createBusinessOnboarding(deps, { documents, scheduler });
  const uploads = createOnboardingUploads(deps, { documents, scheduler });
  const pockets = createPocketsService(deps, { market, scheduler, jobs, tenantNow });
  const movements = createMovements({ market, pockets: pockets.store });
  const onUs = createOnUsRail({ db, movements });
  const portals = createPortals({
    db,
    pockets: { get: async (ctx, pocketId) => (await pockets.getPocket(ctx, pocketId, { withPortfolio: false })).pocket, lock: pockets.store.lock },
  });
  // The sandbox's fund records its inbound credits in the ACH rail's received NACHA files.
  const sandbox = createSandbox({ db, calendar: market.calendar, coverage: () => market.coverage, tenancy, scheduler, pockets, movements, achInbound });
  const activity = createActivityService(deps);
  // The sandbox's failure scenarios reach the rails through the interfaces they declare, in sandbox mode only.
  const scenarioSources = deps.config.mode === 'sandbox' ? createScenarioSources({ calendar: market.calendar }) : undefined;
  const counterparties = createCounterpartiesService({ db, scheduler, scenarios: scenarioSources?.microDeposits });
  const scenarios = createScenarios({ db, counterparties });
  const wires = createWireRail({ db, movements, counterparties, calendar: market.calendar, feeCents: deps.config.wireFeeCents, scenarios: scenarioSources?.wires });
  scheduler.register(wires.task());
  scheduler.register(wires.settleTask());
  const cards = createCards({
    db, keys: deps.config.cards,
    pockets: { get: async (ctx, pocketId) => (await pockets.getPocket(ctx, pocketId, { withPortfolio: false })).pocket, lock: pockets.store.lock },
  });
  scheduler.register(cards.task());
  // A closing pocket closes its cards and stops its card orders, in the closing's transaction.
  pockets.onClose({ pocketClosed: (tx, ctx, pocketId) => cards.pocketClosed(tx, ctx, pocketId) });
  const cardIssuer = createCardRail({ db, movements, market, scheduler, limits: deps.config.cardLimits });
  const ach = createAchRail({
    db, movements, counterparties, calendar: market.calendar, scheduler, prenotes: deps.config.achPrenotes, scenarios: scenarioSources?.ach,
    pockets: { get: (ctx, pocketId) => pockets.getPocket(ctx, pocketId, { withPortfolio: false }) },
  });
  return { market, tenancy, scheduler, events, auth, onboarding, documents, business, uploads, pockets, onUs, portals, sandbox, scenarios, activity, counterparties, ach, wires, cards, cardIssuer };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
