import type { FastifyInstance } from 'fastify';
import type { ActivityService } from '../../modules/pockets/index.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CursorListSchema, ErrorResponses, Uuid, pageRequest } from '../../platform/http/index.ts';
import {
  AccountTradesV1Query,
  AccountTransactionsV1Query,
  CustomerTransactionsV1Query,
  CustomerTransactionsV2Query,
  PocketTradesV2Query,
  TradeV1Schema,
  TradeV2Schema,
  TradesV1Query,
  TradesV2Query,
  TransactionV1Schema,
  TransactionV2Schema,
  TransactionsV2Query,
  orderOf,
  tradeFilterOf,
  tradeV1Json,
  tradeV2Json,
  transactionFilterV1Of,
  transactionFilterV2Of,
  transactionV1Json,
  transactionV2Json,
} from './activity.mappers.ts';

/**
 * Activity of pockets in the Partner API (Jiko's Trades and Transactions tags, v1 and v2): trades
 * of the brokerage side (BUY, SELL, MATURITY) and transactions of the bank side (ACH, on-us), per
 * customer and per pocket, filtered and cursor-paged. Each route validates, calls one service
 * method and maps the result to Jiko's JSON. Lists are newest first unless `order=asc`; v1 lists
 * are always newest first.
 */
export async function activityRoutes(plain: FastifyInstance, options: ActivityRoutesOptions): Promise<void> {
  await plain.register(tradesRoutes, options);
  await plain.register(transactionsRoutes, options);
}

const security = [{ HTTPBearer: [] }];
const CustomerParams = Type.Object({ customer_id: Uuid() });
const PocketParams = Type.Object({ pocket_id: Uuid() });
const AccountParams = Type.Object({ account_id: Uuid('The Jiko account (pocket)') });

/** What the activity routes are given. */
export interface ActivityRoutesOptions {
  readonly activity: ActivityService;
}

/** The trades lists (v1 and v2). */
async function tradesRoutes(plain: FastifyInstance, options: ActivityRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const activity = () => options.activity;

  // ---- trades ----

  app.get('/api/v2/customers/:customer_id/trades/', {
    schema: {
      tags: ['Trades'],
      summary: "List a customer's trades (BUY, SELL, MATURITY)",
      description: "Trades of all the customer's pockets, newest first (`order=asc` for oldest first), cursor-paged; filter by execution time, book or settlement date, or `pocket_id[]`. Trades settle the same day; a MATURITY is a bill paying its face value.",
      security,
      params: CustomerParams,
      querystring: TradesV2Query,
      response: { 200: CursorListSchema(TradeV2Schema), ...ErrorResponses },
    },
  }, async (request) => {
    const { query } = request;
    const list = await activity().listCustomerTrades(request.ctx, request.params.customer_id, tradeFilterOf(query), orderOf(query), pageRequest(query));
    return { ...list, items: list.items.map(tradeV2Json) };
  });

  app.get('/api/v2/pockets/:pocket_id/trades/', {
    schema: {
      tags: ['Trades'],
      summary: "List a pocket's trades (BUY, SELL, MATURITY)",
      description: 'Trades of one pocket, newest first (`order=asc` for oldest first), cursor-paged; filter by execution time, book or settlement date.',
      security,
      params: PocketParams,
      querystring: PocketTradesV2Query,
      response: { 200: CursorListSchema(TradeV2Schema), ...ErrorResponses },
    },
  }, async (request) => {
    const { query } = request;
    const list = await activity().listPocketTrades(request.ctx, request.params.pocket_id, tradeFilterOf(query), orderOf(query), pageRequest(query));
    return { ...list, items: list.items.map(tradeV2Json) };
  });

  app.get('/api/v1/customers/:customer_id/trades', {
    schema: {
      tags: ['Trades'],
      summary: "List a customer's trades (v1 shape), newest first",
      description: "Jiko's v1 shape of the customer's trades (`jiko_account_id`, `is_settled`), cursor-paged; filter by `account[]` (pockets) and execution time.",
      security,
      params: CustomerParams,
      querystring: TradesV1Query,
      response: { 200: CursorListSchema(TradeV1Schema), ...ErrorResponses },
    },
  }, async (request) => {
    const { query } = request;
    const list = await activity().listCustomerTrades(request.ctx, request.params.customer_id, tradeFilterOf(query), 'desc', pageRequest(query));
    return { ...list, items: list.items.map(tradeV1Json) };
  });

  app.get('/api/v1/jiko-accounts/:account_id/trades', {
    schema: {
      tags: ['Trades'],
      summary: "List a Jiko account's (pocket's) trades (v1 shape), newest first",
      description: "Jiko's v1 shape of one pocket's trades (a Jiko account is a pocket), cursor-paged; filter by execution time.",
      security,
      params: AccountParams,
      querystring: AccountTradesV1Query,
      response: { 200: CursorListSchema(TradeV1Schema), ...ErrorResponses },
    },
  }, async (request) => {
    const { query } = request;
    const list = await activity().listPocketTrades(request.ctx, request.params.account_id, tradeFilterOf(query), 'desc', pageRequest(query));
    return { ...list, items: list.items.map(tradeV1Json) };
  });
}

/** The bank transactions lists and items (v1 and v2). */
async function transactionsRoutes(plain: FastifyInstance, options: ActivityRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const activity = () => options.activity;

  // ---- bank transactions ----

  app.get('/api/v2/pockets/:pocket_id/transactions/', {
    schema: {
      tags: ['Transactions'],
      summary: "List a pocket's bank transactions (ACH, wires, on-us)",
      description: "Money in and out of the pocket's bank side: ACH credits through its portals, ACH originations and their returns (as they settle), wires in and out with the fees of outgoing ones (type FEE), and on-us transfers, newest first (`order=asc` for oldest first), cursor-paged. Amounts are positive with a `direction`; filter by direction, amount in cents, type, portal, on-us transfer, or booked or settled time.",
      security,
      params: PocketParams,
      querystring: TransactionsV2Query,
      response: { 200: CursorListSchema(TransactionV2Schema), ...ErrorResponses },
    },
  }, async (request) => {
    const { query } = request;
    const list = await activity().listPocketTransactions(
      request.ctx, request.params.pocket_id, transactionFilterV2Of(query), orderOf(query), pageRequest(query),
    );
    return { ...list, items: list.items.map(transactionV2Json) };
  });

  app.get('/api/v2/pockets/:pocket_id/transactions/:transaction_id/', {
    schema: {
      tags: ['Transactions'],
      summary: 'Get a bank transaction of a pocket',
      description: "One bank transaction of the pocket by its id; the id of another pocket's transaction is 404.",
      security,
      params: Type.Object({ pocket_id: Uuid(), transaction_id: Uuid() }),
      response: { 200: TransactionV2Schema, ...ErrorResponses },
    },
  }, async (request) =>
    transactionV2Json(await activity().getPocketTransaction(request.ctx, request.params.pocket_id, request.params.transaction_id)));

  app.get('/api/v2/customers/:customer_id/transactions/', {
    schema: {
      tags: ['Transactions'],
      summary: "List the bank transactions of a customer's pockets",
      description: "The bank transactions of all the customer's pockets, with the filters of a pocket's list plus `pocket[]`.",
      security,
      params: CustomerParams,
      querystring: CustomerTransactionsV2Query,
      response: { 200: CursorListSchema(TransactionV2Schema), ...ErrorResponses },
    },
  }, async (request) => {
    const { query } = request;
    const list = await activity().listCustomerTransactions(
      request.ctx, request.params.customer_id, transactionFilterV2Of(query), orderOf(query), pageRequest(query),
    );
    return { ...list, items: list.items.map(transactionV2Json) };
  });

  app.get('/api/v1/customers/:customer_id/transactions', {
    schema: {
      tags: ['Transactions'],
      summary: "List the bank transactions of a customer's Jiko accounts (v1 shape)",
      description: "Jiko's v1 shape: signed amounts (negative for a debit), status COMPLETED, and `details` by transaction type; filter by `account[]` (pockets), `filter[types]`, portal or time.",
      security,
      params: CustomerParams,
      querystring: CustomerTransactionsV1Query,
      response: { 200: CursorListSchema(TransactionV1Schema), ...ErrorResponses },
    },
  }, async (request) => {
    const { query } = request;
    const list = await activity().listCustomerTransactions(
      request.ctx, request.params.customer_id, transactionFilterV1Of(query), orderOf(query), pageRequest(query),
    );
    return { ...list, items: list.items.map(transactionV1Json) };
  });

  app.get('/api/v1/jiko-accounts/:account_id/transactions', {
    schema: {
      tags: ['Transactions'],
      summary: "List a Jiko account's (pocket's) bank transactions (v1 shape)",
      description: "Jiko's v1 shape of one pocket's bank transactions (a Jiko account is a pocket): signed amounts, newest first unless `order=asc`.",
      security,
      params: AccountParams,
      querystring: AccountTransactionsV1Query,
      response: { 200: CursorListSchema(TransactionV1Schema), ...ErrorResponses },
    },
  }, async (request) => {
    const { query } = request;
    const list = await activity().listPocketTransactions(
      request.ctx, request.params.account_id, transactionFilterV1Of(query), orderOf(query), pageRequest(query),
    );
    return { ...list, items: list.items.map(transactionV1Json) };
  });

  app.get('/api/v1/jiko-accounts/:account_id/transactions/:transaction_id', {
    schema: {
      tags: ['Transactions'],
      summary: "Get a bank transaction of a Jiko account (v1 shape)",
      description: "One bank transaction in Jiko's v1 shape; the id of another pocket's transaction is 404.",
      security,
      params: Type.Object({ account_id: Uuid('The Jiko account (pocket)'), transaction_id: Uuid() }),
      response: { 200: TransactionV1Schema, ...ErrorResponses },
    },
  }, async (request) =>
    transactionV1Json(await activity().getPocketTransaction(request.ctx, request.params.account_id, request.params.transaction_id)));
}
