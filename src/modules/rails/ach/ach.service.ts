import type { CounterpartiesService } from '../../counterparties/index.ts';
import { emitEvents } from '../../events/index.ts';
import { checkInFlight } from '../../ledger/index.ts';
import type { BusinessCalendar } from '../../market/index.ts';
import type { Movement, MovementPocket, Movements } from '../../movements/index.ts';
import type { Scheduler } from '../../scheduler/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Db, Queryable, Tx } from '../../../platform/db/index.ts';
import { marketDate } from '../../../platform/clock.ts';
import { exactlyOnce } from '../../../platform/exactly-once.ts';
import { type CursorList, type PageRequest, cursorList } from '../../../platform/http/index.ts';
import { isUuid, newId } from '../../../platform/ids.ts';
import {
  type AchFile,
  type AchFileDirection,
  type AchOrigination,
  type AchOriginationDirection,
  type AchChangeCode,
  type AchNotificationOfChange,
  type AchReturnCode,
  COMPANY_ENTRY_DESCRIPTION_PATTERN,
  WEB_DEFAULT_DESCRIPTION,
  returnInTime,
  settlementDateOf,
} from './ach.domain.ts';
import { AchErrors } from './ach.errors.ts';
import * as repo from './ach.repo.ts';
import { receivedFileText } from './inbound.ts';
import { type AchScenarioSource, scenarioReturnsTask } from './ach.scenarios.ts';
import { achLeg, achTasks } from './ach.tasks.ts';
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

/** A notification of change as the sandbox delivers it: the code and the corrected data it needs. */
export interface AchNotificationOfChangeInput {
  readonly changeCode: AchChangeCode;
  /** C02 and C03: the correct 9-digit ABA routing number. */
  readonly correctedRoutingNumber?: string | undefined;
  /** C01 and C03: the correct account number (4-17 digits). */
  readonly correctedAccountNumber?: string | undefined;
}

/**
 * The corrected data a change code needs, checked against the entry: C01 an account number, C02
 * a routing number, C03 both; nothing else, and not what the entry already carried.
 * @throws DomainError invalid at `correctedRoutingNumber` / `correctedAccountNumber`.
 */
function checkCorrection(o: AchOrigination, input: AchNotificationOfChangeInput): { routingNumber?: string; accountNumber?: string } {
  const wants = { correctedRoutingNumber: input.changeCode !== 'C01', correctedAccountNumber: input.changeCode !== 'C02' };
  for (const field of ['correctedRoutingNumber', 'correctedAccountNumber'] as const) {
    if (wants[field] && input[field] === undefined) throw AchErrors.correctionRequired([field], input.changeCode);
    if (!wants[field] && input[field] !== undefined) throw AchErrors.correctionNotUsed([field], input.changeCode);
  }
  const routingNumber = input.correctedRoutingNumber;
  const accountNumber = input.correctedAccountNumber;
  const sameRouting = routingNumber === undefined || routingNumber === o.receiverRoutingNumber;
  const sameAccount = accountNumber === undefined || accountNumber === o.receiverAccountNumber;
  if (sameRouting && sameAccount) throw AchErrors.correctionUnchanged([routingNumber === undefined ? 'correctedAccountNumber' : 'correctedRoutingNumber']);
  return { ...(routingNumber !== undefined ? { routingNumber } : {}), ...(accountNumber !== undefined ? { accountNumber } : {}) };
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
export function createAchRail(deps: {
  db: Db;
  movements: Movements;
  counterparties: CounterpartiesService;
  calendar: BusinessCalendar;
  pockets: AchPockets;
  scheduler: Scheduler;
  /** Send a zero-dollar prenote ahead of the first entry to each counterparty (POCKETBOOK_ACH_PRENOTES; default off). */
  prenotes?: boolean;
  /** The sandbox's failure scenarios (sandbox mode only; docs/SANDBOX.md). */
  scenarios?: AchScenarioSource | undefined;
}) {
  const { db, movements, counterparties, calendar, pockets } = deps;
  for (const task of achTasks({ movements, counterparties, prenotes: deps.prenotes ?? false })) deps.scheduler.register(task);

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
    const leg = achLeg({ ...o, returnCode: code }, true);
    if (o.direction === 'CREDIT') {
      const reversal = m.work.post({ ...common, entryType: 'REVERSAL', reversesEntryId: o.ledgerEntryId, description, postings: [
        { account: { system: 'ach_clearing' }, amountCents: -o.amountCents },
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: o.amountCents },
      ] });
      movements.record(m, pocket, 'CREDIT', o.amountCents, leg, reversal);
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
      const reversal = m.work.post({ ...common, entryType: 'REVERSAL', reversesEntryId: o.ledgerEntryId, description, postings: [
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -takenCents },
        { account: { system: 'ach_clearing' }, amountCents: takenCents },
      ] });
      movements.record(m, pocket, 'DEBIT', takenCents, leg, reversal);
    }
    return o.amountCents - takenCents;
  }

  /** Returns the settled origination `found` (locked, checked) with `code` in `tx`: booking, status REJECTED, event. */
  async function returnIn(tx: Tx, ctx: RequestContext, found: AchOrigination, code: AchReturnCode): Promise<AchOrigination> {
    const m = await movements.begin(tx, ctx, [found.pocketId]);
    const pocket = m.pockets.get(found.pocketId)!;
    const receivableCents = await bookReturn(tx, m, pocket, found, code);
    const eventType = found.direction === 'CREDIT' ? 'transfers.ach.out.rejected' : 'transfers.ach.in.rejected';
    movements.event(m, { eventType, objectType: found.direction === 'CREDIT' ? 'AchTransfer' : 'Transaction', objectId: found.id, customerId: found.customerId, payload: { jiko_account_id: found.pocketId } } as never);
    await movements.commit(tx, m);
    repo.markReturned(tx, found.id, code, receivableCents, ctx.now);
    return { ...found, status: 'REJECTED', returnCode: code, returnedAt: ctx.now, receivableCents };
  }

  // --- Sandbox failure scenarios (docs/SANDBOX.md): forced returns come back through returnIn. ---
  if (deps.scenarios) {
    deps.scheduler.register(scenarioReturnsTask(deps.scenarios, async (tx, ctx, id, code) => {
      const found = await repo.lockOrigination(tx, ctx.tenantId, id);
      if (found?.status === 'PENDING' || found?.status === 'IN_TRANSIT') return 'later';
      if (!found || found.status !== 'PROCESSED' || !returnInTime(calendar, code, found.settlementDate, marketDate(ctx.now))) return 'skipped';
      await returnIn(tx, ctx, found, code);
      return 'returned';
    }));
  }
  // --- end of sandbox failure scenarios ---

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
        return returnIn(tx, ctx, found, code);
      });
    },

    /**
     * Sandbox: the Receiver's bank answers an entry that went out (IN_TRANSIT, PROCESSED or
     * REJECTED) with a notification of change (C01 account number, C02 routing number, C03 both).
     * The counterparty takes the corrected data (ABA check digit, 4-17 digit account), as do its
     * originations not yet in a file; the notification is recorded with the data it replaced;
     * event `counterparties.noc.received`. Exactly once.
     * @throws DomainError not_found for an unknown or another tenant's origination; invalid for an
     *   entry not yet in a file, corrected data missing, not used by the code, unchanged or malformed.
     */
    async notifyChange(ctx: RequestContext, id: string, input: AchNotificationOfChangeInput): Promise<AchNotificationOfChange> {
      return exactlyOnce(db, ctx, async (tx) => {
        const found = isUuid(id) ? await repo.lockOrigination(tx, ctx.tenantId, id) : undefined;
        if (!found) throw AchErrors.originationNotFound();
        if (found.achFileId === null) throw AchErrors.notNotifiable(found.status);
        const correction = checkCorrection(found, input);
        const corrected = await counterparties.correctBankAccount(tx, ctx, found.counterpartyId, correction);
        await repo.correctPendingReceivers(tx, ctx.tenantId, corrected.id, corrected.routingNumber!, corrected.accountNumber!);
        const notification: AchNotificationOfChange = {
          id: newId(), originationId: found.id, counterpartyId: corrected.id, changeCode: input.changeCode,
          previousRoutingNumber: found.receiverRoutingNumber, previousAccountNumber: found.receiverAccountNumber,
          correctedRoutingNumber: corrected.routingNumber!, correctedAccountNumber: corrected.accountNumber!, timeReceived: ctx.now,
        };
        await repo.insertNotificationOfChange(tx, ctx.tenantId, notification);
        await emitEvents(tx, [{
          partnerId: ctx.tenantId, eventType: 'counterparties.noc.received', objectType: 'Counterparty', objectId: corrected.id,
          customerId: corrected.customerId, payload: { counterparty_id: corrected.id, transfer_id: found.id, change_code: input.changeCode }, occurredAt: ctx.now,
        }]);
        return notification;
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
        // Sandbox failure scenarios (docs/SANDBOX.md): a forced return is planned in this transaction.
        await deps.scenarios?.originated(tx, ctx, {
          originationId: id, counterpartyId: counterparty.id, nameOnAccount: counterparty.nameOnAccount, direction: input.direction,
          amountCents: input.amountCents, settlementDate: origination.settlementDate,
        });
        return origination;
      });
    },

    /**
     * The rail's invariant, for tests and operators: money in flight equals the pending entries.
     * Each PENDING or IN_TRANSIT origination's amount is what its pending entry moves, and each
     * counterparty's micro-entries in transit are what theirs move; no other pending entry of the
     * rail exists. @returns the mismatches as sentences (empty when sound).
     */
    async checkInvariants(q: Queryable, tenantId: string): Promise<string[]> {
      const flight = await repo.inFlight(q, tenantId);
      return [
        ...(await checkInFlight(q, tenantId, 'AchOrigination', flight.AchOrigination)),
        ...(await checkInFlight(q, tenantId, 'Counterparty', flight.Counterparty)),
      ];
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

    /** A page of the tenant's NACHA files (only those of `direction` when given), newest first. */
    async listFiles(ctx: RequestContext, page: PageRequest, direction?: AchFileDirection): Promise<CursorList<AchFile>> {
      checkCursor(page);
      const rows = await repo.listFiles(db, ctx.tenantId, page, direction);
      return cursorList(page, rows, (f) => [f.createdAt.toISOString(), f.id], (f) => f);
    },

    /** The file and its exact text. @throws DomainError not_found for an unknown or another tenant's file. */
    async getFile(ctx: RequestContext, id: string): Promise<{ file: AchFile; content: string }> {
      const found = isUuid(id) ? await repo.findFile(db, ctx.tenantId, id) : undefined;
      if (!found) throw AchErrors.fileNotFound();
      if (found.file.direction === 'RECEIVED') return { file: found.file, content: await receivedFileText(db, ctx.tenantId, found.file) };
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
