import type { Queryable } from '../../platform/db/index.ts';

/**
 * Invariant checks of one tenant's ledger, for tests and operators. Each returns the violations it
 * found as sentences; an empty list means the ledger is sound.
 *
 * Checked: every entry has at least two postings, none of zero, summing to zero; every account's
 * balance equals the sum of its postings; the tenant's accounts sum to zero; no pocket account is
 * below zero. The portfolio engine checks its own rules against the ledger (pockets module,
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

  const drift = await q.query<{ id: string; balance_cents: bigint; posted: string }>(
    `SELECT a.id, a.balance_cents, coalesce(sum(p.amount_cents), 0)::text AS posted
       FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
      WHERE a.partner_id = $1
      GROUP BY a.id, a.balance_cents
     HAVING a.balance_cents <> coalesce(sum(p.amount_cents), 0)`,
    [partnerId],
  );
  for (const a of drift) violations.push(`account ${a.id} balance ${a.balance_cents} but postings sum to ${a.posted}`);

  const [total] = await q.query<{ total: string }>(
    `SELECT coalesce(sum(balance_cents), 0)::text AS total FROM ledger_accounts WHERE partner_id = $1`,
    [partnerId],
  );
  if (total && total.total !== '0') violations.push(`tenant accounts sum to ${total.total}, not 0`);

  const negative = await q.query<{ id: string; kind: string; balance_cents: bigint }>(
    `SELECT id, kind, balance_cents FROM ledger_accounts WHERE partner_id = $1 AND pocket_id IS NOT NULL AND balance_cents < 0`,
    [partnerId],
  );
  for (const a of negative) violations.push(`pocket account ${a.id} (${a.kind}) is negative: ${a.balance_cents}`);

  return violations;
}
