/**
 * The ledger: accounts, immutable balanced journal entries, balances and their invariants.
 * Other modules post through `postEntry` inside their own transaction.
 */
export {
  type AccountKind,
  type AccountRef,
  type EntryStatus,
  type EntryType,
  type NewEntry,
  type PocketAccountKind,
  type Posting,
  type SystemAccountKind,
  POCKET_ACCOUNT_KINDS,
  SYSTEM_ACCOUNT_KINDS,
  assertBalanced,
  compactPostings,
  reversal,
} from './ledger.domain.ts';
export {
  type AccountBalance,
  type PocketBalances,
  balancesOfKind,
  hasPendingEntries,
  openPocketAccounts,
  openSystemAccounts,
  pocketAccountBalances,
  pocketBalances,
  pocketBalancesFromJson,
  pocketBalancesJson,
  pocketsBalancesPicker,
  pocketsBalancesJson,
  pocketCashRelation,
  tenantEntryIdsRelation,
  postEntry,
  settleEntries,
  writeEntries,
} from './ledger.repo.ts';
export { checkInFlight, checkLedgerInvariants, pendingAmountsByReference, pendingDebitsOfType } from './invariants.repo.ts';
