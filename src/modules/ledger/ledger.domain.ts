import { assert } from '../../platform/assert.ts';

/**
 * The ledger's plain types and rules. Amounts are signed bigint cents: positive adds to an
 * account, negative takes from it. See docs/ENGINE.md for the accounts and the postings of each
 * flow.
 */

/** Accounts every pocket has. */
export type PocketAccountKind = 'bank_cash' | 'brokerage_cash' | 'securities_at_cost';
/**
 * Accounts every tenant has once, standing for the world outside its pockets. `ach_verification`
 * funds the micro-entries that verify ACH counterparties (docs/ACH.md "Micro-entries").
 * `card_clearing` is the card network's side of card holds, payments and refunds (docs/CARDS.md).
 */
export type SystemAccountKind = 'ach_clearing' | 'realized_earnings' | 'wire_clearing' | 'fee_income' | 'ach_verification' | 'card_clearing';
export type AccountKind = PocketAccountKind | SystemAccountKind;

export const POCKET_ACCOUNT_KINDS: readonly PocketAccountKind[] = ['bank_cash', 'brokerage_cash', 'securities_at_cost'];
export const SYSTEM_ACCOUNT_KINDS: readonly SystemAccountKind[] = ['ach_clearing', 'realized_earnings', 'wire_clearing', 'fee_income', 'ach_verification', 'card_clearing'];

export type EntryType = 'ACH_CREDIT' | 'ACH_DEBIT' | 'SWEEP' | 'ON_US' | 'BUY' | 'SELL' | 'MATURITY' | 'REVERSAL' | 'WIRE_OUT' | 'WIRE_IN'
  | 'CARD_AUTHORIZATION' | 'CARD_SETTLEMENT' | 'CARD_REFUND';

/** Where a posting goes: a pocket's account or the tenant's system account. */
export type AccountRef =
  | { readonly pocketId: string; readonly kind: PocketAccountKind }
  | { readonly system: SystemAccountKind };

export interface Posting {
  readonly account: AccountRef;
  readonly amountCents: bigint;
}

/** A posted entry moves balances; a pending one holds its debits until posted or voided. */
export type EntryStatus = 'pending' | 'posted' | 'voided';

export interface NewEntry {
  readonly partnerId: string;
  /** Given by the caller when other rows must point at the entry before it is written. */
  readonly id?: string;
  /** Default 'posted'. */
  readonly status?: 'pending' | 'posted';
  readonly entryType: EntryType;
  readonly description?: string;
  readonly referenceType?: string;
  readonly referenceId?: string;
  readonly reversesEntryId?: string;
  /** Tenant clock time of the event. */
  readonly occurredAt: Date;
  /** New York calendar date of `occurredAt` (YYYY-MM-DD). */
  readonly bookDate: string;
  readonly postings: readonly Posting[];
}

/**
 * An entry must have at least two postings, none of zero, summing to zero. A breach is a
 * programmer error (assertion), never a business outcome.
 */
export function assertBalanced(postings: readonly Posting[]): void {
  assert(postings.length >= 2, 'an entry needs at least two postings');
  let total = 0n;
  for (const posting of postings) {
    assert(posting.amountCents !== 0n, 'posting of zero');
    total += posting.amountCents;
  }
  assert(total === 0n, 'entry must balance');
}

/** Drops zero postings and merges postings to the same account (an entry built from parts). */
export function compactPostings(postings: readonly Posting[]): Posting[] {
  const byKey = new Map<string, Posting>();
  for (const posting of postings) {
    const key = accountKey(posting.account);
    const previous = byKey.get(key);
    byKey.set(key, { account: posting.account, amountCents: (previous?.amountCents ?? 0n) + posting.amountCents });
  }
  return [...byKey.values()].filter((posting) => posting.amountCents !== 0n);
}

export function accountKey(account: AccountRef): string {
  return 'system' in account ? `system:${account.system}` : `${account.pocketId}:${account.kind}`;
}

/** The postings that undo `postings` (a reversing entry). */
export function reversal(postings: readonly Posting[]): Posting[] {
  return postings.map((posting) => ({ account: posting.account, amountCents: -posting.amountCents }));
}
