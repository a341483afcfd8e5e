/**
 * Partner authentication end to end: login, bearer tokens, Jiko request signatures, idempotency
 * keys, rate limits, partner creation and the `partners create` command.
 *
 * The hooks are tested on a small app of their own (the platform conventions, the real login route,
 * the real `partnerAuth` hooks and a few dummy routes), so that these tests do not depend on the
 * other modules' routes. With DATABASE_URL set they run on that PostgreSQL server, else on PGlite.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { partnerAuth } from '../src/api/partner/auth.hooks.ts';
import { loginRoutes } from '../src/api/partner/login.routes.ts';
import type { Config } from '../src/config.ts';
import type { AppDeps } from '../src/deps.ts';
import { type AuthService, createAuthService } from '../src/modules/auth/index.ts';
import { ManualClock, type WallClock } from '../src/platform/clock.ts';
import type { Db, Tx } from '../src/platform/db/index.ts';
import { DomainError, httpConventions, notFound } from '../src/platform/http/index.ts';
import { REQUEST_BODY_BYTES_MAX } from '../src/platform/limits.ts';
import { exactlyOnce } from '../src/platform/exactly-once.ts';
import { sealedReply } from '../src/api/jiko/sealed.ts';
import type { Services } from '../src/services.ts';
import { sharedEngineFlags } from '../scripts/fault-restart.ts';
import { type PartnerClient, newPartner, sign, startTestServices } from './support/app.ts';
import { scratchFolder } from './support/db.ts';

// ---------------------------------------------------------------------------------------------
// Harness

interface AuthApp {
  readonly app: FastifyInstance;
  readonly db: Db;
  readonly deps: AppDeps;
  readonly auth: AuthService;
  readonly services: Services;
  /** How many times each dummy route has run. */
  readonly runs: Map<string, number>;
  /** Resolves the pending call of the slow route. */
  releaseSlow(): void;
  close(): Promise<void>;
}

/** The dummy routes, for a signed (Partner API) or an unsigned (sandbox) context. */
function dummyRoutes(db: Db, runs: Map<string, number>, slowGate: { wait: () => Promise<void> }, prefix: string) {
  const count = (name: string) => runs.set(name, (runs.get(name) ?? 0) + 1);
  return async (app: FastifyInstance) => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    typed.get(`${prefix}/echo/`, async (request) => {
      count(`${prefix}/echo`);
      return { partner_id: request.tenant.partnerId, now: request.tenant.now.toISOString() };
    });
    // Jiko's documented signature example signs a GET of this path.
    typed.get(`${prefix}/agreements/`, async (request) => ({ items: [], partner_id: request.tenant.partnerId }));
    typed.post(
      `${prefix}/count/`,
      { schema: { body: Type.Object({ amount: Type.Integer({ minimum: 1 }) }) } },
      async (request, reply) => {
        count(`${prefix}/count`);
        return reply.code(201).send({ id: randomUUID(), amount: request.body.amount, partner_id: request.tenant.partnerId });
      },
    );
    // A change that claims its key in its transaction (the door may leave the key's record to the
    // claim): counted when its transaction commits, so a count is a change made.
    typed.post(
      `${prefix}/claimed/`,
      { schema: { body: Type.Object({ amount: Type.Integer({ minimum: 1 }) }) }, config: { keyClaimedInTx: true } },
      async (request, reply) => {
        const send = sealedReply(request, reply, 201, (made: { id: string; amount: number }) => made);
        const made = await exactlyOnce(db, request.ctx, async (tx) => {
          await tx.query('SELECT 1');
          return { id: randomUUID(), amount: request.body.amount };
        });
        count(`${prefix}/claimed`);
        return send(made);
      },
    );
    typed.post(`${prefix}/missing/`, async () => {
      count(`${prefix}/missing`);
      throw notFound('test.not_found');
    });
    typed.post(`${prefix}/slow/`, async () => {
      count(`${prefix}/slow`);
      await slowGate.wait();
      return { done: true };
    });
  };
}

async function startAuthApp(options: { config?: Partial<Config>; wallClock?: WallClock } = {}): Promise<AuthApp> {
  // The process's shared database and engine for these options (test/support/app.ts).
  const engine = await startTestServices(options);
  const { db, deps, services } = engine;
  const config = deps.config;
  const auth = services.auth;
  const runs = new Map<string, number>();
  let release: (() => void) | undefined;
  const slowGate = { wait: () => new Promise<void>((resolve) => (release = resolve)) };

  // The same server options as buildApp.
  const app = Fastify({
    logger: false,
    bodyLimit: REQUEST_BODY_BYTES_MAX,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  const rateOwner = {};
  const door = { auth, tenancy: services.tenancy, scheduler: services.scheduler, config, wallClock: deps.wallClock, rateOwner };
  await app.register(httpConventions);
  await app.register(loginRoutes, { auth, config, wallClock: deps.wallClock, rateOwner });
  await app.register(async (secured) => {
    await secured.register(fp(partnerAuth), { ...door, signed: true });
    await secured.register(dummyRoutes(db, runs, slowGate, '/api/v1'));
  });
  await app.register(async (sandbox) => {
    await sandbox.register(fp(partnerAuth), { ...door, signed: false });
    await sandbox.register(dummyRoutes(db, runs, slowGate, '/api/v1/sandbox'));
  });
  await app.ready();
  return {
    app,
    db,
    deps,
    auth,
    services,
    runs,
    releaseSlow: () => release?.(),
    async close() {
      await app.close();
      await engine.close();
    },
  };
}

/** A fresh partner logged in through POST /api/v1/login/, via the shared test helper. */
function partnerOf(t: AuthApp): Promise<PartnerClient> {
  return newPartner({ app: t.app, db: t.db, deps: t.deps, services: t.services, close: t.close });
}

function login(app: FastifyInstance, username: string, password: string) {
  return app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username, password } });
}

/** Headers of a signed request, with every part overridable. */
function signedHeaders(client: PartnerClient, pathname: string, body: string, key = randomUUID(), secret = client.sharedSecret) {
  return {
    authorization: `Bearer ${client.token}`,
    'x-jiko-idempotency': key,
    'x-jiko-signature': sign(secret, key, pathname, body),
    ...(body ? { 'content-type': 'application/json' } : {}),
  };
}

const MINUTE_MS = 60_000;

// ---------------------------------------------------------------------------------------------

describe('login', () => {
  const clock = new ManualClock(new Date('2025-03-03T15:00:00Z'));
  let t: AuthApp;
  before(async () => {
    t = await startAuthApp({ wallClock: clock });
  });
  after(() => t.close());

  test('returns a bearer token that lives 60 minutes', async () => {
    const username = `login-${randomUUID()}`;
    await t.auth.createPartner({ username, password: 'correct horse battery', sharedSecret: 'a-shared-secret-of-32-characters' });
    const response = await login(t.app, username, 'correct horse battery');
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), ['expires', 'token']);
    assert.match(body.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body.expires, new Date(clock.now().getTime() + 60 * MINUTE_MS).toISOString());
  });

  test('stores a scrypt hash of the password and only a SHA-256 of the token', async () => {
    const username = `stored-${randomUUID()}`;
    const { id } = await t.auth.createPartner({ username, password: 'plain-password', sharedSecret: 'a-shared-secret-of-32-characters' });
    const [partner] = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM partners WHERE id = $1', [id]);
    assert.match(partner!.password_hash, /^\$scrypt\$ln=\d+,r=\d+,p=\d+\$/);
    assert.ok(!partner!.password_hash.includes('plain-password'));

    const { token } = (await login(t.app, username, 'plain-password')).json();
    const tokens = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM partner_tokens WHERE partner_id = $1', [id]);
    assert.deepEqual(tokens.map((row) => row.token_hash), [createHash('sha256').update(token).digest('hex')]);
  });

  test('refuses a wrong password or an unknown username with 401 {detail}', async () => {
    const client = await partnerOf(t);
    for (const [username, password] of [[client.username, 'wrong-password'], [`nobody-${randomUUID()}`, 'whatever']] as const) {
      const response = await login(t.app, username, password);
      assert.equal(response.statusCode, 401);
      assert.equal(typeof response.json().detail, 'string');
    }
  });

  test('validates the body with 422 {detail: [...]}', async () => {
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/login/', payload: { username: 'someone' } });
    assert.equal(missing.statusCode, 422);
    assert.deepEqual(missing.json().detail[0].loc, ['body', 'password']);

    const tooLong = await login(t.app, 'u'.repeat(129), 'password');
    assert.equal(tooLong.statusCode, 422);
    assert.deepEqual(tooLong.json().detail[0].loc, ['body', 'username']);

    const notJson = await t.app.inject({ method: 'POST', url: '/api/v1/login/', headers: { 'content-type': 'application/json' }, payload: '{' });
    assert.equal(notJson.statusCode, 422);
  });

  test('the login path answers with or without its trailing slash', async () => {
    const client = await partnerOf(t);
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/login', payload: { username: client.username, password: 'wrong' } });
    assert.equal(response.statusCode, 401);
  });

  test('a token expires after 60 minutes of wall-clock time', async () => {
    const client = await partnerOf(t);
    clock.advance(59 * MINUTE_MS);
    assert.equal((await client.get('/api/v1/echo/')).statusCode, 200);
    clock.advance(2 * MINUTE_MS);
    const expired = await client.get('/api/v1/echo/');
    assert.equal(expired.statusCode, 401);
    assert.equal(typeof expired.json().detail, 'string');
  });

  test('moving the tenant clock a year forward does not log the partner out', async () => {
    const client = await partnerOf(t);
    const inAYear = new Date(clock.now().getTime() + 365 * 24 * 60 * MINUTE_MS);
    await t.services.tenancy.setNow(t.db, client.partnerId, inAYear);
    const response = await client.get('/api/v1/echo/');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().now, inAYear.toISOString());
  });
});

describe('bearer token and request signature', () => {
  let t: AuthApp;
  let client: PartnerClient;
  before(async () => {
    t = await startAuthApp();
    client = await partnerOf(t);
  });
  after(() => t.close());

  test('a correctly signed request reaches the route as the authenticated partner', async () => {
    const other = await partnerOf(t);
    const mine = await client.get('/api/v1/echo/');
    const theirs = await other.get('/api/v1/echo/');
    assert.equal(mine.statusCode, 200, mine.body);
    assert.equal(mine.json().partner_id, client.partnerId);
    assert.equal(theirs.json().partner_id, other.partnerId);

    const posted = await client.post('/api/v1/count/', { amount: 7 });
    assert.equal(posted.statusCode, 201, posted.body);
    assert.equal(posted.json().partner_id, client.partnerId);
  });

  test('signature vector computed as in Jiko\'s Node.js example, accepted by the server', async () => {
    const secret = 'sandbox-shared-secret-0123456789';
    const key = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
    const pathname = '/api/v1/agreements/';
    const body = '';
    const KNOWN_VECTOR = '/l/AGvqHC9d1cV8nETqwwg+x99uBuH/Rob18HHABHw4=';
    assert.equal(createHmac('sha256', secret).update(key + pathname + body).digest('base64'), KNOWN_VECTOR);
    assert.equal(sign(secret, key, pathname, body), KNOWN_VECTOR);

    const username = `vector-${randomUUID()}`;
    const { id } = await t.auth.createPartner({ username, password: 'vector-password', sharedSecret: secret });
    const { token } = (await login(t.app, username, 'vector-password')).json();
    const response = await t.app.inject({
      method: 'GET',
      url: pathname,
      headers: { authorization: `Bearer ${token}`, 'x-jiko-idempotency': key, 'x-jiko-signature': KNOWN_VECTOR },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().partner_id, id);
  });

  test('a signature with the wrong secret, over another body or another path is refused and nothing runs', async () => {
    const before = t.runs.get('/api/v1/count') ?? 0;
    const body = JSON.stringify({ amount: 5 });
    const wrongSecret = await t.app.inject({
      method: 'POST', url: '/api/v1/count/', payload: body,
      headers: signedHeaders(client, '/api/v1/count/', body, randomUUID(), 'not-the-shared-secret-at-all'),
    });
    const tampered = await t.app.inject({
      method: 'POST', url: '/api/v1/count/', payload: JSON.stringify({ amount: 500 }),
      headers: signedHeaders(client, '/api/v1/count/', body),
    });
    const otherPath = await t.app.inject({
      method: 'POST', url: '/api/v1/count/', payload: body,
      headers: signedHeaders(client, '/api/v1/missing/', body),
    });
    for (const response of [wrongSecret, tampered, otherPath]) {
      assert.equal(response.statusCode, 401, response.body);
      assert.equal(response.json().detail, 'Invalid request signature');
    }
    assert.equal(t.runs.get('/api/v1/count') ?? 0, before);
  });

  test('the pathname must be the one sent: with or without the trailing slash, never the query', async () => {
    const sentWithout = await t.app.inject({ method: 'GET', url: '/api/v1/echo', headers: signedHeaders(client, '/api/v1/echo/', '') });
    assert.equal(sentWithout.statusCode, 401);
    const signedWithout = await t.app.inject({ method: 'GET', url: '/api/v1/echo', headers: signedHeaders(client, '/api/v1/echo', '') });
    assert.equal(signedWithout.statusCode, 200, signedWithout.body);
    const signedWith = await t.app.inject({ method: 'GET', url: '/api/v1/echo/', headers: signedHeaders(client, '/api/v1/echo/', '') });
    assert.equal(signedWith.statusCode, 200);
    const withQuery = await t.app.inject({ method: 'GET', url: '/api/v1/echo/?limit=5', headers: signedHeaders(client, '/api/v1/echo/', '') });
    assert.equal(withQuery.statusCode, 200, withQuery.body);
    const queryInSignature = await t.app.inject({ method: 'GET', url: '/api/v1/echo/?limit=5', headers: signedHeaders(client, '/api/v1/echo/?limit=5', '') });
    assert.equal(queryInSignature.statusCode, 401);
  });

  test('missing or malformed headers are 401', async () => {
    const headers = signedHeaders(client, '/api/v1/echo/', '');
    const without = (name: string) => Object.fromEntries(Object.entries(headers).filter(([header]) => header !== name));
    const cases: [string, Record<string, string>][] = [
      ['no authorization', without('authorization')],
      ['no idempotency key', without('x-jiko-idempotency')],
      ['no signature', without('x-jiko-signature')],
      ['not a bearer', { ...headers, authorization: `Basic ${client.token}` }],
      ['unknown token', { ...headers, authorization: `Bearer ${'A'.repeat(43)}` }],
      ['malformed token', { ...headers, authorization: 'Bearer not-a-token' }],
    ];
    const nonUuid = 'not-a-uuid';
    cases.push(['non-UUID key', { ...headers, 'x-jiko-idempotency': nonUuid, 'x-jiko-signature': sign(client.sharedSecret, nonUuid, '/api/v1/echo/', '') }]);
    for (const [name, sent] of cases) {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/echo/', headers: sent });
      assert.equal(response.statusCode, 401, name);
      assert.equal(typeof response.json().detail, 'string', name);
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/echo/' });
    assert.equal(anonymous.headers['www-authenticate'], 'Bearer');
  });

  test('x-jiko-partner-id: absent or the partner\'s own id passes; any other value is 401 and nothing runs', async () => {
    const other = await partnerOf(t);
    const own = await t.app.inject({ method: 'GET', url: '/api/v1/echo/', headers: { ...signedHeaders(client, '/api/v1/echo/', ''), 'x-jiko-partner-id': client.partnerId } });
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().partner_id, client.partnerId);
    const before = t.runs.get('/api/v1/count') ?? 0;
    const body = JSON.stringify({ amount: 3 });
    for (const claimed of [other.partnerId, 'not-a-partner', '']) {
      const response = await t.app.inject({
        method: 'POST', url: '/api/v1/count/', payload: body,
        headers: { ...signedHeaders(client, '/api/v1/count/', body), 'x-jiko-partner-id': claimed },
      });
      assert.equal(response.statusCode, 401, `${claimed}: ${response.body}`);
      assert.equal(response.json().detail, 'x-jiko-partner-id is not the id of the authenticated partner');
    }
    assert.equal(t.runs.get('/api/v1/count') ?? 0, before);
  });

  test('authentication comes before body validation: 401 rather than 422', async () => {
    const body = JSON.stringify({ amount: 'lots' });
    const unsigned = await t.app.inject({ method: 'POST', url: '/api/v1/count/', payload: body, headers: { 'content-type': 'application/json' } });
    assert.equal(unsigned.statusCode, 401);
    const badSignature = await t.app.inject({
      method: 'POST', url: '/api/v1/count/', payload: body,
      headers: signedHeaders(client, '/api/v1/count/', '{}'),
    });
    assert.equal(badSignature.statusCode, 401);
    const signed = await t.app.inject({ method: 'POST', url: '/api/v1/count/', payload: body, headers: signedHeaders(client, '/api/v1/count/', body) });
    assert.equal(signed.statusCode, 422, signed.body);
    assert.deepEqual(signed.json().detail[0].loc, ['body', 'amount']);
  });

  test('a body that is not JSON cannot be signed', async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/api/v1/count/', payload: 'amount=5',
      headers: { ...signedHeaders(client, '/api/v1/count/', ''), 'content-type': 'text/plain' },
    });
    assert.equal(response.statusCode, 401);
  });

  test('sandbox endpoints need the token but no signature', async () => {
    const response = await client.get('/api/v1/sandbox/echo/', { unsigned: true });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().partner_id, client.partnerId);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/sandbox/echo/' });
    assert.equal(anonymous.statusCode, 401);
  });
});

describe('idempotency keys', () => {
  const clock = new ManualClock(new Date('2025-03-03T15:00:00Z'));
  let t: AuthApp;
  let client: PartnerClient;
  before(async () => {
    t = await startAuthApp({ wallClock: clock });
    client = await partnerOf(t);
  });
  after(() => t.close());
  /** What claiming `key` for a request of `requestHash` decides in `tx`. */
  const outcomeOf = (tx: Tx, key: string, requestHash: string) => t.auth.claimKey(tx, client.partnerId, key, requestHash).then((claimed) => claimed.outcome);

  test('a repeat replays the stored response and does nothing again', async () => {
    const key = randomUUID();
    const before = t.runs.get('/api/v1/count') ?? 0;
    const first = await client.post('/api/v1/count/', { amount: 5 }, { idempotencyKey: key });
    const second = await client.post('/api/v1/count/', { amount: 5 }, { idempotencyKey: key });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    assert.equal(second.statusCode, 201);
    assert.equal(second.body, first.body);
    assert.equal(second.headers['content-type'], first.headers['content-type']);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(t.runs.get('/api/v1/count'), before + 1);
  });

  test('errors are stored and replayed too', async () => {
    const key = randomUUID();
    const first = await client.post('/api/v1/missing/', {}, { idempotencyKey: key });
    const second = await client.post('/api/v1/missing/', {}, { idempotencyKey: key });
    assert.equal(first.statusCode, 404);
    assert.deepEqual(first.json(), { detail: 'Not Found' });
    assert.equal(second.statusCode, 404);
    assert.equal(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');

    const invalidKey = randomUUID();
    const invalid = await client.post('/api/v1/count/', { amount: 0 }, { idempotencyKey: invalidKey });
    const invalidAgain = await client.post('/api/v1/count/', { amount: 0 }, { idempotencyKey: invalidKey });
    assert.equal(invalid.statusCode, 422);
    assert.equal(invalidAgain.statusCode, 422);
    assert.equal(invalidAgain.headers['idempotent-replayed'], 'true');
  });

  test('the same key with a different request is 422 and does nothing', async () => {
    const key = randomUUID();
    await client.post('/api/v1/count/', { amount: 5 }, { idempotencyKey: key });
    const before = t.runs.get('/api/v1/count');
    const otherBody = await client.post('/api/v1/count/', { amount: 6 }, { idempotencyKey: key });
    const otherPath = await client.post('/api/v1/missing/', { amount: 5 }, { idempotencyKey: key });
    for (const response of [otherBody, otherPath]) {
      assert.equal(response.statusCode, 422, response.body);
      assert.deepEqual(response.json().detail[0].loc, ['header', 'x-jiko-idempotency']);
    }
    assert.equal(t.runs.get('/api/v1/count'), before);
  });

  test('a repeat while the first is still running is 409', async () => {
    const key = randomUUID();
    const first = client.post('/api/v1/slow/', {}, { idempotencyKey: key });
    // Let the first request claim the key and reach the route.
    while ((t.runs.get('/api/v1/slow') ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await client.post('/api/v1/slow/', {}, { idempotencyKey: key });
    assert.equal(second.statusCode, 409, second.body);
    assert.equal(typeof second.json().detail, 'string');
    t.releaseSlow();
    assert.equal((await first).statusCode, 200);
    const third = await client.post('/api/v1/slow/', {}, { idempotencyKey: key });
    assert.equal(third.statusCode, 200);
    assert.equal(third.headers['idempotent-replayed'], 'true');
    assert.equal(t.runs.get('/api/v1/slow'), 1);
  });

  test('a key held by a running transaction is refused to another (PostgreSQL: two connections)', async (tc) => {
    if (t.db.kind !== 'postgres') return tc.skip('PGlite runs one transaction at a time');
    // The claim in two statements, and in one (a claim whose record is written with the change).
    for (const recorded of [false, true]) {
      const key = randomUUID();
      const claim = (tx: Tx) => t.auth.claimKey(tx, client.partnerId, key, 'hash-a', { recorded }).then((claimed) => claimed.outcome);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let claimed!: () => void;
      const firstClaimed = new Promise<void>((resolve) => (claimed = resolve));
      const first = t.db.tx(async (tx) => {
        const outcome = await claim(tx);
        claimed();
        await held;
        return outcome;
      });
      await firstClaimed;
      const second = await t.db.tx(claim);
      release();
      assert.equal(await first, 'proceed', `recorded: ${recorded}`);
      assert.equal(second, 'in_progress', `recorded: ${recorded}`);
    }
  });

  test('the record of a claim replaces an expired record only when the claim found one', async () => {
    const response = { statusCode: 201, contentType: 'application/json', body: '{"ok":true}' };
    for (const recorded of [false, true]) {
      const fresh = randomUUID();
      await t.db.tx(async (tx) => {
        const claimed = await t.auth.claimKey(tx, client.partnerId, fresh, 'hash-a', { recorded });
        assert.deepEqual(claimed, { outcome: 'proceed', expired: false });
        t.auth.recordInTx(tx, client.partnerId, fresh, 'hash-a', response, claimed.expired);
      });
      assert.equal(await t.db.tx((tx) => outcomeOf(tx, fresh, 'hash-a')), 'replay');
    }
    const old = randomUUID();
    await t.auth.record(client.partnerId, old, 'hash-a', response);
    clock.advance(61 * MINUTE_MS);
    // Without the claim's word, the expired record would stand in the new one's way.
    const blocked = await t.db
      .tx(async (tx) => t.auth.recordInTx(tx, client.partnerId, old, 'hash-b', response, false))
      .then(() => undefined, (error: unknown) => error);
    assert.ok(blocked && t.auth.isKeyTaken(blocked), String(blocked));
    await t.db.tx(async (tx) => {
      const claimed = await t.auth.claimKey(tx, client.partnerId, old, 'hash-b', { recorded: true });
      assert.deepEqual(claimed, { outcome: 'proceed', expired: true });
      t.auth.recordInTx(tx, client.partnerId, old, 'hash-b', { ...response, body: '{"b":1}' }, claimed.expired);
    });
    assert.equal(await t.db.tx((tx) => outcomeOf(tx, old, 'hash-b')), 'replay');
    client = await partnerOf(t); // a fresh token: the clock moved past the last one's life
  });

  test('a crash before commit leaves nothing behind: the retry runs at once', async () => {
    const key = randomUUID();
    const response = { statusCode: 201, contentType: 'application/json', body: '{"ok":true}' };
    await assert.rejects(
      t.db.tx(async (tx) => {
        assert.equal(await outcomeOf(tx, key, 'hash-a'), 'proceed');
        t.auth.recordInTx(tx, client.partnerId, key, 'hash-a', response);
        throw new Error('crash before commit');
      }),
    );
    // No record, no lock left: the same key proceeds now, and its record then replays.
    await t.db.tx(async (tx) => {
      assert.equal(await outcomeOf(tx, key, 'hash-a'), 'proceed');
      t.auth.recordInTx(tx, client.partnerId, key, 'hash-a', response);
    });
    assert.equal(await t.db.tx((tx) => outcomeOf(tx, key, 'hash-a')), 'replay');
    assert.equal(await t.db.tx((tx) => outcomeOf(tx, key, 'hash-b')), 'mismatch');
    const { existing } = await t.auth.authenticateRequest({ token: client.token, key });
    assert.equal(existing?.response.body.toString(), '{"ok":true}');
    assert.equal(existing?.response.statusCode, 201);
  });

  test('a duplicate whose record meets a live one at commit rolls back whole', async () => {
    const key = randomUUID();
    const response = { statusCode: 201, contentType: 'application/json', body: '{}' };
    await t.db.tx(async (tx) => t.auth.recordInTx(tx, client.partnerId, key, 'hash-a', response));
    // A second transaction that missed the record (its claim raced the first commit) cannot commit.
    const failed = await t.db
      .tx(async (tx) => t.auth.recordInTx(tx, client.partnerId, key, 'hash-a', { ...response, body: '{"second":true}' }))
      .then(() => undefined, (error: unknown) => error);
    assert.ok(failed && t.auth.isKeyTaken(failed), String(failed));
    const { existing } = await t.auth.authenticateRequest({ token: client.token, key });
    assert.equal(existing?.response.body.toString(), '{}');
  });

  test('a key expires after one hour and may then be used again', async () => {
    const key = randomUUID();
    await t.auth.record(client.partnerId, key, 'hash-a', { statusCode: 201, contentType: 'application/json', body: '{}' });
    clock.advance(59 * MINUTE_MS);
    assert.equal(await t.db.tx((tx) => outcomeOf(tx, key, 'hash-b')), 'mismatch');
    clock.advance(MINUTE_MS);
    assert.equal(await t.db.tx((tx) => outcomeOf(tx, key, 'hash-b')), 'proceed');
    await t.auth.record(client.partnerId, key, 'hash-b', { statusCode: 201, contentType: 'application/json', body: '{"b":1}' });
    assert.equal(await t.db.tx((tx) => outcomeOf(tx, key, 'hash-b')), 'replay');
  });

  test('keys belong to one partner', async () => {
    client = await partnerOf(t); // a fresh token: the clock moved past the last one's life
    const other = await partnerOf(t);
    const key = randomUUID();
    const mine = await client.post('/api/v1/count/', { amount: 5 }, { idempotencyKey: key });
    const theirs = await other.post('/api/v1/count/', { amount: 5 }, { idempotencyKey: key });
    assert.equal(theirs.statusCode, 201);
    assert.equal(theirs.headers['idempotent-replayed'], undefined);
    assert.notEqual(theirs.json().id, mine.json().id);
    assert.equal(theirs.json().partner_id, other.partnerId);
  });

  test('a change that claims its key in its transaction: the door leaves the record to the claim, and a repeat still replays', async () => {
    const runs = () => t.runs.get('/api/v1/claimed') ?? 0;
    /** Jiko's 422 for a key already used by another request. */
    const refusedAsReused = (response: { statusCode: number; body: string; json: () => { detail: { loc: unknown }[] } }) => {
      assert.equal(response.statusCode, 422, response.body);
      assert.deepEqual(response.json().detail[0]!.loc, ['header', 'x-jiko-idempotency']);
    };
    // The token is seen (remembered), so the door reads no record for these changes.
    assert.equal((await client.get('/api/v1/echo/')).statusCode, 200);
    const key = randomUUID();
    const before = runs();
    const first = await client.post('/api/v1/claimed/', { amount: 5 }, { idempotencyKey: key });
    const second = await client.post('/api/v1/claimed/', { amount: 5 }, { idempotencyKey: key });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(second.body, first.body);
    assert.equal(second.headers['content-type'], first.headers['content-type']);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(runs(), before + 1);

    // Another body with the key: refused by the claim, nothing made.
    refusedAsReused(await client.post('/api/v1/claimed/', { amount: 6 }, { idempotencyKey: key }));
    // Another body that stops before the claim (invalid): refused in onSend, as a mismatch.
    refusedAsReused(await client.post('/api/v1/claimed/', { amount: 0 }, { idempotencyKey: key }));
    assert.equal(runs(), before + 1);

    // An error before the claim is recorded then, and replayed.
    const invalidKey = randomUUID();
    const invalid = await client.post('/api/v1/claimed/', { amount: 0 }, { idempotencyKey: invalidKey });
    const invalidAgain = await client.post('/api/v1/claimed/', { amount: 0 }, { idempotencyKey: invalidKey });
    assert.equal(invalid.statusCode, 422);
    assert.equal(invalid.headers['idempotent-replayed'], undefined);
    assert.equal(invalidAgain.statusCode, 422);
    assert.equal(invalidAgain.body, invalid.body);
    assert.equal(invalidAgain.headers['idempotent-replayed'], 'true');
    // The key of that error, with a valid body: the recorded error is the key's answer.
    refusedAsReused(await client.post('/api/v1/claimed/', { amount: 5 }, { idempotencyKey: invalidKey }));
    assert.equal(runs(), before + 1);

    // A key first used by a route that reads it at the door is honoured by the claim as well.
    const sharedKey = randomUUID();
    const counted = await client.post('/api/v1/count/', { amount: 5 }, { idempotencyKey: sharedKey });
    assert.equal(counted.statusCode, 201);
    refusedAsReused(await client.post('/api/v1/claimed/', { amount: 5 }, { idempotencyKey: sharedKey }));
    assert.equal(runs(), before + 1);
  });

  test('unsigned sandbox calls honour a key when one is sent', async () => {
    const before = t.runs.get('/api/v1/sandbox/count') ?? 0;
    const key = randomUUID();
    const withKey = { unsigned: true, headers: { 'x-jiko-idempotency': key } };
    const first = await client.post('/api/v1/sandbox/count/', { amount: 5 }, withKey);
    const second = await client.post('/api/v1/sandbox/count/', { amount: 5 }, withKey);
    assert.equal(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    await client.post('/api/v1/sandbox/count/', { amount: 5 }, { unsigned: true });
    await client.post('/api/v1/sandbox/count/', { amount: 5 }, { unsigned: true });
    assert.equal(t.runs.get('/api/v1/sandbox/count'), before + 3);
    const malformed = await client.post('/api/v1/sandbox/count/', { amount: 5 }, { unsigned: true, headers: { 'x-jiko-idempotency': 'nope' } });
    assert.equal(malformed.statusCode, 401);
  });
});

describe('rate limit', () => {
  const clock = new ManualClock(new Date('2025-03-03T15:00:00Z'));
  let t: AuthApp;
  before(async () => {
    t = await startAuthApp({ config: { rateLimitPerMinute: 3 }, wallClock: clock });
  });
  after(() => t.close());

  test('a partner over its limit gets 429 with Retry-After and X-RateLimit headers', async () => {
    const client = await partnerOf(t);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await client.get('/api/v1/echo/');
      assert.equal(response.statusCode, 200);
      remaining.push(String(response.headers['x-ratelimit-remaining']));
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const limited = await client.get('/api/v1/echo/');
    assert.equal(limited.statusCode, 429);
    assert.equal(typeof limited.json().detail, 'string');
    assert.equal(limited.headers['x-ratelimit-limit'], '3');
    assert.equal(limited.headers['x-ratelimit-remaining'], '0');
    assert.equal(limited.headers['x-ratelimit-reset'], '60');
    assert.equal(limited.headers['retry-after'], '60');

    // The sandbox endpoints share the partner's budget; another partner has its own.
    assert.equal((await client.get('/api/v1/sandbox/echo/', { unsigned: true })).statusCode, 429);
    const other = await partnerOf(t);
    assert.equal((await other.get('/api/v1/echo/')).statusCode, 200);

    clock.advance(MINUTE_MS);
    assert.equal((await client.get('/api/v1/echo/')).statusCode, 200);
  });

  test('logins are limited per client address', async () => {
    clock.advance(MINUTE_MS);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(t.app, `nobody-${randomUUID()}`, 'password')).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });
});

describe('partners', () => {
  let t: AuthApp;
  before(async () => {
    t = await startAuthApp();
  });
  after(() => t.close());

  const expectInvalid = async (promise: Promise<unknown>, code: string) => {
    await assert.rejects(promise, (error: unknown) => error instanceof DomainError && error.kind === 'invalid' && error.code === code);
  };

  test('a username is unique and a shared secret has at least 16 characters', async () => {
    const username = `dup-${randomUUID()}`;
    const created = await t.auth.createPartner({ username, password: 'password-1', sharedSecret: 'a-shared-secret-of-32-characters' });
    assert.equal(created.username, username);
    await expectInvalid(t.auth.createPartner({ username, password: 'password-2', sharedSecret: 'another-shared-secret-0123' }), 'auth.username_taken');
    await expectInvalid(t.auth.createPartner({ username: `short-${randomUUID()}`, password: 'password', sharedSecret: '15-characters..' }), 'auth.invalid_partner');
    await expectInvalid(t.auth.createPartner({ username: '', password: 'password', sharedSecret: 'a-shared-secret-of-32-characters' }), 'auth.invalid_partner');
  });

  test('ensureSandboxPartner creates the configured partner once and keeps it in line with the config', async () => {
    const sandboxPartner = { username: `sandbox-${randomUUID()}`, password: 'sandbox-password', sharedSecret: 'sandbox-shared-secret-0123456789' };
    const deps = { ...t.deps, config: { ...t.deps.config, sandboxPartner } };
    const first = await createAuthService(deps).ensureSandboxPartner();
    const second = await createAuthService(deps).ensureSandboxPartner();
    assert.deepEqual(first, { id: first.id, ...sandboxPartner, created: true });
    assert.deepEqual(second, { ...first, created: false });
    assert.equal((await login(t.app, sandboxPartner.username, sandboxPartner.password)).statusCode, 200);

    const changed = { ...sandboxPartner, password: 'a-new-password' };
    const restarted = createAuthService({ ...deps, config: { ...deps.config, sandboxPartner: changed } });
    const third = await restarted.ensureSandboxPartner();
    assert.equal(third.id, first.id);
    // The password is set right after the answer; the service's own logins wait for it.
    const loggedIn = await restarted.login(changed.username, 'a-new-password', '192.0.2.1');
    assert.ok(loggedIn.token.length > 0);
    await restarted.sandboxCredentialsSettled();
    assert.equal((await login(t.app, changed.username, 'a-new-password')).statusCode, 200);
    assert.equal((await login(t.app, changed.username, 'sandbox-password')).statusCode, 401);
  });
});

describe('pocketbook partners create', () => {
  const bin = fileURLToPath(new URL('../bin/pocketbook.mjs', import.meta.url));
  const dataDir = scratchFolder('pocketbook-cli-');
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env, POCKETBOOK_DATA_DIR: dataDir };
      execFile(process.execPath, [...sharedEngineFlags(), bin, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });

  test('creates a partner, prints it as JSON, and refuses a duplicate with exit 2', async () => {
    const username = `cli-${randomUUID()}`;
    const args = ['partners', 'create', '--username', username, '--password', 'cli-password', '--shared-secret', 'cli-shared-secret-0123456789'];
    const created = await run(args);
    assert.equal(created.code, 0, created.stderr);
    const printed = JSON.parse(created.stdout);
    assert.deepEqual(Object.keys(printed).sort(), ['id', 'username']);
    assert.equal(printed.username, username);

    const duplicate = await run(args);
    assert.equal(duplicate.code, 2);
    assert.match(duplicate.stderr, /already exists/);

    const usage = await run(['partners', 'create', '--username', 'x']);
    assert.equal(usage.code, 2);
  });
});
