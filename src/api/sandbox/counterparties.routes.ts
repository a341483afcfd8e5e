import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CounterpartiesService } from '../../modules/counterparties/index.ts';
import { ErrorResponses, Uuid } from '../../platform/http/index.ts';

/** What the sandbox counterparty routes are given. */
export interface SandboxCounterpartiesRoutesOptions {
  readonly counterparties: CounterpartiesService;
}

const MicroDepositsSchema = Type.Object({
  amounts_usdc: Type.Array(Type.Integer(), { minItems: 2, maxItems: 2, description: 'USD cents, each under $1' }),
  verification_failure_count: Type.Integer(),
}, { description: 'The two amounts and the wrong tries so far', examples: [{ amounts_usdc: [12, 34], verification_failure_count: 0 }] });

/**
 * GET /api/v1/sandbox/counterparties/{id}/micro-deposits (pocketbook extension): what the customer
 * would read on the bank statement, so that a sandbox integration can finish the verification.
 */
export async function sandboxCounterpartiesRoutes(plain: FastifyInstance, options: SandboxCounterpartiesRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/v1/sandbox/counterparties/:counterparty_id/micro-deposits', {
    schema: {
      tags: ['Sandbox'],
      summary: "Show a counterparty's micro-deposit amounts",
      description:
        'Sandbox mode only, pocketbook extension. The two amounts of an `ach` counterparty verified by micro-deposits, as the customer ' +
        'would read them on the bank statement, to send to POST /api/v2/counterparties/{counterparty_id}/micro-deposits/.',
      security: [{ HTTPBearer: [] }],
      params: Type.Object({ counterparty_id: Uuid() }),
      response: { 200: MicroDepositsSchema, ...ErrorResponses },
    },
  }, async (request) => {
    const sent = await options.counterparties.microDeposits(request.ctx, request.params.counterparty_id);
    return { amounts_usdc: sent.amountsCents.map(Number), verification_failure_count: sent.failures };
  });
}
