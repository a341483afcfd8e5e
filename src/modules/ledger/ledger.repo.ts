import { assert } from '../../platform/assert.ts';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import {
  type AccountKind,
  type NewEntry,
  POCKET_ACCOUNT_KINDS,
  SYSTEM_ACCOUNT_KINDS,
  type PocketAccountKind,
  accountKey,
  assertBalanced,
} from './ledger.domain.ts';

/**
 * SQL of the ledger. Writers hold a transaction; a pocket's accounts change only in a transaction
 * that has locked the pocket row first, and `postEntry` locks the accounts it touches in
 * ascending id order before changing their balances.
 */

/** Creates the three accounts of a new pocket (bank cash, brokerage cash, securities at cost). */
export async function openPocketAccounts(tx: Tx, partnerId: string, pocketId: string, at: Date): Promise<void> {
  for (const kind of POCKET_ACCOUNT_KINDS) {
    await tx.query(
      `INSERT INTO ledger_accounts (id, partner_id, pocket_id, kind, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [newId(), partnerId, pocketId, kind, at],
    );
  }
}

/** Creates the tenant's system accounts when missing (idempotent). */
export async function ensureSystemAccounts(tx: Tx, partnerId: string, at: Date): Promise<void> {
  for (const kind of SYSTEM_ACCOUNT_KINDS) {
    await tx.query(
      `INSERT INTO ledger_accounts (id, partner_id, pocket_id, kind, created_at) VALUES ($1, $2, NULL, $3, $4)
       ON CONFLICT DO NOTHING`,
      [newId(), partnerId, kind, at],
    );
  }
}

/**
 * Writes a balanced entry and moves the balances of its accounts.
 * @returns the entry id.
 * @throws AssertionFailed for an unbalanced entry or an account that does not exist; the
 *   database refuses (CHECK) a pocket account going below zero.
 */
export async function postEntry(tx: Tx, entry: NewEntry): Promise<string> {
  assertBalanced(entry.postings);
  const pocketIds = [...new Set(entry.postings.flatMap((p) => ('pocketId' in p.account ? [p.account.pocketId] : [])))];
  const systemKinds = [...new Set(entry.postings.flatMap((p) => ('system' in p.account ? [p.account.system] : [])))];
  if (systemKinds.length > 0) await ensureSystemAccounts(tx, entry.partnerId, entry.occurredAt);
  // Lock every account of the entry in ascending id order, so two entries never wait on each other in a cycle.
  const accounts = await tx.query<{ id: string; pocket_id: string | null; kind: AccountKind }>(
    `SELECT id, pocket_id, kind FROM ledger_accounts
      WHERE partner_id = $1 AND (pocket_id = ANY($2::uuid[]) OR (pocket_id IS NULL AND kind = ANY($3::text[])))
      ORDER BY id FOR UPDATE`,
    [entry.partnerId, pocketIds, systemKinds],
  );
  const idByKey = new Map(
    accounts.map((a) => [a.pocket_id === null ? `system:${a.kind}` : `${a.pocket_id}:${a.kind}`, a.id] as const),
  );
  const rows = entry.postings.map((posting) => {
    const accountId = idByKey.get(accountKey(posting.account));
    assert(accountId, `no ledger account ${accountKey(posting.account)}`);
    return { account_id: accountId, amount_cents: posting.amountCents.toString() };
  });
  const entryId = newId();
  await tx.query(
    `INSERT INTO ledger_entries (id, partner_id, entry_type, description, reference_type, reference_id, reverses_entry_id, occurred_at, book_date)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entryId,
      entry.partnerId,
      entry.entryType,
      entry.description ?? '',
      entry.referenceType ?? null,
      entry.referenceId ?? null,
      entry.reversesEntryId ?? null,
      entry.occurredAt,
      entry.bookDate,
    ],
  );
  const json = JSON.stringify(rows);
  await tx.query(
    `INSERT INTO ledger_postings (partner_id, entry_id, account_id, amount_cents)
     SELECT $1, $2, x.account_id, x.amount_cents FROM jsonb_to_recordset($3::jsonb) AS x(account_id uuid, amount_cents bigint)`,
    [entry.partnerId, entryId, json],
  );
  await tx.query(
    `UPDATE ledger_accounts a SET balance_cents = a.balance_cents + d.delta
       FROM (SELECT x.account_id, sum(x.amount_cents) AS delta
               FROM jsonb_to_recordset($1::jsonb) AS x(account_id uuid, amount_cents bigint) GROUP BY x.account_id) d
      WHERE a.id = d.account_id`,
    [json],
  );
  return entryId;
}

/** Balances of the pockets' accounts, by pocket id and kind (zero when the pocket has none). */
export type PocketBalances = Record<PocketAccountKind, bigint>;

/** Reads the balances of several pockets' accounts in one query. */
export async function pocketBalances(q: Queryable, partnerId: string, pocketIds: readonly string[]): Promise<Map<string, PocketBalances>> {
  const result = new Map<string, PocketBalances>();
  for (const id of pocketIds) result.set(id, { bank_cash: 0n, brokerage_cash: 0n, securities_at_cost: 0n });
  if (pocketIds.length === 0) return result;
  const rows = await q.query<{ pocket_id: string; kind: PocketAccountKind; balance_cents: bigint }>(
    `SELECT pocket_id, kind, balance_cents FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = ANY($2::uuid[])`,
    [partnerId, pocketIds],
  );
  for (const row of rows) {
    const balances = result.get(row.pocket_id);
    if (balances) balances[row.kind] = row.balance_cents;
  }
  return result;
}

/**
 * Balances of every account of one kind of a tenant, keyed by pocket id (system accounts under
 * the key "system"). For invariant checks and reports.
 */
export async function balancesOfKind(q: Queryable, partnerId: string, kind: AccountKind): Promise<Map<string, bigint>> {
  const rows = await q.query<{ pocket_id: string | null; balance_cents: bigint }>(
    `SELECT pocket_id, balance_cents FROM ledger_accounts WHERE partner_id = $1 AND kind = $2`,
    [partnerId, kind],
  );
  return new Map(rows.map((row) => [row.pocket_id ?? 'system', row.balance_cents] as const));
}
