import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Cards } from '../../modules/cards/index.ts';
import { ErrorResponses, Uuid } from '../../platform/http/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import { GENERATE_CARD_REQUEST } from '../partner/cards.examples.ts';

/** What the sandbox card routes are given. */
export interface SandboxCardsRoutesOptions {
  readonly cards: Cards;
}

/** POST /api/v1/sandbox/generate-card: Jiko's Generate Physical Card From Order. */
export async function sandboxCardsRoutes(plain: FastifyInstance, options: SandboxCardsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/api/v1/sandbox/generate-card', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Generate the physical card of an order',
      description:
        "Sandbox mode only. Makes the card of an INITIAL order at once instead of at the next business day's run: the card is " +
        'NOT_ACTIVATED and the order CARD_CREATED, then ORDERED and RECEIVED on the clock as usual. An order whose card exists is 422. ' +
        '202 with no body, as Jiko; the order (GET card-orders/{card_order_id}) names the card.',
      security: [{ HTTPBearer: [] }],
      body: Type.Object({ card_order_id: Uuid('The physical card order') }, { additionalProperties: false, examples: [GENERATE_CARD_REQUEST] }),
      response: { 202: Type.Null({ description: 'Accepted; no body' }), ...ErrorResponses },
    },
    config: { jikoLocs: { fields: { cardOrderId: ['body', 'card_order_id'] } } },
  }, async (request, reply) => {
    const send = sealedReply(request, reply, 202, () => undefined);
    await options.cards.generateCard(request.ctx, request.body.card_order_id);
    return send(undefined);
  });
}
