import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { EventWithAttempts, EventsService, RetryPolicy, Subscription } from '../../modules/events/index.ts';
import { toEnvelope } from '../../modules/events/index.ts';
import {
  CursorListSchema,
  CursorQuery,
  DateTimeString,
  DetailErrorSchema,
  ErrorResponses,
  ListSchema,
  Uuid,
  invalid,
  pageRequest,
} from '../../platform/http/index.ts';
import { isUuid } from '../../platform/ids.ts';

/** Jiko's retry policy object (all fields optional). */
export const RetryPolicySchema = Type.Object({
  retry_on_status_codes: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { maxItems: 50 })),
  backoff_coefficient: Type.Optional(Type.Number({ minimum: 1, maximum: 10 })),
  maximum_attempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
  initial_interval_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
  maximum_interval_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
});

const EventTypesSchema = Type.Array(Type.String(), { minItems: 1, maxItems: 64, description: 'Event types, e.g. transfers.on-us.success' });
const UrlSchema = Type.String({ minLength: 1, maxLength: 2083, description: 'http(s) URL the events are POSTed to' });

/** Jiko's Subscription; the shared secret is write-only and never part of it. */
export const SubscriptionSchema = Type.Object({
  description: Type.String(),
  events: Type.Array(Type.String()),
  url: Type.String(),
  retry_policy: Type.Union([RetryPolicySchema, Type.Null()]),
  id: Uuid(),
  time_created: DateTimeString(),
  updated_at: DateTimeString(),
  status: Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]),
  object_type: Type.Literal('Subscription'),
});

const CreateSubscriptionSchema = Type.Object({
  description: Type.Optional(Type.String({ default: '', maxLength: 1000 })),
  events: EventTypesSchema,
  url: UrlSchema,
  retry_policy: Type.Optional(Type.Union([RetryPolicySchema, Type.Null()])),
  shared_secret: Type.String({ minLength: 16, maxLength: 512, writeOnly: true, description: 'Keys the webhook signatures; never returned' }),
});

const UpdateSubscriptionSchema = Type.Object({
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  events: Type.Optional(EventTypesSchema),
  url: Type.Optional(UrlSchema),
  status: Type.Optional(Type.Union([Type.Literal('enabled'), Type.Literal('disabled')])),
  retry_policy: Type.Optional(Type.Union([RetryPolicySchema, Type.Null()])),
  shared_secret: Type.Optional(Type.String({ minLength: 16, maxLength: 512, writeOnly: true })),
});

/** The webhook envelope (Jiko's EventDetails plus object_id and sequence). */
export const EventDetailsSchema = Type.Object({
  event_id: Uuid(),
  event_type: Type.String(),
  timestamp: DateTimeString(),
  payload: Type.Object({}, { additionalProperties: true }),
  customer_id: Type.Optional(Uuid()),
  object_id: Uuid('The object whose sequence this is'),
  sequence: Type.Integer({ minimum: 1, description: 'Per-object order: 1, 2, ... for the events of object_id' }),
});

const DeliveryAttemptSchema = Type.Object({
  delivery_attempt_id: Uuid(),
  subscription_id: Uuid(),
  success: Type.Boolean(),
  response_code: Type.Integer({ description: 'HTTP status, or 0 when no response came' }),
  response_message: Type.String(),
  called_at: DateTimeString(),
});

const PartnerEventSchema = Type.Object({
  event: EventDetailsSchema,
  delivery_attempts: Type.Array(DeliveryAttemptSchema),
  object_type: Type.Literal('PartnerEvent'),
});

const EventTypeSchema = Type.Object({
  event: Type.String(),
  object_type: Type.Literal('EventType'),
  pocketbook_extension: Type.Boolean({
    description: 'pocketbook extension: true for a type Jiko\'s Partner API does not document; delivered only to subscriptions that name it',
  }),
});

const CountSchema = Type.Object({ count: Type.Integer({ description: 'Deliveries scheduled' }) });

const SubscriptionParams = Type.Object({ subscription_id: Uuid() });

export function subscriptionJson(subscription: Subscription) {
  return {
    description: subscription.description,
    events: subscription.events,
    url: subscription.url,
    retry_policy: subscription.retryPolicy,
    id: subscription.id,
    time_created: subscription.timeCreated.toISOString(),
    updated_at: subscription.updatedAt.toISOString(),
    status: subscription.status,
    object_type: 'Subscription' as const,
  };
}

function partnerEventJson(item: EventWithAttempts) {
  return {
    event: toEnvelope(item.event),
    delivery_attempts: item.attempts.map((attempt) => ({
      delivery_attempt_id: attempt.id,
      subscription_id: attempt.subscriptionId,
      success: attempt.success,
      response_code: attempt.responseCode,
      response_message: attempt.responseMessage,
      called_at: attempt.calledAt.toISOString(),
    })),
    object_type: 'PartnerEvent' as const,
  };
}

function retryPolicyOf(value: unknown): RetryPolicy | null | undefined {
  return value as RetryPolicy | null | undefined;
}

/** What the events routes are given: the events service, nothing else. */
export interface EventsRoutesOptions {
  readonly events: EventsService;
}

/**
 * Events and subscriptions of the Partner API (Jiko's Events and Subscriptions tags), plus
 * pocketbook's replay endpoints. Each route validates, calls one service method with the
 * request's RequestContext (`request.ctx`, set by the door's auth hook) and maps the result to
 * Jiko's JSON.
 */
export async function eventsRoutes(plain: FastifyInstance, options: EventsRoutesOptions): Promise<void> {
  subscriptionRoutes(plain, options.events);
  eventRoutes(plain, options.events);
}

/** Jiko's Subscriptions endpoints. */
function subscriptionRoutes(plain: FastifyInstance, service: EventsService): void {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const events = () => service;

  app.post('/api/v1/subscriptions', {
    schema: {
      tags: ['Subscriptions'],
      summary: 'Create a webhook subscription',
      description: 'Events of the listed types (see `GET /api/v1/events/types`) are POSTed to `url`, signed with `shared_secret` (header `x-jiko-signature`: base64 HMAC-SHA256 of the body) and retried with backoff per `retry_policy`. Types marked as pocketbook extensions go only to subscriptions that name them.',
      security: [{ HTTPBearer: [] }],
      body: CreateSubscriptionSchema,
      response: { 201: SubscriptionSchema, ...ErrorResponses },
    },
  }, async (request, reply) => {
    const body = request.body;
    const subscription = await events().createSubscription(request.ctx, {
      url: body.url,
      events: body.events,
      description: body.description,
      sharedSecret: body.shared_secret,
      retryPolicy: retryPolicyOf(body.retry_policy),
    });
    return reply.code(201).send(subscriptionJson(subscription));
  });

  app.get('/api/v1/subscriptions', {
    schema: {
      tags: ['Subscriptions'],
      summary: 'List webhook subscriptions, newest first',
      description: "The partner's subscriptions, cursor-paged. Shared secrets are never returned.",
      security: [{ HTTPBearer: [] }],
      querystring: Type.Object(CursorQuery),
      response: { 200: CursorListSchema(SubscriptionSchema), ...ErrorResponses },
    },
  }, async (request) => {
    const list = await events().listSubscriptions(request.ctx, pageRequest(request.query));
    return { ...list, items: list.items.map(subscriptionJson) };
  });

  app.get('/api/v1/subscriptions/:subscription_id', {
    schema: {
      tags: ['Subscriptions'],
      summary: 'Get a webhook subscription',
      description: "One subscription of the partner's; its shared secret is never returned.",
      security: [{ HTTPBearer: [] }],
      params: SubscriptionParams,
      response: { 200: SubscriptionSchema, ...ErrorResponses },
    },
  }, async (request) => subscriptionJson(await events().getSubscription(request.ctx, request.params.subscription_id)));

  app.patch('/api/v1/subscriptions/:subscription_id', {
    schema: {
      tags: ['Subscriptions'],
      summary: 'Update a webhook subscription (url, events, description, status, retry_policy, shared_secret)',
      description: 'Changes the fields sent and only them: `status: disabled` stops deliveries until it is enabled again; a new `shared_secret` signs the deliveries from then on.',
      security: [{ HTTPBearer: [] }],
      params: SubscriptionParams,
      body: UpdateSubscriptionSchema,
      response: { 200: SubscriptionSchema, ...ErrorResponses },
    },
  }, async (request) => {
    const body = request.body;
    const subscription = await events().updateSubscription(request.ctx, request.params.subscription_id, {
      url: body.url,
      events: body.events,
      description: body.description,
      sharedSecret: body.shared_secret,
      status: body.status,
      retryPolicy: retryPolicyOf(body.retry_policy),
    });
    return subscriptionJson(subscription);
  });

  app.delete('/api/v1/subscriptions/:subscription_id', {
    schema: {
      tags: ['Subscriptions'],
      summary: 'Delete a webhook subscription',
      description: 'Deletes the subscription: nothing more is delivered to it. Answers 204 with no body.',
      security: [{ HTTPBearer: [] }],
      params: SubscriptionParams,
      response: { 204: Type.Null(), ...ErrorResponses },
    },
  }, async (request, reply) => {
    await events().deleteSubscription(request.ctx, request.params.subscription_id);
    return reply.code(204).send(null);
  });

}

/** Jiko's Events endpoints and pocketbook's replays. */
function eventRoutes(plain: FastifyInstance, service: EventsService): void {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const events = () => service;

  app.get('/api/v1/events/types', {
    schema: {
      tags: ['Events'],
      summary: 'List the event types a subscription may listen to',
      description: "Every type of the event catalog. `pocketbook_extension: true` marks the types Jiko's Partner API does not document, which go only to subscriptions that name them. Each type's payload is in this document's `webhooks`.",
      security: [{ HTTPBearer: [] }],
      response: { 200: ListSchema(EventTypeSchema), ...ErrorResponses },
    },
  }, async () => {
    const types = events().eventTypes();
    return {
      offset: 0,
      count: types.length,
      items: types.map(({ type, partnerExtension }) => ({ event: type, object_type: 'EventType' as const, pocketbook_extension: partnerExtension })),
      object_type: 'List' as const,
    };
  });

  app.get('/api/v1/events', {
    schema: {
      tags: ['Events'],
      summary: 'List past events with their delivery attempts, newest first',
      description: "The partner's events, cursor-paged, each with its delivery attempts; `subscription_id` keeps those delivered to one subscription (with its attempts), `after` those later than an instant.",
      security: [{ HTTPBearer: [] }],
      querystring: Type.Object({
        subscription_id: Type.Optional(Uuid('Only events delivered to this subscription, with its attempts')),
        after: Type.Optional(DateTimeString('Only events whose timestamp is later')),
        ...CursorQuery,
      }),
      response: { 200: CursorListSchema(PartnerEventSchema), ...ErrorResponses },
    },
  }, async (request) => {
    const { subscription_id, after } = request.query;
    const list = await events().listEvents(
      request.ctx,
      { subscriptionId: subscription_id, after: after === undefined ? undefined : new Date(after) },
      pageRequest(request.query),
    );
    return { ...list, items: list.items.map(partnerEventJson) };
  });

  app.post('/api/v1/events/redeliver', {
    schema: {
      tags: ['Events'],
      summary: 'Send again, to one subscription, every event later than `after` that it listens to',
      description: 'Schedules a new delivery to the subscription of each event later than `after` (every event when absent) whose type it listens to; a disabled subscription is 409. Answers 202 with the number of deliveries scheduled.',
      security: [{ HTTPBearer: [] }],
      body: Type.Object({
        subscription_id: Uuid(),
        after: Type.Optional(DateTimeString('Events whose timestamp is later than this; all events when absent')),
      }),
      response: { 202: CountSchema, 409: DetailErrorSchema, ...ErrorResponses },
    },
  }, async (request, reply) => {
    const { subscription_id, after } = request.body;
    const count = await events().redeliverAfter(request.ctx, subscription_id, after === undefined ? new Date(0) : new Date(after));
    return reply.code(202).send({ count });
  });

  app.post('/api/v1/events/:event_id/redeliver', {
    schema: {
      tags: ['Events'],
      summary: 'Send one event again, to one subscription or to every subscription that listens to it',
      description: 'Optional JSON body: {"subscription_id": "<uuid>"}.',
      security: [{ HTTPBearer: [] }],
      params: Type.Object({ event_id: Uuid() }),
      response: { 202: CountSchema, 409: DetailErrorSchema, ...ErrorResponses },
    },
  }, async (request, reply) => {
    // The body is optional (a bare POST resends to every listening subscription), so it is read here.
    const body = request.body;
    let subscriptionId: string | undefined;
    if (body !== undefined && body !== null) {
      if (typeof body !== 'object' || Array.isArray(body)) throw invalid(['body'], 'Input should be a valid dictionary', 'dict_type');
      const value = (body as { subscription_id?: unknown }).subscription_id;
      if (value !== undefined && value !== null) {
        if (typeof value !== 'string' || !isUuid(value)) throw invalid(['body', 'subscription_id'], 'Input should be a valid UUID', 'uuid_parsing');
        subscriptionId = value;
      }
    }
    const count = await events().redeliverEvent(request.ctx, request.params.event_id, subscriptionId);
    return reply.code(202).send({ count });
  });
}
