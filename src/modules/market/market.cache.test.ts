import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { MARKET_DATA_DIR } from './market.data.ts';
import { decodeMarketInputs, encodeMarketInputs, loadMarketInputs, marketCacheKey, parseMarketInputs } from './market.cache.ts';
import { TbillMarket } from './market.service.ts';

const parsed = parseMarketInputs();

test('market cache: the stored inputs revive to exactly the parsed ones, and build the same market', () => {
  const revived = decodeMarketInputs(encodeMarketInputs(parsed));
  // Strict: same fields (an absent rate stays a present `undefined`), same Maps, same order.
  assert.deepStrictEqual(revived, parsed);
  assert.ok(revived.data.dailyRates.some((row) => row.bankDiscountByDays instanceof Map && row.bankDiscountByDays.size > 0));
  assert.ok(revived.data.auctions.some((row) => Object.hasOwn(row, 'highDiscountRate') && row.highDiscountRate === undefined));

  const fromCsv = new TbillMarket(parsed.data, { spreadBps: 2 });
  const fromCache = new TbillMarket(revived.data, { spreadBps: 2 }, revived.auctionRates);
  for (const date of ['2023-01-03', '2024-03-05', '2024-07-05', '2025-06-30', '2026-12-31']) {
    assert.deepStrictEqual(fromCache.rates.curveOn(date), fromCsv.rates.curveOn(date), date);
    const bill = fromCsv.billToBuy('UST-13W', date);
    assert.deepStrictEqual(fromCache.billToBuy('UST-13W', date), bill, date);
  }
  assert.deepStrictEqual(fromCache.coverage, fromCsv.coverage);
});

test('market cache: written on the first load, read on the next, and another key once a data file changes', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pocketbook-market-cache-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  cpSync(MARKET_DATA_DIR, dataDir, { recursive: true });
  const dir = pathToFileURL(`${dataDir}/`);
  const cacheRoot = join(root, 'cache');

  const key = marketCacheKey(dir);
  assert.equal(key, marketCacheKey(MARKET_DATA_DIR), 'the key depends on the files, not on their folder');
  assert.deepStrictEqual(loadMarketInputs(dir, cacheRoot), parsed);
  assert.deepStrictEqual(readdirSync(cacheRoot), [`market-${key}.json`]);

  // A doctored entry is what the next load returns: proof that it reads the cache.
  const doctored = { ...parsed, auctionRates: parsed.auctionRates.slice(0, 3) };
  writeFileSync(join(cacheRoot, `market-${key}.json`), encodeMarketInputs(doctored));
  assert.equal(loadMarketInputs(dir, cacheRoot).auctionRates.length, 3);

  // A changed data file is another key: parsed again, never the stale entry.
  appendFileSync(join(dataDir, 'closures.csv'), '2027-06-01,A test closure,test\n');
  const changed = marketCacheKey(dir);
  assert.notEqual(changed, key);
  const reloaded = loadMarketInputs(dir, cacheRoot);
  assert.deepStrictEqual(reloaded.auctionRates, parsed.auctionRates);
  assert.equal(reloaded.data.closures.at(-1)?.name, 'A test closure');
  assert.ok(readdirSync(cacheRoot).includes(`market-${changed}.json`));

  // An unreadable entry is derived again and replaced.
  writeFileSync(join(cacheRoot, `market-${changed}.json`), '{"cut short');
  assert.deepStrictEqual(loadMarketInputs(dir, cacheRoot).auctionRates, parsed.auctionRates);
  assert.deepStrictEqual(decodeMarketInputs(readFileSync(join(cacheRoot, `market-${changed}.json`), 'utf8')), reloaded);
});
