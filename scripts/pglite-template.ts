/**
 * `npm install` (postinstall): fills the project's build cache (src/platform/cache.ts) with what
 * every start would otherwise derive: the migrated empty PGlite cluster that new embedded data
 * folders start from (src/platform/db/pglite-template.ts) and the parsed market data
 * (src/modules/market/market.cache.ts). Never fails the install: without them a start derives them,
 * only slower.
 */
import { ensurePgliteTemplate } from '../src/platform/db/index.ts';
import { loadMarketInputs, marketCacheKey } from '../src/modules/market/index.ts';

try {
  loadMarketInputs();
  process.stdout.write(`pocketbook: market data cache ready (market-${marketCacheKey()})\n`);
} catch (error) {
  process.stderr.write(`pocketbook: could not cache the market data (${error instanceof Error ? error.message : String(error)}); each start will parse it\n`);
}
try {
  const path = await ensurePgliteTemplate();
  process.stdout.write(`pocketbook: embedded database template ready (${path.split('/').slice(-1)[0]})\n`);
} catch (error) {
  process.stderr.write(`pocketbook: could not build the embedded database template (${error instanceof Error ? error.message : String(error)}); new data folders will be created by initdb\n`);
}
