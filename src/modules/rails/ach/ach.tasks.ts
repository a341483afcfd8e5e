import { emitEvents } from '../../events/index.ts';
import { settleEntries } from '../../ledger/index.ts';
import type { Movements } from '../../movements/index.ts';
import type { ScheduledTask } from '../../scheduler/index.ts';
import { PORTAL_ROUTING_NUMBER } from '../portal/index.ts';
import { newId } from '../../../platform/ids.ts';
import { type AchOrigination, ACH_SETTLEMENT_MINUTES, ACH_WINDOW_MINUTES, fileIdModifier } from './ach.domain.ts';
import * as repo from './ach.repo.ts';
import { type NachaEntryInput, achTransactionCode, writeNachaFile } from './nacha.ts';

/** The Originator as the Receiver's statement shows it (the sandbox bank's ACH company). */
export const ACH_COMPANY_NAME = 'Pocketbook';
/** The Originator's company identification agreed with the ODFI (`1` + a 9-digit id). */
export const ACH_COMPANY_ID = '1999000001';
/** Where the files go: the Federal Reserve ACH operator (FRB Boston's routing number). */
export const ACH_OPERATOR_ROUTING_NUMBER = '011000015';

/** The NACHA entry of an origination effective on `date`: DEBIT pulls (a NACHA debit), CREDIT pushes. */
function nachaEntry(o: AchOrigination, date: string): NachaEntryInput {
  const direction = o.direction === 'DEBIT' ? 'debit' : 'credit';
  return {
    secCode: o.secCode, direction, transactionCode: achTransactionCode(direction, o.receiverAccountType === 'SAVINGS' ? 'savings' : 'checking'),
    receivingRoutingNumber: o.receiverRoutingNumber, accountNumber: o.receiverAccountNumber, amountCents: o.amountCents,
    individualId: o.id.replaceAll('-', '').slice(0, 15), individualName: o.receiverName, companyName: ACH_COMPANY_NAME, companyId: ACH_COMPANY_ID,
    companyEntryDescription: o.companyEntryDescription, effectiveEntryDate: date,
    ...(o.paymentRelatedInformation[0] !== undefined ? { addenda: o.paymentRelatedInformation[0] } : {}),
  };
}

/**
 * The ACH rail's business-day tasks, registered with the scheduler (docs/ACH.md):
 * - `ach.window` (12:00 New York, the same-day cut-off): every PENDING origination due by that
 *   business day goes IN_TRANSIT in one NACHA file (batched by SEC code and direction by the
 *   writer), stored in `ach_files`; `transfers.ach.out.sent` for each CREDIT.
 * - `ach.settlement` (17:00 New York): every IN_TRANSIT origination due by that day settles: its
 *   pending entry posts (a CREDIT's hold leaves the pocket; a DEBIT's money becomes available,
 *   sweeps to brokerage cash and is invested), PROCESSED, `transfers.ach.out.success` (CREDIT) or
 *   `transfers.ach.in.success` (DEBIT).
 */
export function achTasks(movements: Movements): ScheduledTask[] {
  return [
    {
      name: 'ach.window',
      atMinutes: ACH_WINDOW_MINUTES,
      async run(tx, ctx, date) {
        const due = await repo.dueOriginations(tx, ctx.tenantId, 'PENDING', date);
        if (due.length === 0) return;
        const day = await repo.filesOfDay(tx, ctx.tenantId, date);
        const written = writeNachaFile({
          immediateDestination: ACH_OPERATOR_ROUTING_NUMBER, immediateDestinationName: 'Federal Reserve Bank', immediateOrigin: PORTAL_ROUTING_NUMBER,
          immediateOriginName: 'Pocketbook', odfiRoutingNumber: PORTAL_ROUTING_NUMBER, createdAt: ctx.now, fileIdModifier: fileIdModifier(day.files),
          firstTraceSequence: day.entries + 1, entries: due.map((o) => nachaEntry(o, date)),
        });
        const file = {
          id: newId(), windowDate: date, fileIdModifier: fileIdModifier(day.files), entryCount: due.length,
          totalDebitCents: written.totalDebitCents, totalCreditCents: written.totalCreditCents, createdAt: ctx.now,
        };
        await repo.insertFile(tx, ctx.tenantId, file, written.text);
        await repo.markInTransit(tx, ctx.tenantId, file.id, new Map(due.map((o, i) => [o.id, written.traceNumbers[i]!])));
        await emitEvents(tx, due.filter((o) => o.direction === 'CREDIT').map((o) => ({
          partnerId: ctx.tenantId, eventType: 'transfers.ach.out.sent' as const, objectType: 'AchTransfer' as const, objectId: o.id,
          customerId: o.customerId, payload: { jiko_account_id: o.pocketId }, occurredAt: ctx.now,
        })));
      },
    },
    {
      name: 'ach.settlement',
      atMinutes: ACH_SETTLEMENT_MINUTES,
      async run(tx, ctx, date) {
        const due = await repo.dueOriginations(tx, ctx.tenantId, 'IN_TRANSIT', date);
        if (due.length === 0) return;
        const pocketIds = [...new Set(due.map((o) => o.pocketId))].sort();
        // Lock the pockets before their accounts change, then read the balances the posting left.
        await movements.begin(tx, ctx, pocketIds);
        await settleEntries(tx, ctx.tenantId, due.map((o) => o.ledgerEntryId), 'posted', ctx.now);
        const m = await movements.begin(tx, ctx, pocketIds);
        const pulled = new Set<string>();
        for (const o of due) {
          if (o.direction === 'DEBIT') {
            m.work.post({ referenceType: 'AchOrigination', referenceId: o.id, occurredAt: m.time.at, bookDate: m.time.bookDate, entryType: 'SWEEP',
              description: 'Sweep bank to brokerage', postings: [
                { account: { pocketId: o.pocketId, kind: 'bank_cash' }, amountCents: -o.amountCents },
                { account: { pocketId: o.pocketId, kind: 'brokerage_cash' }, amountCents: o.amountCents },
              ] });
            pulled.add(o.pocketId);
            movements.event(m, { eventType: 'transfers.ach.in.success', objectType: 'Transaction', objectId: o.id, customerId: o.customerId, payload: { jiko_account_id: o.pocketId } });
          } else {
            movements.event(m, { eventType: 'transfers.ach.out.success', objectType: 'AchTransfer', objectId: o.id, customerId: o.customerId, payload: { jiko_account_id: o.pocketId } });
          }
        }
        for (const pocketId of pulled) {
          const pocket = m.pockets.get(pocketId)!;
          if (pocket.status === 'OPEN') movements.invest(m, pocket, null);
        }
        await movements.commit(tx, m);
        await repo.markProcessed(tx, ctx.tenantId, due.map((o) => o.id), ctx.now);
      },
    },
  ];
}
