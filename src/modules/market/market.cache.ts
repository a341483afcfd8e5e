/**
 * The market data as the service starts from it (the parsed CSV rows and the recovered auction
 * rates), kept in the project's build cache (src/platform/cache.ts) so that a start reads one JSON
 * file instead of parsing 1 MB of CSV and recovering rates with Decimal arithmetic (about 0.2 s).
 *
 * The entry's name holds a hash of every file it is derived from: the CSV files of data/market/
 * and the code that reads and derives them (this module's sources, the decimal and date helpers).
 * Any change to either is another name, so a stale entry is never read. Values are stored with
 * every field of every row, in order (undefined as null, a Map as its entries), and revived to the
 * same objects: a market built from the cache is the market built from the CSV files
 * (market.cache.test.ts compares them).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { PROJECT_CACHE_DIR, readCacheEntry, writeCacheEntry } from '../../platform/cache.ts';
import { MARKET_DATA_DIR, type MarketData, loadMarketData } from './market.data.ts';
import { type AuctionRate, auctionRates } from './rates.ts';

/** Bump when the stored shape changes. */
const CACHE_FORMAT = 1;

/** What the market service is built from (TbillMarket's constructor). */
export interface MarketInputs {
  readonly data: MarketData;
  /** auctionRates(data.auctions, data.termAuctions). */
  readonly auctionRates: readonly AuctionRate[];
}

/** The source files whose code decides the cached values (read from this checkout). */
const CODE_FILES = [
  new URL('./', import.meta.url),
  new URL('../../money/decimal.ts', import.meta.url),
  new URL('../../platform/clock.ts', import.meta.url),
];

/** Every file under `dir` (a folder URL) ending in one of `endings`, tests left out, sorted. */
function filesOf(dir: URL, endings: readonly string[]): URL[] {
  return readdirSync(dir)
    .filter((name) => endings.some((ending) => name.endsWith(ending)) && !name.endsWith('.test.ts'))
    .sort()
    .map((name) => new URL(name, dir));
}

/** The cache key of the market data in `dir`: 16 hex digits of a hash over data and code. */
export function marketCacheKey(dir: URL = MARKET_DATA_DIR): string {
  const hash = createHash('sha256');
  hash.update(`format ${CACHE_FORMAT}\n`);
  const code = CODE_FILES.flatMap((url) => (url.pathname.endsWith('/') ? filesOf(url, ['.ts']) : [url]));
  for (const file of [...filesOf(dir, ['.csv']), ...code]) {
    hash.update(`${file.pathname.split('/').pop()}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/** A table: its rows' field names once, then each row's values in that order. */
interface StoredTable {
  readonly fields: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

function encodeValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Map) return { entries: [...value.entries()] };
  return value;
}

function decodeValue(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === 'object' && 'entries' in value) return new Map((value as { entries: [unknown, unknown][] }).entries);
  return value;
}

function encodeTable(rows: readonly object[]): StoredTable {
  const fields = rows[0] ? Object.keys(rows[0]) : [];
  return { fields, rows: rows.map((row) => fields.map((field) => encodeValue((row as Record<string, unknown>)[field]))) };
}

function decodeTable<T>(table: StoredTable): T[] {
  return table.rows.map((values) => {
    const row: Record<string, unknown> = {};
    table.fields.forEach((field, index) => (row[field] = decodeValue(values[index])));
    return row as T;
  });
}

/** The JSON text of `inputs` as the cache stores it. */
export function encodeMarketInputs(inputs: MarketInputs): string {
  const { data } = inputs;
  return JSON.stringify({
    auctions: encodeTable(data.auctions),
    termAuctions: encodeTable(data.termAuctions),
    dailyRates: encodeTable(data.dailyRates),
    fredRates: encodeTable(data.fredRates),
    closures: encodeTable(data.closures),
    auctionRates: encodeTable(inputs.auctionRates),
  });
}

/** The inputs stored by encodeMarketInputs. */
export function decodeMarketInputs(text: string): MarketInputs {
  const stored = JSON.parse(text) as Record<keyof MarketData | 'auctionRates', StoredTable>;
  return {
    data: {
      auctions: decodeTable(stored.auctions),
      termAuctions: decodeTable(stored.termAuctions),
      dailyRates: decodeTable(stored.dailyRates),
      fredRates: decodeTable(stored.fredRates),
      closures: decodeTable(stored.closures),
    },
    auctionRates: decodeTable(stored.auctionRates),
  };
}

/** The inputs derived from the CSV files of `dir`, without the cache. */
export function parseMarketInputs(dir: URL = MARKET_DATA_DIR): MarketInputs {
  const data = loadMarketData(dir);
  return { data, auctionRates: auctionRates(data.auctions, data.termAuctions) };
}

/**
 * The market inputs of `dir`: from the cache under `cacheRoot` when it holds them for the current
 * data and code, else parsed from the CSV files and stored there for the next start (best effort).
 * @throws Error when a data file is missing or malformed (as loadMarketData).
 */
export function loadMarketInputs(dir: URL = MARKET_DATA_DIR, cacheRoot: string = PROJECT_CACHE_DIR): MarketInputs {
  const name = `market-${marketCacheKey(dir)}.json`;
  const cached = readCacheEntry(name, cacheRoot);
  if (cached !== undefined) {
    try {
      return decodeMarketInputs(cached);
    } catch {
      // An unreadable entry (cut short by a full disk, say) is derived again and replaced.
    }
  }
  const inputs = parseMarketInputs(dir);
  writeCacheEntry(name, encodeMarketInputs(inputs), cacheRoot);
  return inputs;
}
