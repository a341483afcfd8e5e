/**
 * The fuzzer's values: JSON trees that may hold raw JSON text (numbers JavaScript cannot carry,
 * 10,000-deep nesting), bodies over the size limit built only when sent, and references to the
 * ids of the world (own or another tenant's objects) resolved at send time; plus the hostile
 * values the mutations put in place of good ones.
 */
import fc from 'fast-check';

/** JSON text written verbatim into a body (`1e309`, `-0`, a 10,000-deep array). */
export class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A JSON string of `bytes` characters, built when the request is sent (large bodies). */
export class Big {
  readonly bytes: number;
  constructor(bytes: number) {
    this.bytes = bytes;
  }
}

/** Kinds of object ids the world sets up; the fuzzer adds others as it creates objects (`related-parties`...). */
export const ID_KINDS = ['pocket', 'customer', 'application', 'transfer', 'subscription', 'event', 'transaction', 'portal'] as const;
/** A kind of object id: one of ID_KINDS, or the collection a created object's id came from. */
export type IdKind = string;

/** The id kind of a collection in a path (`jiko-accounts` and `pockets` are both pockets); other collections are kinds of their own. */
export function kindOfCollection(segment: string): IdKind {
  const known: Record<string, IdKind> = {
    pockets: 'pocket', 'jiko-accounts': 'pocket', 'funding-pocket': 'pocket', customers: 'customer', applications: 'application',
    'on-us': 'transfer', subscriptions: 'subscription', events: 'event', transactions: 'transaction', portals: 'portal',
  };
  return known[segment] ?? segment;
}

/** An id of the world: the fuzz tenant's own (`own`) or another tenant's (`other`), the `pick`-th of its kind. */
export class Ref {
  readonly kind: IdKind;
  readonly owner: 'own' | 'other';
  readonly pick: number;
  constructor(kind: IdKind, owner: 'own' | 'other', pick: number) {
    this.kind = kind;
    this.owner = owner;
    this.pick = pick;
  }
}

/** A clock instant relative to the fuzz tenant's clock when sent: `days` whole days later (negative: earlier). */
export class ClockAt {
  readonly days: number;
  constructor(days: number) {
    this.days = days;
  }
}

export type Value = null | boolean | number | string | Raw | Big | Ref | ClockAt | Value[] | { [key: string]: Value };

/** What a Ref or ClockAt becomes when the request is sent. */
export interface Resolver {
  id(ref: Ref): string;
  clock(at: ClockAt): string;
}

/** The JSON text of a value (JSON.stringify, but Raw and Big written as they are, refs resolved). */
export function toJsonText(value: Value, resolve: Resolver): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Big) return `"${'x'.repeat(value.bytes)}"`;
  if (value instanceof Ref) return JSON.stringify(resolve.id(value));
  if (value instanceof ClockAt) return JSON.stringify(resolve.clock(value));
  if (Array.isArray(value)) return `[${value.map((item) => toJsonText(item, resolve)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item, resolve)}`).join(',')}}`;
  }
  // -0 and non-finite numbers never reach here as numbers (they are Raw); JSON.stringify is exact for the rest.
  return JSON.stringify(value);
}

/** A value as text for a path segment or a query parameter (before percent-encoding). */
export function toParamText(value: Value, resolve: Resolver): string {
  if (typeof value === 'string') return value;
  if (value instanceof Ref) return resolve.id(value);
  if (value instanceof ClockAt) return resolve.clock(value);
  if (value instanceof Raw) return value.text;
  if (value instanceof Big) return 'x'.repeat(value.bytes);
  return toJsonText(value, resolve);
}

/**
 * Code points for unicode text: printable ASCII, combining marks, emoji, or anything up to
 * U+10FFFF (lone surrogates included). Built from integers: fast-check's own unicode units build
 * a reverse map of their whole range when a string arbitrary is made (over a second).
 */
const CODE_POINT = fc
  .oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0x300, max: 0x36f }),
    fc.integer({ min: 0x1f300, max: 0x1faff }),
    fc.integer({ min: 0, max: 0x10ffff }),
  )
  .map((codePoint) => String.fromCodePoint(codePoint));

/** Unicode text of `minLength` to `maxLength` code points. */
export function unicode(minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: CODE_POINT, minLength, maxLength });
}

const nested = (depth: number, open: string, leaf: string, close: string) => new Raw(open.repeat(depth) + leaf + close.repeat(depth));

/** Numbers that JSON can say but JavaScript cannot carry exactly, or that sit on a boundary. */
export const HOSTILE_NUMBERS: readonly Value[] = [
  new Raw('1e309'), new Raw('-1e309'), new Raw('-0'), new Raw('-0.0'), new Raw('1e-400'), new Raw('0.1e1'), new Raw('1E2'), new Raw('1.0'),
  new Raw('123456789012345678901234567890'), new Raw('9007199254740993'), new Raw('-9223372036854775809'), new Raw('9223372036854775808'),
  1.7976931348623157e308, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 31) - 1, 2 ** 63,
  0, -1, 1, 0.5, 1e-7, 4999999.5, 5_000_000, 15_001, 101,
];

const BAD_UUIDS = [
  'not-a-uuid', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '{6f1c2a6e-3f35-4f6e-9d0c-2f1b1f0c8e11}',
  '6f1c2a6e3f354f6e9d0c2f1b1f0c8e11', '6F1C2A6E-3F35-4F6E-9D0C-2F1B1F0C8E11', '6f1c2a6e-3f35-4f6e-9d0c-2f1b1f0c8e1', '6f1c2a6e-3f35-4f6e-9d0c-2f1b1f0c8e111',
  '6f1c2a6e-3f35-4f6e-9d0c-2f1b1f0c8e1g', ' 6f1c2a6e-3f35-4f6e-9d0c-2f1b1f0c8e11', '6f1c2a6e-3f35-4f6e-9d0c-2f1b1f0c8e11\n', '６f1c2a6e-3f35-4f6e-9d0c-2f1b1f0c8e11',
];

/** Strings that have broken parsers elsewhere: empty, numeric-looking, dates out of range, unicode edge cases, injections. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', 'null', 'true', 'false', '0', '-0', '1e309', '-1e309', 'NaN', 'Infinity', '0x10', '1_000', '１２３', '٣', '1.5', '+1', ' 1',
  '\u0000', '\ud800', '\udfff', '\uffff', '\u202e', '\u200b', 'é', 'é', '🦄'.repeat(64), 'ǅ', 'ß', 'İ', '\r\n', '\t',
  "' OR 1=1 --", '"; DROP TABLE ledger_postings; --', '$1', '%s%n%x', '{{7*7}}', '${7*7}', '<script>alert(1)</script>', '../../etc/passwd', '..%2F..',
  '2024-02-30', '2024-13-01', '0000-01-01', '9999-12-31', '+275760-09-13', '-271821-04-20', '2024-06-04T25:00:00Z', '2024-06-04T10:00:00',
  '2024-06-04T10:00:00+25:00', '20240604', 'yesterday', 'PARTNER_FUNDING', 'CLOSED', 'OPEN', 'FULL_WITHDRAWAL', 'REQUESTED_AMOUNT', 'JIKO_ACCOUNT',
  'a'.repeat(129), 'a'.repeat(1_001), 'a'.repeat(100_000), '🦄'.repeat(20_000), '\u0000'.repeat(1_000),
  ...BAD_UUIDS,
];

/** Instants far outside the market's data (the first three far in the future); see EXTREME_CLOCK_BODIES. */
export const EXTREME_INSTANTS: readonly string[] = [
  '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59Z', '2100-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', '0001-01-01T00:00:00Z', '1900-01-01T00:00:00Z',
];

/** Structures: wrong containers, prototype keys, and deep nesting up to 10,000 levels. */
const HOSTILE_STRUCTURES: readonly Value[] = [
  [], {}, [[]], [{}], [null], { '': null }, new Raw('{"__proto__":{"polluted":true}}'), new Raw('{"constructor":{"prototype":{"polluted":true}}}'),
  { $ref: '#' }, { toString: 1, valueOf: 'x', hasOwnProperty: null },
  nested(10, '[', '', ']'), nested(1_000, '[', '1', ']'), nested(10_000, '[', '', ']'), nested(10_000, '{"a":', '1', '}'),
  nested(1_000, '{"pocket_id":', '"x"', '}'),
  nested(10_000, '{"a":', '"\\u0000"', '}'),
];

/** Any hostile value: a wrong type, an odd number, a hostile string or structure, or random unicode. */
export const hostileValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Value>(...HOSTILE_NUMBERS) },
  { weight: 4, arbitrary: fc.constantFrom<Value>(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom<Value>(...HOSTILE_STRUCTURES) },
  { weight: 1, arbitrary: fc.constantFrom<Value>(null, true, false) },
  { weight: 2, arbitrary: unicode(0, 40) },
  { weight: 1, arbitrary: unicode(1, 300) },
  { weight: 1, arbitrary: fc.integer().map((n): Value => n) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((n): Value => (Object.is(n, -0) ? new Raw('-0') : n)) },
);

/** A hostile path segment or query value: bad UUIDs, unicode, huge strings, stray percent signs. */
export const hostileParam: fc.Arbitrary<{ text: string; encoded: boolean }> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map((text) => ({ text, encoded: false })) },
  { weight: 2, arbitrary: unicode(0, 60).map((text) => ({ text, encoded: false })) },
  { weight: 1, arbitrary: fc.integer({ min: 101, max: 20_000 }).map((n) => ({ text: 'a'.repeat(n), encoded: false })) },
  // Already percent-encoded on the wire, so the server decodes them (or fails to).
  { weight: 2, arbitrary: fc.constantFrom('%', '%ZZ', '%00', '%C0%AF', '%ED%A0%80', '%FF%FE', '%2F', '%2e%2e', '%25', '%uD800', '..', '.').map((text) => ({ text, encoded: true })) },
);

/** Cursors a client might forge: not base64, base64 of junk, of JSON of the wrong shape, or of keys of the wrong type. */
export const badCursor: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '!!!', '====', 'null', 'eyJ', '%', 'a'.repeat(5_000)),
  fc.constantFrom<unknown>(
    null, 1, 'x', [], {}, { k: null }, { k: 1 }, { k: {} }, { k: [] }, { k: [{}] }, { k: [null, null] }, { k: [[1]] }, { k: ['2024-06-04T15:00:00Z'] },
    { k: ['not-a-date', 'not-a-uuid'] }, { k: ['2024-06-04T15:00:00.000Z', '00000000-0000-0000-0000-000000000000'], r: 1 },
    { k: [1e308, -1] }, { k: ['\u0000', '\ud800'] }, { k: ['+275760-09-13T00:00:00Z', 'x'] }, { k: Array.from({ length: 1_000 }, (_, i) => i) }, { k: ['x'.repeat(10_000)] },
    { k: ['2024-06-04', 'x', 'y', 'z'], r: true },
  ).map((json) => Buffer.from(JSON.stringify(json)).toString('base64url')),
  unicode(0, 80).map((text) => Buffer.from(text).toString('base64url')),
  unicode(0, 40),
);

/** `limit` values out of range or of the wrong type. */
export const badLimit: fc.Arbitrary<string> = fc.constantFrom('0', '-1', '101', '1000', '1e309', '-0', '1.5', 'abc', '', ' ', '99999999999999999999', '0x10', '１', 'NaN', '30', '1', '100');
