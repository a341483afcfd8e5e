import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ClockView, Sandbox } from '../../modules/sandbox/index.ts';
import { DateString, DateTimeString, ErrorResponses, invalid } from '../../platform/http/index.ts';
import { CLOCK_ADVANCE_DAYS_MAX } from '../../platform/limits.ts';

const ClockSchema = Type.Object({
  now: DateTimeString("The tenant clock's current instant"),
  business_date: DateString("The tenant's New York date if a bond-market business day, else the last business day before it"),
  object_type: Type.Literal('Clock'),
});

function clockJson(clock: ClockView) {
  return { now: clock.now.toISOString(), business_date: clock.businessDate, object_type: 'Clock' as const };
}

/** @throws DomainError 422 when `value` is not an instant with a time zone. */
function instant(value: string, field: string): Date {
  const ms = Date.parse(value);
  if (!/T.*(Z|[+-]\d{2}:?\d{2})$/i.test(value) || !Number.isFinite(ms)) throw invalid(['body', field], 'must be an ISO-8601 date-time with offset', 'value_error');
  return new Date(ms);
}

/** What the clock routes are given. */
export interface ClockRoutesOptions {
  readonly sandbox: Sandbox;
}

/**
 * pocketbook's sandbox test clock, one per tenant, within the dates the market data covers (422
 * naming them otherwise). Setting it is free while the tenant has no customers, then forward only;
 * advancing it runs every business day's due work on the way (maturities, investing, end-of-day
 * values), in time order, in one transaction with the move.
 */
export async function clockRoutes(plain: FastifyInstance, options: ClockRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Sandbox'];
  const security = [{ HTTPBearer: [] }];
  const responses = ErrorResponses;

  app.get('/api/v1/sandbox/clock', {
    schema: {
      tags,
      summary: "Read the tenant's test clock",
      description: "Sandbox mode only. The tenant's test clock: its current instant, and its business date (the New York date if a bond-market business day, else the last one before).",
      security,
      response: { 200: ClockSchema, ...responses },
    },
  }, async (request) => clockJson(options.sandbox.getClock(request.ctx)));

  app.post('/api/v1/sandbox/clock', {
    schema: {
      tags,
      summary: "Set the tenant's test clock",
      description:
        'Any instant whose New York date the market data covers while the tenant has no customers; afterwards only later ' +
        'instants (422 otherwise). Due work up to the new instant runs with the move: all of it, or nothing.',
      security,
      body: Type.Object({ now: Type.String({ description: 'ISO-8601 date-time with offset' }) }, { additionalProperties: false }),
      response: { 200: ClockSchema, ...responses },
    },
  }, async (request) => clockJson(await options.sandbox.setClock(request.ctx, instant(request.body.now, 'now'))));

  app.post('/api/v1/sandbox/clock/advance', {
    schema: {
      tags,
      summary: "Move the tenant's test clock forward and run due work",
      description:
        'Give `to` (an instant not earlier than the clock) or `days` (whole days of 24 hours), within the dates the market ' +
        'data covers. Due work on the way runs with the move: all of it, or nothing.',
      security,
      body: Type.Object(
        {
          to: Type.Optional(Type.String({ description: 'ISO-8601 date-time with offset' })),
          days: Type.Optional(Type.Integer({ minimum: 1, maximum: CLOCK_ADVANCE_DAYS_MAX })),
        },
        { additionalProperties: false },
      ),
      response: { 200: ClockSchema, ...responses },
    },
  }, async (request) =>
    clockJson(
      await options.sandbox.advanceClock(request.ctx, {
        to: request.body.to !== undefined ? instant(request.body.to, 'to') : undefined,
        days: request.body.days,
      }),
    ),
  );
}
