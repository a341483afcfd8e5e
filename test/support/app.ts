/**
 * Test harness: the real engine on a real database, shared by every test of a process.
 *
 * One database per test process (see ./db.ts): PGlite, or the PostgreSQL server of DATABASE_URL.
 * Tests keep apart by tenant, never by database: each test makes its own partner (`newPartner` for
 * HTTP through `app.inject()`, `newTenant` for the service tier) and asserts only on that
 * partner's rows; background work (webhook deliveries, scheduler passes) is run by the test for
 * its own tenant. The harness never starts a background loop (config.runWorker is false).
 *
 * Services and apps are built once per process for each set of options (config overrides and wall
 * clock) and shared by the files that ask for the same options; `close()` lets go of them, and
 * the last one out closes them. The database stays open until the process is done with it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PartnerClient } from '../../src/seed/inject-client.ts';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { AppDeps } from '../../src/deps.ts';
import type { Db } from '../../src/platform/db/index.ts';
import { type CountingDb, countingDb } from '../../src/platform/db/counting.ts';
import { type WallClock, systemClock } from '../../src/platform/clock.ts';
import { type RequestContext, partnerContext, systemContext } from '../../src/platform/context.ts';
import { type Services, createServices } from '../../src/services.ts';
import { acquireTestDatabase, closeTestDatabase, releaseTestDatabase } from './db.ts';

export { PartnerClient, type RequestOptions, sign } from '../../src/seed/inject-client.ts';
export { openScratchPglite } from './db.ts';

/** The engine without HTTP: the database, the deps and the services (the service tier). */
export interface TestServices {
  readonly db: Db;
  readonly deps: AppDeps;
  readonly services: Services;
  /** Lets go of these services (and of the app built on them); the database stays for the process. */
  close(): Promise<void>;
}

/** The engine behind the Partner API, for tests through `app.inject()`. */
export interface TestApp extends TestServices {
  readonly app: FastifyInstance;
}

export interface TestOptions {
  readonly config?: Partial<Config>;
  readonly wallClock?: WallClock;
}

/** Config for tests: sandbox mode, no demo, no background worker, fast webhook retries, pockets open at once. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // Pockets open in the creating request unless a test asks for the asynchronous opening.
  const base = loadConfig({ ...process.env, POCKETBOOK_SEED_DEMO: 'false', POCKETBOOK_RUN_WORKER: 'false', POCKETBOOK_POCKET_OPEN_DELAY_MS: '0' });
  return {
    ...base,
    webhooks: { ...base.webhooks, retryBaseMs: 50, retryWindowMs: 5_000, timeoutMs: 2_000, pollIntervalMs: 20 },
    // The cheapest scrypt cost allowed: tests log in hundreds of partners.
    passwordHashLn: 10,
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// Engines shared per process, one per set of options

interface Engine {
  readonly key: string;
  readonly deps: AppDeps;
  readonly services: Services;
  app?: Promise<FastifyInstance>;
  holders: number;
  /** Shut by its last holder: an acquirer that waited for it must make a new one. */
  shut: boolean;
}

const engines = new Map<string, Promise<Engine>>();
const clockIds = new WeakMap<WallClock, number>();
let clocksSeen = 0;

/** Options are the same when their config overrides are equal (as JSON) and the wall clock is the same object. */
function keyOf(options: TestOptions): string {
  const clock = options.wallClock ?? systemClock;
  let clockId = clockIds.get(clock);
  if (clockId === undefined) {
    clockId = ++clocksSeen;
    clockIds.set(clock, clockId);
  }
  return `${clockId}|${stableJson(options.config ?? {})}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

async function acquireEngine(options: TestOptions): Promise<Engine> {
  const key = keyOf(options);
  let pending = engines.get(key);
  if (!pending) {
    pending = (async () => {
      const db = await acquireTestDatabase();
      try {
        const deps: AppDeps = { config: testConfig(options.config), db, wallClock: options.wallClock ?? systemClock };
        return { key, deps, services: await createServices(deps), holders: 0, shut: false };
      } catch (error) {
        releaseTestDatabase();
        throw error;
      }
    })();
    engines.set(key, pending);
    pending.catch(() => engines.delete(key));
  }
  const engine = await pending;
  if (engine.shut) return acquireEngine(options);
  engine.holders += 1;
  return engine;
}

async function releaseEngine(engine: Engine): Promise<void> {
  engine.holders -= 1;
  if (engine.holders > 0) return;
  engines.delete(engine.key);
  await shutEngine(engine);
}

async function shutEngine(engine: Engine): Promise<void> {
  engine.shut = true;
  const app = engine.app;
  engine.app = undefined;
  if (app) await (await app.catch(() => undefined))?.close();
  releaseTestDatabase();
}

/** Closes every shared engine and the database, whoever holds them (the end of a test process). */
export async function closeTestResources(): Promise<void> {
  const all = [...engines.values()];
  engines.clear();
  for (const pending of all) {
    const engine = await pending.catch(() => undefined);
    if (engine) await shutEngine(engine);
  }
  await closeTestDatabase();
}

/** One handle's `close`: lets go once, however often it is called. */
function closeOnce(engine: Engine): () => Promise<void> {
  let closed: Promise<void> | undefined;
  return () => (closed ??= releaseEngine(engine));
}

// ---------------------------------------------------------------------------------------------

/** The services of the engine for `options`, without HTTP (the service tier). */
export async function startTestServices(options: TestOptions = {}): Promise<TestServices> {
  const engine = await acquireEngine(options);
  return { db: engine.deps.db, deps: engine.deps, services: engine.services, close: closeOnce(engine) };
}

/** The Partner API (and the sandbox endpoints) for `options`, ready for `app.inject()`. */
export async function startTestApp(options: TestOptions = {}): Promise<TestApp> {
  const engine = await acquireEngine(options);
  try {
    engine.app ??= buildApp(engine.deps, engine.services);
    const app = await engine.app;
    return { app, db: engine.deps.db, deps: engine.deps, services: engine.services, close: closeOnce(engine) };
  } catch (error) {
    engine.app = undefined;
    await releaseEngine(engine);
    throw error;
  }
}

/**
 * An app of its own on `db` wrapped by `countingDb` (what `npm run bench` counts), and a fresh
 * partner whose clock is set to `clock` (ISO 8601). `close` closes the app, not the database.
 */
export async function countedApp(db: Db, clock: string): Promise<{ counted: CountingDb; client: PartnerClient; close(): Promise<void> }> {
  const counted = countingDb({ ...db, close: async () => undefined });
  const deps = { config: testConfig(), db: counted, wallClock: systemClock };
  const services = await createServices(deps);
  const app: FastifyInstance = await buildApp(deps, services);
  try {
    const client = await newPartner({ app, services, db: counted, deps, close: async () => undefined });
    await client.setClock(clock);
    return { counted, client, close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** A loopback address per login: the login limit counts per client address, and tests log in many partners through one app. */
let loginAddress = 0;
function nextLoginAddress(): string {
  loginAddress = (loginAddress + 1) % 0xfffffe;
  return `127.${(loginAddress >> 16) & 0xff}.${(loginAddress >> 8) & 0xff}.${(loginAddress & 0xff) || 1}`;
}

/** Creates a fresh partner (unique username) and logs it in through POST /api/v1/login/. */
export async function newPartner(t: TestApp): Promise<PartnerClient> {
  const username = `partner-${randomUUID()}`;
  const password = `pw-${randomUUID()}`;
  const sharedSecret = `secret-${randomUUID()}`;
  const partner = await t.services.auth.createPartner({ username, password, sharedSecret });
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username, password }, remoteAddress: nextLoginAddress() });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return new PartnerClient(t.app, partner.id, username, sharedSecret, (response.json() as { token: string }).token);
}

/** A fresh tenant for the service tier: call services directly with its RequestContext. */
export interface TestTenant {
  readonly tenantId: string;
  readonly db: Db;
  readonly deps: AppDeps;
  readonly services: Services;
  /** The partner acting for itself, at the tenant's clock when the tenant was made. */
  readonly ctx: RequestContext;
  /** The partner's context at the tenant's clock now (after a clock move, say). */
  context(): Promise<RequestContext>;
  /** The engine's own context (scheduler tasks, jobs) at the tenant's clock now. */
  system(): Promise<RequestContext>;
}

/** Creates a fresh partner and gives its RequestContext and the services, without HTTP. */
export async function newTenant(t: TestServices): Promise<TestTenant> {
  const username = `tenant-${randomUUID()}`;
  const partner = await t.services.auth.createPartner({ username, password: `pw-${randomUUID()}`, sharedSecret: `secret-${randomUUID()}` });
  const tenantId = partner.id;
  const now = async () => (await t.services.tenancy.clock(tenantId)).now;
  return {
    tenantId,
    db: t.db,
    deps: t.deps,
    services: t.services,
    ctx: partnerContext(tenantId, await now()),
    context: async () => partnerContext(tenantId, await now()),
    system: async () => systemContext(tenantId, await now()),
  };
}
