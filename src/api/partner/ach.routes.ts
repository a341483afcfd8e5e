import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { type AchFile, type AchOrigination, type AchRail } from '../../modules/rails/ach/index.ts';
import { money } from '../../money/index.ts';
import { CursorListSchema, CursorQuery, DateString, DateTimeString, ErrorResponses, MoneySchema, Uuid, pageRequest } from '../../platform/http/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import * as ex from './ach.examples.ts';

const Money = Type.Object(MoneySchema.properties);

function documented<T extends TSchema>(schema: T, description: string, example: unknown): T {
  return { ...schema, description, examples: [example] };
}

const Direction = Type.Union([Type.Literal('DEBIT'), Type.Literal('CREDIT')], { description: 'DEBIT pulls from the counterparty into the pocket; CREDIT pushes out of it' });
const SecCode = Type.Union([Type.Literal('CCD'), Type.Literal('PPD'), Type.Literal('WEB')]);
const Status = Type.Union([
  Type.Literal('PENDING'), Type.Literal('IN_TRANSIT'), Type.Literal('PROCESSED'), Type.Literal('REJECTED'), Type.Literal('FAILED'), Type.Literal('CANCELLED'),
]);

/** Jiko's ACHRequest. */
const CreateBody = Type.Object(
  {
    counterparty_id: Uuid('A LINKED (verified) counterparty of type ach'),
    direction: Direction,
    amount_usdc: Type.Integer({ exclusiveMinimum: 0, maximum: 99_999_999_99, description: 'USD cents' }),
    sec_code: Type.Optional(Type.Union([SecCode], { default: 'WEB' })),
    company_entry_description: Type.Optional(
      Type.String({ description: "Required for CCD and PPD; WEB defaults to 'Funding TX' (DEBIT) or 'Release TX' (CREDIT)" }),
    ),
    payment_related_information: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 80, pattern: '^[ -~]+$' }), {
        maxItems: 1,
        description: 'Sent to the Receiver in one addenda record (printable ASCII, at most 80 characters)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Jiko's ACHResponse, with pocketbook's settlement date, trace number, return code and receivable. */
export const AchResponseSchema = Type.Object({
  id: Uuid(),
  counterparty_id: Uuid(),
  jiko_account_id: Uuid('The pocket'),
  direction: Direction,
  sec_code: SecCode,
  amount: Money,
  status: Status,
  company_entry_description: Type.String(),
  payment_related_information: Type.Array(Type.String()),
  time_created: DateTimeString(),
  settlement_date: DateString('pocketbook extension: the New York business date the entry settles on (its window)'),
  trace_number: Type.Union([Type.String(), Type.Null()], { description: 'pocketbook extension: the NACHA trace number, once in a file' }),
  return_code: Type.Union([Type.String(), Type.Null()], { description: 'pocketbook extension: the NACHA return reason code of a returned entry (status REJECTED)' }),
  receivable: { ...Money, description: 'pocketbook extension: what a returned pull could not take back from the pocket, owed by the customer' },
  object_type: Type.Literal('ACHResponse'),
});

/** Jiko's ACHResponse JSON of an origination. */
export function achJson(o: AchOrigination) {
  return {
    id: o.id,
    counterparty_id: o.counterpartyId,
    jiko_account_id: o.pocketId,
    direction: o.direction,
    sec_code: o.secCode,
    amount: money(o.amountCents),
    status: o.status,
    company_entry_description: o.companyEntryDescription,
    payment_related_information: [...o.paymentRelatedInformation],
    time_created: o.timeCreated.toISOString(),
    settlement_date: o.settlementDate,
    trace_number: o.traceNumber,
    return_code: o.returnCode,
    receivable: money(o.receivableCents),
    object_type: 'ACHResponse' as const,
  };
}

/** pocketbook's NACHA file (an extension): what the window wrote, without its text. */
const FileDirection = Type.Union([Type.Literal('ORIGINATED'), Type.Literal('RECEIVED')], {
  description: 'ORIGINATED: written by a window and sent to the ACH operator; RECEIVED: the inbound ACH credits the portals received that business day',
});

const AchFileSchema = Type.Object({
  id: Uuid(),
  direction: FileDirection,
  window_date: DateString('The New York business date of the window (the entries\' effective entry date)'),
  file_id_modifier: Type.String(),
  entry_count: Type.Integer(),
  total_debit: Money,
  total_credit: Money,
  time_created: DateTimeString(),
  object_type: Type.Literal('AchFile'),
});

function fileJson(f: AchFile) {
  return {
    id: f.id,
    direction: f.direction,
    window_date: f.windowDate,
    file_id_modifier: f.fileIdModifier,
    entry_count: f.entryCount,
    total_debit: money(f.totalDebitCents),
    total_credit: money(f.totalCreditCents),
    time_created: f.createdAt.toISOString(),
    object_type: 'AchFile' as const,
  };
}

/** What the ACH routes are given. */
export interface AchRoutesOptions {
  readonly ach: AchRail;
}

/** Where the ACH rail's fields are in Jiko's request. */
const ACH_LOCS = {
  fields: {
    counterpartyId: ['body', 'counterparty_id'],
    amountCents: ['body', 'amount_usdc'],
    companyEntryDescription: ['body', 'company_entry_description'],
    accountId: ['path', 'account_id'],
  },
};

const AccountParams = Type.Object({ account_id: Uuid('The pocket') });

/**
 * ACH originations of a pocket (Jiko's legacy `ach-originating` paths) and pocketbook's NACHA
 * files (an extension). Windows and settlement run on the tenant's clock (docs/ACH.md).
 */
export async function achRoutes(plain: FastifyInstance, options: AchRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['ACH'];
  const security = [{ HTTPBearer: [] }];
  const { ach } = options;

  app.post('/api/v1/jiko-accounts/:account_id/ach-originating', {
    schema: {
      tags,
      summary: 'Originate an ACH transfer with a counterparty',
      description:
        'DEBIT pulls from a verified ach counterparty: pending, not available until it settles, then invested. CREDIT pushes out: ' +
        'the pocket sells bills if its cash falls short and the money is held until it settles. Under $25,000 before 12:00 ET on a ' +
        'business day settles that day, otherwise the next business day. A counterparty not LINKED is 422.',
      security,
      params: AccountParams,
      body: { ...CreateBody, examples: [ex.PULL_REQUEST, ex.PUSH_REQUEST] },
      response: { 200: documented(AchResponseSchema, 'The origination, PENDING', ex.PULL_RESPONSE), ...ErrorResponses },
    },
    config: { jikoLocs: ACH_LOCS },
  }, async (request, reply) => {
    const body = request.body;
    const send = sealedReply(request, reply, 200, achJson);
    const origination = await ach.create(request.ctx, request.params.account_id, {
      counterpartyId: body.counterparty_id,
      direction: body.direction,
      amountCents: BigInt(body.amount_usdc),
      secCode: body.sec_code,
      companyEntryDescription: body.company_entry_description,
      paymentRelatedInformation: body.payment_related_information,
    });
    return send(origination);
  });

  app.get('/api/v1/jiko-accounts/:account_id/ach-originating', {
    schema: {
      tags,
      summary: "List a pocket's ACH originations",
      description: 'Newest first.',
      security,
      params: AccountParams,
      querystring: Type.Object({
        'filter[status]': Type.Optional(Type.Array(Status, { maxItems: 6, description: 'Only these statuses' })),
        direction: Type.Optional(Direction),
        ...CursorQuery,
      }),
      response: { 200: documented(CursorListSchema(AchResponseSchema), 'A page of originations', ex.cursorList([ex.PULL_RESPONSE])), ...ErrorResponses },
    },
  }, async (request) => {
    const query = request.query;
    const page = pageRequest(query);
    const list = await ach.list(request.ctx, request.params.account_id, { statuses: query['filter[status]'], direction: query.direction }, page);
    return { ...list, items: list.items.map(achJson) };
  });

  app.get('/api/v1/jiko-accounts/:account_id/ach-originating/:transfer_id', {
    schema: {
      tags,
      summary: 'Get an ACH origination',
      description: "One of the pocket's originations, with its status and, once in a file, its trace number.",
      security,
      params: Type.Object({ account_id: Uuid('The pocket'), transfer_id: Uuid('The origination') }),
      response: { 200: documented(AchResponseSchema, 'The origination', ex.PULL_RESPONSE), ...ErrorResponses },
    },
  }, async (request) => achJson(await ach.get(request.ctx, request.params.account_id, request.params.transfer_id)));

  app.get('/api/v1/ach-files/', {
    schema: {
      tags,
      summary: 'List the NACHA files of the ACH windows (pocketbook extension)',
      description:
        'One ORIGINATED file per window that had entries: the originations due that business day, batched by SEC code and direction. ' +
        'pocketbook extension: also one RECEIVED file per business day with inbound ACH credits through a portal (the sandbox fund, ' +
        'including credits returned R02 from a closed portal), as the portals\' bank receives them: a batch per SEC code and Originator, ' +
        'each entry with the trace number of its bank transaction. `filter[direction]` (ORIGINATED or RECEIVED) lists one kind only. Newest first.',
      security,
      querystring: Type.Object({
        'filter[direction]': Type.Optional({ ...FileDirection, description: 'pocketbook extension: only files of this direction' }),
        ...CursorQuery,
      }),
      response: { 200: documented(CursorListSchema(AchFileSchema), 'A page of files', ex.cursorList([ex.FILE])), ...ErrorResponses },
    },
  }, async (request) => {
    const list = await ach.listFiles(request.ctx, pageRequest(request.query), request.query['filter[direction]']);
    return { ...list, items: list.items.map(fileJson) };
  });

  app.get('/api/v1/ach-files/:file_id', {
    schema: {
      tags,
      summary: 'Download a NACHA file (pocketbook extension)',
      description: 'The exact text sent: 94-character records, LF-terminated, padded to blocks of ten.',
      security,
      params: Type.Object({ file_id: Uuid('The file') }),
      produces: ['text/plain'],
      response: {
        200: { description: 'The NACHA file', content: { 'text/plain': { schema: Type.String({ examples: [ex.FILE_TEXT] }) } } },
        ...ErrorResponses,
      },
    },
  }, async (request, reply) => {
    const { content } = await ach.getFile(request.ctx, request.params.file_id);
    return reply.type('text/plain; charset=utf-8').send(content);
  });
}
