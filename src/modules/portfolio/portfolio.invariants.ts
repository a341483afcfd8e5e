import { balancesOfKind } from '../ledger/index.ts';
import type { Queryable } from '../../platform/db/index.ts';
import * as repo from './portfolio.repo.ts';

/**
 * The engine's rules checked against the ledger for one tenant: bank cash rests at zero (less its holds),
 * securities at cost equal the cost of open lots, realized earnings mirror the trades' realized
 * gains, and trades and lots point at existing entries and pockets. Returns violations as sentences (empty when sound); see also checkLedgerInvariants.
 */
export async function checkPortfolioInvariants(q: Queryable, partnerId: string): Promise<string[]> {
  const violations: string[] = [];
  // Money held for an outgoing rail (a wire waiting for its business day) waits in bank cash.
  for (const [pocketId, balance] of await balancesOfKind(q, partnerId, 'bank_cash', 'available')) {
    if (balance !== 0n) violations.push(`pocket ${pocketId} bank cash rests at ${balance} beyond its holds, not 0`);
  }
  const lotCost = await repo.openLotCostByPocket(q, partnerId);
  for (const [pocketId, balance] of await balancesOfKind(q, partnerId, 'securities_at_cost')) {
    const cost = lotCost.get(pocketId) ?? 0n;
    if (balance !== cost) violations.push(`pocket ${pocketId} securities at cost ${balance} but open lots cost ${cost}`);
  }
  const realized = (await balancesOfKind(q, partnerId, 'realized_earnings')).get('system') ?? 0n;
  const gains = await repo.realizedGainsTotal(q, partnerId);
  if (realized !== -gains) violations.push(`realized earnings account ${realized} does not mirror trades' realized gains ${gains}`);
  const unanchored = await repo.unanchoredRows(q, partnerId);
  if (unanchored.tradesWithoutEntry !== 0n) violations.push(`${unanchored.tradesWithoutEntry} trades point at no ledger entry`);
  if (unanchored.rowsWithoutPocket !== 0n) violations.push(`${unanchored.rowsWithoutPocket} pockets of trades or lots have no ledger accounts`);
  return violations;
}
