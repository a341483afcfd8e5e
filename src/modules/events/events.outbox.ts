import type { Tx } from '../../platform/db/index.ts';
import { assert } from '../../platform/assert.ts';
import { newId } from '../../platform/ids.ts';
import { WEBHOOK_BODY_BYTES_MAX } from '../../platform/limits.ts';
import { isEventType } from './events.types.ts';

/** An event to record; see docs/EVENTS.md for the types and their payloads. */
export interface NewEvent {
  readonly partnerId: string;
  /** Jiko's event type where one exists (`transfers.on-us.success`), else ours (`trade.buy`). */
  readonly eventType: string;
  /** The object the event is about (`Pocket`, `Trade`, `OnUsTransfer`, ...) and its id. */
  readonly objectType: string;
  readonly objectId: string;
  readonly customerId?: string | null;
  /** Ids of the objects concerned, as Jiko's payloads carry them. */
  readonly payload: Record<string, unknown>;
  /** The tenant clock's time of the change. */
  readonly occurredAt: Date;
}

/** Bytes of payload JSON an event may carry, leaving room for the envelope around it. */
export const EVENT_PAYLOAD_BYTES_MAX = WEBHOOK_BODY_BYTES_MAX - 1024;

interface RecordOptions {
  /** A caller-chosen event id (sandbox trigger); a new one otherwise. */
  readonly eventId?: string | undefined;
  /** Made up through the sandbox trigger rather than by a real change. */
  readonly isTest?: boolean;
}

/**
 * Records an event in the outbox inside the caller's transaction, so it exists exactly when the
 * change commits, together with one pending delivery per enabled subscription of the tenant that
 * lists its type. Assigns the next per-object sequence number through the `event_sequences`
 * counter row, which stays locked until the transaction ends: concurrent transactions about the
 * same object number their events one after the other.
 * @returns the event id.
 * @throws AssertionFailed for an unknown event type or an oversized payload (programmer errors).
 */
export async function emitEvent(tx: Tx, event: NewEvent): Promise<string> {
  return recordEvent(tx, event, {});
}

/** emitEvent with the options only the events module uses. */
export async function recordEvent(tx: Tx, event: NewEvent, options: RecordOptions): Promise<string> {
  assert(isEventType(event.eventType), `unknown event type ${event.eventType}; add it to events.types.ts and docs/EVENTS.md`);
  const payload = JSON.stringify(event.payload);
  assert(Buffer.byteLength(payload, 'utf8') <= EVENT_PAYLOAD_BYTES_MAX, 'event payload over EVENT_PAYLOAD_BYTES_MAX');
  assert(!Number.isNaN(event.occurredAt.getTime()), 'event occurredAt is not a valid time');
  const id = options.eventId ?? newId();
  const [counter] = await tx.query<{ last_sequence: number }>(
    `INSERT INTO event_sequences (partner_id, object_id, last_sequence) VALUES ($1, $2, 1)
     ON CONFLICT (partner_id, object_id) DO UPDATE SET last_sequence = event_sequences.last_sequence + 1
     RETURNING last_sequence`,
    [event.partnerId, event.objectId],
  );
  assert(counter, 'sequence counter row missing');
  await tx.query(
    `INSERT INTO events (id, partner_id, event_type, object_type, object_id, sequence, customer_id, payload, occurred_at, is_test)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, event.partnerId, event.eventType, event.objectType, event.objectId, counter.last_sequence, event.customerId ?? null, payload, event.occurredAt, options.isTest ?? false],
  );
  await tx.query(
    `INSERT INTO webhook_deliveries (id, partner_id, event_id, subscription_id, status)
     SELECT gen_random_uuid(), partner_id, $2, id, 'pending'
       FROM subscriptions
      WHERE partner_id = $1 AND deleted_at IS NULL AND status = 'enabled' AND $3 = ANY (events)`,
    [event.partnerId, id, event.eventType],
  );
  return id;
}
