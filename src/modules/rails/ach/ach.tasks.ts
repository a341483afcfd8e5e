import type { Counterparty, CounterpartiesService } from '../../counterparties/index.ts';
import { emitEvents } from '../../events/index.ts';
import { type NewEntry, openSystemAccounts, settleEntries, writeEntries } from '../../ledger/index.ts';
import type { BankLeg, Movements } from '../../movements/index.ts';
import type { ScheduledTask } from '../../scheduler/index.ts';
import { PORTAL_ROUTING_NUMBER } from '../portal/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
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
 * The bank transaction leg of an origination (or of its return): an ACH the pocket originated,
 * titled with the Receiver's name, with its trace number.
 */
export function achLeg(o: AchOrigination, returned = false): BankLeg {
  const inward = (o.direction === 'DEBIT') !== returned;
  return {
    type: 'ACH', description: `ACH Electronic ${inward ? 'Credit' : 'Debit'}${returned ? ` Return ${o.returnCode ?? ''}`.trimEnd() : ''}`,
    title: o.receiverName, achCompanyName: o.receiverName, achTraceNumber: o.traceNumber, achOriginationId: o.id,
  };
}

/** Nacha's Company Entry Description of micro-entries (Micro-Entries rule). */
export const MICRO_ENTRY_DESCRIPTION = 'ACCTVERIFY';

/** One entry of a window's file, and what it stands for. */
type Planned =
  | { readonly kind: 'origination'; readonly entry: NachaEntryInput; readonly origination: AchOrigination }
  | { readonly kind: 'verification'; readonly entry: NachaEntryInput; readonly counterpartyId: string; readonly purpose: 'micro_deposit' | 'prenote'; readonly ledgerEntryId: string | null };

/**
 * A name as a NACHA alphanumeric field can carry it: accents dropped, any other character outside
 * printable ASCII a space (a counterparty's name is not checked for NACHA when it is created;
 * originations check it at request, the window must never fail on one).
 */
function asciiName(name: string): string {
  const plain = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^ -~]/g, ' ').replace(/ +/g, ' ').trim();
  return plain === '' ? 'ACCOUNT HOLDER' : plain;
}

/**
 * The ACCTVERIFY entries of one micro-deposit verification (docs/ACH.md "Micro-entries"): two
 * credits of its amounts and the offsetting debit of their sum, sent together, CCD for a business
 * and PPD for an individual; and their pending ledger entries (from and back to the tenant's
 * `ach_verification` account through `ach_clearing`).
 */
function microEntries(ctx: RequestContext, date: string, c: Counterparty, amountsCents: readonly [bigint, bigint]): { planned: Planned[]; ledger: NewEntry[] } {
  const accountType = c.accountType === 'SAVINGS' ? 'savings' : 'checking';
  const base = {
    secCode: c.counterpartyName.type === 'business' ? 'CCD' : 'PPD', receivingRoutingNumber: c.routingNumber!, accountNumber: c.accountNumber!,
    individualId: c.id.replaceAll('-', '').slice(0, 15), individualName: asciiName(c.nameOnAccount), companyName: ACH_COMPANY_NAME,
    companyId: ACH_COMPANY_ID, companyEntryDescription: MICRO_ENTRY_DESCRIPTION, effectiveEntryDate: date,
  } as const;
  const sum = amountsCents[0] + amountsCents[1];
  const sides = [...amountsCents.map((a) => ({ direction: 'credit' as const, amountCents: a })), { direction: 'debit' as const, amountCents: sum }];
  const planned: Planned[] = [];
  const ledger: NewEntry[] = [];
  for (const side of sides) {
    const id = newId();
    const out = side.direction === 'credit';
    ledger.push({
      partnerId: ctx.tenantId, id, status: 'pending', entryType: out ? 'ACH_DEBIT' : 'ACH_CREDIT', referenceType: 'Counterparty', referenceId: c.id,
      description: out ? `Micro-deposit to ${c.nameOnAccount}` : `Micro-deposit offset from ${c.nameOnAccount}`, occurredAt: ctx.now, bookDate: date,
      postings: [
        { account: { system: 'ach_verification' }, amountCents: out ? -side.amountCents : side.amountCents },
        { account: { system: 'ach_clearing' }, amountCents: out ? side.amountCents : -side.amountCents },
      ],
    });
    planned.push({
      kind: 'verification', counterpartyId: c.id, purpose: 'micro_deposit', ledgerEntryId: id,
      entry: { ...base, direction: side.direction, amountCents: side.amountCents, transactionCode: achTransactionCode(side.direction, accountType) },
    });
  }
  return { planned, ledger };
}

/** The window's originations as entries, each first entry to a counterparty no file reached yet preceded by its prenote when `prenotes`. */
async function originationEntries(tx: Tx, ctx: RequestContext, date: string, due: readonly AchOrigination[], prenotes: boolean): Promise<Planned[]> {
  const reached = prenotes ? await repo.counterpartiesReached(tx, ctx.tenantId, [...new Set(due.map((o) => o.counterpartyId))]) : new Set<string>();
  const planned: Planned[] = [];
  for (const o of due) {
    const entry = nachaEntry(o, date);
    if (prenotes && !reached.has(o.counterpartyId)) {
      reached.add(o.counterpartyId);
      const { addenda: _addenda, ...live } = entry;
      const prenote = { ...live, amountCents: 0n, transactionCode: achTransactionCode(entry.direction, o.receiverAccountType === 'SAVINGS' ? 'savings' : 'checking', true) };
      planned.push({ kind: 'verification', counterpartyId: o.counterpartyId, purpose: 'prenote', ledgerEntryId: null, entry: prenote });
    }
    planned.push({ kind: 'origination', entry, origination: o });
  }
  return planned;
}

/** What the ACH tasks need besides the transaction. */
export interface AchTaskDeps {
  readonly movements: Movements;
  readonly counterparties: Pick<CounterpartiesService, 'microDepositsToSend' | 'markMicroDepositsSent'>;
  /** Send a prenote ahead of the first entry to a counterparty (POCKETBOOK_ACH_PRENOTES). */
  readonly prenotes: boolean;
}

/**
 * The `ach.window` run of `date`: one NACHA file with every PENDING origination due by that day
 * (each preceded by its prenote when configured) and the micro-entries of every verification
 * waiting to be sent; stored in `ach_files`; originations IN_TRANSIT with their trace numbers,
 * verification entries recorded, micro-entries' pending ledger entries written.
 */
async function runWindow(tx: Tx, ctx: RequestContext, date: string, deps: AchTaskDeps): Promise<void> {
  const due = await repo.dueOriginations(tx, ctx.tenantId, 'PENDING', date);
  const micro = await deps.counterparties.microDepositsToSend(tx, ctx);
  if (due.length === 0 && micro.length === 0) return;
  const planned = await originationEntries(tx, ctx, date, due, deps.prenotes);
  const ledger: NewEntry[] = [];
  for (const m of micro) {
    const built = microEntries(ctx, date, m.counterparty, m.amountsCents);
    planned.push(...built.planned);
    ledger.push(...built.ledger);
  }
  const day = await repo.filesOfDay(tx, ctx.tenantId, date);
  const written = writeNachaFile({
    immediateDestination: ACH_OPERATOR_ROUTING_NUMBER, immediateDestinationName: 'Federal Reserve Bank', immediateOrigin: PORTAL_ROUTING_NUMBER,
    immediateOriginName: 'Pocketbook', odfiRoutingNumber: PORTAL_ROUTING_NUMBER, createdAt: ctx.now, fileIdModifier: fileIdModifier(day.files),
    firstTraceSequence: day.entries + 1, entries: planned.map((p) => p.entry),
  });
  const file = {
    id: newId(), direction: 'ORIGINATED' as const, windowDate: date, fileIdModifier: fileIdModifier(day.files), entryCount: planned.length,
    totalDebitCents: written.totalDebitCents, totalCreditCents: written.totalCreditCents, createdAt: ctx.now,
  };
  await repo.insertFile(tx, ctx.tenantId, file, written.text);
  const traces = new Map<string, string>();
  const verification: repo.VerificationEntry[] = [];
  planned.forEach((p, i) => {
    const trace = written.traceNumbers[i]!;
    if (p.kind === 'origination') traces.set(p.origination.id, trace);
    else verification.push({
      id: newId(), counterpartyId: p.counterpartyId, purpose: p.purpose, direction: p.entry.direction === 'debit' ? 'DEBIT' : 'CREDIT',
      amountCents: p.entry.amountCents, transactionCode: p.entry.transactionCode, receiverRoutingNumber: p.entry.receivingRoutingNumber,
      receiverAccountNumber: p.entry.accountNumber, settlementDate: date, achFileId: file.id, traceNumber: trace, ledgerEntryId: p.ledgerEntryId, timeCreated: ctx.now,
    });
  });
  // A tenant verifying a counterparty before its first pocket has no system accounts yet.
  if (micro.length > 0) openSystemAccounts(tx, ctx.tenantId, ctx.now);
  writeEntries(tx, ctx.tenantId, ledger);
  await repo.insertVerificationEntries(tx, ctx.tenantId, verification);
  await deps.counterparties.markMicroDepositsSent(tx, ctx, micro.map((m) => m.counterparty.id));
  if (traces.size > 0) await repo.markInTransit(tx, ctx.tenantId, file.id, traces);
  await emitEvents(tx, due.filter((o) => o.direction === 'CREDIT').map((o) => ({
    partnerId: ctx.tenantId, eventType: 'transfers.ach.out.sent' as const, objectType: 'AchTransfer' as const, objectId: o.id,
    customerId: o.customerId, payload: { jiko_account_id: o.pocketId }, occurredAt: ctx.now,
  })));
}

/**
 * The ACH rail's business-day tasks, registered with the scheduler (docs/ACH.md):
 * - `ach.window` (12:00 New York, the same-day cut-off): runWindow; `transfers.ach.out.sent` for
 *   each CREDIT.
 * - `ach.settlement` (17:00 New York): every IN_TRANSIT entry due by that day settles: micro-entries
 *   post (their account nets back to zero), prenotes are done; an origination's pending entry
 *   posts (a CREDIT's hold leaves the pocket; a DEBIT's money becomes available, sweeps to
 *   brokerage cash and is invested), PROCESSED, `transfers.ach.out.success` (CREDIT) or
 *   `transfers.ach.in.success` (DEBIT).
 */
export function achTasks(deps: AchTaskDeps): ScheduledTask[] {
  const { movements } = deps;
  return [
    {
      name: 'ach.window',
      atMinutes: ACH_WINDOW_MINUTES,
      run: (tx, ctx, date) => runWindow(tx, ctx, date, deps),
    },
    {
      name: 'ach.settlement',
      atMinutes: ACH_SETTLEMENT_MINUTES,
      async run(tx, ctx, date) {
        const verification = await repo.dueVerificationEntries(tx, ctx.tenantId, date);
        if (verification.length > 0) {
          await settleEntries(tx, ctx.tenantId, verification.flatMap((v) => (v.ledgerEntryId === null ? [] : [v.ledgerEntryId])), 'posted', ctx.now);
          await repo.markVerificationEntriesProcessed(tx, ctx.tenantId, verification.map((v) => v.id), ctx.now);
        }
        const due = await repo.dueOriginations(tx, ctx.tenantId, 'IN_TRANSIT', date);
        if (due.length === 0) return;
        const pocketIds = [...new Set(due.map((o) => o.pocketId))].sort();
        // Lock the pockets before their accounts change, then read the balances the posting left.
        await movements.begin(tx, ctx, pocketIds);
        await settleEntries(tx, ctx.tenantId, due.map((o) => o.ledgerEntryId), 'posted', ctx.now);
        const m = await movements.begin(tx, ctx, pocketIds);
        const pulled = new Set<string>();
        for (const o of due) {
          // The bank side of the pocket moves now (Jiko's Transaction of type ACH): in for a pull, out for a push.
          movements.record(m, m.pockets.get(o.pocketId)!, o.direction === 'DEBIT' ? 'CREDIT' : 'DEBIT', o.amountCents, achLeg(o), o.ledgerEntryId);
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
