import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { EventsService } from '../../modules/events/index.ts';
import { DateTimeString, DetailErrorSchema, ErrorResponses, Uuid } from '../../platform/http/index.ts';

/** What the sandbox webhook route is given: the events service, nothing else. */
export interface WebhookRoutesOptions {
  readonly events: EventsService;
}

/**
 * Jiko's sandbox webhook trigger: records the given event (marked as a test event) and delivers it
 * to every enabled subscription of the tenant that lists its type, signed like any other.
 */
export async function webhookRoutes(plain: FastifyInstance, options: WebhookRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const events = () => options.events;

  app.post('/api/v1/sandbox/webhook', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Send an event of any type to the subscriptions that listen to it',
      description: 'Sandbox mode only. Records an event of the given type and payload (marked as a test event) and delivers it, signed like any other, to every enabled subscription that lists its type. Answers 202 with the event id and the number of deliveries scheduled.',
      security: [{ HTTPBearer: [] }],
      body: Type.Object({
        event_id: Type.Optional(Uuid('A new event id when absent')),
        timestamp: Type.Optional(DateTimeString("The tenant clock's now when absent")),
        event_type: Type.String({ maxLength: 100 }),
        payload: Type.Object({}, { additionalProperties: true }),
      }),
      response: {
        202: Type.Object({ event_id: Uuid(), count: Type.Integer({ description: 'Deliveries scheduled' }) }),
        409: DetailErrorSchema,
        ...ErrorResponses,
      },
    },
  }, async (request, reply) => {
    const { event_id, timestamp, event_type, payload } = request.body;
    const result = await events().triggerTestEvent(request.ctx, {
      eventId: event_id,
      timestamp: timestamp === undefined ? undefined : new Date(timestamp),
      eventType: event_type,
      payload: payload as Record<string, unknown>,
    });
    return reply.code(202).send({ event_id: result.eventId, count: result.deliveries });
  });
}
