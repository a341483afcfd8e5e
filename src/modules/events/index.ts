/**
 * The events module: the typed event catalog, the event store (outbox), webhook subscriptions,
 * delivery (a job kind of platform/jobs) and replay. Other modules record events with
 * `emitEvent(tx, ...)` / `emitEvents(tx, [...])` inside their own transaction.
 */
export { EVENTS_PER_CALL_MAX, EVENT_PAYLOAD_BYTES_MAX, type NewEvent, emitEvent, emitEvents } from './events.outbox.ts';
export {
  EVENT_CATALOG,
  EVENT_GROUPS,
  EVENT_TYPES,
  type EventDefinition,
  type EventGroup,
  type EventObjectType,
  type EventPayload,
  type EventType,
  type JikoApi,
  eventDefinition,
  isEventType,
  payloadProblem,
} from './events.catalog.ts';
export { eventWebhooksOpenApi, renderEventsMarkdown } from './events.docs.ts';
export { type EventEnvelope, type RetryPolicy, type StoredEvent, WEBHOOK_JOB_KIND, toEnvelope } from './events.domain.ts';
export {
  type DeliveryAttempt,
  type EventFilterInput,
  type EventWithAttempts,
  type EventsService,
  type EventsServiceOptions,
  type TestEventInput,
  type WorkerHandle,
  type WorkerOptions,
  createEventsService,
} from './events.service.ts';
export {
  type CreateSubscriptionInput,
  type Subscription,
  type UpdateSubscriptionInput,
  SHARED_SECRET_CHARS_MIN,
  SUBSCRIPTION_URL_CHARS_MAX,
} from './subscriptions.service.ts';
export { signatureHeaders } from './webhook.sender.ts';
