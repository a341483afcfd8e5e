import type { FastifyInstance } from 'fastify';
import type { MarketService } from '../../modules/market/index.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { marketDate, marketInstant } from '../../platform/clock.ts';
import { DateTimeString, DecimalString, ErrorResponses, ListSchema } from '../../platform/http/index.ts';

/** Jiko's TradingStrategy: yields are fractions with 4 decimals ("0.0522"). */
export const TradingStrategySchema = Type.Object(
  {
    id: Type.Union([
      Type.Literal('UST-1W'),
      Type.Literal('UST-4W'),
      Type.Literal('UST-13W'),
      Type.Literal('UST-26W'),
      Type.Literal('UST-52W'),
    ]),
    description: Type.String({ examples: ['US T-bills, 4-week, Buy-and-hold'] }),
    yield_to_maturity: DecimalString('Investment rate (bond-equivalent yield) of the bill bought today, as a fraction'),
    discount_yield: DecimalString('Bank discount rate of the bill bought today, as a fraction'),
    applicable_to: Type.Array(Type.Union([Type.Literal('DEPOSIT'), Type.Literal('REINVESTMENT')])),
  },
  { $id: 'TradingStrategy' },
);

/**
 * GET /api/v2/trading-strategies/: the five buy-and-hold strategies with today's yields, in
 * Jiko's offset List. "Today" is the tenant's business date: its clock's New York date, or the
 * last bond-market business day before it.
 */
/** What the strategies route is given. */
export interface StrategiesRoutesOptions {
  readonly market: MarketService;
}

export async function strategiesRoutes(plain: FastifyInstance, options: StrategiesRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v2/trading-strategies/', {
    schema: {
      tags: ['Trading strategies'],
      summary: 'List trading strategies',
      description:
        'Yields are those of the bill each strategy would buy today at the ask, settling the same day: ' +
        'the latest issued bill of the term (UST-1W: the outstanding bill maturing soonest, at least 7 days out).',
      security: [{ HTTPBearer: [] }],
      response: {
        200: Type.Object({
          ...ListSchema(TradingStrategySchema).properties,
          last_updated: DateTimeString('When these yields took effect: the start (00:00, New York) of the business date they are priced for'),
        }),
        ...ErrorResponses,
      },
    },
  }, async (request) => {
    const market = options.market;
    const businessDate = market.calendar.onOrBefore(marketDate(request.ctx.now));
    const items = market.strategies(businessDate);
    return { offset: 0, count: items.length, items, object_type: 'List' as const, last_updated: marketInstant(businessDate).toISOString() };
  });
}
