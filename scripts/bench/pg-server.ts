/**
 * The pocketbook server process on a fresh PostgreSQL database, shared by P1 and P2: started once,
 * seeded once through the Partner API, stopped at clean-up.
 */
import { performance } from 'node:perf_hooks';
import { JikoClient, SANDBOX_PARTNER, httpTransport } from './lib/jiko.ts';
import { BENCH_RATE_LIMIT_PER_MINUTE, type Child, freePort, scratchDatabase, spawnServer, waitForHealth } from './lib/processes.ts';
import { BENCH_CLOCK_START, createCustomer, createPocket, fundPocket, inPool, setClock } from './lib/seed.ts';

/** The most concurrent clients P1 runs; each has its own customer and pair of pockets. */
export const P1_CLIENTS_MAX = 16;

/** Each P1 pocket gets this many sandbox credits of FUND_CREDIT_CENTS (about $450,000). */
const FUND_CREDITS = 9;
const FUND_CREDIT_CENTS = 4_999_999;

export interface PocketPair {
  readonly a: string;
  readonly b: string;
}

export interface PgServer {
  readonly baseUrl: string;
  /** The server's PostgreSQL database. */
  readonly database: string;
  readonly child: Child;
  readonly client: JikoClient;
  /** One pair of funded pockets per P1 client, each pair of its own customer. */
  readonly pairs: readonly PocketPair[];
  /** A funded pocket nothing else touches, for P2's GET. */
  readonly quietPocket: string;
  /** Milliseconds the seeding took. */
  readonly seedMs: number;
}

let shared: Promise<PgServer> | undefined;

/** Starts (once) the server on a fresh database and seeds it. */
export function pgServer(log: (line: string) => void): Promise<PgServer> {
  shared ??= start(log);
  return shared;
}

/** Stops the shared server (when started) so that it idles no longer beside later figures. */
export async function stopPgServer(): Promise<void> {
  const running = shared;
  shared = undefined;
  if (!running) return;
  const server = await running.catch(() => undefined);
  if (!server) return;
  server.client.transport.close();
  await server.child.stop();
}

async function start(log: (line: string) => void): Promise<PgServer> {
  const database = await scratchDatabase('server');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawnServer({ databaseUrl: database.url, port, rateLimitPerMinute: BENCH_RATE_LIMIT_PER_MINUTE });
  await waitForHealth(child, `${baseUrl}/health`, started);
  log(`  server up on a fresh PostgreSQL database in ${Math.round(performance.now() - started)} ms; seeding ${P1_CLIENTS_MAX} customers`);

  const seeded = performance.now();
  const client = await JikoClient.login(httpTransport(baseUrl, 8), SANDBOX_PARTNER);
  await setClock(client, BENCH_CLOCK_START);
  const customers = await inPool(Array.from({ length: P1_CLIENTS_MAX + 1 }, (_, i) => i), 4, (n) => createCustomer(client, n));
  const pockets = await inPool(
    customers.flatMap((customerId, i) => (i < P1_CLIENTS_MAX ? [customerId, customerId] : [customerId])),
    4,
    async (customerId, i) => {
      const pocketId = await createPocket(client, customerId, `Bench ${i}`);
      await fundPocket(client, pocketId, FUND_CREDIT_CENTS, FUND_CREDITS);
      return pocketId;
    },
  );
  const pairs: PocketPair[] = [];
  for (let i = 0; i < P1_CLIENTS_MAX; i++) pairs.push({ a: pockets[2 * i] as string, b: pockets[2 * i + 1] as string });
  const quietPocket = pockets[2 * P1_CLIENTS_MAX] as string;
  const seedMs = performance.now() - seeded;
  log(`  seeded ${pockets.length} funded pockets in ${Math.round(seedMs)} ms`);
  return { baseUrl, database: database.name, child, client, pairs, quietPocket, seedMs };
}
