/**
 * The API reference: /openapi.json is a valid OpenAPI 3.1 document a newcomer can use (every
 * operation summarised, described and exemplified, examples that match their schemas, Jiko's
 * headers and error shapes on the operations that need them, a server to call, the event catalog's
 * webhooks), it tells the truth about which operations the door signs, and /docs serves the
 * interactive page with the sandbox partner's credentials prefilled in sandbox mode only.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { tryItConfig } from '../src/api/docs/try-it.ts';
import { SANDBOX_PARTNER_DEFAULTS } from '../src/config.ts';
import { EVENT_TYPES } from '../src/modules/events/index.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp, testConfig } from './support/app.ts';

type Json = Record<string, unknown>;

interface Media {
  schema?: Json;
  example?: unknown;
  examples?: Record<string, { value?: unknown; $ref?: string }>;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Json;
}

interface Operation {
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, { $ref?: string; description?: string; content?: Record<string, Media>; headers?: Json }>;
}

interface Document {
  openapi: string;
  servers?: { url: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  webhooks?: Record<string, unknown>;
  components: Json & {
    securitySchemes?: Record<string, Json>;
    parameters?: Record<string, Parameter>;
    responses?: Record<string, Operation['responses'][string]>;
    schemas?: Record<string, Json>;
  };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const SIGNED_ERRORS = ['401', '409', '422', '429'];

/** The object a local `$ref` points at (`#/components/...`), or the object itself. */
function deref<T>(document: Document, value: T | { $ref: string }): T {
  if (value && typeof value === 'object' && '$ref' in value && typeof value.$ref === 'string') {
    const target = value.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], document);
    assert.ok(target, `unresolved ${value.$ref}`);
    return deref(document, target as T);
  }
  return value as T;
}

function operationsOf(document: Document): { name: string; method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, operation })),
  );
}

function parametersOf(document: Document, operation: Operation): Parameter[] {
  return (operation.parameters ?? []).map((parameter) => deref<Parameter>(document, parameter));
}

/** Every example of a media object: `example`, and each value of `examples`. */
function examplesOf(document: Document, media: Media): unknown[] {
  const values: unknown[] = [];
  if (media.example !== undefined) values.push(media.example);
  for (const example of Object.values(media.examples ?? {})) values.push(deref(document, example).value);
  return values;
}

/** The JSON media objects of an operation: its request body, then each response, with where they are. */
function mediaOf(document: Document, operation: Operation): { where: string; status?: string; media: Media }[] {
  const found: { where: string; status?: string; media: Media }[] = [];
  const body = operation.requestBody?.content?.['application/json'];
  if (body) found.push({ where: 'request body', media: body });
  for (const [status, response] of Object.entries(operation.responses)) {
    const media = deref(document, response).content?.['application/json'];
    if (media) found.push({ where: `${status} response`, status, media });
  }
  return found;
}

/** `value` with each local `$ref` (`#/components/...`) pointing into the schema registered as `document`. */
function rootedRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rootedRefs);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === '$ref' && typeof inner === 'string' && inner.startsWith('#/') ? `document${inner}` : rootedRefs(inner)]),
  );
}

/** A JSON Schema 2020-12 validator that resolves the document's `#/components/schemas/...`. */
function exampleValidator(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (ajv: Ajv2020) => void)(ajv);
  ajv.addSchema({ $id: 'document', components: { schemas: document.components.schemas ?? {} } });
  const compiled = new Map<Json, ReturnType<typeof ajv.compile>>();
  return (schema: Json, value: unknown): string | undefined => {
    let check = compiled.get(schema);
    if (!check) {
      check = ajv.compile(rootedRefs(schema) as Json);
      compiled.set(schema, check);
    }
    return check(value) ? undefined : ajv.errorsText(check.errors);
  };
}

let t: TestApp;
let client: PartnerClient;
let document: Document;

before(async () => {
  t = await startTestApp();
  client = await newPartner(t);
  const response = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { host: 'pocketbook.example.test:8443' } });
  assert.equal(response.statusCode, 200);
  document = response.json() as Document;
});
after(async () => t?.close());

describe('/openapi.json', () => {
  test('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(document.openapi, '3.1.0');
    const result = await validate(structuredClone(document) as never);
    assert.equal(result.valid, true, JSON.stringify(result, null, 2));
  });

  test('names the server that served it', () => {
    assert.ok(document.servers && document.servers.length > 0, 'no servers entry');
    assert.equal(document.servers[0]!.url, 'http://pocketbook.example.test:8443');
    assert.ok(document.servers[0]!.description);
  });

  test('every operation has a summary, a description and examples of its request body and 2xx response', () => {
    const operations = operationsOf(document);
    assert.ok(operations.length >= 40, `only ${operations.length} operations`);
    const missing: string[] = [];
    for (const { name, operation } of operations) {
      if (!operation.summary?.trim()) missing.push(`${name}: summary`);
      if (!operation.description?.trim()) missing.push(`${name}: description`);
      for (const { where, status, media } of mediaOf(document, operation)) {
        const wanted = status === undefined || /^2\d\d$/.test(status) || ['401', '404', '409', '422', '429'].includes(status);
        if (wanted && examplesOf(document, media).length === 0) missing.push(`${name}: ${where} example`);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        const description = deref(document, response).description;
        if (!description || description === 'Default Response') missing.push(`${name}: ${status} description`);
      }
    }
    assert.deepEqual(missing, []);
  });

  test('every example matches its schema', () => {
    const check = exampleValidator(document);
    const wrong: string[] = [];
    let checked = 0;
    for (const { name, operation } of operationsOf(document)) {
      for (const { where, media } of mediaOf(document, operation)) {
        for (const example of examplesOf(document, media)) {
          checked += 1;
          const problem = check(media.schema ?? {}, example);
          if (problem) wrong.push(`${name} ${where}: ${problem}`);
        }
      }
    }
    assert.ok(checked >= 60, `only ${checked} examples`);
    assert.deepEqual(wrong, []);
  });

  test('the bearer scheme says how to get a token', () => {
    const bearer = document.components.securitySchemes?.HTTPBearer;
    assert.equal(bearer?.type, 'http');
    assert.equal(bearer?.scheme, 'bearer');
    assert.match(String(bearer?.description), /\/api\/v1\/login\//);
  });

  test('the signature header says how to compute it, and its worked example is right', () => {
    const signature = Object.values(document.components.parameters ?? {}).find((parameter) => parameter.name === 'x-jiko-signature');
    assert.ok(signature, 'no x-jiko-signature parameter');
    const text = String(signature.description);
    assert.match(text, /HMAC-SHA256/);
    assert.match(text, /base64/i);
    assert.match(text, /pathname/i);
    // The description works one signature through: recompute it from its own inputs.
    const worked = /secret `([^`]+)`.*key `([^`]+)`.*path(?:name)? `([^`]+)`.*body `([^`]*)`.*signature `([^`]+)`/s.exec(text);
    assert.ok(worked, `no worked example in: ${text}`);
    const [, secret, key, pathname, body, expected] = worked;
    assert.equal(createHmac('sha256', secret!).update(key! + pathname! + body!, 'utf8').digest('base64'), expected);
  });

  test('signed operations declare the Jiko headers and error responses, and only they are signed', async () => {
    const problems: string[] = [];
    for (const { name, method, path, operation } of operationsOf(document)) {
      // Public: login, and Jiko's public keys (a client needs them before it can encrypt a PIN).
      if (path === '/api/v1/login/' || path === '/api/v1/public-keys' || !path.startsWith('/api/')) continue;
      // Ask the door itself: a bearer token without signature headers.
      const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
      const answer = await t.app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${client.token}`, ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
        ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
      });
      const signed = answer.statusCode === 401 && /x-jiko-idempotency/.test(answer.body);
      const parameters = parametersOf(document, operation);
      const header = (headerName: string) => parameters.find((parameter) => parameter.in === 'header' && parameter.name === headerName);
      const key = header('x-jiko-idempotency');
      const signature = header('x-jiko-signature');
      if (signed) {
        if (!key?.required) problems.push(`${name}: x-jiko-idempotency not required`);
        if (!signature?.required) problems.push(`${name}: x-jiko-signature not required`);
        const wanted = [...SIGNED_ERRORS, ...(/\{/.test(path) ? ['404'] : [])];
        for (const status of wanted) if (!operation.responses[status]) problems.push(`${name}: no ${status} response`);
      } else {
        if (signature) problems.push(`${name}: documents x-jiko-signature but the door does not check it`);
        if (key?.required) problems.push(`${name}: requires x-jiko-idempotency but the door does not`);
        for (const status of ['401', '422', '429']) if (!operation.responses[status]) problems.push(`${name}: no ${status} response`);
      }
      if (!operation.security?.some((requirement) => 'HTTPBearer' in requirement)) problems.push(`${name}: no bearer security`);
    }
    assert.deepEqual(problems, []);
  });

  test("error responses are in Jiko's shapes", () => {
    const problems: string[] = [];
    for (const { name, operation } of operationsOf(document)) {
      for (const [status, raw] of Object.entries(operation.responses)) {
        if (!/^4\d\d$/.test(status)) continue;
        const media = deref(document, raw).content?.['application/json'];
        if (!media) {
          problems.push(`${name} ${status}: no JSON body`);
          continue;
        }
        for (const example of examplesOf(document, media)) {
          const detail = (example as { detail?: unknown }).detail;
          const jikoShape =
            status === '422'
              ? Array.isArray(detail) && detail.every((item) => Array.isArray(item.loc) && typeof item.msg === 'string' && typeof item.type === 'string')
              : typeof detail === 'string' && (status !== '404' || detail === 'Not Found');
          if (!jikoShape) problems.push(`${name} ${status}: ${JSON.stringify(example)}`);
        }
      }
    }
    assert.deepEqual(problems, []);
    const tooMany = deref(document, document.paths['/api/v1/login/']!.post!.responses['429']!);
    assert.ok(tooMany.headers?.['Retry-After'], '429 does not document Retry-After');
  });

  test("webhooks list the event catalog's types", () => {
    assert.deepEqual(Object.keys(document.webhooks ?? {}).sort(), [...EVENT_TYPES].sort());
  });
});

describe('/docs', () => {
  test('serves the interactive reference with the try-it script, all from this server', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] ?? '', /text\/html/);
    const scripts = [...page.body.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]!);
    assert.ok(scripts.some((src) => src.endsWith('/try-it.js')), page.body);
    assert.ok(!/https?:\/\//.test(page.body.replace(/<!--[\s\S]*?-->/g, '')), 'the page loads something from elsewhere');
    for (const src of scripts) {
      const asset = await t.app.inject({ method: 'GET', url: src.startsWith('/') ? src : `/docs/${src.replace(/^\.\//, '')}` });
      assert.equal(asset.statusCode, 200, src);
    }
    const initializer = await t.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    assert.match(initializer.body, /requestInterceptor/);
  });

  test('prefills the sandbox partner in sandbox mode', async () => {
    const config = await t.app.inject({ method: 'GET', url: '/docs/static/theme/try-it-config.js' });
    assert.equal(config.statusCode, 200);
    assert.ok(config.body.includes(JSON.stringify({ loginPath: '/api/v1/login/', specUrl: '/docs/json', prefill: tryItConfig(t.deps.config).prefill })), config.body);
    assert.ok(config.body.includes(JSON.stringify(t.deps.config.sandboxPartner.username)), config.body);
  });

  test('serves no sandbox password or secret that was set through the environment', () => {
    const config = testConfig({ sandboxPartner: { username: 'docs-sandbox', password: 'password-from-env', sharedSecret: 'secret-from-env-0123456789' } });
    assert.deepEqual(tryItConfig(config).prefill, { username: 'docs-sandbox', password: null, sharedSecret: null });
    assert.deepEqual(tryItConfig(testConfig({ sandboxPartner: { ...SANDBOX_PARTNER_DEFAULTS } })).prefill, { ...SANDBOX_PARTNER_DEFAULTS });
  });

  test('prefills nothing in production mode', async () => {
    const production = await startTestApp({ config: { mode: 'production' } });
    try {
      const config = await production.app.inject({ method: 'GET', url: '/docs/static/theme/try-it-config.js' });
      assert.equal(config.statusCode, 200);
      const partner = production.deps.config.sandboxPartner;
      assert.ok(!config.body.includes(partner.password), config.body);
      assert.ok(!config.body.includes(partner.sharedSecret), config.body);
      assert.match(config.body, /"prefill":null/);
    } finally {
      await production.close();
    }
  });
});
