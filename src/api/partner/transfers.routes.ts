import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { OnUsRail, OnUsTransfer, TransferAmount } from '../../modules/rails/onus/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import { money } from '../../money/index.ts';
import { ErrorResponses, MoneySchema, Uuid } from '../../platform/http/index.ts';

const Money = Type.Object(MoneySchema.properties);

const TransferType = Type.Union([
  Type.Literal('PARTNER_CUSTOMER_FUNDING'),
  Type.Literal('PARTNER_CUSTOMER_DEFUNDING'),
  Type.Literal('INTERNAL_REALLOCATION'),
]);

const JikoAccount = Type.Object({ id: Uuid('Pocket id'), type: Type.Literal('JIKO_ACCOUNT') }, { additionalProperties: false });

const AmountCents = Type.Integer({ exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'USD cents' });

const RequestedAmount = Type.Object({ type: Type.Literal('REQUESTED_AMOUNT'), amount_usdc: AmountCents }, { additionalProperties: false });
const FullWithdrawal = Type.Object({ type: Type.Literal('FULL_WITHDRAWAL') }, { additionalProperties: false });

/**
 * Jiko's OnUsTransferDetailsRequest, the three variants in one object: `source` is required for
 * PARTNER_CUSTOMER_FUNDING, `target` for PARTNER_CUSTOMER_DEFUNDING (checked by the service).
 */
const CreateOnUsBody = Type.Object(
  {
    type: TransferType,
    from_account: JikoAccount,
    to_account: JikoAccount,
    amount: Type.Optional(Type.Union([RequestedAmount, FullWithdrawal])),
    amount_usdc: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER, deprecated: true, description: 'USD cents; use amount' })),
    source: Type.Optional(Type.String({ maxLength: 200 })),
    target: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 100 })),
    transfer_id: Type.Optional(Uuid('Client id of the transfer; a repeat returns the existing transfer')),
  },
  { additionalProperties: false },
);

const OnUsTransferSchema = Type.Object({
  id: Uuid(),
  status: Type.Union([Type.Literal('PENDING'), Type.Literal('COMPLETED'), Type.Literal('REJECTED')]),
  reason: Type.Optional(
    Type.Union([
      Type.Literal('ACCOUNT_UNAVAILABLE'),
      Type.Literal('CANCELED'),
      Type.Literal('INSUFFICIENT_FUNDS'),
      Type.Literal('INVALID_CURRENCY'),
      Type.Literal('INVALID_TRANSFER'),
      Type.Literal('SANCTION_SCREEN_FAILED'),
    ]),
  ),
  transfer: Type.Object({
    type: TransferType,
    from_account: JikoAccount,
    to_account: JikoAccount,
    amount: Money,
    description: Type.Optional(Type.String()),
    transfer_id: Type.Optional(Uuid()),
    source: Type.Optional(Type.String()),
    target: Type.Optional(Type.String()),
  }),
  fees: Type.Array(Type.Object({ type: Type.Literal('AUM_FEE'), amount: Money })),
  object_type: Type.Literal('OnUsTransfer'),
});

/** Jiko's OnUsTransfer JSON; `amount` is what moved, or what was asked when nothing moved. */
function onUsJson(t: OnUsTransfer) {
  return {
    id: t.id,
    status: t.status,
    ...(t.reason ? { reason: t.reason } : {}),
    transfer: {
      type: t.type,
      from_account: { id: t.fromPocketId, type: 'JIKO_ACCOUNT' as const },
      to_account: { id: t.toPocketId, type: 'JIKO_ACCOUNT' as const },
      amount: money(t.amountCents ?? t.requestedAmountCents ?? 0n),
      ...(t.description !== null ? { description: t.description } : {}),
      transfer_id: t.transferId,
      ...(t.source !== null ? { source: t.source } : {}),
      ...(t.target !== null ? { target: t.target } : {}),
    },
    fees: [] as { type: 'AUM_FEE'; amount: ReturnType<typeof money> }[],
    object_type: 'OnUsTransfer' as const,
  };
}

/**
 * On-us (book) transfers between two pockets of the tenant: partner funding and defunding of a
 * customer pocket, and reallocation between one customer's pockets. Instant, at any hour.
 */
/** What the transfers routes are given. */
export interface TransfersRoutesOptions {
  readonly onUs: OnUsRail;
}

/** Where the on-us rail's fields are in Jiko's request. */
const ON_US_LOCS = { fields: { fromPocket: ['body', 'from_account', 'id'], toPocket: ['body', 'to_account', 'id'] } };

export async function transfersRoutes(plain: FastifyInstance, options: TransfersRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['On-Us Transfers'];
  const security = [{ HTTPBearer: [] }];

  app.post('/api/v1/transfers/on-us', {
    schema: {
      tags,
      summary: 'Create an on-us transfer between two pockets',
      description:
        'The source sells bills (nearest maturity first) if its cash falls short; the target invests the money ' +
        '(or holds it until the next business day). Not enough value: the transfer is REJECTED with INSUFFICIENT_FUNDS and nothing moves.',
      security,
      body: CreateOnUsBody,
      response: { 201: OnUsTransferSchema, ...ErrorResponses },
    },
    // The rail claims the key with its first reads (exactlyOnceEager); nothing runs before.
    config: { jikoLocs: ON_US_LOCS, keyClaimedInTx: true },
  }, async (request, reply) => {
    const body = request.body;
    const send = sealedReply(request, reply, 201, onUsJson);
    const amount: TransferAmount | undefined =
      body.amount?.type === 'REQUESTED_AMOUNT'
        ? { type: 'REQUESTED_AMOUNT', amountCents: BigInt(body.amount.amount_usdc) }
        : body.amount?.type === 'FULL_WITHDRAWAL'
          ? { type: 'FULL_WITHDRAWAL' }
          : body.amount_usdc !== undefined
            ? { type: 'REQUESTED_AMOUNT', amountCents: BigInt(body.amount_usdc) }
            : undefined;
    const transfer = await options.onUs.create(request.ctx, {
      type: body.type,
      fromPocketId: body.from_account.id,
      toPocketId: body.to_account.id,
      amount,
      transferId: body.transfer_id,
      description: body.description,
      source: body.source,
      target: body.target,
    });
    return send(transfer);
  });

  app.get('/api/v1/transfers/on-us/:transfer_id', {
    schema: {
      tags,
      summary: 'Get an on-us transfer',
      description: 'By its id or by the transfer_id given at creation.',
      security,
      params: Type.Object({ transfer_id: Uuid() }),
      response: { 200: OnUsTransferSchema, ...ErrorResponses },
    },
  }, async (request) => onUsJson(await options.onUs.get(request.ctx, request.params.transfer_id)));
}
