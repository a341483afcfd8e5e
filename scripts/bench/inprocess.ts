/**
 * The only place where the benchmark composes the engine in-process: config -> database ->
 * migrations -> services -> app, as src/main.ts does, with the database wrapped by `countingDb`.
 * Everything else in scripts/bench talks to the app through its HTTP surface (`app.inject()` or a
 * socket). When the composition root changes (createServices, buildApp, the sandbox partner), this
 * file is the one to follow it.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppDeps } from '../../src/deps.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { type CountingDb, countingDb } from '../../src/platform/db/counting.ts';
import { migrate, openDatabase, startStatisticsKeeper } from '../../src/platform/db/index.ts';
import { createServices } from '../../src/services.ts';
import type { PartnerCredentials } from './lib/jiko.ts';
import { BENCH_RATE_LIMIT_PER_MINUTE } from './lib/processes.ts';

export interface InProcessApp {
  readonly app: FastifyInstance;
  /** The app's database, counting every statement it is sent. */
  readonly db: CountingDb;
  /** The sandbox partner of the fresh database. */
  readonly partner: PartnerCredentials;
  close(): Promise<void>;
}

/**
 * Builds the app on a fresh database: PostgreSQL at `databaseUrl`, or embedded PGlite in `dataDir`
 * (in memory when both are undefined; on a thread of its own when `thread`, as the server runs it).
 * No demo, no background worker, no request log. The planner
 * statistics are kept as the server keeps them (startStatisticsKeeper, where no autovacuum runs),
 * on the database itself, so that its statements are not counted.
 */
export async function startInProcessApp(options: { databaseUrl?: string; dataDir?: string; thread?: boolean }): Promise<InProcessApp> {
  const config = loadConfig({
    POCKETBOOK_SEED_DEMO: 'false',
    POCKETBOOK_RUN_WORKER: 'false',
    POCKETBOOK_POCKET_OPEN_DELAY_MS: '0',
    POCKETBOOK_RATE_LIMIT_PER_MINUTE: String(BENCH_RATE_LIMIT_PER_MINUTE),
    LOG_LEVEL: 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.dataDir ? { POCKETBOOK_DATA_DIR: options.dataDir } : {}),
  });
  const raw = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: options.dataDir, thread: options.thread });
  const db = countingDb(raw);
  try {
    await migrate(db);
    const deps: AppDeps = { config, db, wallClock: systemClock };
    const services = await createServices(deps);
    const app = await buildApp(deps, services);
    const partner = await services.auth.ensureSandboxPartner();
    const statistics = startStatisticsKeeper(raw, {
      intervalMs: config.analyzeIntervalMs,
      onError: (error) => process.stderr.write(`planner statistics: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    return {
      app,
      db,
      partner: { username: partner.username, password: partner.password, sharedSecret: partner.sharedSecret },
      async close() {
        await statistics.stop();
        await app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
