/**
 * The card issuer's rules, pure: the decision on a card network message (authorization or
 * incremental authorization), the velocity limits, and the dates of clearing and expiry.
 * Issuer behaviour: shared/reference/wires-cards.md part B (B1 lifecycle, B3 decline reasons).
 */

/** Card network messages the sandbox swipe simulates (pocketbook's names; Jiko has only the swipe). */
export const CARD_MESSAGE_KINDS = ['authorization', 'incremental', 'reversal', 'refund', 'force_post'] as const;
export type CardMessageKind = (typeof CARD_MESSAGE_KINDS)[number];

/** Where a message stands (see migration 0048). */
export type CardAuthorizationStatus = 'APPROVED' | 'DECLINED' | 'PENDING' | 'SETTLED' | 'EXPIRED' | 'REVERSED';

/**
 * Why an issuer declines, checked in this order. Jiko documents no reason field (its
 * `card.transaction.rejected` carries only card, amount and pocket); these are pocketbook's,
 * close to Stripe Issuing's reasons (wires-cards.md B3).
 */
export const DECLINE_REASONS = [
  'card_not_activated',
  'card_locked',
  'card_frozen',
  'card_closed',
  'expired',
  'account_disabled',
  'limit_exceeded',
  'insufficient_funds',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** Jiko's CardStatus. */
export type CardStatus = 'NOT_ACTIVATED' | 'OPEN' | 'LOCKED' | 'CLOSED' | 'FROZEN';

/** Velocity limits per card (from configuration, `Config.cardLimits`). Cents and counts. */
export interface CardLimits {
  /** Largest single authorization (or increment, or force post). */
  readonly transactionCentsMax: bigint;
  /** Largest total approved per card per New York day. */
  readonly dayCentsMax: bigint;
  /** Most approved authorizations and force posts per card per New York day. */
  readonly dayCountMax: number;
}

/** What the card has used today, before this message. */
export interface CardDayUsage {
  readonly amountCents: bigint;
  readonly count: number;
}

/** Everything the decision looks at, read in the message's transaction (pocket locked). */
export interface AuthorizationInput {
  readonly cardStatus: CardStatus;
  /** YYYY-MM-DD, the last day the card is good. */
  readonly cardExpiresOn: string;
  /** New York date of the tenant's clock. */
  readonly today: string;
  readonly pocketStatus: 'PENDING' | 'OPEN' | 'FROZEN' | 'CLOSED';
  /** What the message asks to hold, cents, above zero. */
  readonly amountCents: bigint;
  /** True for a new transaction (counts against the daily count); false for an increment. */
  readonly counts: boolean;
  readonly usage: CardDayUsage;
  readonly limits: CardLimits;
  /**
   * What the pocket can pay now: available brokerage cash plus what its bills fetch sold today
   * at the bid (the same valuation a sale uses), cents.
   */
  readonly availableCents: bigint;
}

export type Decision = { readonly approved: true } | { readonly approved: false; readonly reason: DeclineReason };

const STATUS_REASON: Record<Exclude<CardStatus, 'OPEN'>, DeclineReason> = {
  NOT_ACTIVATED: 'card_not_activated',
  LOCKED: 'card_locked',
  FROZEN: 'card_frozen',
  CLOSED: 'card_closed',
};

/**
 * The issuer's decision on an authorization or an incremental authorization, in a fixed order:
 * card status, card expiry (good through its last day), the pocket being OPEN, the velocity limits
 * (per transaction, per day's amount, per day's count), then funds. The first failing check names
 * the reason; nothing else is looked at.
 */
export function decide(input: AuthorizationInput): Decision {
  if (input.cardStatus !== 'OPEN') return { approved: false, reason: STATUS_REASON[input.cardStatus] };
  if (input.cardExpiresOn < input.today) return { approved: false, reason: 'expired' };
  if (input.pocketStatus !== 'OPEN') return { approved: false, reason: 'account_disabled' };
  const { limits, usage } = input;
  if (input.amountCents > limits.transactionCentsMax) return { approved: false, reason: 'limit_exceeded' };
  if (usage.amountCents + input.amountCents > limits.dayCentsMax) return { approved: false, reason: 'limit_exceeded' };
  if (input.counts && usage.count + 1 > limits.dayCountMax) return { approved: false, reason: 'limit_exceeded' };
  if (input.amountCents > input.availableCents) return { approved: false, reason: 'insufficient_funds' };
  return { approved: true };
}

/** Calendar days an uncaptured hold lives (Stripe's default for most merchant categories, wires-cards.md B1). */
export const HOLD_DAYS = 7;

/** When a hold taken at `at` expires: `HOLD_DAYS` calendar days later, to the minute. */
export function holdExpiresAt(at: Date): Date {
  return new Date(at.getTime() + HOLD_DAYS * 86_400_000);
}

/** How a business calendar is asked for the network's next settlement day. */
export interface SettlementCalendar {
  nextBusinessDay(date: string): string;
}

/** The network settles a day's captures on the next business day after it (`today`, New York). */
export function settlementDateOf(calendar: SettlementCalendar, today: string): string {
  return calendar.nextBusinessDay(today);
}

/**
 * What a clearing of `finalCents` against a hold of `heldCents` does: posts the final amount;
 * `releaseCents` of the hold goes back to the pocket, `extraCents` beyond the hold must be found
 * (bills sold). Exactly one of the two is above zero unless the amounts are equal.
 */
export function clearingSplit(heldCents: bigint, finalCents: bigint): { releaseCents: bigint; extraCents: bigint } {
  return finalCents >= heldCents ? { releaseCents: 0n, extraCents: finalCents - heldCents } : { releaseCents: heldCents - finalCents, extraCents: 0n };
}

/** The hold left after a reversal of `reversedCents` (a reversal of the whole hold or more leaves none). */
export function heldAfterReversal(heldCents: bigint, reversedCents: bigint): bigint {
  return reversedCents >= heldCents ? 0n : heldCents - reversedCents;
}
