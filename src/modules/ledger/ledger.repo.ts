import type { Queryable, Tx } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import {
  type AccountKind,
  type NewEntry,
  POCKET_ACCOUNT_KINDS,
  SYSTEM_ACCOUNT_KINDS,
  type PocketAccountKind,
  type SystemAccountKind,
  assertBalanced,
} from './ledger.domain.ts';

/**
 * SQL of the ledger. Pocket accounts keep a running posted balance and the debits held by pending
 * entries; they change only in a transaction that has locked the pocket row first, so the
 * balance update never waits on another transfer. System accounts (the tenant's view of the world
 * outside its pockets) keep no running balance: their balance is the sum of their postings, and
 * no transfer ever locks them.
 */

/** Creates the accounts of a new pocket, and the tenant's system accounts when missing. */
export async function openPocketAccounts(tx: Tx, partnerId: string, pocketId: string, at: Date): Promise<void> {
  openAccounts(tx, partnerId, POCKET_ACCOUNT_KINDS.map((kind) => ({ id: newId(), pocket_id: pocketId, kind })), at);
}

/**
 * Creates the tenant's system accounts when missing (deferred: sent with the transaction's next
 * statement): for entries of a tenant that may have no pocket yet, e.g. the micro-deposits of an
 * ACH counterparty verified before the first pocket.
 */
export function openSystemAccounts(tx: Tx, partnerId: string, at: Date): void {
  openAccounts(tx, partnerId, [], at);
}

function openAccounts(tx: Tx, partnerId: string, pocketRows: readonly { id: string; pocket_id: string; kind: string }[], at: Date): void {
  const rows = [...pocketRows, ...SYSTEM_ACCOUNT_KINDS.map((kind) => ({ id: newId(), pocket_id: null, kind }))];
  tx.defer(
    `INSERT INTO ledger_accounts (id, partner_id, pocket_id, kind, created_at)
     SELECT x.id, $1::uuid, x.pocket_id, x.kind, $2::timestamptz FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, pocket_id uuid, kind text)
     ON CONFLICT DO NOTHING`,
    [partnerId, at, JSON.stringify(rows)],
  );
}

/** Pockets up to which writeEntries finds their accounts by index lookups rather than a join. */
export const ACCOUNTS_BY_INDEX_POCKETS_MAX = 64;

/**
 * Writes balanced entries of one tenant and moves their pocket accounts, set-based: one deferred
 * statement whatever the number of entries (sent with the transaction's next query or commit).
 * Posted entries move `balance_cents`; pending ones add their debits to `pending_debit_cents`.
 * An account whose postings of the call net to nothing is left as it is (an on-us transfer's
 * bank cash: swept in, moved out), one row version fewer.
 * For a few pockets, their accounts are also matched by `pocket_id = ANY(pockets)`, so that the
 * plan reads them through the (partner_id, pocket_id, kind) index whatever the planner's
 * statistics say (a join alone was planned as a scan of every account of the tenant on a new
 * database); for more than ACCOUNTS_BY_INDEX_POCKETS_MAX, a join.
 * @returns the entry ids, in order.
 * @throws AssertionFailed now for an unbalanced entry; the database refuses, at flush, a posting
 *   to an account that does not exist (NOT NULL) and a pocket account whose available balance
 *   would go below zero (CHECK).
 */
export function writeEntries(tx: Tx, partnerId: string, entries: readonly NewEntry[]): string[] {
  if (entries.length === 0) return [];
  const ids: string[] = [];
  // One array a column (unnest): PostgreSQL reads them several times faster than the same rows as
  // JSON objects (jsonb_to_recordset looks each field up by its name in each row). The columns of
  // each are listed in the order of the statement's parameters ($2-$10, then $11-$15).
  const entry = { id: [] as string[], type: [] as string[], description: [] as string[], referenceType: [] as (string | null)[], referenceId: [] as (string | null)[], reverses: [] as (string | null)[], occurredAt: [] as string[], bookDate: [] as string[], status: [] as string[] };
  const posting = { entryId: [] as string[], pocketId: [] as (string | null)[], kind: [] as string[], amountCents: [] as string[], pending: [] as string[] };
  for (const written of entries) {
    assertBalanced(written.postings);
    const id = written.id ?? newId();
    ids.push(id);
    const status = written.status ?? 'posted';
    entry.id.push(id);
    entry.type.push(written.entryType);
    entry.description.push(written.description ?? '');
    entry.referenceType.push(written.referenceType ?? null);
    entry.referenceId.push(written.referenceId ?? null);
    entry.reverses.push(written.reversesEntryId ?? null);
    entry.occurredAt.push(written.occurredAt.toISOString());
    entry.bookDate.push(written.bookDate);
    entry.status.push(status);
    for (const { account, amountCents } of written.postings) {
      posting.entryId.push(id);
      posting.pocketId.push('pocketId' in account ? account.pocketId : null);
      posting.kind.push('pocketId' in account ? account.kind : account.system);
      posting.amountCents.push(amountCents.toString());
      posting.pending.push(status === 'pending' ? 'true' : 'false');
    }
  }
  const pocketIds = [...new Set(posting.pocketId.filter((id): id is string => id !== null))];
  // A few pockets (a request): their accounts are also matched by the list of pockets, so that
  // they are found through the index whatever the planner's statistics say. Many (a business day's
  // maturities): the join alone, which the planner makes as it sees fit (the rows of `unnest` are
  // estimated at ten: index lookups, 25,000 of them in 40 ms at a maturity day of 5,000 pockets).
  const byIndex = pocketIds.length <= ACCOUNTS_BY_INDEX_POCKETS_MAX;
  const ofPockets = (alias: string) => (byIndex ? `AND ${alias}.pocket_id = ANY($16::uuid[])` : '');
  const columns = [...Object.values(entry), ...Object.values(posting)];
  tx.defer(
    `WITH e AS (
       INSERT INTO ledger_entries (id, partner_id, entry_type, description, reference_type, reference_id, reverses_entry_id, occurred_at, book_date, status)
       SELECT x.id, $1::uuid, x.entry_type, x.description, x.reference_type, x.reference_id, x.reverses_entry_id, x.occurred_at, x.book_date, x.status
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::timestamptz[], $9::date[], $10::text[])
              AS x(id, entry_type, description, reference_type, reference_id, reverses_entry_id, occurred_at, book_date, status)
     ), p AS (
       SELECT x.*, coalesce(ap.id, asys.id) AS account_id
         FROM unnest($11::uuid[], $12::uuid[], $13::text[], $14::bigint[], $15::boolean[]) AS x(entry_id, pocket_id, kind, amount_cents, pending)
         LEFT JOIN ledger_accounts ap ON x.pocket_id IS NOT NULL AND ap.partner_id = $1::uuid AND ap.pocket_id = x.pocket_id AND ap.kind = x.kind
                                      ${ofPockets('ap')}
         LEFT JOIN ledger_accounts asys ON x.pocket_id IS NULL AND asys.pocket_id IS NULL AND asys.partner_id = $1::uuid AND asys.kind = x.kind
     ), ins AS (
       INSERT INTO ledger_postings (partner_id, entry_id, account_id, amount_cents) SELECT $1::uuid, entry_id, account_id, amount_cents FROM p
     )
     UPDATE ledger_accounts a
        SET balance_cents = a.balance_cents + d.posted, pending_debit_cents = a.pending_debit_cents + d.held
       FROM (SELECT pocket_id, kind,
                    sum(CASE WHEN pending THEN 0 ELSE amount_cents END) AS posted,
                    sum(CASE WHEN pending AND amount_cents < 0 THEN -amount_cents ELSE 0 END) AS held
               FROM p WHERE pocket_id IS NOT NULL GROUP BY pocket_id, kind
             HAVING sum(CASE WHEN pending THEN 0 ELSE amount_cents END) <> 0
                 OR sum(CASE WHEN pending AND amount_cents < 0 THEN -amount_cents ELSE 0 END) <> 0) d
      WHERE a.partner_id = $1::uuid AND a.pocket_id = d.pocket_id AND a.kind = d.kind ${ofPockets('a')}`,
    [partnerId, ...columns, ...(byIndex ? [pocketIds] : [])],
    { rows: columns.map((_, index) => index + 1).concat(byIndex ? [columns.length + 1] : []) },
  );
  return ids;
}

/**
 * Writes one balanced entry (see writeEntries).
 * @returns the entry id.
 */
export async function postEntry(tx: Tx, entry: NewEntry): Promise<string> {
  return writeEntries(tx, entry.partnerId, [entry])[0]!;
}

/**
 * Settles pending entries: `posted` moves their postings into the balances, `voided` drops them;
 * either way their holds are released. Entries not pending are left alone.
 * @returns the ids settled now.
 */
export async function settleEntries(tx: Tx, partnerId: string, entryIds: readonly string[], outcome: 'posted' | 'voided', at: Date): Promise<string[]> {
  if (entryIds.length === 0) return [];
  const rows = await tx.query<{ id: string }>(
    `WITH s AS (
       UPDATE ledger_entries SET status = $3, settled_at = $4
        WHERE partner_id = $1 AND id = ANY($2::uuid[]) AND status = 'pending' RETURNING id
     ), d AS (
       SELECT p.account_id,
              sum(CASE WHEN $3 = 'posted' THEN p.amount_cents ELSE 0 END) AS posted,
              sum(CASE WHEN p.amount_cents < 0 THEN -p.amount_cents ELSE 0 END) AS held
         FROM ledger_postings p JOIN s ON s.id = p.entry_id JOIN ledger_accounts a ON a.id = p.account_id
        WHERE a.pocket_id IS NOT NULL GROUP BY p.account_id
     ), u AS (
       UPDATE ledger_accounts a SET balance_cents = a.balance_cents + d.posted, pending_debit_cents = a.pending_debit_cents - d.held
         FROM d WHERE a.id = d.account_id
     )
     SELECT id FROM s`,
    [partnerId, entryIds, outcome, at],
  );
  return rows.map((row) => row.id);
}

/** Posted balances of the pockets' accounts, by kind (zero when the pocket has none). */
export type PocketBalances = Record<PocketAccountKind, bigint>;

/** Posted and available balances of one account: available = posted - debits held by pending entries. */
export interface AccountBalance {
  readonly postedCents: bigint;
  readonly availableCents: bigint;
}

/**
 * SQL of a relation (pocket_id uuid, cash_cents bigint): the posted balances of the cash accounts
 * (brokerage and bank; one row each) of every pocket of the tenant whose id is bound to
 * `partnerParam` (a placeholder such as `$1`), for set-based statements of other modules
 * (end-of-day values) that sum them per pocket and must not read ledger tables themselves.
 */
export function pocketCashRelation(partnerParam: string): string {
  return `SELECT pocket_id, balance_cents AS cash_cents FROM ledger_accounts
           WHERE partner_id = ${partnerParam}::uuid AND pocket_id IS NOT NULL AND kind IN ('brokerage_cash', 'bank_cash')`;
}

/**
 * SQL of a JSON value (text): the posted balances of one pocket's accounts, `{kind: "cents"}`,
 * for one statement of another module that reads a pocket with its portfolio (a GET of a pocket)
 * and must not read ledger tables itself. `partnerParam` and `pocketParam` are placeholders (`$1`).
 * Parse it with `pocketBalancesFromJson`.
 */
export function pocketBalancesJson(partnerParam: string, pocketParam: string): string {
  return `(SELECT coalesce(json_object_agg(kind, balance_cents::text), '{}')::text FROM ledger_accounts
            WHERE partner_id = ${partnerParam}::uuid AND pocket_id = ${pocketParam}::uuid)`;
}

/** The balances `pocketBalancesJson` selected (kinds the pocket has no account of: zero). */
export function pocketBalancesFromJson(json: string): PocketBalances {
  return balancesByKind(JSON.parse(json) as Partial<Record<string, string>>);
}

/** Balances from `{kind: "cents"}` (kinds absent: zero). */
function balancesByKind(byKind: Partial<Record<string, string>>): PocketBalances {
  return Object.fromEntries(POCKET_ACCOUNT_KINDS.map((kind) => [kind, BigInt(byKind[kind] ?? '0')])) as PocketBalances;
}

/**
 * SQL of a JSON value (text): the posted balances of several pockets' accounts,
 * `{pocketId: {kind: "cents"}}`, for one statement of another module that reads them with its own
 * rows (a sale's balances with its lots) and must not read ledger tables itself. `partnerParam` is
 * a uuid placeholder, `pocketsParam` a uuid[] one (`$1`, `$2`). Parse it with
 * `pocketsBalancesPicker`.
 */
export function pocketsBalancesJson(partnerParam: string, pocketsParam: string): string {
  return `(SELECT coalesce(json_object_agg(b.pocket_id, b.balances), '{}')::text
             FROM (SELECT pocket_id, json_object_agg(kind, balance_cents::text) AS balances FROM ledger_accounts
                    WHERE partner_id = ${partnerParam}::uuid AND pocket_id = ANY(${pocketsParam}::uuid[]) GROUP BY pocket_id) AS b)`;
}

/**
 * `pocketsBalancesJson`'s value parsed (once, for callers that shared the statement: Tx.gather):
 * `pick(pocketIds)` gives the balances of each of `pocketIds` (kinds without an account: zero).
 */
export function pocketsBalancesPicker(json: string): (pocketIds: readonly string[]) => Map<string, PocketBalances> {
  const byPocket = JSON.parse(json) as Partial<Record<string, Partial<Record<string, string>>>>;
  return (pocketIds) => new Map(pocketIds.map((id) => [id, balancesByKind(byPocket[id] ?? {})]));
}

/**
 * SQL of the ids of the tenant of `partnerParam`'s ledger entries, for other modules' checks that
 * the rows they keep beside an entry point at one (their invariants) without reading ledger tables.
 */
export function tenantEntryIdsRelation(partnerParam: string): string {
  return `SELECT id FROM ledger_entries WHERE partner_id = ${partnerParam}::uuid`;
}

/** Reads the posted balances of several pockets' accounts in one query. */
export async function pocketBalances(q: Queryable, partnerId: string, pocketIds: readonly string[]): Promise<Map<string, PocketBalances>> {
  const full = await pocketAccountBalances(q, partnerId, pocketIds);
  const result = new Map<string, PocketBalances>();
  for (const [id, accounts] of full) {
    result.set(id, {
      bank_cash: accounts.bank_cash.postedCents,
      brokerage_cash: accounts.brokerage_cash.postedCents,
      securities_at_cost: accounts.securities_at_cost.postedCents,
    });
  }
  return result;
}

/** Posted and available balances of several pockets' accounts, in one query. */
export async function pocketAccountBalances(
  q: Queryable,
  partnerId: string,
  pocketIds: readonly string[],
): Promise<Map<string, Record<PocketAccountKind, AccountBalance>>> {
  const zero: AccountBalance = { postedCents: 0n, availableCents: 0n };
  const result = new Map<string, Record<PocketAccountKind, AccountBalance>>();
  for (const id of pocketIds) result.set(id, { bank_cash: zero, brokerage_cash: zero, securities_at_cost: zero });
  if (pocketIds.length === 0) return result;
  const rows = await q.query<{ pocket_id: string; kind: PocketAccountKind; balance_cents: bigint; pending_debit_cents: bigint }>(
    `SELECT pocket_id, kind, balance_cents, pending_debit_cents FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = ANY($2::uuid[])`,
    [partnerId, pocketIds],
  );
  for (const row of rows) {
    const balances = result.get(row.pocket_id);
    if (balances) balances[row.kind] = { postedCents: row.balance_cents, availableCents: row.balance_cents - row.pending_debit_cents };
  }
  return result;
}

/**
 * Posted balances of every account of one kind of a tenant, keyed by pocket id (system accounts,
 * whose balance is the sum of their posted postings, under the key "system"). For invariant checks
 * and reports. `of: 'available'` gives pocket accounts' posted balance less the debits pending entries hold.
 */
export async function balancesOfKind(q: Queryable, partnerId: string, kind: AccountKind, of: 'posted' | 'available' = 'posted'): Promise<Map<string, bigint>> {
  const rows = await q.query<{ pocket_id: string | null; balance: string }>(
    `SELECT a.pocket_id,
            (CASE WHEN a.pocket_id IS NOT NULL THEN a.balance_cents - ${of === 'available' ? 'a.pending_debit_cents' : '0'}
                  ELSE (SELECT coalesce(sum(p.amount_cents), 0) FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
                         WHERE p.account_id = a.id AND e.status = 'posted') END)::text AS balance
       FROM ledger_accounts a WHERE a.partner_id = $1 AND a.kind = $2`,
    [partnerId, kind],
  );
  return new Map(rows.map((row) => [row.pocket_id ?? 'system', BigInt(row.balance)] as const));
}

export type { SystemAccountKind };

/**
 * True when an entry still pending (money in flight: an ACH pull or push, a wire, a card hold)
 * has a posting on one of the pocket's accounts.
 */
export async function hasPendingEntries(q: Queryable, partnerId: string, pocketId: string): Promise<boolean> {
  const rows = await q.query<{ pending: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM ledger_entries e
         JOIN ledger_postings p ON p.partner_id = e.partner_id AND p.entry_id = e.id
         JOIN ledger_accounts a ON a.partner_id = p.partner_id AND a.id = p.account_id
        WHERE e.partner_id = $1 AND e.status = 'pending' AND a.pocket_id = $2
     ) AS pending`,
    [partnerId, pocketId],
  );
  return rows[0]?.pending === true;
}
