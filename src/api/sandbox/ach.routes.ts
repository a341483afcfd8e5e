import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AchRail } from '../../modules/rails/ach/index.ts';
import { ErrorResponses, Uuid } from '../../platform/http/index.ts';
import { AchResponseSchema, achJson } from '../partner/ach.routes.ts';
import * as ex from '../partner/ach.examples.ts';

/** What the sandbox ACH routes are given. */
export interface SandboxAchRoutesOptions {
  readonly ach: AchRail;
}

const ReturnCode = Type.Union(
  [Type.Literal('R01'), Type.Literal('R02'), Type.Literal('R03'), Type.Literal('R04'), Type.Literal('R10'), Type.Literal('R29')],
  { description: 'R01 insufficient funds, R02 account closed, R03 no account, R04 invalid account number, R10/R29 unauthorized' },
);

/**
 * POST /api/v1/sandbox/ach-originating/{transfer_id}/return (pocketbook extension): the
 * Receiver's bank returns a settled origination, as a real RDFI would (docs/ACH.md "Returns").
 */
export async function sandboxAchRoutes(plain: FastifyInstance, options: SandboxAchRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/api/v1/sandbox/ach-originating/:transfer_id/return', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Return a settled ACH origination',
      description:
        'Sandbox mode only, pocketbook extension. Within the code\'s time frame (R10: 60 calendar days after settlement; the others: ' +
        'by the second business day after it). A returned CREDIT comes back into the pocket and is invested again; a returned DEBIT is ' +
        'taken back (bills sold as needed); what the pocket cannot give back is the receivable, owed by the customer. Status REJECTED.',
      security: [{ HTTPBearer: [] }],
      params: Type.Object({ transfer_id: Uuid('The origination') }),
      body: { ...Type.Object({ return_code: ReturnCode }, { additionalProperties: false }), examples: [ex.RETURN_REQUEST] },
      response: { 200: { ...AchResponseSchema, description: 'The origination, returned', examples: [ex.RETURNED_RESPONSE] }, ...ErrorResponses },
    },
    config: { jikoLocs: { fields: { transferId: ['path', 'transfer_id'], returnCode: ['body', 'return_code'] } } },
  }, async (request) => achJson(await options.ach.returnEntry(request.ctx, request.params.transfer_id, request.body.return_code)));
}
