import { settleEntries } from '../../ledger/index.ts';
import type { Movement, MovementPocket, Movements } from '../../movements/index.ts';
import type { ScheduledTask } from '../../scheduler/index.ts';
import { money } from '../../../money/index.ts';
import type { Tx } from '../../../platform/db/index.ts';
import type { CardBook } from './card.book.ts';
import { clearingSplit } from './card.domain.ts';
import * as repo from './card.repo.ts';

/** When the network's settlement runs each business day: 10:00 New York (pocketbook's choice). */
export const CARD_SETTLEMENT_MINUTES = 10 * 60;

/**
 * The card issuer's business-day task `card.settlement` (CARD_SETTLEMENT_MINUTES), registered with
 * the scheduler (docs/CARDS.md "Clearing"):
 * - every captured PENDING authorization whose settlement day has come clears for its final amount
 *   (the amount held, or `settlement_amount`): equal, the pending entry posts; lower, it is voided,
 *   the final amount posts and the rest goes back to brokerage cash and is invested; higher, it is
 *   voided and the final amount posts, bills sold for the overage (what even that cannot cover is
 *   the shortfall, owed by the customer). SETTLED, a CARD bank transaction, `card.transaction.settled`.
 * - every PENDING authorization past its expiry (7 days, uncaptured) is voided and its cash goes
 *   back to brokerage and is invested. EXPIRED, `card.transaction.expired`.
 */
export function cardTasks(deps: { movements: Movements; book: CardBook }): ScheduledTask[] {
  const { movements, book } = deps;

  function event(m: Movement, type: 'card.transaction.settled' | 'card.transaction.expired', a: repo.CardAuthorization, amountCents: bigint): void {
    movements.event(m, {
      eventType: type, objectType: 'CardTransaction', objectId: a.id, customerId: a.customerId,
      payload: { card_id: a.cardId, amount: money(amountCents).value, account_id: a.pocketId },
    });
  }

  /** Clears one authorization in the movement (its pending entry already posted or voided). */
  async function clear(tx: Tx, m: Movement, pocket: MovementPocket, a: repo.CardAuthorization, finalCents: bigint): Promise<void> {
    const { releaseCents, extraCents } = clearingSplit(a.heldCents, finalCents);
    let entryId = a.ledgerEntryId!;
    let settledCents = finalCents;
    let soldCents = 0n;
    if (releaseCents > 0n) {
      entryId = book.postEntry(m, pocket, finalCents, a.id, a.merchantName);
      book.sweep(m, pocket, releaseCents, 'to_brokerage', a.id);
    } else if (extraCents > 0n) {
      const brought = await book.bringToBank(tx, m, pocket, extraCents, true, a);
      soldCents = brought.soldCents;
      settledCents = a.heldCents + brought.sweptCents;
      entryId = book.postEntry(m, pocket, settledCents, a.id, a.merchantName);
    }
    movements.record(m, pocket, 'DEBIT', settledCents, book.leg(a, a.merchantName, a.mcc, true, false), entryId);
    event(m, 'card.transaction.settled', a, settledCents);
    repo.updateAuthorization(tx, m.ctx.tenantId, a.id, {
      status: 'SETTLED', heldCents: 0n, ledgerEntryId: entryId, soldCents: a.soldCents + soldCents, settledCents,
      shortfallCents: finalCents - settledCents, closedAt: m.time.at,
    });
  }

  return [
    {
      name: 'card.settlement',
      atMinutes: CARD_SETTLEMENT_MINUTES,
      async run(tx, ctx, date) {
        const pocketIds = await repo.duePockets(tx, ctx.tenantId, date, ctx.now);
        if (pocketIds.length === 0) return;
        // Lock the pockets, then their holds; post or void the pending entries, then read the balances they left.
        await movements.begin(tx, ctx, pocketIds);
        // Only holds of the pockets just locked (one that fell due since is taken by the next run).
        const due = (await repo.lockDue(tx, ctx.tenantId, date, ctx.now)).filter((a) => pocketIds.includes(a.pocketId));
        const clearing = (a: repo.CardAuthorization) => a.capture && a.settleOn !== null && a.settleOn <= date;
        const finalOf = (a: repo.CardAuthorization) => a.settlementAmountCents ?? a.heldCents;
        const posted = due.filter((a) => clearing(a) && finalOf(a) === a.heldCents).map((a) => a.ledgerEntryId!);
        const voided = due.filter((a) => !posted.includes(a.ledgerEntryId!)).map((a) => a.ledgerEntryId!);
        await settleEntries(tx, ctx.tenantId, posted, 'posted', ctx.now);
        await settleEntries(tx, ctx.tenantId, voided, 'voided', ctx.now);
        const m = await movements.begin(tx, ctx, pocketIds);
        const released = new Set<string>();
        for (const a of due) {
          const pocket = m.pockets.get(a.pocketId)!;
          if (clearing(a)) {
            await clear(tx, m, pocket, a, finalOf(a));
            if (finalOf(a) < a.heldCents) released.add(a.pocketId);
            continue;
          }
          book.sweep(m, pocket, a.heldCents, 'to_brokerage', a.id);
          released.add(a.pocketId);
          event(m, 'card.transaction.expired', a, a.heldCents);
          repo.updateAuthorization(tx, ctx.tenantId, a.id, { status: 'EXPIRED', heldCents: 0n, ledgerEntryId: a.ledgerEntryId, closedAt: m.time.at });
        }
        for (const pocketId of released) {
          const pocket = m.pockets.get(pocketId)!;
          if (pocket.status === 'OPEN') movements.invest(m, pocket, null);
        }
        await movements.commit(tx, m);
      },
    },
  ];
}
