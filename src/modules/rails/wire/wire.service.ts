import { randomUUID } from 'node:crypto';
import type { Counterparty, CounterpartiesService } from '../../counterparties/index.ts';
import { emitEvents } from '../../events/index.ts';
import { checkInFlight, settleEntries } from '../../ledger/index.ts';
import type { Movement, MovementPocket, Movements } from '../../movements/index.ts';
import { type Customer, findCustomer } from '../../onboarding/index.ts';
import { PORTAL_BANK_NAME, type Portal, findPortal, listPortals } from '../portal/index.ts';
import type { ScheduledTask } from '../../scheduler/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Db, Queryable, Tx } from '../../../platform/db/index.ts';
import { exactlyOnce } from '../../../platform/exactly-once.ts';
import { type CursorList, type PageRequest, cursorList } from '../../../platform/http/index.ts';
import { isUuid, newId } from '../../../platform/ids.ts';
import { marketDate } from '../../../platform/clock.ts';
import type { WireAccount, WireAgent, WireParty } from './iso20022.domain.ts';
import { type WireReturnReason, buildPacs004 } from './pacs004.ts';
import { type OutgoingWire, buildPacs008 } from './pacs008.ts';
import { WIRE_SEND_AT_MINUTES, WIRE_SETTLE_AT_MINUTES, type Wire, type WireCalendar, wireDate } from './wire.domain.ts';
import { WireErrors } from './wire.errors.ts';
import * as repo from './wire.repo.ts';
import { type WireScenarioSource, rejectAtOnce } from './wire.scenarios.ts';

/** An outgoing wire request (Jiko's WireRequest in domain terms). Amounts in cents. */
export interface OutgoingWireInput {
  readonly counterpartyId: string;
  readonly amountCents: bigint | undefined;
  readonly description?: string | undefined;
  readonly createdBy?: string | undefined;
  /** The client's id: a repeat with the same request returns the existing wire. */
  readonly wireId?: string | undefined;
}

/** A simulated incoming wire (sandbox): to the pocket's portal `portalId`, else its open portal. Amounts in cents. */
export interface IncomingWireInput {
  readonly pocketId: string;
  readonly portalId?: string | undefined;
  readonly amountCents: bigint;
  /** The originator's name, shown as the wire's description. */
  readonly senderName?: string | undefined;
}

/** Wires the scheduler task sends per business day and tenant, at most (the rest wait for the next run). */
export const WIRES_PER_RUN_MAX = 1_000;

/** True when `w` records the same request as `input` on `pocketId` (a repeated wire_id). */
function sameRequest(w: Wire, pocketId: string, input: OutgoingWireInput): boolean {
  return (
    w.direction === 'OUTGOING' && w.pocketId === pocketId && w.counterpartyId === input.counterpartyId && w.amountCents === input.amountCents &&
    w.description === (input.description ?? null) && w.createdBy === (input.createdBy ?? null)
  );
}

/** The name a bank shows for the pocket's owner. */
function debtorName(customer: Customer | undefined): string {
  if (!customer) return 'Partner funding account';
  return customer.type === 'BUSINESS' ? customer.name : [customer.firstName, customer.middleName, customer.lastName].filter(Boolean).join(' ');
}

/** The creditor side of a wire to `c`: its bank (ABA or BIC), its name and address, its account (IBAN or number). */
function creditorOf(c: Counterparty): { agent: WireAgent; party: WireParty; account: WireAccount } {
  const agent: WireAgent = c.type === 'international_wire'
    ? { kind: 'bic', bic: c.bic ?? '', ...(c.institutionName ? { name: c.institutionName } : {}) }
    : { kind: 'aba', routingNumber: c.routingNumber ?? '', ...(c.institutionName ? { name: c.institutionName } : {}) };
  const number = (c.identifier ?? c.accountNumber ?? '').replace(/\s+/g, '');
  const account: WireAccount = c.identifierType === 'IBAN' ? { kind: 'iban', iban: number.toUpperCase() } : { kind: 'other', id: number };
  const a = c.address;
  const party: WireParty = {
    name: c.nameOnAccount,
    ...(a ? { postalAddress: { streetName: a.street_address, postCode: a.postal_code, townName: a.city, ...(a.state ? { countrySubDivision: a.state } : {}), country: a.country } } : {}),
  };
  return { agent, party, account };
}

/**
 * The wire rail: outgoing wires from a pocket to a LINKED wire or international_wire counterparty,
 * on Fedwire's hours (wire.domain.ts), each with its ISO 20022 pacs.008.001.08 message and a fee
 * per wire (config `wireFeeCents`) posted to the tenant's fee income. Money path (docs/WIRES.md):
 * at request the pocket sells bills as needed and sweeps amount + fee to its bank cash, where a
 * WIRE_OUT entry to wire_clearing (amount) and fee_income (fee) holds it; the entry is posted
 * when the wire is sent and settles (at once before the cut-off, else by the `wire.send` task).
 */
export function createWireRail(deps: {
  db: Db;
  movements: Movements;
  counterparties: Pick<CounterpartiesService, 'usable' | 'get' | 'find'>;
  calendar: WireCalendar;
  feeCents: bigint;
  /** The sandbox's failure scenarios (sandbox mode only; docs/SANDBOX.md). */
  scenarios?: WireScenarioSource | undefined;
}) {
  const { db, movements, counterparties, calendar, feeCents } = deps;

  /** A wire as its pacs.008 describes it: the pocket's first portal as debtor account, the counterparty as creditor. */
  async function outgoingOf(q: Queryable, ctx: RequestContext, w: Wire, pocket: Pick<MovementPocket, 'id' | 'customerId'>, c: Counterparty): Promise<OutgoingWire> {
    const portals = await listPortals(q, ctx.tenantId, pocket.id);
    const portal: Portal | undefined = portals.find((p) => p.status === 'OPEN') ?? portals[0];
    if (!portal) throw WireErrors.noPortal();
    const customer = pocket.customerId ? await findCustomer(q, ctx.tenantId, pocket.customerId) : undefined;
    const creditor = creditorOf(c);
    const compactId = w.id.replace(/-/g, '');
    return {
      uetr: w.uetr,
      messageId: `${w.settlementDate.replace(/-/g, '')}POCKETBOOK${compactId.slice(0, 16)}`,
      instructionId: `PB${compactId}`,
      createdAt: w.createdAt,
      settlementDate: w.settlementDate,
      amountCents: w.amountCents,
      chargeBearer: c.type === 'international_wire' ? 'SHAR' : 'SLEV',
      debtor: { name: debtorName(customer) },
      debtorAccount: { kind: 'other', id: portal.accountNumber },
      debtorAgent: { kind: 'aba', routingNumber: portal.routingNumber, name: PORTAL_BANK_NAME },
      creditorAgent: creditor.agent,
      creditor: creditor.party,
      creditorAccount: creditor.account,
      ...(w.description ? { remittanceInformation: w.description } : {}),
    };
  }

  /**
   * The bank transactions of a settled outgoing wire (Jiko's WIRE and WIRE_FEE), booked when its
   * entry posts: the amount and, when there is one, the fee, both out of the pocket.
   */
  function recordOutgoing(m: Movement, pocket: MovementPocket, w: Wire, counterpartyName: string): void {
    const wire = { wireId: w.wireId, counterpartyName, referenceNumber: w.uetr };
    movements.record(m, pocket, 'DEBIT', w.amountCents, { type: 'WIRE', description: 'Wire Transfer Out', title: counterpartyName, wire }, w.holdEntryId!);
    if (w.feeCents > 0n) movements.record(m, pocket, 'DEBIT', w.feeCents, { type: 'WIRE_FEE', description: 'Wire Transfer Fee', title: counterpartyName, wire }, w.holdEntryId!);
  }

  /** Holds (or, sent now, posts) amount + fee: sweep to bank cash, then WIRE_OUT to wire_clearing and fee_income. */
  function book(m: Movement, pocket: MovementPocket, w: Wire, sendNow: boolean): string {
    const total = w.amountCents + w.feeCents;
    const common = { referenceType: 'Wire', referenceId: w.id, occurredAt: m.time.at, bookDate: m.time.bookDate };
    m.work.post({ ...common, entryType: 'SWEEP', description: 'Sweep brokerage to bank', postings: [
      { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: -total },
      { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: total },
    ] });
    return m.work.post({ ...common, status: sendNow ? 'posted' : 'pending', entryType: 'WIRE_OUT', description: `Wire out ${w.wireId}`, postings: [
      { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -total },
      { account: { system: 'wire_clearing' }, amountCents: w.amountCents },
      ...(w.feeCents > 0n ? [{ account: { system: 'fee_income' as const }, amountCents: w.feeCents }] : []),
    ] });
  }

  /**
   * Gives a rejected or returned wire's money back to its pocket: a wire never sent voids its hold
   * (amount and fee); a sent one comes back from wire_clearing (the amount; the fee of a sent wire
   * is kept). Either way the money is swept to brokerage cash and invested.
   */
  async function giveBack(tx: Tx, ctx: RequestContext, m: Movement, pocket: MovementPocket, w: Wire, counterpartyName: string): Promise<void> {
    const common = { referenceType: 'Wire', referenceId: w.id, occurredAt: m.time.at, bookDate: m.time.bookDate };
    let backCents = w.amountCents;
    // Sent but not settled yet: the wire went out, so its entry posts before the money comes back.
    if (w.status === 'PROCESSING') await settleEntries(tx, ctx.tenantId, [w.holdEntryId!], 'posted', ctx.now);
    if (w.status === 'PENDING') {
      await settleEntries(tx, ctx.tenantId, [w.holdEntryId!], 'voided', ctx.now);
      backCents = w.amountCents + w.feeCents;
    } else {
      const entryId = m.work.post({ ...common, entryType: 'WIRE_IN', description: `Wire ${w.wireId} returned`, postings: [
        { account: { system: 'wire_clearing' }, amountCents: -w.amountCents },
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: w.amountCents },
      ] });
      movements.record(m, pocket, 'CREDIT', w.amountCents, {
        type: 'WIRE', description: 'Wire Transfer Returned', title: counterpartyName, wire: { wireId: w.wireId, counterpartyName, referenceNumber: w.uetr },
      }, entryId);
    }
    m.work.post({ ...common, entryType: 'SWEEP', description: 'Sweep bank to brokerage', postings: [
      { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -backCents },
      { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: backCents },
    ] });
    movements.invest(m, pocket, null);
  }

  /** Checks the pocket and counterparty under the pocket's lock; raises the cash. @returns the locked pocket. */
  async function prepare(tx: Tx, m: Movement, pocketId: string, c: Counterparty, total: bigint): Promise<MovementPocket> {
    const pocket = m.pockets.get(pocketId);
    if (!pocket) throw WireErrors.pocketNotFound();
    if (pocket.status !== 'OPEN') throw WireErrors.pocketNotOpen();
    if (c.customerId !== null && c.customerId !== pocket.customerId) throw WireErrors.otherCustomer();
    const cash = await movements.raiseCash(tx, m, pocket, total, null);
    if (cash === undefined || cash < total) throw WireErrors.insufficientFunds(total);
    return pocket;
  }

  return {
    /**
     * Creates an outgoing wire from pocket `pocketId`. Before the cut-off of a business day it is
     * sent and settles at once (COMPLETED, events processing then success); otherwise it is held,
     * PENDING, until its business day's `wire.send` run. A repeated `wireId` with the same request
     * returns the existing wire; with another request it is refused.
     * @throws DomainError not_found for an unknown pocket or counterparty (or another tenant's);
     *   invalid (422) for a missing amount, a counterparty not LINKED or not a wire one, or another
     *   customer's, a pocket not open, too little cash and bills for amount + fee, text a wire cannot
     *   carry, a reused wireId.
     */
    async create(ctx: RequestContext, pocketId: string, input: OutgoingWireInput): Promise<Wire> {
      const amountCents = input.amountCents;
      if (amountCents === undefined) throw WireErrors.amountMissing();
      if (!isUuid(pocketId)) throw WireErrors.pocketNotFound();
      return exactlyOnce(db, ctx, async (tx) => {
        const repeated = input.wireId ? await repo.findWire(tx, ctx.tenantId, input.wireId) : undefined;
        if (repeated && repeated.wireId === input.wireId) {
          if (!sameRequest(repeated, pocketId, input)) throw WireErrors.wireIdReused();
          return repeated;
        }
        const c = await counterparties.usable(tx, ctx, input.counterpartyId, 'wire');
        const m = await movements.begin(tx, ctx, [pocketId]);
        const pocket = await prepare(tx, m, pocketId, c, amountCents + feeCents);
        const when = wireDate(ctx.now, calendar);
        const id = newId();
        const draft: Wire = {
          id, partnerId: ctx.tenantId, wireId: input.wireId ?? id, direction: 'OUTGOING', status: when.now ? 'COMPLETED' : 'PENDING', pocketId,
          customerId: pocket.customerId, counterpartyId: c.id, amountCents, feeCents, description: input.description ?? null,
          createdBy: input.createdBy ?? null, uetr: randomUUID(), settlementDate: when.date, holdEntryId: null, returnReason: null, createdAt: ctx.now,
          sentAt: when.now ? ctx.now : null, completedAt: when.now ? ctx.now : null,
        };
        // Sandbox failure scenarios (docs/SANDBOX.md): the beneficiary's bank rejects the wire at once.
        if (await deps.scenarios?.rejects(tx, ctx, { counterpartyId: c.id, nameOnAccount: c.nameOnAccount, amountCents })) {
          return rejectAtOnce(tx, ctx, movements, m, pocket, draft);
        }
        const xml = buildPacs008(await outgoingOf(tx, ctx, draft, pocket, c));
        const entryId = book(m, pocket, draft, when.now);
        const wire: Wire = { ...draft, holdEntryId: entryId };
        if (!(await repo.insertWire(tx, wire, xml))) {
          // A concurrent request with this wire_id committed first; this one's movement is dropped.
          const existing = (await repo.findWire(tx, ctx.tenantId, wire.wireId))!;
          if (!sameRequest(existing, pocketId, input)) throw WireErrors.wireIdReused();
          return existing;
        }
        if (when.now) {
          recordOutgoing(m, pocket, wire, c.nameOnAccount);
          const payload = { jiko_account_id: pocketId, wire_id: wire.wireId };
          for (const eventType of ['transfers.wire.out.processing', 'transfers.wire.out.success'] as const) {
            movements.event(m, { eventType, objectType: 'Wire', objectId: id, customerId: pocket.customerId, payload });
          }
        }
        await movements.commit(tx, m);
        return wire;
      });
    },

    /**
     * Sandbox: a wire received through one of the pocket's portals. Through an OPEN portal it is
     * credited at once from wire_clearing to the pocket (WIRE_IN, then swept to brokerage cash),
     * invested (or left waiting for a business day), COMPLETED, `transfers.wire.in.success`; through
     * a CLOSED one it is sent back before it is credited: REJECTED, `transfers.wire.in.rejected`,
     * nothing booked.
     * @throws DomainError not_found for an unknown pocket or a portal not the pocket's; invalid for a pocket not open.
     */
    async receive(ctx: RequestContext, input: IncomingWireInput): Promise<Wire> {
      if (!isUuid(input.pocketId)) throw WireErrors.pocketNotFound();
      return exactlyOnce(db, ctx, async (tx) => {
        const m = await movements.begin(tx, ctx, [input.pocketId]);
        const pocket = m.pockets.get(input.pocketId);
        if (!pocket) throw WireErrors.pocketNotFound();
        if (pocket.status !== 'OPEN') throw WireErrors.pocketNotOpen();
        const portal = input.portalId
          ? await findPortal(tx, ctx.tenantId, input.portalId)
          : (await listPortals(tx, ctx.tenantId, pocket.id)).find((p) => p.status === 'OPEN');
        if (!portal || portal.pocketId !== pocket.id) throw WireErrors.portalNotFound();
        const id = newId();
        const accepted = portal.status === 'OPEN';
        const wire: Wire = {
          id, partnerId: ctx.tenantId, wireId: id, direction: 'INCOMING', status: accepted ? 'COMPLETED' : 'REJECTED', pocketId: pocket.id,
          customerId: pocket.customerId, counterpartyId: null, amountCents: input.amountCents, feeCents: 0n, description: input.senderName ?? null,
          createdBy: null, uetr: randomUUID(), settlementDate: m.time.bookDate, holdEntryId: null, returnReason: null, createdAt: ctx.now, sentAt: ctx.now, completedAt: ctx.now,
        };
        if (accepted) {
          const common = { referenceType: 'Wire', referenceId: id, occurredAt: m.time.at, bookDate: m.time.bookDate };
          const entryId = m.work.post({ ...common, entryType: 'WIRE_IN', description: `Wire in from ${input.senderName ?? 'sender'}`, postings: [
            { account: { system: 'wire_clearing' }, amountCents: -input.amountCents },
            { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: input.amountCents },
          ] });
          const sender = input.senderName ?? 'Wire sender';
          movements.record(m, pocket, 'CREDIT', input.amountCents, {
            type: 'WIRE', description: 'Wire Transfer In', title: sender, portalId: portal.id, wire: { wireId: id, counterpartyName: sender, referenceNumber: wire.uetr },
          }, entryId);
          m.work.post({ ...common, entryType: 'SWEEP', description: 'Sweep bank to brokerage', postings: [
            { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -input.amountCents },
            { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: input.amountCents },
          ] });
          movements.invest(m, pocket, null);
        }
        await repo.insertWire(tx, wire, null);
        const eventType = accepted ? 'transfers.wire.in.success' : 'transfers.wire.in.rejected';
        movements.event(m, { eventType, objectType: 'Wire', objectId: id, customerId: pocket.customerId, payload: { jiko_account_id: pocket.id, wire_id: id } });
        await movements.commit(tx, m);
        return wire;
      });
    },

    /**
     * Sandbox: the outgoing wire is rejected. A wire still PENDING was never sent: its hold is
     * voided, amount and fee go back to the pocket. A sent (PROCESSING or COMPLETED) wire comes back from the
     * beneficiary's bank as a pacs.004.001.10 with ISO return reason `reason`: the amount goes back
     * to the pocket, the fee is kept. Either way the wire is REJECTED (`transfers.wire.out.rejected`)
     * and the money invested again. A wire already REJECTED is returned as it is.
     * @throws DomainError not_found for an unknown wire, another tenant's or an incoming one.
     */
    async returnWire(ctx: RequestContext, idOrWireId: string, reason: WireReturnReason): Promise<Wire> {
      const found = isUuid(idOrWireId) ? await repo.findWire(db, ctx.tenantId, idOrWireId) : undefined;
      if (!found || found.direction !== 'OUTGOING') throw WireErrors.notFound();
      // Read before the transaction: the counterparties service reads through its own connection.
      const counterparty = await counterparties.get(ctx, found.counterpartyId!);
      return exactlyOnce(db, ctx, async (tx) => {
        // The wire row first, then its pocket: the order of the wire.send run.
        const w = (await repo.lockWire(tx, ctx.tenantId, found.id))!;
        if (w.status === 'REJECTED') return w;
        const m = await movements.begin(tx, ctx, [w.pocketId]);
        const pocket = m.pockets.get(w.pocketId)!;
        let pacs004: string | null = null;
        if (w.status !== 'PENDING') {
          const original = await outgoingOf(tx, ctx, w, pocket, counterparty);
          const compactId = w.id.replace(/-/g, '');
          pacs004 = buildPacs004({
            original, messageId: `${marketDate(ctx.now).replace(/-/g, '')}POCKETBOOKR${compactId.slice(0, 15)}`, returnId: `PBR${compactId}`,
            createdAt: ctx.now, settlementDate: wireDate(ctx.now, calendar).date, reason,
          });
        }
        // A PROCESSING wire's money leaves the pocket's bank side as it settles, then comes back.
        if (w.status === 'PROCESSING') recordOutgoing(m, pocket, w, counterparty.nameOnAccount);
        await giveBack(tx, ctx, m, pocket, w, counterparty.nameOnAccount);
        repo.rejectWire(tx, ctx.tenantId, w.id, reason, pacs004, ctx.now);
        movements.event(m, { eventType: 'transfers.wire.out.rejected', objectType: 'Wire', objectId: w.id, customerId: w.customerId, payload: { jiko_account_id: w.pocketId, wire_id: w.wireId } });
        await movements.commit(tx, m);
        return { ...w, status: 'REJECTED', returnReason: reason, completedAt: ctx.now };
      });
    },

    /** The pacs.004.001.10 XML of a returned wire. @throws DomainError not_found for an unknown wire or one not returned after it was sent. */
    async pacs004(ctx: RequestContext, idOrWireId: string): Promise<string> {
      const xml = isUuid(idOrWireId) ? await repo.findPacs004(db, ctx.tenantId, idOrWireId) : undefined;
      if (xml === undefined) throw WireErrors.messageNotFound();
      return xml;
    },

    /**
     * The rail's invariant, for tests and operators: money in flight equals the pending entries
     * (amount + fee of each PENDING or PROCESSING outgoing wire is what its pending WIRE_OUT entry
     * moves). @returns the mismatches as sentences (empty when sound).
     */
    async checkInvariants(q: Queryable, tenantId: string): Promise<string[]> {
      return checkInFlight(q, tenantId, 'Wire', await repo.inFlight(q, tenantId));
    },

    /** @throws DomainError not_found for an unknown or another tenant's wire (by id or wire_id). */
    async get(ctx: RequestContext, idOrWireId: string): Promise<Wire> {
      const wire = isUuid(idOrWireId) ? await repo.findWire(db, ctx.tenantId, idOrWireId) : undefined;
      if (!wire) throw WireErrors.notFound();
      return wire;
    },

    /** The pacs.008.001.08 XML of a sent wire. @throws DomainError not_found for an unknown wire or one not sent yet. */
    async pacs008(ctx: RequestContext, idOrWireId: string): Promise<string> {
      const xml = isUuid(idOrWireId) ? await repo.findPacs008(db, ctx.tenantId, idOrWireId) : undefined;
      if (xml === undefined) throw WireErrors.messageNotFound();
      return xml;
    },

    /** A page of the tenant's wires, newest first. @throws DomainError invalid for a cursor not made by this list. */
    async list(ctx: RequestContext, filter: repo.WireFilter, page: PageRequest): Promise<CursorList<Wire>> {
      if (page.after !== undefined) {
        const [time, id, ...rest] = page.after;
        const valid = rest.length === 0 && typeof time === 'string' && !Number.isNaN(Date.parse(time)) && /^\d{4}-/.test(time) && typeof id === 'string' && isUuid(id);
        if (!valid) throw WireErrors.cursorInvalid();
      }
      const rows = await repo.listWires(db, ctx.tenantId, filter, page);
      return cursorList(page, rows, (w) => [w.createdAt.toISOString(), w.id], (w) => w);
    },

    /**
     * The scheduler task that sends the wires waiting for business day `date` (at the opening of
     * its Fedwire day, WIRE_SEND_AT_MINUTES): each goes PROCESSING with its `sent_at`, event
     * `transfers.wire.out.processing`; its hold stays pending until `wire.settle`.
     */
    task(): ScheduledTask {
      return {
        name: 'wire.send',
        atMinutes: WIRE_SEND_AT_MINUTES,
        async run(tx, ctx, date) {
          const due = await repo.lockDueWires(tx, ctx.tenantId, date, WIRES_PER_RUN_MAX);
          if (due.length === 0) return;
          repo.markWiresSent(tx, ctx.tenantId, due.map((w) => w.id), ctx.now);
          await emitEvents(tx, due.map((w) => ({
            partnerId: ctx.tenantId, eventType: 'transfers.wire.out.processing' as const, objectType: 'Wire' as const, objectId: w.id, customerId: w.customerId,
            payload: { jiko_account_id: w.pocketId, wire_id: w.wireId }, occurredAt: ctx.now,
          })));
        },
      };
    },

    /**
     * The scheduler task that settles the wires the `wire.send` run sent (WIRE_SETTLE_AT_MINUTES
     * of business day `date`): posts each hold (the fee reaches fee income), COMPLETED, event
     * `transfers.wire.out.success`.
     */
    settleTask(): ScheduledTask {
      return {
        name: 'wire.settle',
        atMinutes: WIRE_SETTLE_AT_MINUTES,
        async run(tx, ctx, date) {
          const due = await repo.lockDueWires(tx, ctx.tenantId, date, WIRES_PER_RUN_MAX, 'PROCESSING');
          if (due.length === 0) return;
          // The pockets' ledger rows change: lock the pockets first, in ascending id order.
          const m = await movements.begin(tx, ctx, [...new Set(due.map((w) => w.pocketId))].sort());
          await settleEntries(tx, ctx.tenantId, due.flatMap((w) => (w.holdEntryId ? [w.holdEntryId] : [])), 'posted', ctx.now);
          for (const w of due) recordOutgoing(m, m.pockets.get(w.pocketId)!, w, (await counterparties.find(tx, ctx, w.counterpartyId!)).nameOnAccount);
          await movements.commit(tx, m);
          repo.completeWires(tx, ctx.tenantId, due.map((w) => w.id), ctx.now);
          await emitEvents(tx, due.map((w) => ({
            partnerId: ctx.tenantId, eventType: 'transfers.wire.out.success' as const, objectType: 'Wire' as const, objectId: w.id, customerId: w.customerId,
            payload: { jiko_account_id: w.pocketId, wire_id: w.wireId }, occurredAt: ctx.now,
          })));
        },
      };
    },
  };
}

export type WireRail = ReturnType<typeof createWireRail>;
