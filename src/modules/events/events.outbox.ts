import type { Tx } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';

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

/**
 * Records an event in the outbox inside the caller's transaction, so it exists exactly when the
 * change commits. Assigns the next per-object sequence number.
 * @returns the event id.
 */
export async function emitEvent(tx: Tx, event: NewEvent): Promise<string> {
  const id = newId();
  await tx.query(
    `INSERT INTO events (id, partner_id, event_type, object_type, object_id, sequence, customer_id, payload, occurred_at)
     VALUES ($1, $2, $3, $4, $5,
       (SELECT coalesce(max(sequence), 0) + 1 FROM events WHERE partner_id = $2 AND object_id = $5),
       $6, $7, $8)`,
    [id, event.partnerId, event.eventType, event.objectType, event.objectId, event.customerId ?? null, JSON.stringify(event.payload), event.occurredAt],
  );
  return id;
}
