import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { WIRE_RETURN_REASONS, type WireRail, type WireReturnReason } from '../../modules/rails/wire/index.ts';
import { ErrorResponses, Uuid } from '../../platform/http/index.ts';
import { SANDBOX_FUND_AMOUNT_CENTS_MAX } from '../../platform/limits.ts';
import { sealedReply } from '../jiko/sealed.ts';
import { WireSchema, wireJson } from '../partner/wires.routes.ts';

/** What the sandbox wire route is given. */
export interface SandboxWiresRoutesOptions {
  readonly wires: WireRail;
}

const IncomingBody = Type.Object(
  {
    account_id: Uuid('Pocket id'),
    amount_usdc: Type.Integer({ exclusiveMinimum: 0, exclusiveMaximum: SANDBOX_FUND_AMOUNT_CENTS_MAX, description: 'USD cents' }),
    portal_id: Type.Optional(Uuid("The pocket's portal the wire is sent to (default: its open portal); a CLOSED one sends the wire back")),
    sender_name: Type.Optional(Type.String({ minLength: 1, maxLength: 140, description: 'The originator, shown as the description' })),
  },
  { additionalProperties: false, examples: [{ account_id: '3c6f0e0a-6a0b-4f51-9a55-2f1f4b1de2a1', amount_usdc: 500_000, sender_name: 'Acme Supplies LLC' }] },
);

/** POST /api/v1/sandbox/wires/incoming (pocketbook extension): a simulated incoming wire to a pocket's portal. */
export async function sandboxWiresRoutes(plain: FastifyInstance, options: SandboxWiresRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/api/v1/sandbox/wires/incoming', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Simulate an incoming wire (pocketbook extension)',
      description:
        "Sandbox mode only. A wire of `amount_usdc` cents arrives through the pocket's portal: credited at once, invested by the " +
        "pocket's strategy (or on the next business day), event `transfers.wire.in.success`. Through a CLOSED portal it is sent back: " +
        'REJECTED, event `transfers.wire.in.rejected`, nothing stays in the pocket. 201 with the wire.',
      security: [{ HTTPBearer: [] }],
      body: IncomingBody,
      response: { 201: { ...WireSchema, description: 'The incoming wire' }, ...ErrorResponses },
    },
    config: { jikoLocs: { fields: { pocketId: ['body', 'account_id'], accountId: ['body', 'account_id'], portalId: ['body', 'portal_id'] } } },
  }, async (request, reply) => {
    const body = request.body;
    const wire = await options.wires.receive(request.ctx, {
      pocketId: body.account_id, portalId: body.portal_id, amountCents: BigInt(body.amount_usdc), senderName: body.sender_name,
    });
    return sealedReply(request, reply, 201, wireJson)(wire);
  });

  const reasons = Object.keys(WIRE_RETURN_REASONS).filter((code) => code !== 'NARR') as WireReturnReason[];
  app.post('/api/v1/sandbox/wires/:wire_id/return', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Reject or return an outgoing wire (pocketbook extension)',
      description:
        'Sandbox mode only. A PENDING wire is rejected before it is sent: its hold is released, amount and fee go back to the pocket. ' +
        "A sent (COMPLETED) wire comes back from the beneficiary's bank as a pacs.004 with ISO return reason `reason` (default AC04, " +
        'closed account): the amount goes back to the pocket, the fee is kept. Either way the wire is REJECTED, event ' +
        '`transfers.wire.out.rejected`, and the money is invested again. A REJECTED wire is answered as it is.',
      security: [{ HTTPBearer: [] }],
      params: Type.Object({ wire_id: Uuid('The wire: its id or wire_id') }),
      body: Type.Object(
        { reason: Type.Optional(Type.Union(reasons.map((code) => Type.Literal(code)), { description: 'ISO ExternalReturnReason1Code' })) },
        { additionalProperties: false, examples: [{ reason: 'AC04' }] },
      ),
      response: { 200: { ...WireSchema, description: 'The rejected wire' }, ...ErrorResponses },
    },
  }, async (request, reply) => {
    const wire = await options.wires.returnWire(request.ctx, request.params.wire_id, request.body.reason ?? 'AC04');
    return sealedReply(request, reply, 200, wireJson)(wire);
  });
}
