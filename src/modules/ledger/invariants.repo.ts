import type { Queryable } from '../../platform/db/index.ts';

/**
 * Invariant checks of one tenant's ledger, for tests and operators. Each returns the violations it
 * found as sentences; an empty list means the ledger is sound.
 *
 * Checked: every entry has at least two postings, none of zero, summing to zero; every account's
 * balance equals the sum of its posted postings and its hold the sum of its pending debits; the
 * tenant's posted postings sum to zero; no pocket account's available balance is below zero. The portfolio engine checks its own rules against the ledger (pockets module,
 * `checkPortfolioInvariants`).
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
