/**
 * Request plans: what the fuzzer sends to one operation, generated from its schemas and then
 * mutated (wrong types, missing and extra fields, hostile strings and numbers, bad ids and
 * cursors, deep and large bodies, malformed JSON, other content types, bad or missing
 * credentials). A plan is symbolic (ids are Refs, clock instants ClockAts), so that a seed always
 * gives the same plans; the runner turns it into a request.
 */
import fc from 'fast-check';
import type { Method, Operation } from './operations.ts';
import { type Hints, idArb, validArb } from './schema.ts';
import { Big, EXTREME_INSTANTS, HOSTILE_STRINGS, ID_KINDS, type IdKind, Raw, Ref, type Value, kindOfCollection, badCursor, badLimit, hostileParam, hostileValue } from './values.ts';

/** How the request is authenticated. */
export type AuthMode =
  | 'signed' // bearer token, fresh idempotency key, valid signature
  | 'unsigned' // bearer token only
  | 'bad-signature' // signature of another body
  | 'foreign-secret' // signed with another partner's secret
  | 'no-token'
  | 'bad-token'
  | 'bad-key' // an idempotency key that is not a UUID (signed with it)
  | 'reused-key' // the key of an earlier request of the run, signed for this one
  | 'repeated-headers'; // the signature header sent twice

/** A path segment: literal text of the template, or a value (percent-encoded when sent unless `encoded`). */
export type Segment = { readonly literal: string } | { readonly value: Value; readonly encoded: boolean };

/** A query parameter (`value` percent-encoded when sent), or raw query text appended as it is. */
export type QueryPart = { readonly name: string; readonly value: Value; readonly encoded: boolean } | { readonly raw: string };

export type BodyPlan = { readonly kind: 'none' } | { readonly kind: 'json'; readonly value: Value } | { readonly kind: 'text'; readonly text: string };

export interface Plan {
  readonly op: Operation;
  readonly method: Method;
  readonly segments: readonly Segment[];
  readonly query: readonly QueryPart[];
  readonly body: BodyPlan;
  /** Content-Type header; null sends none. */
  readonly contentType: string | null;
  readonly auth: AuthMode;
  /** The idempotency key of a signed request. */
  readonly key: string;
  /** Which earlier request's key a `reused-key` plan takes. */
  readonly reusePick: number;
  /** The mutations applied, in order; empty for a plan generated valid from the schemas. */
  readonly mutations: readonly string[];
}

type Draft = { -readonly [K in keyof Plan]: Plan[K] };
type Mutation = { readonly label: string; apply(plan: Draft): void };

const authArb: fc.Arbitrary<AuthMode> = fc.oneof(
  { weight: 85, arbitrary: fc.constant('signed' as const) },
  { weight: 15, arbitrary: fc.constantFrom<AuthMode>('unsigned', 'bad-signature', 'foreign-secret', 'no-token', 'bad-token', 'bad-key', 'reused-key', 'repeated-headers') },
);

/** Paths of the containers and leaves inside a JSON value (Raw, Big and refs are leaves). */
export function pathsOf(value: Value, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

export function isPlainObject(value: Value): value is { [key: string]: Value } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** A copy of `root` with the node at `path` replaced (or removed when `replacement` is undefined). */
export function replaceAt(root: Value, path: readonly (string | number)[], replacement: Value | undefined): Value | undefined {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    const next = replaceAt(copy[head as number]!, rest, replacement);
    if (next === undefined) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  if (isPlainObject(root)) {
    const copy = { ...root };
    const next = replaceAt(copy[head as string]!, rest, replacement);
    if (next === undefined) delete copy[head as string];
    else copy[head as string] = next;
    return copy;
  }
  return root;
}

/** The node at `path` inside `root`, or undefined. */
export function valueAt(root: Value, path: readonly (string | number)[]): Value | undefined {
  let node: Value | undefined = root;
  for (const part of path) {
    if (Array.isArray(node)) node = node[part as number];
    else if (node !== undefined && isPlainObject(node)) node = node[part as string];
    else return undefined;
  }
  return node;
}

const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);

/** Body mutations: drop, add, retype and break fields; replace the whole body; send malformed, deep or huge JSON. */
function bodyMutation(): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.tuple(fc.nat(), hostileValue).map(([n, hostile]): Mutation => ({
      label: 'body.replace',
      apply(plan) {
        if (plan.body.kind !== 'json') return;
        const path = pick(pathsOf(plan.body.value).filter((p) => p.length > 0), n) ?? [];
        plan.body = { kind: 'json', value: replaceAt(plan.body.value, path, hostile) ?? null };
      },
    })),
    fc.nat().map((n): Mutation => ({
      label: 'body.drop',
      apply(plan) {
        if (plan.body.kind !== 'json') return;
        const path = pick(pathsOf(plan.body.value).filter((p) => p.length > 0), n);
        if (path) plan.body = { kind: 'json', value: replaceAt(plan.body.value, path, undefined) ?? null };
      },
    })),
    fc.tuple(fc.constantFrom('extra', 'pocket_id', 'partner_id', 'id', 'status', 'balance_cents', '__proto__', ''), hostileValue).map(([key, hostile]): Mutation => ({
      label: 'body.extra',
      apply(plan) {
        if (plan.body.kind === 'json' && isPlainObject(plan.body.value)) plan.body = { kind: 'json', value: { ...plan.body.value, [key]: hostile } };
      },
    })),
    hostileValue.map((hostile): Mutation => ({
      label: 'body.root',
      apply(plan) {
        plan.body = { kind: 'json', value: hostile };
      },
    })),
    fc.constantFrom(
      '{', '}', '{"a":}', "{'a':1}", '{"a":1,}', '[1,]', 'NaN', 'undefined', '{"a":1}{"b":2}', '\uFEFF{}', '{"a":1} trailing', '{"a":"\\x41"}', '{"a":"\\ud800"}',
      '/* comment */ {}', '{"a":01}', '{"a":.5}', '{"a":+1}', '"unterminated', '\u0000', '   ',
    ).map((text): Mutation => ({
      label: 'body.malformed',
      apply(plan) {
        plan.body = { kind: 'text', text };
      },
    })),
    fc.tuple(fc.nat(), fc.constantFrom('\u0000', '\ud800', '\uffff', '\u202e', '\u0000\u0000')).map(([n, poison]): Mutation => ({
      label: 'body.poison-string',
      apply(plan) {
        // One string of an otherwise valid body gets a character databases and parsers trip over.
        if (plan.body.kind !== 'json') return;
        const root = plan.body.value;
        const strings = pathsOf(root).filter((p) => typeof valueAt(root, p) === 'string');
        const path = pick(strings, n);
        if (path) plan.body = { kind: 'json', value: replaceAt(root, path, `${valueAt(root, path) as string}${poison}`) ?? null };
      },
    })),
    fc.tuple(fc.nat(), hostileValue).map(([n, hostile]): Mutation => ({
      label: 'body.duplicate-key',
      apply(plan) {
        if (plan.body.kind !== 'json' || !isPlainObject(plan.body.value)) return;
        const key = pick(Object.keys(plan.body.value), n);
        if (key !== undefined) plan.body = { kind: 'json', value: new Raw(`{${JSON.stringify(key)}:${hostile instanceof Raw ? hostile.text : JSON.stringify(hostile) ?? 'null'},${JSON.stringify(plan.body.value).slice(1)}`) };
      },
    })),
    fc.constantFrom(900 * 1024, 1024 * 1024 + 1).map((bytes): Mutation => ({
      label: 'body.large',
      apply(plan) {
        const value: Value = plan.body.kind === 'json' && isPlainObject(plan.body.value) ? { ...plan.body.value, padding: new Big(bytes) } : new Big(bytes);
        plan.body = { kind: 'json', value };
      },
    })),
  );
}

/** Query mutations: hostile values, forged cursors, limits out of range, repeated and unknown parameters, raw junk. */
function queryMutation(op: Operation): fc.Arbitrary<Mutation> {
  const names = op.query.map((p) => p.name);
  return fc.oneof(
    fc.tuple(fc.nat(), hostileParam).map(([n, hostile]): Mutation => ({
      label: 'query.hostile',
      apply(plan) {
        const name = pick(names, n) ?? 'x';
        plan.query = [...plan.query.filter((q) => !('name' in q) || q.name !== name), { name, value: hostile.text, encoded: hostile.encoded }];
      },
    })),
    badCursor.map((cursor): Mutation => ({
      label: 'query.cursor',
      apply(plan) {
        plan.query = [...plan.query, { name: 'cursor', value: cursor, encoded: false }];
      },
    })),
    badLimit.map((limit): Mutation => ({
      label: 'query.limit',
      apply(plan) {
        plan.query = [...plan.query, { name: 'limit', value: limit, encoded: false }];
      },
    })),
    fc.tuple(fc.nat(), fc.constantFrom<Value>('1', 'x', '', ...HOSTILE_STRINGS.slice(0, 20))).map(([n, value]): Mutation => ({
      label: 'query.repeat',
      apply(plan) {
        const name = pick(names, n) ?? 'limit';
        plan.query = [...plan.query, { name, value, encoded: false }, { name, value, encoded: false }];
      },
    })),
    fc.constantFrom('&&&', '=', '==&=x', 'a[=1', 'a]=1', '%', '%ZZ=%ZZ', 'limit', 'cursor', '__proto__[x]=1', 'constructor[prototype][x]=1', 'filter[status][]=OPEN', `x=${'y'.repeat(20_000)}`).map(
      (raw): Mutation => ({
        label: 'query.raw',
        apply(plan) {
          plan.query = [...plan.query, { raw }];
        },
      }),
    ),
  );
}

/** Path mutations: a hostile segment in place of an id, or another tenant's or a random id. */
function pathMutation(): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.tuple(fc.nat(), hostileParam).map(([n, hostile]): Mutation => ({
      label: 'path.hostile',
      apply(plan) {
        const indexes = plan.segments.flatMap((s, i) => ('value' in s ? [i] : []));
        const at = pick(indexes, n);
        if (at !== undefined) plan.segments = plan.segments.map((s, i) => (i === at ? { value: hostile.text, encoded: hostile.encoded } : s));
      },
    })),
    fc.tuple(fc.nat(), fc.nat(50), fc.constantFrom<IdKind>(...ID_KINDS)).map(([n, p, kind]): Mutation => ({
      label: 'path.foreign-id',
      apply(plan) {
        const indexes = plan.segments.flatMap((s, i) => ('value' in s ? [i] : []));
        const at = pick(indexes, n);
        if (at !== undefined) plan.segments = plan.segments.map((s, i) => (i === at ? { value: new Ref(kind, 'other', p), encoded: false } : s));
      },
    })),
  );
}

/** Header and method mutations: content types, HEAD and wrong methods, trailing slashes. */
const headerMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom<string | null>(null, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/jsonx', 'multipart/form-data; boundary=x', '*/*', 'application/merge-patch+json').map(
    (contentType): Mutation => ({
      label: 'header.content-type',
      apply(plan) {
        plan.contentType = contentType;
      },
    }),
  ),
  fc.constantFrom<Method>('PUT', 'DELETE', 'PATCH', 'POST', 'GET', 'HEAD').map((method): Mutation => ({
    label: 'method',
    apply(plan) {
      plan.method = method;
    },
  })),
  fc.constant<Mutation>({
    label: 'path.trailing-slash',
    apply(plan) {
      const last = plan.segments[plan.segments.length - 1];
      plan.segments = last && 'literal' in last && last.literal === '' ? plan.segments.slice(0, -1) : [...plan.segments, { literal: '' }];
    },
  }),
);

/**
 * Far clock moves: never sent to the fuzz tenant (see the clock guard in runner.ts), but each to
 * a throwaway tenant (`probeExtremeClocks`). Instants at JavaScript's limits, outside the market's
 * data on both sides, and day counts that overflow or reach the advance limit.
 */
export const EXTREME_CLOCK_BODIES: readonly { path: string; body: Value }[] = [
  ...EXTREME_INSTANTS.map((now) => ({ path: '/api/v1/sandbox/clock', body: { now } as Value })),
  ...EXTREME_INSTANTS.slice(0, 3).map((to) => ({ path: '/api/v1/sandbox/clock/advance', body: { to } as Value })),
  ...['1e309', '15000'].map((days) => ({ path: '/api/v1/sandbox/clock/advance', body: { days } as Value })),
  ...[new Raw('1e309'), 15_000].map((days) => ({ path: '/api/v1/sandbox/clock/advance', body: { days } as Value })),
];

function segmentsOf(op: Operation, params: Record<string, Value>): Segment[] {
  return op.path.split('/').map((part): Segment => {
    const name = /^\{(.+)\}$/.exec(part)?.[1];
    return name === undefined ? { literal: part } : { value: params[name] ?? '', encoded: false };
  });
}

/** The kind of id a path parameter names: that of the collection before it (`/business-applications/{application_id}`). */
export function pathIdKind(path: string, name: string): IdKind {
  const segments = path.split('/');
  return kindOfCollection(segments[segments.indexOf(`{${name}}`) - 1] ?? '');
}

/** The valid parts of a request to `op`: path parameters, some query parameters, and a body. */
function validParts(op: Operation, hints: Hints) {
  const params: Record<string, fc.Arbitrary<Value>> = {};
  for (const p of op.pathParams) {
    params[p.name] = p.schema.format === 'uuid' || /_id$/.test(p.name) ? idArb(pathIdKind(op.path, p.name)) : validArb(p.schema, p.name, hints);
  }
  const query = op.query.map((p) =>
    fc.option(
      validArb(p.schema, p.name, hints).map((value): QueryPart[] =>
        Array.isArray(value) ? value.map((item) => ({ name: p.name, value: item, encoded: false })) : [{ name: p.name, value: typeof value === 'boolean' || typeof value === 'number' ? String(value) : value, encoded: false }],
      ),
      { freq: 2, nil: [] as QueryPart[] },
    ),
  );
  const body: fc.Arbitrary<BodyPlan> = op.body
    ? validArb(op.body, 'body', hints).map((value): BodyPlan => ({ kind: 'json', value }))
    : op.method === 'POST' || op.method === 'PATCH'
      ? fc.constantFrom<BodyPlan>({ kind: 'none' }, { kind: 'json', value: {} })
      : fc.constant<BodyPlan>({ kind: 'none' });
  return fc.record({ params: fc.record(params), query: fc.tuple(...query).map((parts) => parts.flat()), body });
}

/** Mutations that apply to `op`, each with its weight. */
function mutationArb(op: Operation): fc.Arbitrary<Mutation> {
  // A body sent with a GET is not read (nor signed) by the server: a few such requests are enough.
  const bodyWeight = op.body !== undefined || op.method === 'POST' || op.method === 'PATCH' ? 6 : 1;
  const choices: fc.WeightedArbitrary<Mutation>[] = [{ weight: bodyWeight, arbitrary: bodyMutation() }, { weight: 2, arbitrary: headerMutation }];
  if (op.query.length > 0 || op.method === 'GET') choices.push({ weight: op.query.length > 0 ? 6 : 1, arbitrary: queryMutation(op) });
  if (op.pathParams.length > 0) choices.push({ weight: 4, arbitrary: pathMutation() });
  return fc.oneof(...choices);
}

/**
 * Plans for `op`: a valid request from its schemas, then none (about a fifth), one or a few
 * mutations; signed with a fresh key most of the time.
 */
export function planArb(op: Operation, hints: Hints): fc.Arbitrary<Plan> {
  const mutations = fc.oneof(
    { weight: 1, arbitrary: fc.constant<Mutation[]>([]) },
    { weight: 3, arbitrary: fc.array(mutationArb(op), { minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.array(mutationArb(op), { minLength: 2, maxLength: 3 }) },
  );
  return fc.record({ parts: validParts(op, hints), auth: authArb, key: fc.uuid({ version: 4 }), reusePick: fc.nat(), mutations }).map(({ parts, auth, key, reusePick, mutations }) => {
    const draft: Draft = {
      op,
      method: op.method,
      segments: segmentsOf(op, parts.params),
      query: parts.query,
      body: parts.body,
      contentType: 'application/json',
      auth: op.public ? 'unsigned' : auth,
      key,
      reusePick,
      mutations: [],
    };
    const labels: string[] = [];
    for (const mutation of mutations) {
      mutation.apply(draft);
      labels.push(mutation.label);
    }
    if (auth !== 'signed' && !op.public) labels.push(`auth.${auth}`);
    draft.mutations = labels;
    return draft as Plan;
  });
}

/** One round of plans: one for every operation, in a random order (so every operation gets its share of a run). */
export function roundArb(operations: readonly Operation[], hints: Hints): fc.Arbitrary<Plan[]> {
  const plans = fc.tuple(...operations.map((op) => planArb(op, hints)));
  const indexes = operations.map((_, i) => i);
  const order = fc.shuffledSubarray(indexes, { minLength: indexes.length, maxLength: indexes.length });
  return fc.tuple(plans, order).map(([all, shuffled]) => shuffled.map((i) => all[i]!));
}

