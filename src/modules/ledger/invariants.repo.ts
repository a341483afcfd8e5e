import type { Queryable } from '../../platform/db/index.ts';

/**
 * Invariant checks of one tenant's ledger, for tests and operators. Each returns the violations it
 * found as sentences; an empty list means the ledger is sound.
 *
 * Checked: every entry has at least two postings, none of zero, summing to zero; every posting's
 * entry exists; every account's balance equals the sum of its posted postings and its hold the sum
 * of its pending debits; the tenant's posted postings sum to zero; no pocket account's available
 * balance is below zero. The portfolio engine checks its own rules against the ledger (portfolio
 * module, `checkPortfolioInvariants`).
 */
export async function checkLedgerInvariants(q: Queryable, partnerId: string): Promise<string[]> {
  const violations: string[] = [];

  const entries = await q.query<{ id: string; n: bigint; total: string; zeros: bigint }>(
    `SELECT e.id, count(p.id) AS n, coalesce(sum(p.amount_cents), 0)::text AS total,
            count(*) FILTER (WHERE p.amount_cents = 0) AS zeros
       FROM ledger_entries e LEFT JOIN ledger_postings p ON p.entry_id = e.id
      WHERE e.partner_id = $1
      GROUP BY e.id
     HAVING count(p.id) < 2 OR coalesce(sum(p.amount_cents), 0) <> 0 OR count(*) FILTER (WHERE p.amount_cents = 0) > 0`,
    [partnerId],
  );
  for (const e of entries) violations.push(`entry ${e.id} has ${e.n} postings summing to ${e.total}`);

  // What the foreign key from postings to entries checked before migration 0058.
  const orphans = await q.query<{ entry_id: string }>(
    `SELECT DISTINCT p.entry_id FROM ledger_postings p
      WHERE p.partner_id = $1 AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.partner_id = p.partner_id AND e.id = p.entry_id)`,
    [partnerId],
  );
  for (const o of orphans) violations.push(`postings name entry ${o.entry_id}, which the tenant does not have`);

  const drift = await q.query<{ id: string; balance_cents: bigint; posted: string; held: string; pending_debit_cents: bigint }>(
    `SELECT a.id, a.balance_cents, a.pending_debit_cents,
            coalesce(sum(p.amount_cents) FILTER (WHERE e.status = 'posted'), 0)::text AS posted,
            coalesce(sum(-p.amount_cents) FILTER (WHERE e.status = 'pending' AND p.amount_cents < 0), 0)::text AS held
       FROM ledger_accounts a
       LEFT JOIN ledger_postings p ON p.account_id = a.id
       LEFT JOIN ledger_entries e ON e.id = p.entry_id
      WHERE a.partner_id = $1 AND a.pocket_id IS NOT NULL
      GROUP BY a.id, a.balance_cents, a.pending_debit_cents`,
    [partnerId],
  );
  for (const a of drift) {
    if (a.balance_cents.toString() !== a.posted) violations.push(`account ${a.id} balance ${a.balance_cents} but posted postings sum to ${a.posted}`);
    if (a.pending_debit_cents.toString() !== a.held) violations.push(`account ${a.id} holds ${a.pending_debit_cents} but pending debits sum to ${a.held}`);
  }

  const [total] = await q.query<{ total: string }>(
    `SELECT coalesce(sum(p.amount_cents), 0)::text AS total
       FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
      WHERE p.partner_id = $1 AND e.status = 'posted'`,
    [partnerId],
  );
  if (total && total.total !== '0') violations.push(`tenant accounts sum to ${total.total}, not 0`);

  const negative = await q.query<{ id: string; kind: string; balance_cents: bigint }>(
    `SELECT id, kind, balance_cents FROM ledger_accounts
      WHERE partner_id = $1 AND pocket_id IS NOT NULL AND balance_cents - pending_debit_cents < 0`,
    [partnerId],
  );
  for (const a of negative) violations.push(`pocket account ${a.id} (${a.kind}) is below zero: ${a.balance_cents}`);

  return violations;
}

/**
 * Cents that the tenant's pending entries of `entryType` hold on pocket accounts (the sum of their
 * debits), for a rail's own invariant: e.g. the card issuer's holds equal its pending
 * CARD_AUTHORIZATION entries.
 */
export async function pendingDebitsOfType(q: Queryable, partnerId: string, entryType: string): Promise<bigint> {
  const [row] = await q.query<{ total: string }>(
    `SELECT coalesce(sum(-p.amount_cents), 0)::text AS total
       FROM ledger_entries e
       JOIN ledger_postings p ON p.partner_id = e.partner_id AND p.entry_id = e.id
       JOIN ledger_accounts a ON a.partner_id = p.partner_id AND a.id = p.account_id
      WHERE e.partner_id = $1 AND e.status = 'pending' AND e.entry_type = $2 AND a.pocket_id IS NOT NULL AND p.amount_cents < 0`,
    [partnerId, entryType],
  );
  return BigInt(row?.total ?? '0');
}

/**
 * Money in flight by what it is for: for each pending entry whose reference is of
 * `referenceType`, the cents it moves (the sum of its positive postings), summed by reference id.
 * A rail checks its own in-flight records against it (money in flight = the pending entries).
 */
export async function pendingAmountsByReference(q: Queryable, partnerId: string, referenceType: string): Promise<Map<string, bigint>> {
  const rows = await q.query<{ reference_id: string; total: string }>(
    `SELECT e.reference_id, coalesce(sum(p.amount_cents) FILTER (WHERE p.amount_cents > 0), 0)::text AS total
       FROM ledger_entries e JOIN ledger_postings p ON p.partner_id = e.partner_id AND p.entry_id = e.id
      WHERE e.partner_id = $1 AND e.status = 'pending' AND e.reference_type = $2
      GROUP BY e.reference_id`,
    [partnerId, referenceType],
  );
  return new Map(rows.map((r) => [r.reference_id, BigInt(r.total)]));
}

/**
 * Money in flight equals the pending entries: `expected` is a rail's own record of what it has in
 * flight for references of `referenceType` (cents by reference id); each must match the pending
 * entries' amounts (pendingAmountsByReference), and no pending entry may lack a record.
 * @returns the mismatches as sentences; empty when they agree.
 */
export async function checkInFlight(q: Queryable, partnerId: string, referenceType: string, expected: ReadonlyMap<string, bigint>): Promise<string[]> {
  const pending = await pendingAmountsByReference(q, partnerId, referenceType);
  const violations: string[] = [];
  for (const id of new Set([...expected.keys(), ...pending.keys()])) {
    const want = expected.get(id) ?? 0n;
    const have = pending.get(id) ?? 0n;
    if (want !== have) violations.push(`${referenceType} ${id} has ${want} cents in flight but pending entries of ${have}`);
  }
  return violations;
}
