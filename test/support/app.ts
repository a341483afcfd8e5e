/**
 * Test harness: the real app on a real database. With DATABASE_URL set the tests run against that
 * PostgreSQL server (shared by all test files, so assertions stay inside the test's own partner);
 * otherwise each test file gets its own in-memory PGlite database.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type PartnerClient, loginClient } from '../../src/seed/inject-client.ts';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { AppDeps } from '../../src/deps.ts';
import { type Db, migrate, openDatabase } from '../../src/platform/db/index.ts';
import { type WallClock, systemClock } from '../../src/platform/clock.ts';
import { type Services, createServices } from '../../src/services.ts';

export { PartnerClient, type RequestOptions, sign } from '../../src/seed/inject-client.ts';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly db: Db;
  readonly deps: AppDeps;
  readonly services: Services;
  close(): Promise<void>;
}

/** Config for tests: sandbox mode, no demo, no background worker, fast webhook retries. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ ...process.env, POCKETBOOK_SEED_DEMO: 'false', POCKETBOOK_RUN_WORKER: 'false' });
  return {
    ...base,
    webhooks: { ...base.webhooks, retryBaseMs: 50, retryWindowMs: 5_000, timeoutMs: 2_000, pollIntervalMs: 20 },
    ...overrides,
  };
}

export async function startTestApp(options: { config?: Partial<Config>; wallClock?: WallClock } = {}): Promise<TestApp> {
  const config = testConfig(options.config);
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: undefined });
  await migrate(db);
  const deps: AppDeps = { config, db, wallClock: options.wallClock ?? systemClock };
  const services = await createServices(deps);
  const app = await buildApp(deps, services);
  return {
    app,
    db,
    deps,
    services,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** Creates a fresh partner (unique username) and logs it in. */
export async function newPartner(t: TestApp): Promise<PartnerClient> {
  const username = `partner-${randomUUID()}`;
  const password = `pw-${randomUUID()}`;
  const sharedSecret = `secret-${randomUUID()}`;
  const partner = await t.services.auth.createPartner({ username, password, sharedSecret });
  return loginClient(t.app, partner.id, username, password, sharedSecret);
}
