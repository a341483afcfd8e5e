import { isIsoDate, addDays, marketInstant } from '../../platform/clock.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/index.ts';
import { isUuid } from '../../platform/ids.ts';

/**
 * Pure rules of activity listings: the trades of the brokerage side and the transactions of the
 * bank side of pockets, their filters, and the keyset every list pages on. No I/O.
 * Amounts are bigint cents; prices per 100 of face and yields are decimal strings; dates are
 * New York calendar dates (YYYY-MM-DD).
 */

export type TradeActivity = 'BUY' | 'SELL' | 'MATURITY';
export type ActivityStatus = 'BOOKED' | 'SETTLED';
export type ListOrder = 'asc' | 'desc';

/** A trade of one pocket's brokerage account (Jiko's Trade). */
export interface TradeRecord {
  readonly id: string;
  readonly pocketId: string;
  readonly customerId: string | null;
  readonly activity: TradeActivity;
  readonly cusip: string;
  readonly description: string;
  readonly maturityDate: string;
  /** Units of $100 face (Jiko's quantity: number of bills). */
  readonly quantity: bigint;
  /** Price per 100 of face: ask for BUY, bid for SELL, par for MATURITY. */
  readonly pricePer100: string;
  /** Cash paid (BUY) or received (SELL, MATURITY), in cents. */
  readonly notionalCents: bigint;
  /** Investment rate of the price as a fraction ("0.0468"); null for MATURITY. */
  readonly yieldToMaturity: string | null;
  readonly tradeDatetime: Date;
  readonly bookDate: string;
  readonly settlementDate: string;
  /** As of the tenant's today: SETTLED once the settlement date has come. */
  readonly status: ActivityStatus;
}

export type BankTransactionType = 'ACH' | 'ON_US' | 'CARD' | 'WIRE' | 'WIRE_FEE';
export type Direction = 'CREDIT' | 'DEBIT';

/** One movement on the bank side of one pocket (Jiko's Transaction). */
export interface BankTransactionRecord {
  readonly id: string;
  /** The ledger entry the movement belongs to (Jiko's transaction_id). */
  readonly ledgerEntryId: string;
  readonly pocketId: string;
  readonly customerId: string | null;
  readonly type: BankTransactionType;
  readonly direction: Direction;
  /** Always positive; `direction` says which way it moved. */
  readonly amountCents: bigint;
  readonly description: string;
  readonly title: string;
  readonly status: ActivityStatus;
  readonly timeBooked: Date;
  readonly timeSettled: Date | null;
  readonly portalId: string | null;
  readonly achCompanyName: string | null;
  readonly achTraceNumber: string | null;
  readonly onUs: OnUsDetails | null;
  /** A CARD transaction's card and merchant (Jiko's card_transaction); null otherwise. */
  readonly card?: CardTransactionDetails | null;
  /** An ACH transaction's origination (pocketbook sent it); null when it was received through a portal. */
  readonly achOriginationId?: string | null;
  /** A WIRE or WIRE_FEE transaction's wire (Jiko's wire_transaction); null otherwise. */
  readonly wire?: WireTransactionDetails | null;
}

/** The wire behind a WIRE or WIRE_FEE transaction. */
export interface WireTransactionDetails {
  readonly wireId: string;
  readonly counterpartyName: string;
  /** The wire's UETR. */
  readonly referenceNumber: string;
}

/** The card payment behind a CARD transaction. */
export interface CardTransactionDetails {
  readonly cardId: string;
  /** The merchant's name. */
  readonly counterparty: string;
  /** Free text; pocketbook writes the merchant's ISO 18245 MCC. */
  readonly merchantType: string;
  /** True when it settled an earlier authorization. */
  readonly preAuthorization: boolean;
}

/** The on-us transfer behind an ON_US transaction. */
export interface OnUsDetails {
  readonly onUsTransferId: string;
  readonly transferType: string;
  readonly source: string | null;
  readonly target: string | null;
}

/** Jiko's v2 transaction types. pocketbook produces ACH, WIRE, FEE (a wire's fee), ON_US and CARD; the others match nothing yet. */
export const TRANSACTION_TYPES_V2 = ['ACH', 'WIRE', 'CARD', 'ON_US', 'FEE', 'CREDIT', 'GENERIC'] as const;
export type TransactionTypeV2 = (typeof TRANSACTION_TYPES_V2)[number];

/** Jiko's v1 TransactionType. pocketbook produces ACH, WIRE, WIRE_FEE, ON_US and CARD; the others match nothing yet. */
export const TRANSACTION_TYPES_V1 = ['CARD', 'CASH_BACK', 'ACH', 'WIRE', 'WIRE_FEE', 'GENERIC', 'ON_US'] as const;
export type TransactionTypeV1 = (typeof TRANSACTION_TYPES_V1)[number];

/** An inclusive range; either end may be open. */
export interface Range<T> {
  readonly from?: T | undefined;
  readonly to?: T | undefined;
}

/** What a trade list may be narrowed to. Every given part must hold (AND). */
export interface TradeFilter {
  readonly pocketIds?: readonly string[] | undefined;
  readonly tradeDatetime?: Range<Date> | undefined;
  readonly bookDate?: Range<string> | undefined;
  readonly settlementDate?: Range<string> | undefined;
}

/**
 * What a bank transaction list may be narrowed to. Every given part must hold (AND); a list
 * given for a field matches any of its values. `wireIds` keep the WIRE and WIRE_FEE transactions
 * of those wires; `cardIds` keep the CARD transactions of those cards.
 */
export interface TransactionFilter {
  readonly pocketIds?: readonly string[] | undefined;
  readonly types?: readonly string[] | undefined;
  readonly direction?: Direction | undefined;
  readonly amountCents?: Range<bigint> | undefined;
  readonly portalIds?: readonly string[] | undefined;
  readonly onUsTransferIds?: readonly string[] | undefined;
  readonly wireIds?: readonly string[] | undefined;
  readonly cardIds?: readonly string[] | undefined;
  readonly timeBooked?: Range<Date> | undefined;
  readonly timeSettled?: Range<Date> | undefined;
}

export const ActivityErrors = {
  transactionNotFound: () => notFound('transactions.not_found'),
  cursorInvalid: () => invalid(['cursor'], 'cursor is not valid', 'value_error', 'activity.cursor_invalid'),
  rangeReversed: (fromName: string, toName: string) =>
    invalid([fromName], `${fromName} must not be later than ${toName}`, 'value_error', 'activity.range_reversed'),
  instantInvalid: (name: string) =>
    invalid([name], 'Input should be a valid datetime (ISO 8601) or date (YYYY-MM-DD)', 'datetime_parsing', 'activity.instant_invalid'),
} as const;

/**
 * A trade's status as of the New York date `today`: SETTLED once recorded so or once its
 * settlement date has come (a trade row is never rewritten), BOOKED before.
 */
export function tradeStatus(stored: ActivityStatus, settlementDate: string, today: string): ActivityStatus {
  return stored === 'SETTLED' || settlementDate <= today ? 'SETTLED' : 'BOOKED';
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a date-time filter (`trade_datetime_from`, `time_booked_to`, ...). Accepts ISO 8601 with
 * an offset or `Z`, without one (read as UTC, as Jiko does), or a bare date: then the range covers
 * that whole New York day (start of the day for `from`, its last millisecond for `to`).
 * @throws DomainError `activity.instant_invalid` (422) for anything else.
 */
export function parseInstant(name: string, value: string, bound: 'from' | 'to'): Date {
  const text = value.trim();
  if (isIsoDate(text)) {
    return bound === 'from' ? marketInstant(text) : new Date(marketInstant(addDays(text, 1)).getTime() - 1);
  }
  const match = DATE_TIME.exec(text);
  if (!match || !isIsoDate(match[1] ?? '')) throw ActivityErrors.instantInvalid(name);
  const [hours, minutes, seconds] = [Number(match[2]), Number(match[3]), Number(match[4] ?? '0')];
  if (hours > 23 || minutes > 59 || seconds > 59) throw ActivityErrors.instantInvalid(name);
  const iso = `${match[1]}T${match[2]}:${match[3]}:${match[4] ?? '00'}${(match[5] ?? '').slice(0, 4)}${normaliseOffset(match[6])}`;
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw ActivityErrors.instantInvalid(name);
  return instant;
}

function normaliseOffset(offset: string | undefined): string {
  if (!offset || offset.toUpperCase() === 'Z') return 'Z';
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/**
 * An inclusive range from two optional query values, checked to run forward.
 * @throws DomainError `activity.range_reversed` (422) when `from` is later than `to`.
 */
export function queryRange<T extends Date | string | bigint>(fromName: string, from: T | undefined, toName: string, to: T | undefined): Range<T> | undefined {
  if (from === undefined && to === undefined) return undefined;
  if (from !== undefined && to !== undefined && compare(from, to) > 0) throw ActivityErrors.rangeReversed(fromName, toName);
  return { from, to };
}

function compare(a: Date | string | bigint, b: Date | string | bigint): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A date-time range from two optional query strings (see `parseInstant`). */
export function queryInstantRange(fromName: string, from: string | undefined, toName: string, to: string | undefined): Range<Date> | undefined {
  return queryRange(
    fromName,
    from === undefined ? undefined : parseInstant(fromName, from, 'from'),
    toName,
    to === undefined ? undefined : parseInstant(toName, to, 'to'),
  );
}

/** The boundary of a page: a row's time (ISO 8601 with microseconds) and id. */
export interface TimeIdKey {
  readonly time: string;
  readonly id: string;
}

const KEY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/**
 * The keyset boundary of a page request whose lists are ordered by (time, id), or undefined on
 * the first page.
 * @throws DomainError `activity.cursor_invalid` (422) for a cursor whose key is not (time, uuid).
 */
export function timeIdKey(page: PageRequest): TimeIdKey | undefined {
  if (page.after === undefined) return undefined;
  const [time, id, ...rest] = page.after;
  if (rest.length > 0 || typeof time !== 'string' || typeof id !== 'string') throw ActivityErrors.cursorInvalid();
  if (!KEY_TIME.test(time) || Number.isNaN(Date.parse(time)) || !isUuid(id)) throw ActivityErrors.cursorInvalid();
  return { time, id };
}

/**
 * The SQL direction of a page: the list's order, reversed when walking back from `prev_page`.
 * Rows are fetched in this direction; `cursorList` puts a backward page back in list order.
 */
export function scanDirection(order: ListOrder, page: PageRequest): 'ASC' | 'DESC' {
  const descending = order === 'desc' ? !page.backward : page.backward;
  return descending ? 'DESC' : 'ASC';
}
