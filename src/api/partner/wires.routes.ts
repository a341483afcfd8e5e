import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { WIRE_CREATED_BY_LENGTH_MAX, WIRE_DESCRIPTION_LENGTH_MAX, type Wire, type WireRail } from '../../modules/rails/wire/index.ts';
import { money } from '../../money/index.ts';
import { CursorListSchema, CursorQuery, ErrorResponses, MoneySchema, Uuid, pageRequest } from '../../platform/http/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import * as ex from './wires.examples.ts';

/** What the wire routes are given. */
export interface WiresRoutesOptions {
  readonly wires: WireRail;
}

const Money = Type.Object(MoneySchema.properties);
const Direction = Type.Union([Type.Literal('INCOMING'), Type.Literal('OUTGOING')]);

/** Jiko's WireRequest; `amount_usdc` is required here (Jiko's schema leaves it optional but a wire needs an amount). */
const CreateBody = Type.Object(
  {
    description: Type.Optional(Type.String({ minLength: 1, maxLength: WIRE_DESCRIPTION_LENGTH_MAX, description: 'Visible on statements; sent as the remittance information' })),
    counterparty_id: Uuid('A LINKED wire or international_wire counterparty'),
    amount_usdc: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'USD cents (required)' })),
    created_by: Type.Optional(Type.String({ minLength: 1, maxLength: WIRE_CREATED_BY_LENGTH_MAX, description: 'Who originated the wire (e.g. an e-mail)' })),
    wire_id: Type.Optional(Uuid('Client id of the wire; a repeat with the same body returns the existing wire, with another body is a 422')),
  },
  { additionalProperties: false, examples: [ex.WIRE_REQUEST] },
);

export const WireSchema = Type.Object(
  {
    id: Uuid(),
    wire_id: Uuid('The client id given at creation, else the id'),
    direction: Direction,
    status: Type.Union([Type.Literal('PENDING'), Type.Literal('PROCESSING'), Type.Literal('COMPLETED'), Type.Literal('REJECTED')]),
    pocket_id: Uuid('The pocket (Jiko account) the wire leaves or reaches'),
    customer_id: Type.Union([Uuid(), Type.Null()]),
    counterparty_id: Type.Union([Uuid(), Type.Null()]),
    amount: Money,
    fee: Money,
    description: Type.Union([Type.String(), Type.Null()]),
    created_by: Type.Union([Type.String(), Type.Null()]),
    uetr: Uuid('ISO 20022 unique end-to-end transaction reference'),
    settlement_date: Type.String({ format: 'date', description: 'The Fedwire business date it is sent and settles on' }),
    return_reason: Type.Union([Type.String({ description: 'A returned wire: ISO ExternalReturnReason1Code (AC04, ...)' }), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    sent_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    object_type: Type.Literal('Wire'),
  },
  { examples: [ex.WIRE] },
);

/** The wire's JSON (pocketbook's shape; Jiko documents no body for Create Wire and did not publish Get Wire's). */
export function wireJson(w: Wire) {
  return {
    id: w.id, wire_id: w.wireId, direction: w.direction, status: w.status, pocket_id: w.pocketId, customer_id: w.customerId,
    counterparty_id: w.counterpartyId, amount: money(w.amountCents), fee: money(w.feeCents), description: w.description, created_by: w.createdBy,
    uetr: w.uetr, settlement_date: w.settlementDate, return_reason: w.returnReason, created_at: w.createdAt.toISOString(), sent_at: w.sentAt?.toISOString() ?? null,
    completed_at: w.completedAt?.toISOString() ?? null, object_type: 'Wire' as const,
  };
}

/** Where the wire rail's fields are in Jiko's request. */
const WIRE_LOCS = { fields: { accountId: ['path', 'account_id'], counterpartyId: ['body', 'counterparty_id'], amountCents: ['body', 'amount_usdc'], wireId: ['body', 'wire_id'] } };

/**
 * Wires: create an outgoing wire from a pocket (Jiko's Create Wire), list and get wires, and
 * download a sent wire's pacs.008 (a pocketbook extension). Rules: docs/WIRES.md.
 */
export async function wiresRoutes(plain: FastifyInstance, options: WiresRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { wires } = options;
  const tags = ['Wires'];
  const security = [{ HTTPBearer: [] }];
  const WireParams = Type.Object({ wire_id: Uuid('The wire: its id or the wire_id given at creation') });

  app.post('/api/v1/jiko-accounts/:account_id/wires', {
    schema: {
      tags, security,
      summary: 'Create an outgoing wire',
      description:
        'To a LINKED `wire` or `international_wire` counterparty. The pocket sells bills as needed and holds amount + the wire fee. ' +
        'Before 17:00 New York time on a business day the wire is sent and settles at once (COMPLETED); later, or on a closed day, it ' +
        'waits PENDING for the next business day. Too little value is a 422 and nothing moves.',
      params: Type.Object({ account_id: Uuid('The pocket') }),
      body: CreateBody,
      response: { 201: { ...WireSchema, description: 'The wire (Jiko documents no body; pocketbook returns the wire)' }, ...ErrorResponses },
    },
    config: { jikoLocs: WIRE_LOCS },
  }, async (request, reply) => {
    const body = request.body;
    const wire = await wires.create(request.ctx, request.params.account_id, {
      counterpartyId: body.counterparty_id,
      amountCents: body.amount_usdc === undefined ? undefined : BigInt(body.amount_usdc),
      description: body.description,
      createdBy: body.created_by,
      wireId: body.wire_id,
    });
    return sealedReply(request, reply, 201, wireJson)(wire);
  });

  app.get('/api/v1/wires/', {
    schema: {
      tags, security,
      summary: 'List wires',
      description: "The partner's wires, newest first, cursor-paged; filter by pocket, customer and direction.",
      querystring: Type.Object({
        'filter[pocket_id]': Type.Optional(Uuid('Only this pocket')),
        'filter[customer_id]': Type.Optional(Uuid("Only this customer's pockets")),
        direction: Type.Optional(Direction),
        ...CursorQuery,
      }),
      response: { 200: { ...CursorListSchema(WireSchema), description: 'A page of wires', examples: [ex.WIRE_LIST] }, ...ErrorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const list = await wires.list(request.ctx, { pocketId: q['filter[pocket_id]'], customerId: q['filter[customer_id]'], direction: q.direction }, pageRequest(q));
    return { ...list, items: list.items.map(wireJson) };
  });

  app.get('/api/v1/wires/:wire_id', {
    schema: {
      tags, security,
      summary: 'Get a wire',
      description: 'By its id or by the wire_id given at creation.',
      params: WireParams,
      response: { 200: { ...WireSchema, description: 'The wire' }, ...ErrorResponses },
    },
  }, async (request) => wireJson(await wires.get(request.ctx, request.params.wire_id)));

  app.get('/api/v1/wires/:wire_id/pacs008', {
    schema: {
      tags, security,
      summary: "Download a wire's pacs.008 (pocketbook extension)",
      description: 'The ISO 20022 pacs.008.001.08 message of an outgoing wire once sent (404 while PENDING).',
      params: WireParams,
      produces: ['application/xml'],
      response: {
        200: { description: 'The pacs.008.001.08 document', content: { 'application/xml': { schema: Type.String({ examples: [ex.PACS008] }) } } },
        ...ErrorResponses,
      },
    },
  }, async (request, reply) => reply.type('application/xml; charset=utf-8').send(await wires.pacs008(request.ctx, request.params.wire_id)));

  app.get('/api/v1/wires/:wire_id/pacs004', {
    schema: {
      tags, security,
      summary: "Download a returned wire's pacs.004 (pocketbook extension)",
      description: 'The ISO 20022 pacs.004.001.10 that returned a sent wire (404 for a wire not returned, or rejected before it was sent).',
      params: WireParams,
      produces: ['application/xml'],
      response: {
        200: { description: 'The pacs.004.001.10 document', content: { 'application/xml': { schema: Type.String({ examples: [ex.PACS004] }) } } },
        ...ErrorResponses,
      },
    },
  }, async (request, reply) => reply.type('application/xml; charset=utf-8').send(await wires.pacs004(request.ctx, request.params.wire_id)));
}
