import type { AppDeps } from '../../deps.ts';
import type { MarketService } from './market.types.ts';

export * from './market.types.ts';

export async function createMarketService(_deps: AppDeps): Promise<MarketService> {
  throw new Error('market module not built yet');
}
