/**
 * The events service: subscriptions, the event list, replays, the sandbox trigger, and the
 * delivery worker. Routes call it with the tenant of the request; it opens the transactions.
 */
import type { AppDeps } from '../../deps.ts';
import { type CursorList, type PageRequest, type TenantContext, cursorList, invalid } from '../../platform/http/index.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { type RetryPolicy, type StoredEvent, WEBHOOK_ATTEMPTS_MAX } from './events.domain.ts';
import { eventsErrors } from './events.errors.ts';
import { EVENT_PAYLOAD_BYTES_MAX, recordEvent } from './events.outbox.ts';
import * as repo from './events.repo.ts';
import { EVENT_TYPES, type EventType, isEventType } from './events.types.ts';
import { createDeliveryWorker } from './events.worker.ts';
import { targetPolicy, targetProblem, urlProblem } from './webhook.target.ts';

/** Bounds of what a subscription may hold. */
export const SUBSCRIPTION_URL_CHARS_MAX = 2083;
export const SHARED_SECRET_CHARS_MIN = 16;
export const SHARED_SECRET_CHARS_MAX = 512;
export const SUBSCRIPTION_DESCRIPTION_CHARS_MAX = 1000;
export const SUBSCRIPTIONS_PER_PARTNER_MAX = 100;
/** Most events one bulk replay schedules (POST /api/v1/events/redeliver/). */
export const REDELIVER_EVENTS_MAX = 10_000;
/** Most delivery attempts listed with one event (the latest ones). */
export const EVENT_ATTEMPTS_LISTED_MAX = 100;
/** Retry policy bounds. */
const RETRY_INTERVAL_SECONDS_MAX = 24 * 3600;
const BACKOFF_COEFFICIENT_MAX = 10;
const RETRY_STATUS_CODES_MAX = 50;

/** A subscription as the API shows it: everything but the shared secret. */
export interface Subscription {
  readonly id: string;
  readonly url: string;
  readonly events: string[];
  readonly description: string;
  readonly status: repo.SubscriptionStatus;
  readonly retryPolicy: RetryPolicy | null;
  readonly timeCreated: Date;
  readonly updatedAt: Date;
}

export interface CreateSubscriptionInput {
  readonly url: string;
  readonly events: readonly string[];
  readonly description?: string | undefined;
  readonly sharedSecret: string;
  readonly retryPolicy?: RetryPolicy | null | undefined;
}

export interface UpdateSubscriptionInput {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  readonly description?: string | undefined;
  readonly sharedSecret?: string | undefined;
  readonly status?: repo.SubscriptionStatus | undefined;
  readonly retryPolicy?: RetryPolicy | null | undefined;
}

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

export interface TestEventInput {
  readonly eventId?: string | undefined;
  readonly timestamp?: Date | undefined;
  readonly eventType: string;
  readonly payload: Record<string, unknown>;
}

function toSubscription(row: repo.SubscriptionRow): Subscription {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    status: row.status,
    retryPolicy: row.retry_policy,
    timeCreated: row.time_created,
    updatedAt: row.updated_at,
  };
}

/** Known event types, each once, in the order given. @throws 422 for an unknown or missing one. */
function checkEventTypes(events: readonly string[]): EventType[] {
  if (events.length === 0) throw invalid(['body', 'events'], 'List should have at least 1 item after validation', 'too_short');
  const unique: EventType[] = [];
  events.forEach((type, index) => {
    if (!isEventType(type)) throw eventsErrors.unknownEventType(['body', 'events', index], type);
    if (!unique.includes(type)) unique.push(type);
  });
  return unique;
}

function checkSharedSecret(secret: string): void {
  // The message never includes the secret itself.
  if (secret.length < SHARED_SECRET_CHARS_MIN) {
    throw invalid(['body', 'shared_secret'], `String should have at least ${SHARED_SECRET_CHARS_MIN} characters`, 'string_too_short');
  }
  if (secret.length > SHARED_SECRET_CHARS_MAX) {
    throw invalid(['body', 'shared_secret'], `String should have at most ${SHARED_SECRET_CHARS_MAX} characters`, 'string_too_long');
  }
}

function checkDescription(description: string): void {
  if (description.length > SUBSCRIPTION_DESCRIPTION_CHARS_MAX) {
    throw invalid(['body', 'description'], `String should have at most ${SUBSCRIPTION_DESCRIPTION_CHARS_MAX} characters`, 'string_too_long');
  }
}

/** @throws 422 for a retry policy outside its bounds. */
function checkRetryPolicy(policy: RetryPolicy | null): RetryPolicy | null {
  if (policy === null) return null;
  const at = (field: string) => ['body', 'retry_policy', field];
  const wholeIn = (field: keyof RetryPolicy, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw invalid(at(field), `must be a whole number from ${min} to ${max}`, 'value_error');
    }
  };
  wholeIn('maximum_attempts', policy.maximum_attempts, 0, WEBHOOK_ATTEMPTS_MAX);
  wholeIn('initial_interval_seconds', policy.initial_interval_seconds, 1, RETRY_INTERVAL_SECONDS_MAX);
  wholeIn('maximum_interval_seconds', policy.maximum_interval_seconds, 1, RETRY_INTERVAL_SECONDS_MAX);
  const coefficient = policy.backoff_coefficient;
  if (coefficient !== undefined && (!Number.isFinite(coefficient) || coefficient < 1 || coefficient > BACKOFF_COEFFICIENT_MAX)) {
    throw invalid(at('backoff_coefficient'), `must be from 1 to ${BACKOFF_COEFFICIENT_MAX}`, 'value_error');
  }
  const codes = policy.retry_on_status_codes;
  if (codes !== undefined) {
    if (codes.length > RETRY_STATUS_CODES_MAX) throw invalid(at('retry_on_status_codes'), `at most ${RETRY_STATUS_CODES_MAX} codes`, 'too_long');
    codes.forEach((code, index) => {
      if (!Number.isInteger(code) || code < 100 || code > 599) {
        throw invalid(['body', 'retry_policy', 'retry_on_status_codes', index], 'must be an HTTP status from 100 to 599', 'value_error');
      }
    });
  }
  // Stored with only the known fields, in Jiko's names.
  return {
    ...(codes !== undefined ? { retry_on_status_codes: [...codes] } : {}),
    ...(coefficient !== undefined ? { backoff_coefficient: coefficient } : {}),
    ...(policy.maximum_attempts !== undefined ? { maximum_attempts: policy.maximum_attempts } : {}),
    ...(policy.initial_interval_seconds !== undefined ? { initial_interval_seconds: policy.initial_interval_seconds } : {}),
    ...(policy.maximum_interval_seconds !== undefined ? { maximum_interval_seconds: policy.maximum_interval_seconds } : {}),
  };
}

export function createEventsService(deps: AppDeps) {
  const { db, config } = deps;
  const policy = targetPolicy(config);
  const worker = createDeliveryWorker(deps);

  /** @throws 422 when the URL is malformed or points where pocketbook may not call. */
  async function checkUrl(url: string): Promise<void> {
    if (url.length > SUBSCRIPTION_URL_CHARS_MAX) {
      throw invalid(['body', 'url'], `URL should have at most ${SUBSCRIPTION_URL_CHARS_MAX} characters`, 'url_too_long');
    }
    const problem = urlProblem(url);
    if (problem) throw eventsErrors.urlInvalid(['body', 'url'], `url ${problem}`);
    const refused = await targetProblem(policy, url);
    if (refused) throw eventsErrors.urlRefused(['body', 'url'], `url ${refused}`);
  }

  function requireUuid(id: string, notFound: () => Error): void {
    if (!isUuid(id)) throw notFound();
  }

  return {
    /** Every event type a subscription may list. */
    eventTypes(): readonly EventType[] {
      return EVENT_TYPES;
    },

    async createSubscription(tenant: TenantContext, input: CreateSubscriptionInput): Promise<Subscription> {
      const events = checkEventTypes(input.events);
      checkSharedSecret(input.sharedSecret);
      const description = input.description ?? '';
      checkDescription(description);
      const retryPolicy = checkRetryPolicy(input.retryPolicy ?? null);
      await checkUrl(input.url);
      const row: repo.SubscriptionRow = {
        id: newId(),
        partner_id: tenant.partnerId,
        url: input.url,
        events,
        description,
        shared_secret: input.sharedSecret,
        status: 'enabled',
        retry_policy: retryPolicy,
        disabled_reason: null,
        time_created: tenant.now,
        updated_at: tenant.now,
      };
      await db.tx(async (tx) => {
        const [count] = await tx.query<{ n: bigint }>(
          'SELECT count(*) AS n FROM subscriptions WHERE partner_id = $1 AND deleted_at IS NULL',
          [tenant.partnerId],
        );
        if ((count?.n ?? 0n) >= BigInt(SUBSCRIPTIONS_PER_PARTNER_MAX)) {
          throw invalid(['body'], `a partner may have at most ${SUBSCRIPTIONS_PER_PARTNER_MAX} subscriptions`, 'value_error', 'subscriptions.limit_reached');
        }
        await repo.insertSubscription(tx, row);
      });
      return toSubscription(row);
    },

    async listSubscriptions(tenant: TenantContext, page: PageRequest): Promise<CursorList<Subscription>> {
      const rows = await repo.listSubscriptions(db, tenant.partnerId, page);
      return cursorList(page, rows, (row) => [row.time_created.toISOString(), row.id], toSubscription);
    },

    /** @throws 404 for an id this tenant does not own. */
    async getSubscription(tenant: TenantContext, id: string): Promise<Subscription> {
      requireUuid(id, eventsErrors.subscriptionNotFound);
      const row = await repo.findSubscription(db, tenant.partnerId, id);
      if (!row) throw eventsErrors.subscriptionNotFound();
      return toSubscription(row);
    },

    /**
     * Changes the given fields. Disabling cancels the pending deliveries; enabling again does not
     * bring them back (replay them with redeliverAfter).
     * @throws 404 for an id this tenant does not own; 422 for a field out of bounds.
     */
    async updateSubscription(tenant: TenantContext, id: string, input: UpdateSubscriptionInput): Promise<Subscription> {
      requireUuid(id, eventsErrors.subscriptionNotFound);
      const events = input.events === undefined ? undefined : checkEventTypes(input.events);
      if (input.sharedSecret !== undefined) checkSharedSecret(input.sharedSecret);
      if (input.description !== undefined) checkDescription(input.description);
      const retryPolicy = input.retryPolicy === undefined ? undefined : checkRetryPolicy(input.retryPolicy);
      if (input.url !== undefined) await checkUrl(input.url);
      return db.tx(async (tx) => {
        const current = await repo.findSubscription(tx, tenant.partnerId, id, true);
        if (!current) throw eventsErrors.subscriptionNotFound();
        const status = input.status ?? current.status;
        const next: repo.SubscriptionRow = {
          ...current,
          url: input.url ?? current.url,
          events: events ?? current.events,
          description: input.description ?? current.description,
          shared_secret: input.sharedSecret ?? current.shared_secret,
          status,
          retry_policy: retryPolicy === undefined ? current.retry_policy : retryPolicy,
          disabled_reason: status === 'enabled' ? null : current.disabled_reason,
          updated_at: tenant.now,
        };
        await repo.updateSubscription(tx, next);
        if (status === 'disabled') await repo.cancelPendingDeliveries(tx, tenant.partnerId, id);
        return toSubscription(next);
      });
    },

    /** Deletes the subscription and cancels its pending deliveries. @throws 404. */
    async deleteSubscription(tenant: TenantContext, id: string): Promise<void> {
      requireUuid(id, eventsErrors.subscriptionNotFound);
      await db.tx(async (tx) => {
        const current = await repo.findSubscription(tx, tenant.partnerId, id, true);
        if (!current) throw eventsErrors.subscriptionNotFound();
        await repo.deleteSubscription(tx, tenant.partnerId, id, tenant.now);
        await repo.cancelPendingDeliveries(tx, tenant.partnerId, id);
      });
    },

    /**
     * The tenant's events, newest first, each with its latest delivery attempts. With
     * `subscriptionId`, only events delivered (or being delivered) to it, and only its attempts.
     */
    async listEvents(
      tenant: TenantContext,
      filter: { subscriptionId?: string | undefined; after?: Date | undefined },
      page: PageRequest,
    ): Promise<CursorList<EventWithAttempts>> {
      if (filter.subscriptionId !== undefined && !isUuid(filter.subscriptionId)) {
        throw invalid(['query', 'subscription_id'], 'Input should be a valid UUID', 'uuid_parsing');
      }
      const rows = await repo.listEvents(db, tenant.partnerId, filter, page);
      const shown = rows.slice(0, page.limit);
      const attempts = await repo.listAttempts(db, tenant.partnerId, shown.map((event) => event.id), filter.subscriptionId, EVENT_ATTEMPTS_LISTED_MAX);
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
    },

    /**
     * Sends one stored event again: to `subscriptionId` (which must be enabled and list the
     * event's type), or to every enabled subscription that lists it.
     * @returns how many deliveries were scheduled.
     * @throws 404 for an event or subscription this tenant does not own.
     */
    async redeliverEvent(tenant: TenantContext, eventId: string, subscriptionId?: string): Promise<number> {
      requireUuid(eventId, eventsErrors.eventNotFound);
      if (subscriptionId !== undefined) requireUuid(subscriptionId, eventsErrors.subscriptionNotFound);
      return db.tx(async (tx) => {
        const event = await repo.findEvent(tx, tenant.partnerId, eventId);
        if (!event) throw eventsErrors.eventNotFound();
        let targets: string[];
        if (subscriptionId !== undefined) {
          const subscription = await repo.findSubscription(tx, tenant.partnerId, subscriptionId);
          if (!subscription) throw eventsErrors.subscriptionNotFound();
          if (subscription.status !== 'enabled') throw eventsErrors.subscriptionDisabled();
          if (!subscription.events.includes(event.eventType)) throw eventsErrors.subscriptionNotListening(event.eventType);
          targets = [subscription.id];
        } else {
          targets = await repo.listeningSubscriptionIds(tx, tenant.partnerId, event.eventType);
        }
        return repo.insertDeliveries(tx, tenant.partnerId, event.id, targets);
      });
    },

    /**
     * Sends again, to one subscription, every event of the tenant whose timestamp is later than
     * `after` and whose type the subscription lists (oldest first, at most REDELIVER_EVENTS_MAX).
     * @returns how many deliveries were scheduled.
     */
    async redeliverAfter(tenant: TenantContext, subscriptionId: string, after: Date): Promise<number> {
      requireUuid(subscriptionId, eventsErrors.subscriptionNotFound);
      return db.tx(async (tx) => {
        const subscription = await repo.findSubscription(tx, tenant.partnerId, subscriptionId);
        if (!subscription) throw eventsErrors.subscriptionNotFound();
        if (subscription.status !== 'enabled') throw eventsErrors.subscriptionDisabled();
        return repo.insertDeliveriesAfter(tx, tenant.partnerId, subscription.id, subscription.events, after, REDELIVER_EVENTS_MAX);
      });
    },

    /**
     * Sandbox: records a made-up event (marked as a test) and schedules it to every enabled
     * subscription that lists its type, exactly as a real one.
     * @returns the event id and how many deliveries were scheduled.
     * @throws 422 for an unknown type or an oversized payload; 409 for an event_id already used.
     */
    async triggerTestEvent(tenant: TenantContext, input: TestEventInput): Promise<{ eventId: string; deliveries: number }> {
      if (!isEventType(input.eventType)) throw eventsErrors.unknownEventType(['body', 'event_type'], input.eventType);
      if (Buffer.byteLength(JSON.stringify(input.payload), 'utf8') > EVENT_PAYLOAD_BYTES_MAX) {
        throw eventsErrors.payloadTooLarge(['body', 'payload'], EVENT_PAYLOAD_BYTES_MAX);
      }
      const eventId = input.eventId ?? newId();
      // Times are kept to the millisecond, like every event, so cursors over them stay exact.
      const occurredAt = new Date((input.timestamp ?? tenant.now).getTime());
      const taken = () => eventsErrors.eventIdTaken();
      return db.tx(async (tx) => {
        if (input.eventId !== undefined && (await repo.eventIdExists(tx, input.eventId))) throw taken();
        await recordEvent(
          tx,
          { partnerId: tenant.partnerId, eventType: input.eventType, objectType: 'SandboxEvent', objectId: eventId, payload: input.payload, occurredAt },
          { eventId, isTest: true },
        );
        const [count] = await tx.query<{ n: bigint }>('SELECT count(*) AS n FROM webhook_deliveries WHERE event_id = $1', [eventId]);
        return { eventId, deliveries: Number(count?.n ?? 0n) };
      }).catch((error: unknown) => {
        // Two triggers racing with one event_id: the primary key settles it.
        if ((error as { code?: unknown } | null)?.code === '23505') throw taken();
        throw error;
      });
    },

    /** Delivers what is due now (one batch); for tests and the CLI. @returns deliveries handled. */
    runOnce: worker.runOnce,

    /** Starts the delivery loop; `stop()` ends it after the current batch. */
    startWorker: worker.startWorker,
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
