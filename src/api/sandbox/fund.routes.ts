import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponses, Uuid } from '../../platform/http/index.ts';
import { SANDBOX_FUND_AMOUNT_CENTS_MAX, SANDBOX_FUND_COUNT_MAX } from '../../platform/limits.ts';

/** Jiko's FundPortalRequest. */
const FundBody = Type.Object(
  {
    account_id: Uuid('Pocket id'),
    amount_usdc: Type.Integer({ exclusiveMinimum: 0, exclusiveMaximum: SANDBOX_FUND_AMOUNT_CENTS_MAX, description: 'USD cents of each credit' }),
    company_name: Type.Optional(Type.String({ maxLength: 16, default: 'FakeCompany', description: 'Simulated ACH originator' })),
    count: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: SANDBOX_FUND_COUNT_MAX, default: 1, description: 'Number of credits' })),
  },
  { additionalProperties: false },
);

/**
 * POST /api/v1/sandbox/fund: simulated inbound ACH credits through the pocket's portal. Each
 * credit books and settles at once (`transfers.ach.in.success`); the cash is then invested, or
 * waits for the next business day. 202 with no body, as Jiko answers.
 */
export async function fundRoutes(plain: FastifyInstance): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/v1/sandbox/fund', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Fund a pocket with simulated ACH credits',
      security: [{ HTTPBearer: [] }],
      body: FundBody,
      response: { 202: Type.Null({ description: 'Accepted; no body' }), ...ErrorResponses },
    },
  }, async (request, reply) => {
    await app.services.pockets.sandboxFund(request.tenant, {
      pocketId: request.body.account_id,
      amountCents: BigInt(request.body.amount_usdc),
      companyName: request.body.company_name ?? 'FakeCompany',
      count: request.body.count ?? 1,
    });
    // Jiko answers 202 with an empty body.
    return reply.code(202).send(undefined as never);
  });
}
