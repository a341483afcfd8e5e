import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Sandbox } from '../../modules/sandbox/index.ts';
import { ErrorResponses, Uuid } from '../../platform/http/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import { SANDBOX_FUND_AMOUNT_CENTS_MAX, SANDBOX_FUND_COUNT_MAX } from '../../platform/limits.ts';

/** Jiko's FundPortalRequest. */
const FundBody = Type.Object(
  {
    account_id: Uuid('Pocket id'),
    amount_usdc: Type.Integer({ exclusiveMinimum: 0, exclusiveMaximum: SANDBOX_FUND_AMOUNT_CENTS_MAX, description: 'USD cents of each credit' }),
    company_name: Type.Optional(Type.String({ maxLength: 16, default: 'FakeCompany', description: 'Simulated ACH originator' })),
    count: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: SANDBOX_FUND_COUNT_MAX, default: 1, description: 'Number of credits' })),
    portal_id: Type.Optional(Uuid("pocketbook extension: the pocket's portal the credits are sent to (default: its open portal). Credits sent to a CLOSED portal are returned R02.")),
    sec_code: Type.Optional(Type.Union([Type.Literal('CCD'), Type.Literal('PPD'), Type.Literal('WEB')], {
      description: "pocketbook extension: the credits' SEC code in the received NACHA file (default: CCD to a business customer or a partner's pocket, PPD to a person)",
    })),
    company_entry_description: Type.Optional(Type.String({
      minLength: 1, maxLength: 10, pattern: '^[ -~]*[!-~][ -~]*$',
      description: "pocketbook extension: the credits' Company Entry Description in the received NACHA file (printable ASCII, at most 10 characters; default DEPOSIT)",
    })),
  },
  { additionalProperties: false },
);

/**
 * POST /api/v1/sandbox/fund: simulated inbound ACH credits through the pocket's portal. Each
 * credit books and settles at once (`transfers.ach.in.success`); the cash is then invested, or
 * waits for the next business day. Through a closed portal (`portal_id`, an extension) each is
 * returned R02 (`transfers.ach.in.rejected`). 202 with no body, as Jiko answers.
 */
/** What the fund route is given. */
export interface FundRoutesOptions {
  readonly sandbox: Sandbox;
}

export async function fundRoutes(plain: FastifyInstance, options: FundRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/v1/sandbox/fund', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Fund a pocket with simulated ACH credits',
      description: "Sandbox mode only. Books `count` simulated inbound ACH credits of `amount_usdc` cents each through the pocket's portal; each settles at once (event `transfers.ach.in.success`) and the cash is invested by the pocket's strategy, or on the next business day. pocketbook extension: `portal_id` names the portal (default: the pocket's open portal); credits sent to a CLOSED portal are returned at once with Nacha's R02 (account closed): a CREDIT and its DEBIT return among the pocket's transactions, event `transfers.ach.in.rejected`, nothing stays in the pocket. pocketbook extension: every credit (returned or not) is also an entry of the tenant's RECEIVED NACHA file of the business day (`GET /api/v1/ach-files/?filter[direction]=RECEIVED`), carrying the trace number of its transaction; `sec_code` and `company_entry_description` set its batch. Answers 202 with no body.",
      security: [{ HTTPBearer: [] }],
      body: FundBody,
      response: { 202: Type.Null({ description: 'Accepted; no body' }), ...ErrorResponses },
    },
    config: { jikoLocs: { fields: { pocket: ['body', 'account_id'] } } },
  }, async (request, reply) => {
    // Jiko answers 202 with an empty body.
    const send = sealedReply(request, reply, 202, () => undefined);
    await options.sandbox.fund(request.ctx, {
      pocketId: request.body.account_id,
      amountCents: BigInt(request.body.amount_usdc),
      companyName: request.body.company_name ?? 'FakeCompany',
      count: request.body.count ?? 1,
      portalId: request.body.portal_id,
      secCode: request.body.sec_code,
      companyEntryDescription: request.body.company_entry_description,
    });
    return send(undefined);
  });
}
