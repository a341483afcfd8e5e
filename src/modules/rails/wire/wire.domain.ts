/**
 * The wire rail's plain types and Fedwire's hours. Pure: no database, no clock of its own.
 *
 * Hours: the Federal Reserve's Fedwire Funds Service opens at 21:00 New York time on the evening
 * before its business day and closes at 19:00 on that day, with a cut-off for customer transfers
 * at 18:00 (Federal Reserve Financial Services, "Fedwire Funds Service" operating hours).
 * pocketbook takes outgoing wires until 17:00 New York time, an hour before that customer
 * cut-off, leaving the originating bank room to release them; a wire asked for later, or on a
 * day the calendar closes, is sent on the next business day (docs/WIRES.md).
 */
import { marketDate, marketInstant } from '../../../platform/clock.ts';

/** pocketbook's cut-off for outgoing wires: hours after 00:00 New York time of a business day. */
export const WIRE_CUTOFF_HOURS = 17;
/** When the wire rail's task sends the wires waiting for a business day: minutes after 00:00 New York (Fedwire is open then). */
export const WIRE_SEND_AT_MINUTES = 0;
/**
 * When the wires sent by that run are confirmed settled (COMPLETED): 09:00 New York of the same
 * business day, the sandbox's stand-in for the beneficiary bank's confirmation (docs/WIRES.md).
 */
export const WIRE_SETTLE_AT_MINUTES = 9 * 60;
/** Longest `description` (the pacs.008's unstructured remittance information, Max140Text). */
export const WIRE_DESCRIPTION_LENGTH_MAX = 140;
/** Longest `created_by`. */
export const WIRE_CREATED_BY_LENGTH_MAX = 200;

export type WireDirection = 'INCOMING' | 'OUTGOING';
/**
 * PENDING: the money is held, the wire waits for its business day; PROCESSING: sent to Fedwire;
 * COMPLETED: settled; REJECTED: refused or returned, the hold released.
 */
export type WireStatus = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'REJECTED';

/** A wire of one tenant. Amounts in cents. */
export interface Wire {
  readonly id: string;
  readonly partnerId: string;
  /** The client's id (Jiko's `wire_id`), the id itself when none was given. */
  readonly wireId: string;
  readonly direction: WireDirection;
  readonly status: WireStatus;
  readonly pocketId: string;
  readonly customerId: string | null;
  readonly counterpartyId: string | null;
  readonly amountCents: bigint;
  readonly feeCents: bigint;
  readonly description: string | null;
  readonly createdBy: string | null;
  /** The ISO 20022 unique end-to-end transaction reference (lowercase UUID v4). */
  readonly uetr: string;
  /** The Fedwire business date the wire is sent and settles on, YYYY-MM-DD. */
  readonly settlementDate: string;
  /** The outgoing wire's WIRE_OUT entry: pending (holding amount + fee) until sent, then posted; null for incoming wires. */
  readonly holdEntryId: string | null;
  /** Why a returned wire came back (ISO ExternalReturnReason1Code), else null. */
  readonly returnReason: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  readonly completedAt: Date | null;
}

/** What `wireDate` needs of the business calendar. */
export interface WireCalendar {
  isBusinessDay(date: string): boolean;
  nextBusinessDay(date: string): string;
}

/**
 * The Fedwire business date a wire asked for at `at` is sent on, and whether that is now: the same
 * day before the cut-off (WIRE_CUTOFF_HOURS New York time) of a business day, else the next
 * business day.
 */
export function wireDate(at: Date, calendar: WireCalendar): { readonly date: string; readonly now: boolean } {
  const today = marketDate(at);
  if (calendar.isBusinessDay(today) && at.getTime() < marketInstant(today, WIRE_CUTOFF_HOURS).getTime()) return { date: today, now: true };
  return { date: calendar.nextBusinessDay(today), now: false };
}
