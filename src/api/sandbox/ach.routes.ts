import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AchNotificationOfChange, AchRail } from '../../modules/rails/ach/index.ts';
import { DateTimeString, ErrorResponses, Uuid } from '../../platform/http/index.ts';
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

const ChangeCode = Type.Union([Type.Literal('C01'), Type.Literal('C02'), Type.Literal('C03')], {
  description: 'C01 incorrect account number, C02 incorrect routing number, C03 both',
});

const BankAccount = Type.Object({
  routing_number: Type.String({ description: 'ABA routing number' }),
  account_number: Type.String({ description: 'Account number' }),
});

/** A notification of change as the sandbox answers it (pocketbook extension). */
const NotificationOfChangeSchema = Type.Object({
  id: Uuid(),
  transfer_id: Uuid('The origination the notification answered'),
  counterparty_id: Uuid('The counterparty corrected'),
  change_code: ChangeCode,
  previous: { ...BankAccount, description: 'What the entry carried' },
  corrected: { ...BankAccount, description: 'What the counterparty carries now, and the next entries with it' },
  time_received: DateTimeString(),
  object_type: Type.Literal('NotificationOfChange'),
}, { additionalProperties: false });

function nocJson(n: AchNotificationOfChange) {
  return {
    id: n.id, transfer_id: n.originationId, counterparty_id: n.counterpartyId, change_code: n.changeCode,
    previous: { routing_number: n.previousRoutingNumber, account_number: n.previousAccountNumber },
    corrected: { routing_number: n.correctedRoutingNumber, account_number: n.correctedAccountNumber },
    time_received: n.timeReceived.toISOString(), object_type: 'NotificationOfChange' as const,
  };
}

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

  app.post('/api/v1/sandbox/ach-originating/:transfer_id/notification-of-change', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Send a notification of change for an ACH origination',
      description:
        'Sandbox mode only, pocketbook extension. The Receiver\'s bank answers an entry that went out in a file with corrected ' +
        'account data: C01 needs `corrected_account_number`, C02 `corrected_routing_number` (ABA check digit), C03 both. The ' +
        'counterparty takes the corrected data, as do its originations not yet in a file, so the next entry carries it; event ' +
        '`counterparties.noc.received`.',
      security: [{ HTTPBearer: [] }],
      params: Type.Object({ transfer_id: Uuid('The origination') }),
      body: {
        ...Type.Object({
          change_code: ChangeCode,
          corrected_routing_number: Type.Optional(Type.String({ pattern: '^[0-9]{9}$', description: 'C02 and C03: the correct ABA routing number' })),
          corrected_account_number: Type.Optional(Type.String({ pattern: '^[0-9]{4,17}$', description: 'C01 and C03: the correct account number' })),
        }, { additionalProperties: false }),
        examples: [ex.NOC_REQUEST],
      },
      response: { 200: { ...NotificationOfChangeSchema, description: 'The notification, recorded', examples: [ex.NOC_RESPONSE] }, ...ErrorResponses },
    },
    config: {
      jikoLocs: {
        fields: {
          transferId: ['path', 'transfer_id'],
          routingNumber: ['body', 'corrected_routing_number'], accountNumber: ['body', 'corrected_account_number'],
        },
      },
    },
  }, async (request) => nocJson(await options.ach.notifyChange(request.ctx, request.params.transfer_id, {
    changeCode: request.body.change_code,
    correctedRoutingNumber: request.body.corrected_routing_number,
    correctedAccountNumber: request.body.corrected_account_number,
  })));
}
