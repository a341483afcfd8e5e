import type { AppDeps } from '../../deps.ts';
import { marketDate } from '../../platform/clock.ts';
import type { Queryable } from '../../platform/db/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import { type CursorList, type PageRequest, cursorList } from '../../platform/http/index.ts';
import { isUuid } from '../../platform/ids.ts';
import { findCustomer } from '../onboarding/index.ts';
import { type BankTransactionRow, selectBankTransaction, selectBankTransactions } from '../movements/index.ts';
import {
  ActivityErrors,
  type BankTransactionRecord,
  type ListOrder,
  type TradeRecord,
  type TradeFilter,
  type TransactionFilter,
  scanDirection,
  timeIdKey,
  tradeStatus,
} from './activity.domain.ts';
import { PocketErrors } from './pockets.errors.ts';
import { findPocket } from './pockets.repo.ts';
import { type TradeRow, selectTrades } from '../portfolio/index.ts';

/**
 * Activity of pockets, read-only: the trades of their brokerage side and the transactions of
 * their bank side, per customer or per pocket, filtered and cursor-paged (Jiko's trades and
 * transactions, v1 and v2). Every id is looked up inside the caller's tenant: another tenant's
 * customer, pocket or transaction is "not found", exactly like one that does not exist.
 */
export function createActivityService(deps: AppDeps) {
  const db = deps.db;

  async function customerOf(q: Queryable, ctx: RequestContext, customerId: string): Promise<void> {
    if (!isUuid(customerId) || !(await findCustomer(q, ctx.tenantId, customerId))) throw PocketErrors.customerNotFound();
  }

  async function pocketOf(q: Queryable, ctx: RequestContext, pocketId: string): Promise<void> {
    if (!isUuid(pocketId) || !(await findPocket(q, ctx.tenantId, pocketId))) throw PocketErrors.notFound();
  }

  async function listTrades(
    ctx: RequestContext,
    scope: { pocketId: string } | { customerId: string },
    filter: TradeFilter,
    order: ListOrder,
    page: PageRequest,
  ): Promise<CursorList<TradeRecord>> {
    const after = timeIdKey(page);
    const rows = await selectTrades(db, ctx.tenantId, scope, filter, { after, direction: scanDirection(order, page), limit: page.limit });
    const today = marketDate(ctx.now);
    return cursorList(page, rows, (r) => r.key, (r) => toTrade(r.row, today));
  }

  async function listTransactions(
    ctx: RequestContext,
    scope: { pocketId: string } | { customerId: string },
    filter: TransactionFilter,
    order: ListOrder,
    page: PageRequest,
  ): Promise<CursorList<BankTransactionRecord>> {
    const after = timeIdKey(page);
    const rows = await selectBankTransactions(db, ctx.tenantId, scope, filter, { after, direction: scanDirection(order, page), limit: page.limit });
    return cursorList(page, rows, (r) => r.key, (r) => toBankTransaction(r.row));
  }

  return {
    /**
     * A page of the customer's trades (BUY, SELL, MATURITY), newest first unless `order` is asc.
     * @throws DomainError `pockets.customer_not_found` (404), `activity.cursor_invalid` (422).
     */
    async listCustomerTrades(ctx: RequestContext, customerId: string, filter: TradeFilter, order: ListOrder, page: PageRequest) {
      await customerOf(db, ctx, customerId);
      return listTrades(ctx, { customerId }, filter, order, page);
    },

    /**
     * A page of one pocket's trades; `filter.pocketIds` is ignored.
     * @throws DomainError `pockets.not_found` (404), `activity.cursor_invalid` (422).
     */
    async listPocketTrades(ctx: RequestContext, pocketId: string, filter: TradeFilter, order: ListOrder, page: PageRequest) {
      await pocketOf(db, ctx, pocketId);
      return listTrades(ctx, { pocketId }, { ...filter, pocketIds: undefined }, order, page);
    },

    /**
     * A page of the bank transactions of the customer's pockets.
     * @throws DomainError `pockets.customer_not_found` (404), `activity.cursor_invalid` (422).
     */
    async listCustomerTransactions(ctx: RequestContext, customerId: string, filter: TransactionFilter, order: ListOrder, page: PageRequest) {
      await customerOf(db, ctx, customerId);
      return listTransactions(ctx, { customerId }, filter, order, page);
    },

    /**
     * A page of one pocket's bank transactions; `filter.pocketIds` is ignored.
     * @throws DomainError `pockets.not_found` (404), `activity.cursor_invalid` (422).
     */
    async listPocketTransactions(ctx: RequestContext, pocketId: string, filter: TransactionFilter, order: ListOrder, page: PageRequest) {
      await pocketOf(db, ctx, pocketId);
      return listTransactions(ctx, { pocketId }, { ...filter, pocketIds: undefined }, order, page);
    },

    /**
     * One bank transaction of one pocket.
     * @throws DomainError `pockets.not_found` (404) for the pocket, `transactions.not_found` (404).
     */
    async getPocketTransaction(ctx: RequestContext, pocketId: string, transactionId: string): Promise<BankTransactionRecord> {
      await pocketOf(db, ctx, pocketId);
      const row = isUuid(transactionId) ? await selectBankTransaction(db, ctx.tenantId, pocketId, transactionId) : undefined;
      if (!row) throw ActivityErrors.transactionNotFound();
      return toBankTransaction(row);
    },
  };
}

export type ActivityService = ReturnType<typeof createActivityService>;

function toTrade(row: TradeRow, today: string): TradeRecord {
  return { ...row, status: tradeStatus(row.status, row.settlementDate, today) };
}

function toBankTransaction(row: BankTransactionRow): BankTransactionRecord {
  return {
    id: row.id,
    ledgerEntryId: row.ledgerEntryId,
    pocketId: row.pocketId,
    customerId: row.customerId,
    type: row.type,
    direction: row.direction,
    amountCents: row.amountCents,
    description: row.description,
    title: row.title,
    status: row.status,
    timeBooked: row.timeBooked,
    timeSettled: row.timeSettled,
    portalId: row.portalId,
    achCompanyName: row.achCompanyName,
    achTraceNumber: row.achTraceNumber,
    onUs: row.onUsTransferId
      ? { onUsTransferId: row.onUsTransferId, transferType: row.onUsTransferType ?? '', source: row.onUsSource, target: row.onUsTarget }
      : null,
    card: row.card,
    achOriginationId: row.achOriginationId,
    wire: row.wire,
  };
}

// What the API layer needs to read queries and write Jiko's JSON.
export {
  type BankTransactionRecord,
  type ListOrder,
  TRANSACTION_TYPES_V1,
  TRANSACTION_TYPES_V2,
  type TradeFilter,
  type TradeRecord,
  type TransactionFilter,
  queryInstantRange,
  queryRange,
} from './activity.domain.ts';
