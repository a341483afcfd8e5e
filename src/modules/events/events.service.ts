/**
 * The events service: subscriptions, the event list, replays, the sandbox trigger, and webhook
 * delivery as a job kind. Routes call it with the RequestContext of the request; it opens the
 * transactions.
 */
import type { AppDeps } from '../../deps.ts';
import type { RequestContext } from '../../platform/context.ts';
import { type CursorList, type PageRequest, cursorList, invalid } from '../../platform/http/index.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { type JobPoolHandle, type JobPoolOptions, type JobQueue, type JobScope, createJobQueue } from '../../platform/jobs/index.ts';
import { EVENT_TYPES, type EventType, isEventType, isPartnerExtension } from './events.catalog.ts';
import { type StoredEvent, WEBHOOK_JOB_KIND, checkTimeIdKey } from './events.domain.ts';
import { type TenantNow, webhookDeliveryKind } from './events.delivery.ts';
import { eventsErrors } from './events.errors.ts';
import { EVENT_PAYLOAD_BYTES_MAX, recordTestEvent } from './events.outbox.ts';
import * as repo from './events.repo.ts';
import * as subscriptions from './subscriptions.service.ts';
import { targetPolicy } from './webhook.target.ts';

/** Most events one bulk replay schedules (POST /api/v1/events/redeliver/). */
export const REDELIVER_EVENTS_MAX = 10_000;
/** Most delivery attempts listed with one event (the latest ones). */
export const EVENT_ATTEMPTS_LISTED_MAX = 100;

export interface DeliveryAttempt {
  readonly id: string;
  readonly subscriptionId: string;
  readonly success: boolean;
  readonly responseCode: number;
  readonly responseMessage: string;
  readonly calledAt: Date;
}

export interface EventWithAttempts {
  readonly event: StoredEvent;
  readonly attempts: DeliveryAttempt[];
}

export interface EventFilterInput {
  /** Only events delivered (or being delivered) to this subscription, with only its attempts. */
  readonly subscriptionId?: string | undefined;
  /** Only events whose timestamp is later. */
  readonly after?: Date | undefined;
}

export interface TestEventInput {
  readonly eventId?: string | undefined;
  readonly timestamp?: Date | undefined;
  readonly eventType: string;
  readonly payload: Record<string, unknown>;
}

/** The background pool of the job queue (all its kinds, webhook delivery among them). */
export type WorkerHandle = JobPoolHandle;
export type WorkerOptions = JobPoolOptions;

export interface EventsServiceOptions {
  /**
   * The process's job queue; webhook delivery registers on it. A queue of its own (polling every
   * config.webhooks.pollIntervalMs) when absent.
   */
  readonly jobs?: JobQueue | undefined;
  /** The tenant's clock now (tenancy's); wall time when absent (production tenants have no offset). */
  readonly tenantNow?: TenantNow | undefined;
}

interface EventsEnv extends subscriptions.SubscriptionsEnv {
  readonly deps: AppDeps;
}

function requireUuid(id: string, notFound: () => Error): void {
  if (!isUuid(id)) throw notFound();
}

/** The tenant's events, newest first, each with its latest delivery attempts. @throws 422 for a malformed subscription id. */
async function listEvents(env: EventsEnv, ctx: RequestContext, filter: EventFilterInput, page: PageRequest): Promise<CursorList<EventWithAttempts>> {
  if (filter.subscriptionId !== undefined && !isUuid(filter.subscriptionId)) {
    throw invalid(['subscription_id'], 'Input should be a valid UUID', 'uuid_parsing');
  }
  checkTimeIdKey(page);
  const rows = await repo.listEvents(env.db, ctx.tenantId, filter, page);
  const shown = rows.slice(0, page.limit);
  const attempts = await repo.listAttempts(env.db, ctx.tenantId, shown.map((event) => event.id), filter.subscriptionId, EVENT_ATTEMPTS_LISTED_MAX);
  const byEvent = new Map<string, DeliveryAttempt[]>();
  for (const attempt of attempts) {
    const list = byEvent.get(attempt.event_id) ?? [];
    list.push({
      id: attempt.id,
      subscriptionId: attempt.subscription_id,
      success: attempt.success,
      responseCode: attempt.response_code,
      responseMessage: attempt.response_message,
      calledAt: attempt.called_at,
    });
    byEvent.set(attempt.event_id, list);
  }
  return cursorList(page, rows, (event) => [event.occurredAt.toISOString(), event.id], (event) => ({
    event,
    attempts: byEvent.get(event.id) ?? [],
  }));
}

/**
 * Sends one stored event again: to `subscriptionId` (which must be enabled and list the event's
 * type), or to every enabled subscription that lists it.
 * @returns how many deliveries were scheduled.
 * @throws 404 for an event or subscription this tenant does not own; 409 for a disabled one.
 */
async function redeliverEvent(env: EventsEnv, ctx: RequestContext, eventId: string, subscriptionId?: string): Promise<number> {
  requireUuid(eventId, eventsErrors.eventNotFound);
  if (subscriptionId !== undefined) requireUuid(subscriptionId, eventsErrors.subscriptionNotFound);
  return env.db.tx(async (tx) => {
    const event = await repo.findEvent(tx, ctx.tenantId, eventId);
    if (!event) throw eventsErrors.eventNotFound();
    let targets: string[];
    if (subscriptionId !== undefined) {
      const subscription = await repo.findSubscription(tx, ctx.tenantId, subscriptionId);
      if (!subscription) throw eventsErrors.subscriptionNotFound();
      if (subscription.status !== 'enabled') throw eventsErrors.subscriptionDisabled();
      if (!subscription.events.includes(event.eventType)) throw eventsErrors.subscriptionNotListening(event.eventType);
      targets = [subscription.id];
    } else {
      targets = await repo.listeningSubscriptionIds(tx, ctx.tenantId, event.eventType);
    }
    return repo.insertDeliveries(tx, ctx.tenantId, event.id, targets);
  });
}

/**
 * Sends again, to one subscription, every event of the tenant whose timestamp is later than
 * `after` and whose type the subscription lists (oldest first, at most REDELIVER_EVENTS_MAX).
 * @returns how many deliveries were scheduled. @throws 404; 409 for a disabled subscription.
 */
async function redeliverAfter(env: EventsEnv, ctx: RequestContext, subscriptionId: string, after: Date): Promise<number> {
  requireUuid(subscriptionId, eventsErrors.subscriptionNotFound);
  return env.db.tx(async (tx) => {
    const subscription = await repo.findSubscription(tx, ctx.tenantId, subscriptionId);
    if (!subscription) throw eventsErrors.subscriptionNotFound();
    if (subscription.status !== 'enabled') throw eventsErrors.subscriptionDisabled();
    return repo.insertDeliveriesAfter(tx, ctx.tenantId, subscription.id, subscription.events, after, REDELIVER_EVENTS_MAX);
  });
}

/**
 * Sandbox: records a made-up event (marked as a test; any payload) and schedules it to every
 * enabled subscription that lists its type, exactly as a real one.
 * @returns the event id and how many deliveries were scheduled.
 * @throws 422 for an unknown type or an oversized payload; 409 for an event_id the tenant already used
 *   (ids are per tenant: another tenant's id is as free as an unknown one).
 */
async function triggerTestEvent(env: EventsEnv, ctx: RequestContext, input: TestEventInput): Promise<{ eventId: string; deliveries: number }> {
  if (!isEventType(input.eventType)) throw eventsErrors.unknownEventType(['event_type'], input.eventType);
  const eventType: EventType = input.eventType;
  if (Buffer.byteLength(JSON.stringify(input.payload), 'utf8') > EVENT_PAYLOAD_BYTES_MAX) {
    throw eventsErrors.payloadTooLarge(['payload'], EVENT_PAYLOAD_BYTES_MAX);
  }
  const eventId = input.eventId ?? newId();
  // Times are kept to the millisecond, like every event, so cursors over them stay exact.
  const occurredAt = new Date((input.timestamp ?? ctx.now).getTime());
  const taken = () => eventsErrors.eventIdTaken();
  return env.db.tx(async (tx) => {
    if (input.eventId !== undefined && (await repo.eventIdExists(tx, ctx.tenantId, input.eventId))) throw taken();
    const deliveries = await recordTestEvent(tx, { id: eventId, partnerId: ctx.tenantId, eventType, payload: input.payload, occurredAt });
    return { eventId, deliveries };
  }).catch((error: unknown) => {
    // Two triggers racing with one event_id: the primary key settles it.
    if ((error as { code?: unknown } | null)?.code === '23505') throw taken();
    throw error;
  });
}

/**
 * Builds the events service and registers webhook delivery (job kind WEBHOOK_JOB_KIND) on the
 * process's job queue (`options.jobs`, or a queue of its own).
 */
export function createEventsService(deps: AppDeps, options: EventsServiceOptions = {}) {
  const env: EventsEnv = { deps, db: deps.db, policy: targetPolicy(deps.config) };
  const jobs = options.jobs ?? createJobQueue({ db: deps.db, wallClock: deps.wallClock, pollIntervalMs: deps.config.webhooks.pollIntervalMs });
  jobs.register(WEBHOOK_JOB_KIND, webhookDeliveryKind(deps, options.tenantNow ?? (async () => deps.wallClock.now())));
  return {
    /** Every catalog type, each with whether it is a pocketbook extension on the Partner door. */
    eventTypes: (): readonly { type: EventType; partnerExtension: boolean }[] =>
      EVENT_TYPES.map((type) => ({ type, partnerExtension: isPartnerExtension(type) })),
    createSubscription: (ctx: RequestContext, input: subscriptions.CreateSubscriptionInput) => subscriptions.createSubscription(env, ctx, input),
    listSubscriptions: (ctx: RequestContext, page: PageRequest) => subscriptions.listSubscriptions(env, ctx, page),
    getSubscription: (ctx: RequestContext, id: string) => subscriptions.getSubscription(env, ctx, id),
    updateSubscription: (ctx: RequestContext, id: string, input: subscriptions.UpdateSubscriptionInput) => subscriptions.updateSubscription(env, ctx, id, input),
    deleteSubscription: (ctx: RequestContext, id: string) => subscriptions.deleteSubscription(env, ctx, id),
    listEvents: (ctx: RequestContext, filter: EventFilterInput, page: PageRequest) => listEvents(env, ctx, filter, page),
    redeliverEvent: (ctx: RequestContext, eventId: string, subscriptionId?: string) => redeliverEvent(env, ctx, eventId, subscriptionId),
    redeliverAfter: (ctx: RequestContext, subscriptionId: string, after: Date) => redeliverAfter(env, ctx, subscriptionId, after),
    triggerTestEvent: (ctx: RequestContext, input: TestEventInput) => triggerTestEvent(env, ctx, input),
    /**
     * Runs the due jobs of the queue once (webhook deliveries among them), scoped to some tenants
     * when asked (tests scope to their own). @returns how many jobs ran.
     */
    runOnce: (scope?: JobScope): Promise<number> => jobs.runOnce(scope),
    /** Starts the queue's background pool; `stop()` waits for the jobs in flight. */
    startWorker: (pool?: WorkerOptions): WorkerHandle => jobs.start(pool),
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
