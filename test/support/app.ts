/**
 * Test harness: the real app on a real database. With DATABASE_URL set the tests run against that
 * PostgreSQL server (shared by all test files, so assertions stay inside the test's own partner);
 * otherwise each test file gets its own in-memory PGlite database.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { AppDeps } from '../../src/deps.ts';
import { type Db, migrate, openDatabase } from '../../src/platform/db/index.ts';
import { type WallClock, systemClock } from '../../src/platform/clock.ts';
import { type Services, createServices } from '../../src/services.ts';

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

/** Jiko's request signature: base64(HMAC-SHA256(shared secret, idempotency + pathname + body)). */
export function sign(sharedSecret: string, idempotencyKey: string, pathname: string, body: string): string {
  return createHmac('sha256', sharedSecret).update(idempotencyKey + pathname + body, 'utf8').digest('base64');
}

export interface RequestOptions {
  /** Reuse a key to test replays; a fresh UUID otherwise. */
  readonly idempotencyKey?: string;
  /** Extra or overriding headers. */
  readonly headers?: Record<string, string>;
  /** Send without the signature and idempotency headers (sandbox endpoints). */
  readonly unsigned?: boolean;
}

/** A logged-in partner that signs its requests like a Jiko client. */
export class PartnerClient {
  constructor(
    readonly app: FastifyInstance,
    readonly partnerId: string,
    readonly username: string,
    readonly sharedSecret: string,
    public token: string,
  ) {}

  async request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown, options: RequestOptions = {}): Promise<LightMyRequestResponse> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const pathname = url.split('?')[0] ?? url;
    const key = options.idempotencyKey ?? randomUUID();
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (!options.unsigned) {
      headers['x-jiko-idempotency'] = key;
      headers['x-jiko-signature'] = sign(this.sharedSecret, key, pathname, payload);
    }
    if (payload) headers['content-type'] = 'application/json';
    return this.app.inject({ method, url, payload: payload || undefined, headers: { ...headers, ...options.headers } });
  }

  get(url: string, options?: RequestOptions) {
    return this.request('GET', url, undefined, options);
  }
  post(url: string, body?: unknown, options?: RequestOptions) {
    return this.request('POST', url, body ?? {}, options);
  }
  patch(url: string, body: unknown, options?: RequestOptions) {
    return this.request('PATCH', url, body, options);
  }
  delete(url: string, options?: RequestOptions) {
    return this.request('DELETE', url, undefined, options);
  }

  /** Sets this tenant's test clock (allowed while it has no customers). */
  async setClock(now: string): Promise<void> {
    const response = await this.request('POST', '/api/v1/sandbox/clock/', { now }, { unsigned: true });
    if (response.statusCode !== 200) throw new Error(`set clock: ${response.statusCode} ${response.body}`);
  }

  /** Moves this tenant's clock forward, running due work. */
  async advanceClock(to: { to?: string; days?: number }): Promise<{ now: string; business_date: string }> {
    const response = await this.request('POST', '/api/v1/sandbox/clock/advance/', to, { unsigned: true });
    if (response.statusCode !== 200) throw new Error(`advance clock: ${response.statusCode} ${response.body}`);
    return response.json();
  }
}

/** Creates a fresh partner (unique username) and logs it in. */
export async function newPartner(t: TestApp): Promise<PartnerClient> {
  const username = `partner-${randomUUID()}`;
  const password = `pw-${randomUUID()}`;
  const sharedSecret = `secret-${randomUUID()}`;
  const partner = await t.services.auth.createPartner({ username, password, sharedSecret });
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return new PartnerClient(t.app, partner.id, username, sharedSecret, response.json().token);
}
