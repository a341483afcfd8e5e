/**
 * The fuzz run: plans from one seed, sent through `app.inject()` as the fuzz tenant, each checked
 * as it comes back, and the tenants' ledgers checked around the rejected ones.
 *
 * Checks, per request: no status of 500 or more; every error in Jiko's shape (`{detail: "..."}`,
 * or `{detail: [{loc, msg, type}]}` for 422) as JSON. Before each POST, PATCH, PUT or DELETE and
 * after each batch of rejected requests: the fuzz tenant's ledger (see ledgerSnapshot) is what it
 * was after the last request that succeeded, so no rejected request changed it; after each batch,
 * the other tenant's is what it was at the start.
 *
 * Clock guard: a request that would move the fuzz tenant's test clock more than a few days on (a
 * far instant, a huge day count) is not sent: the tenant would then run every business day in
 * between on each later request. Such requests are counted and listed in the report; the known
 * far-clock requests are sent to throwaway tenants instead (`probeExtremeClocks`).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { type PartnerClient, newPartner, sign } from '../app.ts';
import type { Operation } from './operations.ts';
import { EXTREME_CLOCK_BODIES, type Plan, roundArb } from './plan.ts';
import { ClockAt, type IdKind, type Ref, type Resolver, type Value, kindOfCollection, toJsonText, toParamText } from './values.ts';
import { FUZZ_CLOCK_START, LedgerWatch, type World } from './world.ts';

export interface FuzzOptions {
  readonly seed: number;
  readonly requests: number;
  /** Requests between two ledger checks (default 25). */
  readonly batch?: number;
  /** Progress lines (the script prints them). */
  readonly log?: (line: string) => void;
}

/** A request as sent, short enough to print. */
export interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: string | undefined;
}

export interface Finding {
  /** Index of the request in the run (with the seed, enough to send it again). */
  readonly index: number;
  readonly problem: string;
  readonly operation: string;
  readonly mutations: readonly string[];
  readonly request: SentRequest;
  readonly status?: number;
  readonly response?: string;
}

export interface FuzzReport {
  readonly seed: number;
  readonly sent: number;
  /** Requests the clock guard kept from the fuzz tenant (index, operation, body). */
  readonly clockGuarded: { index: number; operation: string; body: string }[];
  readonly byStatus: Record<string, number>;
  readonly byOperation: Record<string, Record<string, number>>;
  /** Time spent in each operation's requests, in milliseconds. */
  readonly msByOperation: Record<string, number>;
  /** Plans with mutations that were nonetheless accepted (2xx): not failures, worth a look. */
  readonly acceptedMutations: number;
  readonly ledgerChecks: number;
  readonly findings: Finding[];
  readonly durationMs: number;
}

const ROUNDS_PER_SAMPLE = 10;
const EXCERPT = 400;
const CLOCK_GUARD_DAYS = 3;
const DAY_MS = 86_400_000;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

const excerpt = (text: string | undefined) => (text === undefined ? undefined : text.length > EXCERPT ? `${text.slice(0, EXCERPT)}… (${text.length} chars)` : text);

/** Percent-encodes a path segment or query value; lone surrogates become U+FFFD (as a client's UTF-8 encoder would send them). */
function percentEncode(text: string, keepBrackets = false): string {
  const encoded = encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
  return keepBrackets ? encoded.replace(/%5B/g, '[').replace(/%5D/g, ']') : encoded;
}

/**
 * Plans of the run: rounds of one plan per operation (roundArb), generated ROUNDS_PER_SAMPLE at a
 * time from seeds derived from `seed`, cut at `requests`.
 */
function* plansOf(operations: readonly Operation[], world: World, seed: number, requests: number): Generator<Plan> {
  const arb = roundArb(operations, world.hints);
  let left = requests;
  for (let sample = 0; left > 0; sample += 1) {
    const sampleSeed = (seed + Math.imul(sample, 0x9e3779b1)) | 0;
    for (const round of fc.sample(arb, { seed: sampleSeed, numRuns: ROUNDS_PER_SAMPLE })) {
      for (const plan of round.slice(0, left)) yield plan;
      left -= Math.min(left, round.length);
      if (left === 0) return;
    }
  }
}

/** Ids a 2xx answer creates, where the body's `id` is not the id of the collection posted to. */
const CREATES: Record<string, { kind: IdKind; field: string }> = {
  'POST /api/v1/applications/{application_id}/apply': { kind: 'customer', field: 'customer_id' },
  'POST /api/v1/sandbox/webhook': { kind: 'event', field: 'event_id' },
};

/** The kind and id of what a 2xx answer to `op` made: the body's `id`, of the collection posted to (see CREATES). */
function createdId(op: Operation, body: string): { kind: IdKind; id: string } | undefined {
  if (op.method !== 'POST' || body === '') return undefined;
  const last = op.path.split('/').filter((s) => s !== '' && !s.startsWith('{')).pop() ?? '';
  const { kind, field } = CREATES[op.id] ?? { kind: kindOfCollection(last), field: 'id' };
  let id: unknown;
  try {
    id = (JSON.parse(body) as Record<string, unknown>)[field];
  } catch {
    return undefined;
  }
  return typeof id === 'string' ? { kind, id } : undefined;
}

const CLOCK_PATHS = new Set(['/api/v1/sandbox/clock', '/api/v1/sandbox/clock/advance']);
const CHANGING_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** Why a response is not in Jiko's error shape, or undefined when it is. */
export function errorShapeProblem(response: Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'body'>): string | undefined {
  if (!/^application\/json/.test(String(response.headers['content-type'] ?? ''))) return `content-type ${response.headers['content-type']}`;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return 'body is not JSON';
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'body is not an object';
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'detail') return `keys ${keys.join(',')}`;
  const detail = (body as { detail: unknown }).detail;
  if (response.statusCode === 422) {
    if (!Array.isArray(detail) || detail.length === 0) return '422 detail is not a non-empty list';
    for (const item of detail as Record<string, unknown>[]) {
      const ok =
        item !== null && typeof item === 'object' && Object.keys(item).sort().join(',') === 'loc,msg,type' &&
        Array.isArray(item.loc) && item.loc.every((part) => typeof part === 'string' || typeof part === 'number') &&
        typeof item.msg === 'string' && typeof item.type === 'string';
      if (!ok) return `422 item ${JSON.stringify(item).slice(0, 200)}`;
    }
    return undefined;
  }
  return typeof detail === 'string' ? undefined : 'detail is not a string';
}

/**
 * Would this request move the test clock more than CLOCK_GUARD_DAYS past `clockNow`? (A far
 * instant or a large day count, however spelled: the server parses JSON the same way.)
 */
function movesClockFar(path: string, method: string, body: string | undefined, clockNow: number): boolean {
  if (method !== 'POST' || !CLOCK_PATHS.has(path.replace(/\/$/, '')) || body === undefined) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (parsed === null || typeof parsed !== 'object') return false;
  const fields = parsed as Record<string, unknown>;
  const limit = clockNow + CLOCK_GUARD_DAYS * DAY_MS;
  for (const name of ['now', 'to']) {
    const value = fields[name];
    if (typeof value === 'string' && (Date.parse(value) > limit || /^[+-]\d{6}/.test(value))) return true;
  }
  const days = fields.days;
  if (typeof days === 'number' || typeof days === 'string' || (Array.isArray(days) && days.length === 1)) {
    const n = Number(Array.isArray(days) ? days[0] : days);
    if (Number.isNaN(n) ? false : n > CLOCK_GUARD_DAYS || !Number.isFinite(n)) return true;
  }
  return false;
}

/** What the run keeps between requests: the fuzz tenant's clock as last seen, and the keys sent. */
export interface RunState {
  clockNow: number;
  readonly keys: string[];
}

/** The request a plan stands for, with its ids and clock instants resolved. */
export function requestOf(plan: Plan, world: World, state: RunState = { clockNow: Date.parse(FUZZ_CLOCK_START), keys: [] }): SentRequest {
  const resolver: Resolver = {
    id(ref: Ref) {
      const ids = (ref.owner === 'own' ? world.own : world.other).ids[ref.kind] ?? [];
      return ids.length === 0 ? MISSING_ID : ids[ref.pick % ids.length]!;
    },
    clock: (at: ClockAt) => new Date(state.clockNow + at.days * DAY_MS).toISOString(),
  };
  const param = (value: Value, encoded: boolean) => (encoded ? toParamText(value, resolver) : percentEncode(toParamText(value, resolver)));
  const path = plan.segments.map((s) => ('literal' in s ? s.literal : param(s.value, s.encoded))).join('/');
  const query = plan.query.map((q) => ('raw' in q ? q.raw : `${percentEncode(q.name, true)}=${param(q.value, q.encoded)}`)).join('&');
  const url = query ? `${path}?${query}` : path;
  const body = plan.body.kind === 'none' ? undefined : plan.body.kind === 'text' ? plan.body.text : toJsonText(plan.body.value, resolver);
  const own = world.own.client;
  const headers: Record<string, string | string[]> = {};
  if (body !== undefined && plan.contentType !== null) headers['content-type'] = plan.contentType;
  if (plan.op.public) return { method: plan.method, url, headers, body };
  headers.authorization = plan.auth === 'no-token' ? '' : plan.auth === 'bad-token' ? `Bearer ${plan.key}` : `Bearer ${own.token}`;
  if (plan.auth === 'no-token') delete headers.authorization;
  if (plan.auth === 'unsigned') return { method: plan.method, url, headers, body };
  const key = plan.auth === 'bad-key' ? `key-${plan.key.slice(0, 8)}` : plan.auth === 'reused-key' && state.keys.length > 0 ? state.keys[plan.reusePick % state.keys.length]! : plan.key;
  const secret = plan.auth === 'foreign-secret' ? world.other.client.sharedSecret : own.sharedSecret;
  const signature = sign(secret, key, url.split('?')[0]!, plan.auth === 'bad-signature' ? `${body ?? ''} ` : (body ?? ''));
  headers['x-jiko-idempotency'] = key;
  headers['x-jiko-signature'] = plan.auth === 'repeated-headers' ? [signature, signature] : signature;
  state.keys.push(key);
  return { method: plan.method, url, headers, body };
}

function printable(request: SentRequest): SentRequest {
  const headers = { ...request.headers };
  if (typeof headers.authorization === 'string') headers.authorization = headers.authorization.replace(/Bearer \S+/, 'Bearer <token>');
  return { ...request, url: excerpt(request.url)!, headers, body: excerpt(request.body) };
}

/**
 * Runs `options.requests` plans from `options.seed` against the world's fuzz tenant.
 * @returns the report; `findings` is empty when every check held.
 */
export async function runFuzz(world: World, operations: readonly Operation[], options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const { app, db } = world.t;
  const batch = options.batch ?? 25;
  const state: RunState = { clockNow: Date.parse(FUZZ_CLOCK_START), keys: [] };
  const report: { -readonly [K in keyof FuzzReport]: FuzzReport[K] } = { seed: options.seed, sent: 0, clockGuarded: [], byStatus: {}, byOperation: {}, msByOperation: {}, acceptedMutations: 0, ledgerChecks: 0, findings: [], durationMs: 0 };
  const watch = await LedgerWatch.start(db, world);
  let since: { index: number; operation: string; status: number; request: SentRequest; mutations: readonly string[] }[] = [];

  const refreshClock = async () => {
    const clock = await world.own.client.request('GET', '/api/v1/sandbox/clock', undefined, { unsigned: true });
    if (clock.statusCode === 200) state.clockNow = Date.parse(clock.json().now);
  };
  // Rejected requests since the last baseline left the ledgers as they were.
  const checkpoint = async (withOther: boolean) => {
    report.ledgerChecks += 1;
    const last = since[since.length - 1];
    for (const problem of await watch.check(since, withOther)) {
      report.findings.push({
        index: last?.index ?? -1,
        problem,
        operation: last?.operation ?? '',
        mutations: last?.mutations ?? [],
        request: last ? printable(last.request) : { method: '', url: '', headers: {}, body: undefined },
      });
    }
    since = [];
  };

  let index = -1;
  for (const plan of plansOf(operations, world, options.seed, options.requests)) {
    index += 1;
    const request = requestOf(plan, world, state);
    if (movesClockFar(plan.op.path, request.method, request.body, state.clockNow)) {
      report.clockGuarded.push({ index, operation: plan.op.id, body: excerpt(request.body) ?? '' });
      continue;
    }
    // A request that may change something: first check what the rejected ones before it left.
    if (CHANGING_METHODS.has(request.method) && since.length > 0) await checkpoint(false);
    let response: LightMyRequestResponse;
    const sentAt = performance.now();
    try {
      response = await app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, ...(request.body !== undefined ? { payload: request.body } : {}) });
    } catch (error) {
      report.findings.push({ index, problem: `inject threw ${String(error)}`, operation: plan.op.id, mutations: plan.mutations, request: printable(request) });
      continue;
    }
    report.sent += 1;
    report.msByOperation[plan.op.id] = (report.msByOperation[plan.op.id] ?? 0) + performance.now() - sentAt;
    const status = response.statusCode;
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
    const perOp = (report.byOperation[plan.op.id] ??= {});
    perOp[status] = (perOp[status] ?? 0) + 1;
    const finding = (problem: string) =>
      report.findings.push({ index, problem, operation: plan.op.id, mutations: plan.mutations, request: printable(request), status, response: excerpt(response.body) });
    if (status >= 500) finding(`status ${status}`);
    else if (status >= 400 && request.method !== 'HEAD') {
      const problem = errorShapeProblem(response);
      if (problem) finding(`not Jiko's error shape: ${problem}`);
    }
    if (status < 300 && CHANGING_METHODS.has(request.method)) {
      // A change went through: harvest what it made, let the clock's due work run, and start a new baseline.
      if (plan.mutations.length > 0) report.acceptedMutations += 1;
      const created = createdId(plan.op, response.body);
      if (created) (world.own.ids[created.kind] ??= []).push(created.id);
      if (CLOCK_PATHS.has(plan.op.path)) await refreshClock();
      await watch.rebase();
    } else {
      since.push({ index, operation: plan.op.id, status, request, mutations: plan.mutations });
      if (since.length >= batch) await checkpoint(true);
    }
    if (options.log && (index + 1) % 1_000 === 0) options.log(`${index + 1} requests, ${report.findings.length} findings, ${Math.round(performance.now() - started)} ms`);
  }
  await checkpoint(true);
  return { ...report, durationMs: Math.round(performance.now() - started) };
}

/** A request the clock guard keeps from the fuzz tenant, sent to a fresh tenant with no customers, and its answer. */
export interface ClockProbe {
  readonly request: SentRequest;
  readonly status: number;
  readonly response: string;
  /** The throwaway tenant's next request (GET /api/v2/pockets/) after it: its status, and how long it took. */
  readonly after: { status: number; ms: number };
  /**
   * When the throwaway tenant's answer was a refusal (4xx): the same request as the fuzz tenant
   * (customers, money), its status, and what its ledger check found (nothing, when all is well).
   */
  readonly fuzzTenant?: { status: number; ledger: string[] };
}

/**
 * Sends each far-clock request (EXTREME_CLOCK_BODIES) as a throwaway tenant with no customers,
 * then one ordinary request as that tenant: neither may answer 500 or more. A request refused
 * there is sent as the fuzz tenant too (refused, it cannot make that tenant's run slow), whose
 * ledger it must leave as it was.
 */
export async function probeExtremeClocks(world: World): Promise<ClockProbe[]> {
  const probes: ClockProbe[] = [];
  const send = (client: PartnerClient, path: string, payload: string) => {
    const key = randomUUID();
    const headers = { authorization: `Bearer ${client.token}`, 'content-type': 'application/json', 'x-jiko-idempotency': key, 'x-jiko-signature': sign(client.sharedSecret, key, path, payload) };
    return { headers, response: world.t.app.inject({ method: 'POST', url: path, headers, payload }) };
  };
  for (const { path, body } of EXTREME_CLOCK_BODIES) {
    const client = await newPartner(world.t);
    const payload = toJsonText(body, { id: () => MISSING_ID, clock: () => FUZZ_CLOCK_START });
    const { headers, response: pending } = send(client, path, payload);
    const response = await pending;
    const started = performance.now();
    const next = await client.get('/api/v2/pockets/');
    let fuzzTenant: ClockProbe['fuzzTenant'];
    if (response.statusCode >= 400 && response.statusCode < 500) {
      const watch = await LedgerWatch.start(world.t.db, world);
      const refused = await send(world.own.client, path, payload).response;
      fuzzTenant = { status: refused.statusCode, ledger: await watch.check([{ index: -1, operation: `POST ${path}`, status: refused.statusCode }]) };
    }
    probes.push({
      request: printable({ method: 'POST', url: path, headers, body: payload }),
      status: response.statusCode,
      response: excerpt(response.body) ?? '',
      after: { status: next.statusCode, ms: Math.round(performance.now() - started) },
      ...(fuzzTenant ? { fuzzTenant } : {}),
    });
  }
  return probes;
}

/** Why a far-clock probe failed, or undefined: 500 or more anywhere, accepted as the fuzz tenant, or its ledger changed. */
export function probeProblem(probe: ClockProbe): string | undefined {
  const where = `${probe.request.url} ${probe.request.body}`;
  if (probe.status >= 500 || probe.after.status >= 500) return `${where} -> ${probe.status} ${probe.response}; then GET /api/v2/pockets/ -> ${probe.after.status}`;
  if (probe.fuzzTenant && (probe.fuzzTenant.status < 400 || probe.fuzzTenant.status >= 500)) return `${where} as the fuzz tenant -> ${probe.fuzzTenant.status}`;
  if (probe.fuzzTenant && probe.fuzzTenant.ledger.length > 0) return `${where} as the fuzz tenant: ${probe.fuzzTenant.ledger.join('; ')}`;
  return undefined;
}
