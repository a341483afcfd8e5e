import type { CounterpartiesService } from '../../counterparties/index.ts';
import type { BusinessCalendar } from '../../market/index.ts';
import type { Movement, MovementPocket, Movements } from '../../movements/index.ts';
import type { Scheduler } from '../../scheduler/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Db, Tx } from '../../../platform/db/index.ts';
import { marketDate } from '../../../platform/clock.ts';
import { exactlyOnce } from '../../../platform/exactly-once.ts';
import { type CursorList, type PageRequest, cursorList } from '../../../platform/http/index.ts';
import { isUuid, newId } from '../../../platform/ids.ts';
import {
  type AchFile,
  type AchOrigination,
  type AchOriginationDirection,
  type AchReturnCode,
  COMPANY_ENTRY_DESCRIPTION_PATTERN,
  WEB_DEFAULT_DESCRIPTION,
  returnInTime,
  settlementDateOf,
} from './ach.domain.ts';
import { AchErrors } from './ach.errors.ts';
import * as repo from './ach.repo.ts';
import { achTasks } from './ach.tasks.ts';
import { type SecCode, nachaText } from './nacha.ts';

/** Jiko's ACHRequest in domain terms. */
export interface AchOriginationInput {
  readonly counterpartyId: string;
  readonly direction: AchOriginationDirection;
  /** Cents, above zero. */
  readonly amountCents: bigint;
  /** Default WEB (Jiko). */
  readonly secCode?: SecCode | undefined;
  /** Required for CCD and PPD; WEB defaults to `Funding TX` (DEBIT) or `Release TX` (CREDIT). */
  readonly companyEntryDescription?: string | undefined;
  readonly paymentRelatedInformation?: readonly string[] | undefined;
}

/** How the rail reads a pocket outside a movement (the pockets module provides it). */
export interface AchPockets {
  /** @throws DomainError not_found for an unknown pocket or another tenant's. */
  get(ctx: RequestContext, pocketId: string): Promise<unknown>;
}

/** What a list of originations keeps. */
export type AchOriginationFilter = repo.OriginationFilter;

/** The checked request: SEC code and description defaulted. */
function checkInput(input: AchOriginationInput): { secCode: SecCode; description: string } {
  const secCode = input.secCode ?? 'WEB';
  const description = input.companyEntryDescription ?? (secCode === 'WEB' ? WEB_DEFAULT_DESCRIPTION[input.direction] : undefined);
  if (description === undefined) throw AchErrors.descriptionRequired();
  if (!COMPANY_ENTRY_DESCRIPTION_PATTERN.test(description)) {
    throw AchErrors.textTooLong(['companyEntryDescription'], 10);
  }
  return { secCode, description };
}

/**
 * ACH originations of a pocket with a verified (LINKED) ach counterparty, on the movements
 * primitive, in the request's transaction:
 * - CREDIT (push out): the pocket raises the cash (sells bills nearest maturity first), sweeps it
 *   to its bank account, and a pending ACH_DEBIT entry (bank cash to ACH clearing) holds it until
 *   settlement posts it.
 * - DEBIT (pull in): a pending ACH_CREDIT entry (ACH clearing to bank cash), not available until
 *   settlement posts it; then the money sweeps to brokerage cash and is invested.
 * Windows and settlement are the rail's scheduler tasks (ach.tasks.ts). Rules: docs/ACH.md.
 */
export function createAchRail(deps: { db: Db; movements: Movements; counterparties: CounterpartiesService; calendar: BusinessCalendar; pockets: AchPockets; scheduler: Scheduler }) {
  const { db, movements, counterparties, calendar, pockets } = deps;
  for (const task of achTasks(movements)) deps.scheduler.register(task);

  /** Books the money's path of a new origination in the movement; returns the pending entry's id. */
  async function book(tx: Tx, m: Movement, pocket: MovementPocket, o: { id: string; direction: AchOriginationDirection; amountCents: bigint; title: string }): Promise<string> {
    const common = { referenceType: 'AchOrigination', referenceId: o.id, occurredAt: m.time.at, bookDate: m.time.bookDate };
    if (o.direction === 'DEBIT') {
      return m.work.post({ ...common, status: 'pending', entryType: 'ACH_CREDIT', description: `ACH debit of ${o.title}`, postings: [
        { account: { system: 'ach_clearing' }, amountCents: -o.amountCents },
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: o.amountCents },
      ] });
    }
    const cash = await movements.raiseCash(tx, m, pocket, o.amountCents, null);
    if (cash === undefined || cash < o.amountCents) throw AchErrors.insufficientFunds();
    m.work.post({ ...common, entryType: 'SWEEP', description: 'Sweep brokerage to bank', postings: [
      { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: -o.amountCents },
      { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: o.amountCents },
    ] });
    return m.work.post({ ...common, status: 'pending', entryType: 'ACH_DEBIT', description: `ACH credit to ${o.title}`, postings: [
      { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -o.amountCents },
      { account: { system: 'ach_clearing' }, amountCents: o.amountCents },
    ] });
  }

  /**
   * Books the return of a settled origination in the movement. A pushed CREDIT comes back: the
   * clearing account pays the pocket's bank account, swept to brokerage and invested. A pulled
   * DEBIT is taken back: the pocket sells bills as needed (everything when short) and pays back
   * what it can; the rest is the receivable (cents) from the customer, never a negative balance.
   * @returns the receivable in cents.
   */
  async function bookReturn(tx: Tx, m: Movement, pocket: MovementPocket, o: AchOrigination, code: AchReturnCode): Promise<bigint> {
    const common = { referenceType: 'AchOrigination', referenceId: o.id, occurredAt: m.time.at, bookDate: m.time.bookDate };
    const description = `ACH return ${code} of ${o.receiverName}`;
    if (o.direction === 'CREDIT') {
      m.work.post({ ...common, entryType: 'REVERSAL', reversesEntryId: o.ledgerEntryId, description, postings: [
        { account: { system: 'ach_clearing' }, amountCents: -o.amountCents },
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: o.amountCents },
      ] });
      m.work.post({ ...common, entryType: 'SWEEP', description: 'Sweep bank to brokerage', postings: [
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -o.amountCents },
        { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: o.amountCents },
      ] });
      if (pocket.status === 'OPEN') movements.invest(m, pocket, null);
      return 0n;
    }
    const cash = (await movements.raiseCash(tx, m, pocket, o.amountCents, null)) ?? (await movements.raiseCash(tx, m, pocket, undefined, null)) ?? 0n;
    const takenCents = cash < o.amountCents ? cash : o.amountCents;
    if (takenCents > 0n) {
      m.work.post({ ...common, entryType: 'SWEEP', description: 'Sweep brokerage to bank', postings: [
        { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: -takenCents },
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: takenCents },
      ] });
      m.work.post({ ...common, entryType: 'REVERSAL', reversesEntryId: o.ledgerEntryId, description, postings: [
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -takenCents },
        { account: { system: 'ach_clearing' }, amountCents: takenCents },
      ] });
    }
    return o.amountCents - takenCents;
  }

  return {
    /**
     * Sandbox: the Receiver's bank returns a settled origination with `code`, within the code's
     * time frame (R10: 60 calendar days after settlement; the others: by the second business day
     * after it). The origination becomes REJECTED with its code and receivable;
     * `transfers.ach.out.rejected` (CREDIT) or `transfers.ach.in.rejected` (DEBIT).
     * @throws DomainError not_found for an unknown or another tenant's origination; invalid when it
     *   is not PROCESSED or the time frame is over.
     */
    async returnEntry(ctx: RequestContext, id: string, code: AchReturnCode): Promise<AchOrigination> {
      return exactlyOnce(db, ctx, async (tx) => {
        const found = isUuid(id) ? await repo.lockOrigination(tx, ctx.tenantId, id) : undefined;
        if (!found) throw AchErrors.originationNotFound();
        if (found.status !== 'PROCESSED') throw AchErrors.notReturnable(found.status);
        if (!returnInTime(calendar, code, found.settlementDate, marketDate(ctx.now))) throw AchErrors.returnTooLate(code);
        const m = await movements.begin(tx, ctx, [found.pocketId]);
        const pocket = m.pockets.get(found.pocketId)!;
        const receivableCents = await bookReturn(tx, m, pocket, found, code);
        const eventType = found.direction === 'CREDIT' ? 'transfers.ach.out.rejected' : 'transfers.ach.in.rejected';
        movements.event(m, { eventType, objectType: found.direction === 'CREDIT' ? 'AchTransfer' : 'Transaction', objectId: found.id, customerId: found.customerId, payload: { jiko_account_id: found.pocketId } } as never);
        await movements.commit(tx, m);
        repo.markReturned(tx, found.id, code, receivableCents, ctx.now);
        return { ...found, status: 'REJECTED', returnCode: code, returnedAt: ctx.now, receivableCents };
      });
    },

    /**
     * Creates an origination from the pocket `pocketId`, PENDING until its window. Exactly once
     * (the idempotency record is written in the same transaction).
     * @throws DomainError not_found for an unknown pocket or counterparty (or another tenant's);
     *   invalid for a counterparty not LINKED or not of type ach, another customer's counterparty,
     *   a pocket not OPEN, a missing or malformed description, a CREDIT the pocket cannot cover.
     */
    async create(ctx: RequestContext, pocketId: string, input: AchOriginationInput): Promise<AchOrigination> {
      const { secCode, description } = checkInput(input);
      return exactlyOnce(db, ctx, async (tx) => {
        const m = await movements.begin(tx, ctx, [pocketId]);
        const pocket = m.pockets.get(pocketId);
        if (!pocket) throw AchErrors.accountNotFound();
        const counterparty = await counterparties.usable(tx, ctx, input.counterpartyId, 'ach');
        if (counterparty.customerId !== null && counterparty.customerId !== pocket.customerId) throw AchErrors.otherCustomer();
        if (pocket.status !== 'OPEN') throw AchErrors.accountNotOpen();
        // The Receiver's name goes into the window's file: refuse now what could not be written then.
        nachaText(counterparty.nameOnAccount, ['counterpartyId']);
        const id = newId();
        const ledgerEntryId = await book(tx, m, pocket, { id, direction: input.direction, amountCents: input.amountCents, title: counterparty.nameOnAccount });
        const origination: AchOrigination = {
          id, pocketId, customerId: pocket.customerId, counterpartyId: counterparty.id, direction: input.direction, secCode,
          amountCents: input.amountCents, companyEntryDescription: description, paymentRelatedInformation: input.paymentRelatedInformation ?? [],
          status: 'PENDING', receiverName: counterparty.nameOnAccount, receiverRoutingNumber: counterparty.routingNumber!,
          receiverAccountNumber: counterparty.accountNumber!, receiverAccountType: counterparty.accountType ?? 'CHECKING',
          settlementDate: settlementDateOf(calendar, ctx.now, input.amountCents), ledgerEntryId, achFileId: null, traceNumber: null,
          timeCreated: ctx.now, timeSettled: null, returnCode: null, returnedAt: null, receivableCents: 0n,
        };
        await movements.commit(tx, m);
        repo.insertOrigination(tx, ctx.tenantId, origination);
        return origination;
      });
    },

    /** @throws DomainError not_found for an unknown id, or one of another pocket or tenant. */
    async get(ctx: RequestContext, pocketId: string, id: string): Promise<AchOrigination> {
      const found = isUuid(id) ? await repo.findOrigination(db, ctx.tenantId, pocketId, id) : undefined;
      if (!found) throw AchErrors.originationNotFound();
      return found;
    },

    /**
     * A page of the pocket's originations, newest first.
     * @throws DomainError not_found for an unknown pocket; invalid for a cursor not made by this list.
     */
    async list(ctx: RequestContext, pocketId: string, filter: AchOriginationFilter, page: PageRequest): Promise<CursorList<AchOrigination>> {
      checkCursor(page);
      await pockets.get(ctx, pocketId);
      const rows = await repo.listOriginations(db, ctx.tenantId, pocketId, filter, page);
      return cursorList(page, rows, (o) => [o.timeCreated.toISOString(), o.id], (o) => o);
    },

    /** A page of the tenant's NACHA files, newest first. */
    async listFiles(ctx: RequestContext, page: PageRequest): Promise<CursorList<AchFile>> {
      checkCursor(page);
      const rows = await repo.listFiles(db, ctx.tenantId, page);
      return cursorList(page, rows, (f) => [f.createdAt.toISOString(), f.id], (f) => f);
    },

    /** The file and its exact text. @throws DomainError not_found for an unknown or another tenant's file. */
    async getFile(ctx: RequestContext, id: string): Promise<{ file: AchFile; content: string }> {
      const found = isUuid(id) ? await repo.findFile(db, ctx.tenantId, id) : undefined;
      if (!found) throw AchErrors.fileNotFound();
      return found;
    },
  };
}

const KEY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** A list's cursor key is [ISO 8601 UTC time, uuid]; anything else is refused before SQL. */
function checkCursor(page: PageRequest): void {
  if (page.after === undefined) return;
  const [time, id, ...rest] = page.after;
  if (rest.length > 0 || typeof time !== 'string' || !KEY_TIME.test(time) || typeof id !== 'string' || !isUuid(id)) throw AchErrors.cursorInvalid();
}

export type AchRail = ReturnType<typeof createAchRail>;
