import type { BusinessCalendar } from '../../market/index.ts';
import { daysBetween, marketDate, marketInstant } from '../../../platform/clock.ts';
import type { SecCode } from './nacha.ts';

/**
 * ACH originations in domain terms: Jiko's ACHRequest and ACHResponse (legacy
 * `/api/v1/jiko-accounts/{account_id}/ach-originating`) and the settlement windows. Rules:
 * docs/ACH.md.
 */

/** Jiko's direction: DEBIT pulls from the counterparty into the pocket; CREDIT pushes out of it. */
export type AchOriginationDirection = 'DEBIT' | 'CREDIT';

/** Jiko's ACHStatus values this rail uses: PENDING -> IN_TRANSIT -> PROCESSED, or REJECTED/FAILED/CANCELLED. */
export type AchOriginationStatus = 'PENDING' | 'IN_TRANSIT' | 'PROCESSED' | 'REJECTED' | 'FAILED' | 'CANCELLED';
export const ACH_ORIGINATION_STATUSES: readonly AchOriginationStatus[] = ['PENDING', 'IN_TRANSIT', 'PROCESSED', 'REJECTED', 'FAILED', 'CANCELLED'];

/** One origination as stored. Amounts in cents. */
export interface AchOrigination {
  readonly id: string;
  readonly pocketId: string;
  readonly customerId: string | null;
  readonly counterpartyId: string;
  readonly direction: AchOriginationDirection;
  readonly secCode: SecCode;
  readonly amountCents: bigint;
  readonly companyEntryDescription: string;
  readonly paymentRelatedInformation: readonly string[];
  readonly status: AchOriginationStatus;
  readonly receiverName: string;
  readonly receiverRoutingNumber: string;
  readonly receiverAccountNumber: string;
  readonly receiverAccountType: 'CHECKING' | 'SAVINGS';
  /** New York business date the entry settles on (its window). */
  readonly settlementDate: string;
  /** The pending ledger entry: the hold of a CREDIT, the awaited credit of a DEBIT. */
  readonly ledgerEntryId: string;
  readonly achFileId: string | null;
  readonly traceNumber: string | null;
  readonly timeCreated: Date;
  readonly timeSettled: Date | null;
  /** Set when a settled entry came back (status REJECTED). */
  readonly returnCode: AchReturnCode | null;
  readonly returnedAt: Date | null;
  /** What a returned pull could not take back from the pocket: owed by the customer (cents, 0 otherwise). */
  readonly receivableCents: bigint;
}

/**
 * The NACHA return reason codes this rail takes: R01 insufficient funds, R02 account closed, R03
 * no account, R04 invalid account number, R10 unauthorized (consumer), R29 unauthorized (corporate).
 */
export type AchReturnCode = 'R01' | 'R02' | 'R03' | 'R04' | 'R10' | 'R29';
export const ACH_RETURN_CODES: readonly AchReturnCode[] = ['R01', 'R02', 'R03', 'R04', 'R10', 'R29'];
/** R10 may come back within 60 calendar days of settlement (Nacha rules, consumer unauthorized). */
export const ACH_RETURN_UNAUTHORIZED_DAYS_MAX = 60;
/** The other codes must be back by the second banking day after settlement (Nacha's 24-hour rule, as RDFIs apply it). */
export const ACH_RETURN_BUSINESS_DAYS_MAX = 2;

/**
 * True when a return with `code` of an entry settled on `settlementDate` is still within the
 * code's time frame on `date` (New York dates).
 */
export function returnInTime(calendar: BusinessCalendar, code: AchReturnCode, settlementDate: string, date: string): boolean {
  if (code === 'R10') return daysBetween(settlementDate, date) <= ACH_RETURN_UNAUTHORIZED_DAYS_MAX;
  let deadline = settlementDate;
  for (let i = 0; i < ACH_RETURN_BUSINESS_DAYS_MAX; i++) deadline = calendar.nextBusinessDay(deadline);
  return date <= deadline;
}

/** One NACHA file written at a window, with its exact text. */
/** Which way a NACHA file goes: sent by the rail (ORIGINATED) or received through the portals (RECEIVED). */
export type AchFileDirection = 'ORIGINATED' | 'RECEIVED';
export const ACH_FILE_DIRECTIONS: readonly AchFileDirection[] = ['ORIGINATED', 'RECEIVED'];

export interface AchFile {
  readonly id: string;
  /** ORIGINATED: written at a window and sent; RECEIVED: the inbound portal credits of a day (docs/ACH.md). */
  readonly direction: AchFileDirection;
  readonly windowDate: string;
  readonly fileIdModifier: string;
  readonly entryCount: number;
  readonly totalDebitCents: bigint;
  readonly totalCreditCents: bigint;
  readonly createdAt: Date;
}

/** Jiko's same-day limit: an entry under $25,000 (cents) requested before the cut-off settles that business day. */
export const ACH_SAME_DAY_AMOUNT_CENTS_LIMIT = 2_500_000n;
/** Same-day cut-off, hours after 00:00 New York (12:00 ET, Jiko's settlement rules). */
export const ACH_SAME_DAY_CUTOFF_HOURS = 12;
/** The window (NACHA file) runs at the cut-off; settlement posts later the same business day. */
export const ACH_WINDOW_MINUTES = ACH_SAME_DAY_CUTOFF_HOURS * 60;
/** When the window's entries settle: 17:00 New York of the settlement date. */
export const ACH_SETTLEMENT_MINUTES = 17 * 60;
/** WEB entries' default company entry description by direction (Jiko's defaults). */
export const WEB_DEFAULT_DESCRIPTION: Readonly<Record<AchOriginationDirection, string>> = { DEBIT: 'Funding TX', CREDIT: 'Release TX' };
/** Jiko's company_entry_description pattern. */
export const COMPANY_ENTRY_DESCRIPTION_PATTERN = /^[ a-zA-Z0-9]{1,10}$/;

/**
 * The business date an entry requested at `at` (tenant clock) settles on, Jiko's rule: under
 * $25,000 and before 12:00 ET on a business day, that day; $25,000 and more, or later, or on a day
 * that is not a business day, the next business day (after the request's date).
 */
export function settlementDateOf(calendar: BusinessCalendar, at: Date, amountCents: bigint): string {
  const date = marketDate(at);
  const sameDay = calendar.isBusinessDay(date) && amountCents < ACH_SAME_DAY_AMOUNT_CENTS_LIMIT && at < marketInstant(date, ACH_SAME_DAY_CUTOFF_HOURS);
  return sameDay ? date : calendar.nextBusinessDay(date);
}

/** The NACHA file ID modifier of the `n`th file of a day (0-based): A..Z, then 0..9. */
export function fileIdModifier(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const modifier = alphabet[n];
  if (modifier === undefined) throw new Error(`no file ID modifier left for file ${n + 1} of the day`);
  return modifier;
}

/**
 * The change codes of a notification of change this rail takes (Nacha): C01 incorrect account
 * number, C02 incorrect routing number, C03 both. The corrected data each needs:
 * C01 an account number, C02 a routing number, C03 both.
 */
export type AchChangeCode = 'C01' | 'C02' | 'C03';
export const ACH_CHANGE_CODES: readonly AchChangeCode[] = ['C01', 'C02', 'C03'];

/** A notification of change received for an origination, with the data it replaced. */
export interface AchNotificationOfChange {
  readonly id: string;
  readonly originationId: string;
  readonly counterpartyId: string;
  readonly changeCode: AchChangeCode;
  readonly previousRoutingNumber: string;
  readonly previousAccountNumber: string;
  readonly correctedRoutingNumber: string;
  readonly correctedAccountNumber: string;
  readonly timeReceived: Date;
}
