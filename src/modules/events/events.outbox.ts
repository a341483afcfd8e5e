/**
 * The outbox: other modules record events with `emitEvent` / `emitEvents` inside the transaction
 * of the change, so an event exists exactly when its change commits, together with one pending
 * webhook delivery (and its job) per enabled subscription of the tenant that lists its type.
 */
import type { Tx } from '../../platform/db/index.ts';
import { assert } from '../../platform/assert.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { WEBHOOK_BODY_BYTES_MAX } from '../../platform/limits.ts';
import { type EventObjectType, type EventPayload, type EventType, EVENT_CATALOG, isEventType, payloadProblem } from './events.catalog.ts';
import * as repo from './events.repo.ts';

/**
 * An event to record, typed from the catalog (events.catalog.ts; docs/EVENTS.md): the payload's
 * shape follows `eventType`.
 */
export type NewEvent<T extends EventType = EventType> = T extends EventType
  ? {
      readonly partnerId: string;
      /** Jiko's event type where one exists (`transfers.on-us.success`), else ours (`trade.buy`). */
      readonly eventType: T;
      /** The catalog's object type of `eventType`; may be left out. */
      readonly objectType?: EventObjectType<T>;
      /** The object the event is about: `sequence` counts per object. */
      readonly objectId: string;
      readonly customerId?: string | null;
      /** Ids of the objects concerned, as Jiko's payloads carry them. */
      readonly payload: EventPayload<T>;
      /** The tenant clock's time of the change. */
      readonly occurredAt: Date;
      /**
       * The object was made in the caller's transaction and these are its first events (a new
       * transfer's, a new trade's): they are numbered from 1 without a counter row. Every event
       * of one call about the object must say so alike; a later call about it must not.
       */
      readonly newObject?: boolean;
    }
  : never;

/** Bytes of payload JSON an event may carry, leaving room for the envelope around it. */
export const EVENT_PAYLOAD_BYTES_MAX = WEBHOOK_BODY_BYTES_MAX - 1024;
/** Most events one emitEvents call records. */
export const EVENTS_PER_CALL_MAX = 10_000;

/**
 * Records one event in the caller's transaction; see emitEvents.
 * @returns the event id.
 * @throws AssertionFailed for an unknown type, a payload that does not fit the catalog, or an
 * oversized payload (programmer errors: the transaction rolls back).
 */
export async function emitEvent(tx: Tx, event: NewEvent): Promise<string> {
  const [id] = await emitEvents(tx, [event]);
  return id!;
}

/**
 * Records many events set-based, in the caller's transaction, with ONE SQL statement whatever
 * their number, deferred so that it travels with the transaction's next statement or its COMMIT
 * (no round trip of its own): per-object sequence numbers, the event rows, one pending delivery
 * per enabled subscription of the tenant that lists the type, and one delivery job each. Events
 * about one object get consecutive numbers in array order; numbers stay gapless across
 * concurrent transactions (the object's counter row stays locked until the transaction ends).
 * @returns the event ids, in array order.
 * @throws AssertionFailed as emitEvent, before anything is written.
 */
export async function emitEvents(tx: Tx, events: readonly NewEvent[]): Promise<string[]> {
  assert(events.length <= EVENTS_PER_CALL_MAX, 'more events than EVENTS_PER_CALL_MAX in one call');
  const rows = events.map((event) => checkedRow(event, nextOrd(), newId(), false));
  const fresh = new Map<string, boolean>();
  for (const row of rows) {
    const before = fresh.get(row.object_id);
    assert(before === undefined || before === row.fresh, `the events of object ${row.object_id} in one call must all say newObject alike`);
    fresh.set(row.object_id, row.fresh);
  }
  repo.deferInsertEvents(tx, rows);
  return rows.map((row) => row.id);
}

/**
 * The order of events recorded by this process, increasing across calls: events about one object
 * are numbered in it, also when the events of several calls travel in one statement (the
 * transfers carried out together: platform/together.ts).
 */
let lastOrd = 0;
function nextOrd(): number {
  lastOrd += 1;
  return lastOrd;
}

/** The row of a catalog-checked event. */
function checkedRow(event: NewEvent, ord: number, id: string, isTest: boolean): repo.EventInsert {
  const type: string = event.eventType;
  assert(isEventType(type), `unknown event type ${type}; add it to events.catalog.ts and run npm run docs:events`);
  const definition = EVENT_CATALOG[event.eventType];
  assert(event.objectType === undefined || event.objectType === definition.objectType,
    `event ${type} is about a ${definition.objectType}, not a ${String(event.objectType)}`);
  const problem = payloadProblem(event.eventType, event.payload);
  assert(problem === undefined, `event ${type} payload does not fit the catalog: ${problem}`);
  return baseRow(event, ord, id, definition.objectType, isTest);
}

function baseRow(
  event: { partnerId: string; eventType: string; objectId: string; customerId?: string | null | undefined; payload: object; occurredAt: Date; newObject?: boolean | undefined },
  ord: number,
  id: string,
  objectType: string,
  isTest: boolean,
): repo.EventInsert {
  assert(!Number.isNaN(event.occurredAt.getTime()), 'event occurredAt is not a valid time');
  assert(isUuid(event.partnerId) && isUuid(event.objectId), 'event partnerId and objectId must be UUIDs');
  assert(event.customerId === undefined || event.customerId === null || isUuid(event.customerId), 'event customerId must be a UUID');
  assert(Buffer.byteLength(JSON.stringify(event.payload), 'utf8') <= EVENT_PAYLOAD_BYTES_MAX, 'event payload over EVENT_PAYLOAD_BYTES_MAX');
  return {
    ord,
    id,
    partner_id: event.partnerId,
    event_type: event.eventType,
    object_type: objectType,
    object_id: event.objectId,
    customer_id: event.customerId ?? null,
    payload: event.payload as Record<string, unknown>,
    occurred_at: event.occurredAt.toISOString(),
    is_test: isTest,
    fresh: event.newObject === true,
  };
}

/** A made-up event of the sandbox trigger: any payload, its own object (itself), marked as a test. */
export interface TestEvent {
  readonly id: string;
  readonly partnerId: string;
  readonly eventType: EventType;
  readonly payload: Record<string, unknown>;
  readonly occurredAt: Date;
}

/** The object type of sandbox test events: each is its own object, with sequence 1. */
export const TEST_EVENT_OBJECT_TYPE = 'SandboxEvent';

/**
 * Records a sandbox test event at once (not deferred: a repeated id must fail here).
 * @returns how many deliveries were scheduled.
 */
export async function recordTestEvent(tx: Tx, event: TestEvent): Promise<number> {
  const row = baseRow({ ...event, objectId: event.id }, 0, event.id, TEST_EVENT_OBJECT_TYPE, true);
  return repo.insertEvents(tx, [row]);
}
