/**
 * The events module: the event store (outbox), webhook subscriptions, delivery and replay.
 * Other modules record events with `emitEvent(tx, ...)` inside their own transaction.
 */
export { emitEvent, type NewEvent } from './events.outbox.ts';
export { EVENT_TYPES, type EventType, isEventType } from './events.types.ts';
export { type EventEnvelope, type RetryPolicy, type StoredEvent, toEnvelope } from './events.domain.ts';
export {
  type CreateSubscriptionInput,
  type DeliveryAttempt,
  type EventWithAttempts,
  type EventsService,
  type Subscription,
  type TestEventInput,
  type UpdateSubscriptionInput,
  SHARED_SECRET_CHARS_MIN,
  SUBSCRIPTION_URL_CHARS_MAX,
  createEventsService,
} from './events.service.ts';
export type { WorkerHandle, WorkerOptions } from './events.worker.ts';
export { signatureHeaders } from './webhook.sender.ts';
