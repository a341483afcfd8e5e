import { Type } from 'typebox';
import { money } from '../../money/index.ts';
import {
  type BankTransactionRecord,
  TRANSACTION_TYPES_V1,
  TRANSACTION_TYPES_V2,
  type TradeRecord,
  type TradeFilter,
  type TransactionFilter,
  queryInstantRange,
  queryRange,
} from '../../modules/pockets/index.ts';
import { CursorQuery, DateString, DateTimeString, DecimalString, MoneySchema, Uuid } from '../../platform/http/index.ts';

/**
 * Jiko's JSON of trades and bank transactions (v1 and v2), the query parameters of their lists,
 * and the mappers between them and the engine's types. Pure: no I/O.
 */

// ---- query parameters ----

const OrderSchema = Type.Enum(['desc', 'asc'], { default: 'desc', description: 'desc: newest first (default); asc: oldest first' });
const InstantQuery = (description: string) =>
  Type.String({ description: `${description}; ISO 8601 date-time (UTC when no offset) or a date (the whole New York day)` });
const Uuids = (description: string) => Type.Array(Uuid(), { maxItems: 100, description });

export const TradesV2Query = Type.Object({
  trade_datetime_from: Type.Optional(InstantQuery('Trades executed at or after')),
  trade_datetime_to: Type.Optional(InstantQuery('Trades executed at or before')),
  book_date_from: Type.Optional(DateString('Book date on or after (inclusive)')),
  book_date_to: Type.Optional(DateString('Book date on or before (inclusive)')),
  settlement_date_from: Type.Optional(DateString('Settlement date on or after (inclusive)')),
  settlement_date_to: Type.Optional(DateString('Settlement date on or before (inclusive)')),
  'pocket_id[]': Type.Optional(Uuids('Only trades of these pockets')),
  order: Type.Optional(OrderSchema),
  ...CursorQuery,
});

/** The per-pocket trade list takes the same filters but the pocket list. */
export const PocketTradesV2Query = Type.Omit(TradesV2Query, ['pocket_id[]']);

export const TradesV1Query = Type.Object({
  'account[]': Type.Optional(Uuids('Only trades of these Jiko accounts (pockets)')),
  trade_datetime_from: Type.Optional(InstantQuery('Trades executed at or after')),
  trade_datetime_to: Type.Optional(InstantQuery('Trades executed at or before')),
  ...CursorQuery,
});

export const AccountTradesV1Query = Type.Omit(TradesV1Query, ['account[]']);

export const TransactionsV2Query = Type.Object({
  order: Type.Optional(OrderSchema),
  direction: Type.Optional(Type.Enum(['CREDIT', 'DEBIT'])),
  amount_from: Type.Optional(Type.Integer({ minimum: 0, description: 'Amount in cents, at least (inclusive)' })),
  amount_to: Type.Optional(Type.Integer({ minimum: 0, description: 'Amount in cents, at most (inclusive)' })),
  'filter[type]': Type.Optional(Type.Array(Type.Enum([...TRANSACTION_TYPES_V2]), { maxItems: 10, description: 'Transaction types' })),
  'filter[portal]': Type.Optional(Uuids('Only transactions received through these portals')),
  'filter[on_us_transfer]': Type.Optional(Uuids('Only transactions of these on-us transfers')),
  'filter[wire]': Type.Optional(Uuids('Only the WIRE and WIRE_FEE transactions of these wires')),
  'filter[card]': Type.Optional(Uuids('Only card payments of these cards')),
  time_booked_from: Type.Optional(InstantQuery('Booked at or after')),
  time_booked_to: Type.Optional(InstantQuery('Booked at or before')),
  time_settled_from: Type.Optional(InstantQuery('Settled at or after')),
  time_settled_to: Type.Optional(InstantQuery('Settled at or before')),
  include_sweeps: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility: sweeps between bank and brokerage are never bank transactions in pocketbook' })),
  ...CursorQuery,
});

export const CustomerTransactionsV2Query = Type.Object({
  ...TransactionsV2Query.properties,
  'pocket[]': Type.Optional(Uuids('Only transactions of these pockets')),
});

export const AccountTransactionsV1Query = Type.Object({
  order: Type.Optional(OrderSchema),
  'filter[card]': Type.Optional(Uuids('Only card payments of these cards')),
  'filter[portal]': Type.Optional(Uuids('Only transactions received through these portals')),
  'filter[types]': Type.Optional(Type.Array(Type.Enum([...TRANSACTION_TYPES_V1]), { maxItems: 10, description: 'Transaction types' })),
  timestamp_from: Type.Optional(InstantQuery('At or after')),
  timestamp_to: Type.Optional(InstantQuery('At or before')),
  ...CursorQuery,
});

export const CustomerTransactionsV1Query = Type.Object({
  ...AccountTransactionsV1Query.properties,
  'account[]': Type.Optional(Uuids('Only transactions of these Jiko accounts (pockets)')),
});

type Query = Record<string, unknown>;
const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? (value as string[]) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const cents = (value: unknown): bigint | undefined => (typeof value === 'number' ? BigInt(value) : undefined);

/**
 * The trade filter of a v1 or v2 query (v2: `pocket_id[]`, book and settlement dates; v1:
 * `account[]`). Date ranges are inclusive.
 * @throws DomainError (422) for an unreadable date-time or a range whose start is after its end.
 */
export function tradeFilterOf(query: Query): TradeFilter {
  return {
    pocketIds: strings(query['pocket_id[]']) ?? strings(query['account[]']),
    tradeDatetime: queryInstantRange('trade_datetime_from', text(query.trade_datetime_from), 'trade_datetime_to', text(query.trade_datetime_to)),
    bookDate: queryRange('book_date_from', text(query.book_date_from), 'book_date_to', text(query.book_date_to)),
    settlementDate: queryRange('settlement_date_from', text(query.settlement_date_from), 'settlement_date_to', text(query.settlement_date_to)),
  };
}

/**
 * The bank transaction filter of a v2 query.
 * @throws DomainError (422) for an unreadable date-time or a reversed range.
 */
export function transactionFilterV2Of(query: Query): TransactionFilter {
  return {
    pocketIds: strings(query['pocket[]']),
    // v2 calls a wire's fee FEE (FeeTransactionActivity); it is stored under v1's WIRE_FEE.
    types: strings(query['filter[type]'])?.map((type) => (type === 'FEE' ? 'WIRE_FEE' : type)),
    direction: query.direction === 'CREDIT' || query.direction === 'DEBIT' ? query.direction : undefined,
    amountCents: queryRange('amount_from', cents(query.amount_from), 'amount_to', cents(query.amount_to)),
    portalIds: strings(query['filter[portal]']),
    onUsTransferIds: strings(query['filter[on_us_transfer]']),
    wireIds: strings(query['filter[wire]']),
    cardIds: strings(query['filter[card]']),
    timeBooked: queryInstantRange('time_booked_from', text(query.time_booked_from), 'time_booked_to', text(query.time_booked_to)),
    timeSettled: queryInstantRange('time_settled_from', text(query.time_settled_from), 'time_settled_to', text(query.time_settled_to)),
  };
}

/**
 * The bank transaction filter of a v1 query (`timestamp_*` is the booking time).
 * @throws DomainError (422) for an unreadable date-time or a reversed range.
 */
export function transactionFilterV1Of(query: Query): TransactionFilter {
  return {
    pocketIds: strings(query['account[]']),
    types: strings(query['filter[types]']),
    portalIds: strings(query['filter[portal]']),
    cardIds: strings(query['filter[card]']),
    timeBooked: queryInstantRange('timestamp_from', text(query.timestamp_from), 'timestamp_to', text(query.timestamp_to)),
  };
}

/** The list order of a query: `asc`, or `desc` (the default). */
export function orderOf(query: Query): 'asc' | 'desc' {
  return query.order === 'asc' ? 'asc' : 'desc';
}

// ---- trades ----

const TradeActivitySchema = Type.Enum(['BUY', 'SELL', 'MATURITY']);

export const TradeV2Schema = Type.Object({
  id: Uuid(),
  trade_datetime: DateTimeString('Execution time'),
  book_date: DateString(),
  settled_date: Type.Union([DateString(), Type.Null()], { description: 'Settlement date once settled' }),
  status: Type.Enum(['BOOKED', 'SETTLED']),
  pocket_id: Uuid(),
  activity: TradeActivitySchema,
  cusip: Type.String({ examples: ['912797KJ5'] }),
  description: Type.String({ examples: ['US T-Bill'] }),
  notional: MoneySchema,
  quantity: Type.Integer({ description: 'Bills of $100 face' }),
  price: DecimalString('Price per 100 of face'),
  maturity_date: DateString(),
  yield_to_maturity: DecimalString('Investment rate of the price as a fraction; "0" for MATURITY'),
  tradable_id: Type.String({ description: 'The CUSIP' }),
  object_type: Type.Literal('Trade'),
});

export const TradeV1Schema = Type.Object({
  id: Uuid(),
  description: Type.String(),
  trade_datetime: DateTimeString(),
  settled_date: Type.Optional(DateString('Absent until settled')),
  is_settled: Type.Boolean(),
  activity: TradeActivitySchema,
  cusip: Type.String(),
  notional: MoneySchema,
  quantity: Type.Integer({ description: 'Bills of $100 face' }),
  price: DecimalString('Price per 100 of face'),
  maturity_date: DateString(),
  jiko_account_id: Uuid('The pocket'),
  yield_to_maturity: DecimalString('Investment rate of the price as a fraction; "0" for MATURITY'),
  tradable_id: Type.String({ description: 'The CUSIP' }),
  object_type: Type.Literal('Trade'),
});

function safeInteger(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${value} is beyond what JSON carries exactly`);
  return Number(value);
}

// A maturity redeems at par with no time left, so it carries no investment rate; Jiko's schema
// requires a decimal there, and "0" says so without inventing one.
const yieldOf = (trade: TradeRecord): string => trade.yieldToMaturity ?? '0';

/** Jiko's Trade (v2). */
export function tradeV2Json(trade: TradeRecord) {
  return {
    id: trade.id,
    trade_datetime: trade.tradeDatetime.toISOString(),
    book_date: trade.bookDate,
    settled_date: trade.status === 'SETTLED' ? trade.settlementDate : null,
    status: trade.status,
    pocket_id: trade.pocketId,
    activity: trade.activity,
    cusip: trade.cusip,
    description: trade.description,
    notional: money(trade.notionalCents),
    quantity: safeInteger(trade.quantity),
    price: trade.pricePer100,
    maturity_date: trade.maturityDate,
    yield_to_maturity: yieldOf(trade),
    tradable_id: trade.cusip,
    object_type: 'Trade' as const,
  };
}

/** Jiko's legacy Trade (v1): `jiko_account_id`, `is_settled`, `settled_date` only once settled. */
export function tradeV1Json(trade: TradeRecord) {
  const settled = trade.status === 'SETTLED';
  return {
    id: trade.id,
    description: trade.description,
    trade_datetime: trade.tradeDatetime.toISOString(),
    ...(settled ? { settled_date: trade.settlementDate } : {}),
    is_settled: settled,
    activity: trade.activity,
    cusip: trade.cusip,
    notional: money(trade.notionalCents),
    quantity: safeInteger(trade.quantity),
    price: trade.pricePer100,
    maturity_date: trade.maturityDate,
    jiko_account_id: trade.pocketId,
    yield_to_maturity: yieldOf(trade),
    tradable_id: trade.cusip,
    object_type: 'Trade' as const,
  };
}

// ---- bank transactions ----

// The two variants of the union below each hold an amount; a second schema with the `Money` $id
// would break the serializer, so they hold a copy without it.
const UnionMoney = Type.Object(MoneySchema.properties);

const TransactionV2Common = {
  id: Uuid("The transaction, from this pocket's side"),
  transaction_id: Uuid('The underlying ledger transaction (shared by both sides of an on-us move)'),
  description: Type.String({ examples: ['ACH Electronic Credit'] }),
  amount: UnionMoney,
  time_booked: DateTimeString(),
  time_settled: Type.Union([DateTimeString(), Type.Null()]),
  status: Type.Enum(['BOOKED', 'SETTLED']),
  title: Type.String(),
  direction: Type.Enum(['CREDIT', 'DEBIT']),
  pocket_id: Uuid(),
  object_type: Type.Literal('Transaction'),
};

export const AchTransactionV2Schema = Type.Object({
  ...TransactionV2Common,
  type: Type.Literal('ACH'),
  company_name: Type.String({ description: 'Originator name' }),
  trace_number: Type.Union([Type.String(), Type.Null()]),
  portal_id: Type.Union([Uuid('The portal the ACH arrived through'), Type.Null()]),
});

export const OnUsTransactionV2Schema = Type.Object({
  ...TransactionV2Common,
  type: Type.Literal('ON_US'),
  on_us_transfer_id: Uuid(),
});

/** A card payment (pocketbook's fields: Jiko's CardTransactionActivity is not published; these follow its card_transaction). */
export const CardTransactionV2Schema = Type.Object({
  ...TransactionV2Common,
  type: Type.Literal('CARD'),
  card_id: Uuid('The card'),
  counterparty: Type.String({ description: "The merchant's name" }),
  merchant_type: Type.String({ description: "The merchant's category (ISO 18245 MCC)" }),
  pre_authorization: Type.Boolean({ description: 'True when it settled an earlier authorization (a hold)' }),
});

/**
 * A wire, or the fee of an outgoing one (Jiko's wire_transaction / wire_fee_transaction details,
 * flat as the other v2 variants).
 */
export const WireTransactionV2Schema = Type.Object({
  ...TransactionV2Common,
  type: Type.Enum(['WIRE', 'FEE'], { description: 'WIRE the wire itself; FEE the fee of an outgoing wire (v1: WIRE_FEE)' }),
  wire_id: Uuid('The wire'),
  counterparty_name: Type.String({ description: 'The beneficiary (outgoing) or the sender (incoming)' }),
  reference_number: Type.String({ description: "The wire's UETR" }),
});

export const TransactionV2Schema = Type.Union([AchTransactionV2Schema, OnUsTransactionV2Schema, CardTransactionV2Schema, WireTransactionV2Schema]);

const WireDetailsV1 = Type.Object({ reference_number: Type.String(), counterparty_name: Type.String(), wire_id: Type.String() });

export const TransactionV1Schema = Type.Object({
  id: Uuid(),
  jiko_account_id: Uuid('The pocket'),
  amount: MoneySchema,
  timestamp: DateTimeString('When the transaction was booked'),
  status: Type.Enum(['PENDING', 'COMPLETED']),
  details: Type.Object({
    transaction_type: Type.Enum([...TRANSACTION_TYPES_V1]),
    title: Type.String(),
    sub_title: Type.Optional(Type.String()),
    transaction_type_title: Type.String({ examples: ['ACH Electronic Credit'] }),
    ach_transaction: Type.Optional(
      Type.Object({
        company_name: Type.String(),
        trace_number: Type.Optional(Type.String()),
        portal_id: Type.Optional(Uuid()),
      }),
    ),
    card_transaction: Type.Optional(
      Type.Object({
        counterparty: Type.Optional(Type.String({ description: "The merchant's name" })),
        merchant_type: Type.Optional(Type.String({ description: "The merchant's category (pocketbook writes the ISO 18245 MCC)" })),
        pre_authorization: Type.Boolean({ description: 'True when it settled an earlier authorization (a hold)' }),
        card_id: Type.Optional(Uuid('pocketbook extension: the card')),
      }),
    ),
    wire_transaction: Type.Optional(WireDetailsV1),
    wire_fee_transaction: Type.Optional(WireDetailsV1),
    on_us_transaction: Type.Optional(
      Type.Object({
        on_us_transfer_id: Type.String(),
        on_us_transfer_type: Type.String(),
        source: Type.Optional(Type.String()),
        target: Type.Optional(Type.String()),
      }),
    ),
  }),
  object_type: Type.Literal('Transaction'),
});

/** Jiko's Transaction (v2): positive amount, `direction`, and the details of its type. */
export function transactionV2Json(transaction: BankTransactionRecord) {
  const common = {
    id: transaction.id,
    transaction_id: transaction.ledgerEntryId,
    description: transaction.description,
    amount: money(transaction.amountCents),
    time_booked: transaction.timeBooked.toISOString(),
    time_settled: transaction.timeSettled ? transaction.timeSettled.toISOString() : null,
    status: transaction.status,
    title: transaction.title,
    direction: transaction.direction,
    pocket_id: transaction.pocketId,
    object_type: 'Transaction' as const,
  };
  if (transaction.type === 'ON_US' && transaction.onUs) {
    return { ...common, type: 'ON_US' as const, on_us_transfer_id: transaction.onUs.onUsTransferId };
  }
  if (transaction.type === 'CARD' && transaction.card) {
    const card = transaction.card;
    return { ...common, type: 'CARD' as const, card_id: card.cardId, counterparty: card.counterparty, merchant_type: card.merchantType, pre_authorization: card.preAuthorization };
  }
  if ((transaction.type === 'WIRE' || transaction.type === 'WIRE_FEE') && transaction.wire) {
    const wire = transaction.wire;
    return { ...common, type: transaction.type === 'WIRE' ? ('WIRE' as const) : ('FEE' as const), wire_id: wire.wireId, counterparty_name: wire.counterpartyName, reference_number: wire.referenceNumber };
  }
  return {
    ...common,
    type: 'ACH' as const,
    company_name: transaction.achCompanyName ?? '',
    trace_number: transaction.achTraceNumber,
    portal_id: transaction.portalId,
  };
}

/**
 * Jiko's legacy Transaction (v1). It has no direction field, so a DEBIT carries a negative
 * amount; the status is PENDING until settled, then COMPLETED.
 */
export function transactionV1Json(transaction: BankTransactionRecord) {
  const card = transaction.type === 'CARD' ? transaction.card : null;
  const wire = transaction.wire ? { reference_number: transaction.wire.referenceNumber, counterparty_name: transaction.wire.counterpartyName, wire_id: transaction.wire.wireId } : null;
  const details = card
    ? { card_transaction: { counterparty: card.counterparty, merchant_type: card.merchantType, pre_authorization: card.preAuthorization, card_id: card.cardId } }
    : wire
      ? transaction.type === 'WIRE_FEE' ? { wire_fee_transaction: wire } : { wire_transaction: wire }
    : transaction.type === 'ON_US' && transaction.onUs
      ? {
          on_us_transaction: {
            on_us_transfer_id: transaction.onUs.onUsTransferId,
            on_us_transfer_type: transaction.onUs.transferType,
            ...(transaction.onUs.source !== null ? { source: transaction.onUs.source } : {}),
            ...(transaction.onUs.target !== null ? { target: transaction.onUs.target } : {}),
          },
        }
      : {
          ach_transaction: {
            company_name: transaction.achCompanyName ?? '',
            ...(transaction.achTraceNumber !== null ? { trace_number: transaction.achTraceNumber } : {}),
            ...(transaction.portalId !== null ? { portal_id: transaction.portalId } : {}),
          },
        };
  return {
    id: transaction.id,
    jiko_account_id: transaction.pocketId,
    amount: money(transaction.direction === 'DEBIT' ? -transaction.amountCents : transaction.amountCents),
    timestamp: transaction.timeBooked.toISOString(),
    status: transaction.status === 'SETTLED' ? ('COMPLETED' as const) : ('PENDING' as const),
    details: {
      transaction_type: transaction.type,
      title: transaction.title,
      transaction_type_title: transaction.description,
      ...details,
    },
    object_type: 'Transaction' as const,
  };
}
