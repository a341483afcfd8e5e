/**
 * `pocketbook/client` (src/client/) against the app over real HTTP (listening on a free port of
 * 127.0.0.1): it resolves through the package's exports, logs in on first use, signs Partner API
 * requests as the server checks them (and leaves the sandbox endpoints unsigned), replays a retry
 * that reuses its idempotency key, renews its token before it expires and once after a 401
 * `Invalid or expired token`, reports a refused login, and returns Jiko's error shapes. Its types
 * (src/client/schema.ts) are regenerated in memory and must equal the committed file; its idea of
 * which paths are signed must match the OpenAPI document's.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { type PocketbookClient, LoginError, createPocketbookClient, doorOf, signRequest } from 'pocketbook/client';
import { requestSignature } from '../src/modules/auth/index.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { CLIENT_SCHEMA_PATH, renderClientSchema } from '../scripts/client-generate.ts';
import { applicationRequest } from './support/fixtures.ts';
import { type TestApp, startTestApp } from './support/app.ts';

/** One request as it left the client, and its answer. */
interface Sent {
  readonly method: string;
  readonly path: string;
  readonly headers: Headers;
  readonly body: string;
  readonly status: number;
  readonly replayed: boolean;
}

/** The server's wall clock (tokens live one minute of it); the default client judges expiry by it too. */
const clock = new ManualClock(new Date());
let t: TestApp;
let baseUrl: string;

before(async () => {
  t = await startTestApp({ config: { tokenTtlMinutes: 1 }, wallClock: clock });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
after(async () => t?.close());

/** A fresh partner, and a client of it whose requests are recorded in `sent`. */
async function partnerClient(options: { clock?: ManualClock; password?: string; beforeSend?: (request: Request) => void } = {}): Promise<{ client: PocketbookClient; sent: Sent[]; sharedSecret: string; partnerId: string }> {
  const username = `client-${randomUUID()}`;
  const password = `pw-${randomUUID()}`;
  const sharedSecret = `secret-${randomUUID()}`;
  const partner = await t.services.auth.createPartner({ username, password, sharedSecret });
  const sent: Sent[] = [];
  const client = createPocketbookClient({
    baseUrl,
    username,
    password: options.password ?? password,
    sharedSecret,
    partnerId: partner.id,
    clock: options.clock ?? clock,
    fetch: async (request) => {
      const body = await request.clone().text();
      options.beforeSend?.(request);
      const response = await fetch(request);
      sent.push({ method: request.method, path: new URL(request.url).pathname, headers: request.headers, body, status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true' });
      return response;
    },
  });
  return { client, sent, sharedSecret, partnerId: partner.id };
}

const summary = (sent: readonly Sent[]) => sent.map((request) => `${request.method} ${request.path} ${request.status}`);

test("'pocketbook/client' resolves through the package's exports to src/client/index.ts", () => {
  assert.equal(import.meta.resolve('pocketbook/client'), new URL('../src/client/index.ts', import.meta.url).href);
});

test('the client stands alone: node:crypto, openapi-fetch, its own files and the wall clock, by .js names', () => {
  const dir = new URL('../src/client/', import.meta.url);
  const imports = readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .flatMap((name) => [...readFileSync(new URL(name, dir), 'utf8').matchAll(/^(?:import|export)\b[^;]*? from '([^']+)'/gm)].map((match) => match[1]!));
  const allowed = (specifier: string) => specifier === 'node:crypto' || specifier === 'openapi-fetch' || /^\.\/[\w-]+\.js$/.test(specifier) || specifier === '../platform/clock.js';
  assert.ok(imports.length >= 5, imports.join(', '));
  assert.deepEqual(imports.filter((specifier) => !allowed(specifier)), []);
});

test('the client signature is the one the server computes, for text and for bytes', () => {
  const args = ['shared-secret-0123456789', randomUUID(), '/api/v1/transfers/on-us/', '{"amount":{"amount_usdc":1500}}'] as const;
  const signature = signRequest(...args);
  assert.match(signature, /^[A-Za-z0-9+/]{43}=$/);
  assert.equal(signature, requestSignature(...args));
  assert.equal(signRequest(args[0], args[1], args[2], new TextEncoder().encode(args[3])), signature);
  assert.notEqual(signRequest(args[0], args[1], args[2], `${args[3]} `), signature);
});

test('logs in on first use and signs a GET as the server checks it', async () => {
  const { client, sent, sharedSecret, partnerId } = await partnerClient();
  const { data, error } = await client.GET('/api/v2/trading-strategies/');
  assert.equal(error, undefined);
  assert.deepEqual(data?.items.map((strategy) => strategy.id).sort(), ['UST-13W', 'UST-1W', 'UST-26W', 'UST-4W', 'UST-52W']);
  assert.deepEqual(summary(sent), ['POST /api/v1/login/ 200', 'GET /api/v2/trading-strategies/ 200']);
  const get = sent[1]!;
  const key = get.headers.get('x-jiko-idempotency') ?? '';
  assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(get.headers.get('x-jiko-signature'), requestSignature(sharedSecret, key, '/api/v2/trading-strategies/', ''));
  assert.equal(get.headers.get('x-jiko-partner-id'), partnerId);
  assert.match(get.headers.get('authorization') ?? '', /^Bearer \S+$/);
});

test('a signed POST answers 201, and a retry with the same idempotency key replays it', async () => {
  const { client, sent, sharedSecret } = await partnerClient();
  const key = randomUUID();
  const body = applicationRequest('Client');
  const first = await client.POST('/api/v1/applications', { body, params: { header: { 'x-jiko-idempotency': key } } });
  assert.equal(first.response.status, 201, JSON.stringify(first.error));
  const retry = await client.POST('/api/v1/applications', { body, params: { header: { 'x-jiko-idempotency': key } } });
  assert.equal(retry.response.status, 201);
  assert.equal(retry.response.headers.get('idempotent-replayed'), 'true');
  assert.equal(retry.data?.id, first.data?.id);
  const posts = sent.filter((request) => request.method === 'POST' && request.path === '/api/v1/applications');
  assert.deepEqual(posts.map((request) => [request.headers.get('x-jiko-idempotency'), request.replayed]), [[key, false], [key, true]]);
  assert.equal(posts[0]!.headers.get('x-jiko-signature'), requestSignature(sharedSecret, key, '/api/v1/applications', posts[0]!.body));
  // A fresh call gets a fresh key: a new application.
  const another = await client.POST('/api/v1/applications', { body });
  assert.equal(another.response.status, 201);
  assert.notEqual(another.data?.id, first.data?.id);
});

test('sandbox endpoints get the bearer token and no signature', async () => {
  const { client, sent } = await partnerClient();
  const { data, error } = await client.POST('/api/v1/sandbox/clock', { body: { now: '2024-03-01T15:00:00Z' } });
  assert.equal(error, undefined);
  assert.equal(data?.now, '2024-03-01T15:00:00.000Z');
  const request = sent.at(-1)!;
  assert.equal(request.path, '/api/v1/sandbox/clock');
  assert.match(request.headers.get('authorization') ?? '', /^Bearer \S+$/);
  assert.equal(request.headers.get('x-jiko-signature'), null);
  assert.equal(request.headers.get('x-jiko-idempotency'), null);
});

test("a 422 comes back as Jiko's validation error, typed", async () => {
  const { client } = await partnerClient();
  const { data, error, response } = await client.POST('/api/v1/applications', { body: applicationRequest('Client', { date_of_birth: '1990-02-30' }) });
  assert.equal(response.status, 422);
  assert.equal(data, undefined);
  assert.ok(error && Array.isArray(error.detail), JSON.stringify(error));
  const [issue] = error.detail;
  assert.ok(issue && typeof issue === 'object');
  assert.deepEqual(issue.loc, ['body', 'date_of_birth']);
  assert.equal(typeof issue.msg, 'string');
});

test('a refused login rejects the call with a LoginError', async () => {
  const { client, sent } = await partnerClient({ password: 'not-the-password' });
  await assert.rejects(client.GET('/api/v2/trading-strategies/'), (error: unknown) => {
    assert.ok(error instanceof LoginError);
    assert.equal(error.status, 401);
    assert.equal(typeof (error.body as { detail?: unknown }).detail, 'string', JSON.stringify(error.body));
    return true;
  });
  assert.deepEqual(summary(sent), ['POST /api/v1/login/ 401']);
});

describe('token renewal (tokens live one minute)', () => {
  test('a token about to expire is renewed before the call', async () => {
    const { client, sent } = await partnerClient();
    assert.equal((await client.GET('/api/v2/pockets/')).response.status, 200);
    clock.advance(61_000);
    const { response } = await client.GET('/api/v2/pockets/');
    assert.equal(response.status, 200);
    assert.deepEqual(summary(sent), ['POST /api/v1/login/ 200', 'GET /api/v2/pockets/ 200', 'POST /api/v1/login/ 200', 'GET /api/v2/pockets/ 200']);
    assert.notEqual(sent[1]!.headers.get('authorization'), sent[3]!.headers.get('authorization'));
  });

  test('a 401 "Invalid or expired token" logs in again and sends the request once more, with the same key and body', async () => {
    // The client's clock stands still while the server's moves on: only the server knows the token expired.
    const { client, sent } = await partnerClient({ clock: new ManualClock(clock.now()) });
    await client.login();
    clock.advance(61_000);
    const { data, response } = await client.POST('/api/v1/applications', { body: applicationRequest('Renewed') });
    assert.equal(response.status, 201);
    assert.ok(data?.id);
    assert.deepEqual(summary(sent), ['POST /api/v1/login/ 200', 'POST /api/v1/applications 401', 'POST /api/v1/login/ 200', 'POST /api/v1/applications 201']);
    const [refused, accepted] = [sent[1]!, sent[3]!];
    for (const header of ['x-jiko-idempotency', 'x-jiko-signature']) assert.equal(accepted.headers.get(header), refused.headers.get(header));
    assert.equal(accepted.body, refused.body);
    assert.notEqual(accepted.headers.get('authorization'), refused.headers.get('authorization'));
  });

  test('another 401 after the new login is returned as it is (no loop)', async () => {
    // Every token is dead on arrival: the server's clock jumps past it before each API request.
    const { client, sent } = await partnerClient({
      clock: new ManualClock(clock.now()),
      beforeSend: (request) => {
        if (!request.url.endsWith('/login/')) clock.advance(61_000);
      },
    });
    await client.login();
    const original = sent.length;
    const { error, response } = await client.GET('/api/v2/pockets/');
    assert.equal(response.status, 401);
    assert.deepEqual(error, { detail: 'Invalid or expired token' });
    assert.deepEqual(summary(sent.slice(original)), ['GET /api/v2/pockets/ 401', 'POST /api/v1/login/ 200', 'GET /api/v2/pockets/ 401']);
  });
});

test('the committed src/client/schema.ts is what the routes generate', async () => {
  const committed = readFileSync(CLIENT_SCHEMA_PATH, 'utf8');
  const generated = await renderClientSchema((await t.app.openApiDocument()) as Parameters<typeof renderClientSchema>[0]);
  assert.ok(committed === generated, 'src/client/schema.ts is out of date with the routes: run npm run client:generate');
});

test("the client's signed, bearer-only and public paths are the OpenAPI document's", async () => {
  type Operation = { parameters?: { $ref?: string }[] };
  const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
  const mismatches: string[] = [];
  let operations = 0;
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      operations += 1;
      const refs = (operation.parameters ?? []).map((parameter) => parameter.$ref ?? '');
      const documented = refs.includes('#/components/parameters/JikoSignature') ? 'signed' : refs.includes('#/components/parameters/JikoIdempotencyOptional') ? 'bearer' : 'public';
      if (doorOf(path) !== documented) mismatches.push(`${method.toUpperCase()} ${path}: documented ${documented}, the client says ${doorOf(path)}`);
    }
  }
  assert.ok(operations >= 30, `only ${operations} operations`);
  assert.deepEqual(mismatches, []);
});
