import type { FastifyInstance } from 'fastify';
import { sealedReply } from '../jiko/sealed.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import type { EarningsPeriod, PocketStatus, PocketView, PocketsService } from '../../modules/pockets/index.ts';
import { money } from '../../money/index.ts';
import { assert } from '../../platform/assert.ts';
import {
  CursorListSchema,
  CursorQuery,
  DateString,
  DecimalString,
  DetailErrorSchema,
  ErrorResponses,
  MoneySchema,
  Uuid,
  invalid,
  pageRequest,
} from '../../platform/http/index.ts';

const StrategyIdSchema = Type.Union([
  Type.Literal('UST-1W'),
  Type.Literal('UST-4W'),
  Type.Literal('UST-13W'),
  Type.Literal('UST-26W'),
  Type.Literal('UST-52W'),
]);

/** Money without the shared $id, so that it can be nested many times in one response schema. */
const Money = Type.Object(MoneySchema.properties);

const SecuritySchema = Type.Object({
  type: Type.Literal('FIXED_INCOME'),
  description: Type.String({ examples: ['US T-Bill'] }),
  cusip: Type.String({ examples: ['912797KJ5'] }),
  quantity: Type.Integer({ description: 'Units of $100 of face' }),
  market_value: Money,
  jiko_mark_price: DecimalString('Same-day bid price per 100 of face used for the mark'),
  maturity_date: DateString(),
  yield_to_maturity: DecimalString('Investment rate of the bid, as a fraction'),
  bid: DecimalString('Price per 100 of face when selling, same-day settlement'),
  ask: DecimalString('Price per 100 of face when buying, same-day settlement'),
});

/** One fee deducted (Jiko's Fee: an AUM fee with its amount). */
const FeeSchema = Type.Object({ type: Type.Literal('AUM_FEE'), amount: Money });

const PortfolioSchema = Type.Object({
  securities: Type.Array(SecuritySchema),
  cash: Money,
  total_value: Money,
  all_time_earnings: Money,
  liquidation_value_t0: Money,
  liquidation_value_t1: Money,
  fees: Type.Array(FeeSchema, {
    description: 'Fees deducted from the pocket, as Jiko lists them; pocketbook charges none, so always []',
    examples: [[]],
  }),
});

export const PocketSchema = Type.Object({
  id: Uuid(),
  pocket_name: Type.String(),
  portfolio: Type.Union([PortfolioSchema, Type.Null()]),
  status: Type.Union([Type.Literal('PENDING'), Type.Literal('OPEN'), Type.Literal('FROZEN'), Type.Literal('CLOSED')]),
  attributes: Type.Array(Type.String()),
  deposit_strategy_id: StrategyIdSchema,
  reinvestment_strategy_id: Type.Union([StrategyIdSchema, Type.Null()]),
  type: Type.Union([Type.Literal('CUSTOMER'), Type.Literal('PARTNER_FUNDING')], {
    description: "CUSTOMER for a customer's pocket; PARTNER_FUNDING for the tenant's own funding pocket",
  }),
  customer_id: Type.Union([Uuid(), Type.Null()]),
  object_type: Type.Literal('Pocket'),
});

/** A pocket as the customer-scoped paths answer it: Jiko's `CustomerPocket`, always with its customer. */
export const CustomerPocketSchema = Type.Object({
  ...PocketSchema.properties,
  customer_id: Uuid(),
  object_type: Type.Literal('CustomerPocket'),
});

const CreatePocketBody = Type.Object(
  {
    pocket_name: Type.String({ minLength: 1, maxLength: 128 }),
    deposit_strategy_id: StrategyIdSchema,
    reinvestment_strategy_id: Type.Optional(Type.Union([StrategyIdSchema, Type.Null()])),
  },
  { additionalProperties: false },
);

const UpdatePocketBody = Type.Object(
  {
    pocket_name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
    deposit_strategy_id: Type.Optional(Type.Union([StrategyIdSchema, Type.Null()])),
    reinvestment_strategy_id: Type.Optional(Type.Union([StrategyIdSchema, Type.Null()])),
    status: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    closure_reason: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: false },
);

const PocketQuery = Type.Object({
  'omit[]': Type.Optional(Type.Array(Type.String())),
  valuation_type: Type.Optional(Type.String()),
});

const ListQuery = Type.Object({
  ...CursorQuery,
  'omit[]': Type.Optional(Type.Array(Type.String())),
  valuation_type: Type.Optional(Type.String()),
  'filter[status]': Type.Optional(Type.Array(Type.String(), { description: 'PENDING, OPEN, FROZEN, CLOSED; repeated or comma-separated' })),
});

const EarningsQuery = Type.Object({
  period: Type.Optional(
    Type.Union([Type.Literal('ytd'), Type.Literal('mtd'), Type.Literal('wtd'), Type.Literal('all-time'), Type.Literal('range')], { default: 'all-time' }),
  ),
  date_from: Type.Optional(Type.Union([DateString(), Type.Null()])),
  date_to: Type.Optional(Type.Union([DateString(), Type.Null()])),
});

const EarningsSchema = Type.Object({
  earnings: Money,
  date_from: Type.Union([DateString(), Type.Null()]),
  date_to: DateString(),
});

const STATUSES: readonly PocketStatus[] = ['PENDING', 'OPEN', 'FROZEN', 'CLOSED'];

/** `filter[status]` values, repeated or comma-separated. @throws DomainError 422 for an unknown status. */
function statusFilter(values: readonly string[] | undefined): PocketStatus[] | undefined {
  if (!values) return undefined;
  const statuses = values.flatMap((value) => value.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const status of statuses) {
    if (!STATUSES.includes(status as PocketStatus)) throw invalid(['query', 'filter[status]'], `unknown status ${status}`, 'enum');
  }
  return statuses.length > 0 ? (statuses as PocketStatus[]) : undefined;
}

function omitsPortfolio(omit: readonly string[] | undefined): boolean {
  return (omit ?? []).flatMap((value) => value.split(',')).includes('portfolio');
}

/** Jiko's Pocket JSON. */
export function pocketJson(view: PocketView) {
  const { pocket, portfolio } = view;
  return {
    id: pocket.id,
    pocket_name: pocket.pocketName,
    portfolio: portfolio && {
      securities: portfolio.securities.map((s) => ({
        type: 'FIXED_INCOME' as const,
        description: 'US T-Bill',
        cusip: s.cusip,
        quantity: Number(s.units),
        market_value: money(s.marketValueCents),
        jiko_mark_price: s.bidPer100,
        maturity_date: s.maturityDate,
        yield_to_maturity: s.yieldToMaturity,
        bid: s.bidPer100,
        ask: s.askPer100,
      })),
      cash: money(portfolio.cashCents),
      total_value: money(portfolio.totalValueCents),
      all_time_earnings: money(portfolio.allTimeEarningsCents),
      liquidation_value_t0: money(portfolio.liquidationT0Cents),
      liquidation_value_t1: money(portfolio.liquidationT1Cents),
      fees: [] as { type: 'AUM_FEE'; amount: ReturnType<typeof money> }[],
    },
    status: pocket.status,
    attributes: [] as string[],
    deposit_strategy_id: pocket.depositStrategyId,
    reinvestment_strategy_id: pocket.reinvestmentStrategyId,
    type: pocket.type,
    customer_id: pocket.customerId,
    object_type: 'Pocket' as const,
  };
}

/** Jiko's CustomerPocket JSON: the Pocket JSON of a customer's pocket under its customer-scoped path. */
export function customerPocketJson(view: PocketView) {
  const json = pocketJson(view);
  assert(json.customer_id !== null, 'a customer-scoped pocket has a customer');
  return { ...json, customer_id: json.customer_id, object_type: 'CustomerPocket' as const };
}

/** What the pockets routes are given. */
export interface PocketsRoutesOptions {
  readonly pockets: PocketsService;
}

/**
 * Pockets of the Partner API: create, list, get, update or close (both the tenant-wide and the
 * customer-scoped paths) and earnings by period (portals: portals.routes.ts). An id the tenant does not own is 404.
 */
export async function pocketsRoutes(plain: FastifyInstance, options: PocketsRoutesOptions): Promise<void> {
  await plain.register(pocketDetailsRoutes, options);
  await plain.register(fundingPocketRoutes, options);
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const pockets = () => options.pockets;
  const tags = ['Pockets'];
  const security = [{ HTTPBearer: [] }];
  const CustomerParams = Type.Object({ customer_id: Uuid() });
  const PocketParams = Type.Object({ pocket_id: Uuid() });
  const CustomerPocketParams = Type.Object({ customer_id: Uuid(), pocket_id: Uuid() });
  const responses = { ...ErrorResponses, 409: DetailErrorSchema };

  app.post('/api/v2/customers/:customer_id/pockets/', {
    schema: {
      tags,
      summary: 'Create a pocket for a customer',
      description: 'The pocket opens at once with a portal; its cash is invested by the deposit strategy.',
      security,
      params: CustomerParams,
      body: CreatePocketBody,
      response: { 201: CustomerPocketSchema, ...responses },
    },
  }, async (request, reply) => {
    const send = sealedReply(request, reply, 201, customerPocketJson);
    return send(
      await pockets().createPocket(request.ctx, request.params.customer_id, {
        pocketName: request.body.pocket_name,
        depositStrategyId: request.body.deposit_strategy_id,
        reinvestmentStrategyId: request.body.reinvestment_strategy_id ?? null,
      }),
    );
  });

  app.get('/api/v2/customers/:customer_id/pockets/', {
    schema: {
      tags,
      summary: "List a customer's pockets",
      description: "The customer's pockets, oldest first, cursor-paged; `filter[status]` keeps some statuses, `omit[]=portfolio` leaves the portfolios out.",
      security,
      params: CustomerParams,
      querystring: ListQuery,
      response: { 200: CursorListSchema(CustomerPocketSchema), ...responses },
    },
  }, async (request) => {
    const statuses = statusFilter(request.query['filter[status]']);
    const list = await pockets().listPockets(request.ctx, {
      customerId: request.params.customer_id,
      ...(statuses ? { statuses } : {}),
      page: pageRequest(request.query),
      withPortfolio: !omitsPortfolio(request.query['omit[]']),
    });
    return { ...list, items: list.items.map(customerPocketJson) };
  });

  app.get('/api/v2/pockets/', {
    schema: {
      tags,
      summary: "List the tenant's customer pockets",
      description: "Every customer's pockets, oldest first. The partner funding pocket is not listed: it has its own path, GET /api/v2/partner/funding-pocket/.",
      security,
      querystring: ListQuery,
      response: { 200: CursorListSchema(PocketSchema), ...responses },
    },
  }, async (request) => {
    const statuses = statusFilter(request.query['filter[status]']);
    const list = await pockets().listPockets(request.ctx, {
      ...(statuses ? { statuses } : {}),
      page: pageRequest(request.query),
      withPortfolio: !omitsPortfolio(request.query['omit[]']),
    });
    return { ...list, items: list.items.map(pocketJson) };
  });

  app.get('/api/v2/pockets/:pocket_id/', {
    schema: {
      tags,
      summary: 'Get a pocket',
      description: "The pocket and its portfolio valued at today's bid: bills held (units of $100 of face), cash, total value, all-time earnings and liquidation values. `omit[]=portfolio` leaves the portfolio out.",
      security,
      params: PocketParams,
      querystring: PocketQuery,
      response: { 200: PocketSchema, ...responses },
    },
  }, async (request) =>
    pocketJson(await pockets().getPocket(request.ctx, request.params.pocket_id, { withPortfolio: !omitsPortfolio(request.query['omit[]']) })),
  );

  app.get('/api/v2/customers/:customer_id/pockets/:pocket_id/', {
    schema: {
      tags,
      summary: "Get a customer's pocket",
      description: "As `GET /api/v2/pockets/{pocket_id}/`, under the customer's path: a pocket of another customer is 404.",
      security,
      params: CustomerPocketParams,
      querystring: PocketQuery,
      response: { 200: CustomerPocketSchema, ...responses },
    },
  }, async (request) =>
    customerPocketJson(
      await pockets().getPocket(request.ctx, request.params.pocket_id, {
        customerId: request.params.customer_id,
        withPortfolio: !omitsPortfolio(request.query['omit[]']),
      }),
    ),
  );

  const updateInput = (body: Static<typeof UpdatePocketBody>) => ({
    pocketName: body.pocket_name,
    depositStrategyId: body.deposit_strategy_id,
    reinvestmentStrategyId: body.reinvestment_strategy_id,
    status: body.status,
    closureReason: body.closure_reason,
  });

  app.patch('/api/v2/pockets/:pocket_id/', {
    schema: {
      tags,
      summary: 'Update or close a pocket',
      description: 'Closing (status CLOSED with a closure_reason) needs an empty pocket and another OPEN pocket of the customer.',
      security,
      params: PocketParams,
      body: UpdatePocketBody,
      response: { 200: PocketSchema, ...responses },
    },
    config: { jikoLocs: { fields: { pocket: ['path', 'pocket_id'] } } },
  }, async (request, reply) =>
    sealedReply(request, reply, 200, pocketJson)(await pockets().updatePocket(request.ctx, request.params.pocket_id, updateInput(request.body))),
  );

  app.patch('/api/v2/customers/:customer_id/pockets/:pocket_id/', {
    schema: {
      tags,
      summary: "Update or close a customer's pocket",
      description: "As `PATCH /api/v2/pockets/{pocket_id}/`, under the customer's path: a pocket of another customer is 404.",
      security,
      params: CustomerPocketParams,
      body: UpdatePocketBody,
      response: { 200: CustomerPocketSchema, ...responses },
    },
    config: { jikoLocs: { fields: { pocket: ['path', 'pocket_id'] } } },
  }, async (request, reply) =>
    sealedReply(request, reply, 200, customerPocketJson)(
      await pockets().updatePocket(request.ctx, request.params.pocket_id, updateInput(request.body), request.params.customer_id),
    ),
  );

}

/** The partner's own funding pocket, at a path of its own (a pocketbook extension). */
async function fundingPocketRoutes(plain: FastifyInstance, options: PocketsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const pockets = () => options.pockets;
  const tags = ['Pockets'];
  const security = [{ HTTPBearer: [] }];
  const responses = { ...ErrorResponses, 409: DetailErrorSchema };

  app.get('/api/v2/partner/funding-pocket/', {
    schema: {
      tags,
      summary: "Get the partner's funding pocket (pocketbook extension)",
      description:
        "pocketbook extension. The tenant's own pocket: the source of PARTNER_CUSTOMER_FUNDING and the target of " +
        'PARTNER_CUSTOMER_DEFUNDING on-us transfers (type PARTNER_FUNDING, customer_id null). It is made with the ' +
        "tenant's first customer pocket; before that the answer is 404.",
      security,
      response: { 200: PocketSchema, ...responses },
    },
  }, async (request) => pocketJson(await pockets().getFundingPocket(request.ctx)));
}

/** A pocket's earnings by period. */
async function pocketDetailsRoutes(plain: FastifyInstance, options: PocketsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const pockets = () => options.pockets;
  const tags = ['Pockets'];
  const security = [{ HTTPBearer: [] }];
  const PocketParams = Type.Object({ pocket_id: Uuid() });
  const responses = { ...ErrorResponses, 409: DetailErrorSchema };

  app.get('/api/v2/pockets/:pocket_id/earnings/', {
    schema: {
      tags,
      summary: 'Earnings of a pocket over a period',
      description:
        'Value at the end of the period minus value at the end of the business day before it, minus net money moved in. ' +
        'Periods: ytd from 1 January, mtd from the 1st, wtd from Monday (each no earlier than the pocket), all-time, or range ' +
        '(date_from and date_to, inclusive). The end is today if a business day, else the last business day.',
      security,
      params: PocketParams,
      querystring: EarningsQuery,
      response: { 200: EarningsSchema, ...responses },
    },
  }, async (request) => {
    const result = await pockets().earnings(request.ctx, request.params.pocket_id, {
      period: (request.query.period ?? 'all-time') as EarningsPeriod,
      dateFrom: request.query.date_from ?? undefined,
      dateTo: request.query.date_to ?? undefined,
    });
    return { earnings: money(result.earningsCents), date_from: result.dateFrom, date_to: result.dateTo };
  });
}
