/**
 * Valid values from a route's JSON Schema (as /openapi.json documents it), as fast-check
 * arbitraries. Field names steer the values toward ones the engine accepts (ids of the world's
 * objects, loopback webhook URLs, small amounts, clock moves of a few days), so that a good share
 * of the requests get past validation and reach the services.
 */
import fc from 'fast-check';
import { ClockAt, ID_KINDS, type IdKind, Ref, type Value, unicode } from './values.ts';

/** The subset of JSON Schema that the routes use. */
export interface Schema {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly $ref?: string;
}

/** What the world tells the generators: the event types and the current agreement version. */
export interface Hints {
  readonly eventTypes: readonly string[];
  readonly agreementVersion: string;
}

/** The kind of object an id field names, from its name (`pocket_id`, `account[]`, `filter[on_us_transfer]`). */
export function idKindOf(name: string): IdKind | undefined {
  if (/pocket|account/.test(name)) return 'pocket';
  if (/customer/.test(name)) return 'customer';
  if (/application/.test(name)) return 'application';
  if (/transfer/.test(name)) return 'transfer';
  if (/subscription/.test(name)) return 'subscription';
  if (/event/.test(name)) return 'event';
  if (/transaction/.test(name)) return 'transaction';
  if (/portal/.test(name)) return 'portal';
  return undefined;
}

/** A UUID: mostly the tenant's own object of `kind` (any kind when undefined), sometimes another tenant's, another kind's, or a random one. */
export function idArb(kind: IdKind | undefined): fc.Arbitrary<Value> {
  const own = (k: IdKind) => fc.nat(50).map((pick): Value => new Ref(k, 'own', pick));
  const other = (k: IdKind) => fc.nat(50).map((pick): Value => new Ref(k, 'other', pick));
  return fc.oneof(
    { weight: 14, arbitrary: kind ? own(kind) : fc.constantFrom(...ID_KINDS).chain(own) },
    { weight: 2, arbitrary: kind ? other(kind) : fc.constantFrom(...ID_KINDS).chain(other) },
    { weight: 1, arbitrary: fc.constantFrom(...ID_KINDS).chain(own) },
    { weight: 1, arbitrary: fc.uuid({ version: 4 }).map((id): Value => id) },
  );
}

const day = (from: number, to: number) =>
  fc.integer({ min: from, max: to }).map((days) => new Date(Date.UTC(2024, 0, 1) + days * 86_400_000).toISOString().slice(0, 10));
const instant = fc.integer({ min: 0, max: 365 * 86_400 }).map((seconds) => new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString());

/** Values steered by the field's name, where the schema alone would rarely give an accepted one. */
function byName(name: string, schema: Schema, hints: Hints): fc.Arbitrary<Value> | undefined {
  const isString = schema.type === 'string' && !schema.format && !schema.enum;
  switch (name) {
    case 'url':
      // Only addresses of this machine, or none at all: a subscription URL is never a host to look up.
      return fc.constantFrom('http://127.0.0.1:9/hook', 'http://[::1]:9/h', 'https://127.0.0.1/x?y=1', 'http://localhost:9/', 'ftp://127.0.0.1/', 'http://u:p@127.0.0.1/', 'not a url');
    case 'now':
    case 'to':
      // The test clock moves a few days at most (see the clock guard in runner.ts).
      return isString ? fc.integer({ min: -3, max: 2 }).map((days): Value => new ClockAt(days)) : undefined;
    case 'days':
      return fc.integer({ min: 1, max: 2 });
    case 'amount_usdc':
      return fc.integer({ min: 1, max: 200_000 });
    case 'count':
      return fc.integer({ min: 1, max: 3 });
    case 'amount_from':
    case 'amount_to':
      return fc.integer({ min: 0, max: 2_000_000 }).map(String);
    case 'event_type':
      return fc.constantFrom(...hints.eventTypes, 'no.such.type');
    case 'shared_secret':
      return fc.string({ minLength: 16, maxLength: 40 });
    case 'email':
      return fc.constantFrom('ada@example.com', 'grace.hopper@example.org', 'not-an-email');
    case 'phone_number':
      return fc.constantFrom('+14155550123', '+442071838750', '555');
    case 'identification_number':
      return fc.constantFrom('123-45-6789', 'X1234567');
    case 'date_of_birth':
      return fc.constantFrom('1990-12-10', '1950-01-01', '2020-01-01');
    case 'last_name':
      return fc.constantFrom('Lovelace', 'Lovelace', 'Reject', 'Review', 'Documents', 'Hopper');
    case 'occupation':
      return fc.constantFrom('Engineer', 'Teacher');
    case 'version':
      return fc.constantFrom(hints.agreementVersion, hints.agreementVersion, '0.0');
    case 'country':
    case 'citizenship_country':
    case 'identification_number_issuing_country':
      return fc.constantFrom('US', 'US', 'GB', 'ZZ');
    case 'status':
    case 'filter[status]':
      return isString ? fc.constantFrom('CLOSED', 'OPEN', 'FROZEN', 'PENDING', 'OPEN,CLOSED') : undefined;
    case 'omit[]':
      return fc.constantFrom('portfolio', 'portfolio,x', 'x');
    default:
      // Activity filters: an instant, or a date (the whole New York day).
      if (isString && /_(from|to)$/.test(name)) return fc.oneof(instant, day(0, 365));
      return undefined;
  }
}

function integerArb(schema: Schema, integral: boolean): fc.Arbitrary<Value> {
  const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
  const hiSchema = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : undefined);
  const hi = Math.min(hiSchema ?? lo + 1_000_000, lo + 1_000_000);
  if (integral) return fc.integer({ min: lo, max: Math.max(lo, hi) });
  return fc.double({ min: lo, max: Math.max(lo, hi), noNaN: true });
}

function stringArb(schema: Schema): fc.Arbitrary<Value> {
  switch (schema.format) {
    case 'date':
      return day(0, 365);
    case 'date-time':
      return instant;
    case 'email':
      return fc.constant('ada@example.com');
    default: {
      const minLength = schema.minLength ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 24, 24));
      return fc.oneof(
        { weight: 3, arbitrary: fc.string({ minLength, maxLength }) },
        { weight: 1, arbitrary: unicode(minLength, maxLength) },
      );
    }
  }
}

/**
 * An arbitrary of valid values of `schema`; `name` is the field's (or parameter's) name, which
 * steers ids and a few other fields (see byName).
 */
export function validArb(schema: Schema, name: string, hints: Hints): fc.Arbitrary<Value> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.length > 0) return fc.oneof(...variants.map((variant) => validArb(variant, name, hints)));
  if (schema.allOf && schema.allOf.length > 0) return validArb(schema.allOf[0]!, name, hints);
  if (schema.const !== undefined) return fc.constant(schema.const as Value);
  if (schema.enum) return fc.constantFrom(...(schema.enum as Value[]));
  if (schema.format === 'uuid') return idArb(idKindOf(name));
  const steered = byName(name, schema, hints);
  if (steered) return steered;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => validArb({ ...schema, type }, name, hints)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integerArb(schema, true);
    case 'number':
      return integerArb(schema, false);
    case 'string':
      return stringArb(schema);
    case 'array': {
      const item = validArb(schema.items ?? {}, name, hints);
      const minLength = schema.minItems ?? 0;
      return fc.array(item, { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)) });
    }
    case 'object':
      return objectArb(schema, hints);
    default:
      return fc.oneof(fc.constant<Value>({}), fc.constant<Value>('x'), fc.constant<Value>(1));
  }
}

function objectArb(schema: Schema, hints: Hints): fc.Arbitrary<Value> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 3 });
  const model: Record<string, fc.Arbitrary<Value>> = {};
  for (const name of names) model[name] = validArb(properties[name]!, name, hints);
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((name) => names.includes(name)) }) as fc.Arbitrary<Value>;
}
