import type { AppDeps } from '../../deps.ts';
import type { MarketService } from '../market/index.ts';

export function createPocketsService(_deps: AppDeps, _modules: { market: MarketService; onboarding: unknown }) {
  return {};
}
