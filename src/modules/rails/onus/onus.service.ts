import type { Movements, MovementPocket } from '../../movements/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Db, Tx } from '../../../platform/db/index.ts';
import { exactlyOnceEager, exactlyOnceEagerIn } from '../../../platform/exactly-once.ts';
import { together } from '../../../platform/together.ts';
import { newId } from '../../../platform/ids.ts';
import type { AmountType, OnUsTransfer, OnUsTransferType } from './onus.domain.ts';
import { OnUsErrors } from './onus.errors.ts';
import * as repo from './onus.repo.ts';

export type TransferAmount = { readonly type: 'REQUESTED_AMOUNT'; readonly amountCents: bigint } | { readonly type: 'FULL_WITHDRAWAL' };

/** An on-us transfer request (Jiko's OnUsTransferDetailsRequest in domain terms). */
export interface OnUsTransferInput {
  readonly type: OnUsTransferType;
  readonly fromPocketId: string;
  readonly toPocketId: string;
  readonly amount: TransferAmount | undefined;
  /** The client's id of the transfer: a repeat with the same request returns the existing transfer. */
  readonly transferId?: string | undefined;
  readonly description?: string | undefined;
  readonly source?: string | undefined;
  readonly target?: string | undefined;
}

/** True when `existing` records the same request as `input` (a repeated transfer_id). */
function sameRequest(existing: OnUsTransfer, input: OnUsTransferInput): boolean {
  const amount = input.amount;
  return (
    existing.type === input.type &&
    existing.fromPocketId === input.fromPocketId &&
    existing.toPocketId === input.toPocketId &&
    amount !== undefined &&
    existing.amountType === amount.type &&
    existing.requestedAmountCents === (amount.type === 'REQUESTED_AMOUNT' ? amount.amountCents : null) &&
    existing.description === (input.description ?? null) &&
    existing.source === (input.source ?? null) &&
    existing.target === (input.target ?? null)
  );
}

/** The pocket rules of each transfer type (Jiko: funding from, defunding to, the partner funding pocket). */
function checkPockets(type: OnUsTransferType, from: MovementPocket, to: MovementPocket): void {
  const funding = (p: MovementPocket) => p.type === 'PARTNER_FUNDING';
  if (type === 'PARTNER_CUSTOMER_FUNDING') {
    if (!funding(from)) throw OnUsErrors.wrongPocket('fromPocket', 'must be the partner funding pocket');
    if (funding(to)) throw OnUsErrors.wrongPocket('toPocket', 'must be a customer pocket');
  } else if (type === 'PARTNER_CUSTOMER_DEFUNDING') {
    if (funding(from)) throw OnUsErrors.wrongPocket('fromPocket', 'must be a customer pocket');
    if (!funding(to)) throw OnUsErrors.wrongPocket('toPocket', 'must be the partner funding pocket');
  } else {
    if (funding(from) || funding(to)) throw OnUsErrors.wrongPocket('fromPocket', 'must be customer pockets');
    if (from.customerId !== to.customerId) throw OnUsErrors.otherCustomer();
  }
  if (from.status !== 'OPEN') throw OnUsErrors.notOpen('fromPocket');
  if (to.status !== 'OPEN') throw OnUsErrors.notOpen('toPocket');
}

/**
 * The on-us rail: book transfers between pockets of one tenant, carried out at once on the
 * movements primitive (the source sells bills when its cash falls short; the target invests, or
 * waits for a business day). Rules: docs/ENGINE.md.
 */
export function createOnUsRail(deps: { db: Db; movements: Movements }) {
  const { db, movements } = deps;

  /** Validates the request's shape rules (before any lock). */
  function checkInput(input: OnUsTransferInput): TransferAmount {
    if (!input.amount) throw OnUsErrors.amountMissing();
    if (input.type === 'PARTNER_CUSTOMER_FUNDING' && input.amount.type === 'FULL_WITHDRAWAL') throw OnUsErrors.fullWithdrawalNotAllowed();
    if (input.type === 'PARTNER_CUSTOMER_FUNDING' && !input.source) throw OnUsErrors.fieldRequired('source');
    if (input.type === 'PARTNER_CUSTOMER_DEFUNDING' && !input.target) throw OnUsErrors.fieldRequired('target');
    if (input.fromPocketId === input.toPocketId) throw OnUsErrors.samePocket();
    return input.amount;
  }

  /**
   * Carries out a transfer: sells, moves, invests, completes or rejects. Its row is already
   * recorded PENDING, or, with `own` (a transfer without a client transfer_id), is written here
   * once in its final state.
   */
  async function carryOut(tx: Tx, ctx: RequestContext, input: OnUsTransferInput, amount: TransferAmount, id: string, m: Awaited<ReturnType<Movements['begin']>>, own?: Parameters<typeof repo.insertOwnOnUsTransfer>[1]): Promise<{ status: 'COMPLETED' | 'REJECTED'; amountCents: bigint | null }> {
    const from = m.pockets.get(input.fromPocketId)!;
    const to = m.pockets.get(input.toPocketId)!;
    // The transfer is new in this transaction, and its events travel together at commit.
    const event = (eventType: string, payload: Record<string, unknown>, customerId: string | null) =>
      movements.event(m, { eventType, objectType: 'OnUsTransfer', objectId: id, customerId, payload, newObject: true } as never);
    const payload = { on_us_id: id, origin_account_id: from.id, destination_account_id: to.id };
    event('transfers.on-us.processing', payload, from.customerId ?? to.customerId);
    const cash = await movements.raiseCash(tx, m, from, amount.type === 'REQUESTED_AMOUNT' ? amount.amountCents : undefined, id);
    if (cash === undefined || cash === 0n) {
      if (own) repo.insertOwnOnUsTransfer(tx, own, { status: 'REJECTED', amountCents: null, reason: 'INSUFFICIENT_FUNDS' });
      else repo.rejectOnUsTransfer(tx, id, 'INSUFFICIENT_FUNDS', ctx.now);
      event('transfers.on-us.rejected', payload, from.customerId ?? to.customerId);
      return { status: 'REJECTED', amountCents: null };
    }
    const movedCents = amount.type === 'REQUESTED_AMOUNT' ? amount.amountCents : cash;
    const title = input.type === 'PARTNER_CUSTOMER_FUNDING' ? input.source! : input.type === 'PARTNER_CUSTOMER_DEFUNDING' ? input.target! : 'Internal reallocation';
    const creditId = movements.onUs(m, from, to, movedCents, { type: 'ON_US', description: input.description ?? 'On-us transfer', title, onUsTransferId: id, referenceId: id });
    movements.invest(m, to, id);
    if (own) repo.insertOwnOnUsTransfer(tx, own, { status: 'COMPLETED', amountCents: movedCents, reason: null });
    else repo.completeOnUsTransfer(tx, id, movedCents, ctx.now);
    event('transfers.on-us.success', payload, from.customerId ?? to.customerId);
    // The receiving side's notice, in the Customer API's payload shape.
    event('transfers.on-us.received', { on_us_id: id, transaction_activity_id: creditId, receiving_pocket_id: to.id }, to.customerId ?? from.customerId);
    return { status: 'COMPLETED', amountCents: movedCents };
  }

  /**
   * Creates and carries out a transfer in `tx` (the claim of its key travels beside it: see
   * create). A repeated `transferId` with the same request returns the existing transfer.
   */
  async function carryOutNew(tx: Tx, ctx: RequestContext, input: OnUsTransferInput, amount: TransferAmount): Promise<OnUsTransfer> {
    const repeated = input.transferId ? await repo.findOnUsTransfer(tx, ctx.tenantId, input.transferId) : undefined;
    if (repeated) {
      if (!sameRequest(repeated, input)) throw OnUsErrors.transferIdReused();
      return repeated;
    }
    // The source's lots come with the locks: it sells when its cash falls short.
    const m = await movements.begin(tx, ctx, [input.fromPocketId, input.toPocketId], { lotsOf: [input.fromPocketId] });
    const from = m.pockets.get(input.fromPocketId);
    const to = m.pockets.get(input.toPocketId);
    if (!from || !to) throw OnUsErrors.notFound();
    checkPockets(input.type, from, to);
    const id = newId();
    const record = {
      id, partnerId: ctx.tenantId, transferId: input.transferId ?? id, type: input.type, fromPocketId: from.id, toPocketId: to.id,
      amountType: amount.type as AmountType, requestedAmountCents: amount.type === 'REQUESTED_AMOUNT' ? amount.amountCents : null,
      description: input.description ?? null, source: input.source ?? null, target: input.target ?? null, at: ctx.now,
    };
    // Without a client transfer_id the transfer's own fresh id is its transfer_id: nothing can
    // conflict with it, so its row is written once, in its final state, with the other writes.
    const own = input.transferId ? undefined : record;
    if (!own && !(await repo.insertOnUsTransfer(tx, record))) {
      const existing = (await repo.findOnUsTransfer(tx, ctx.tenantId, record.transferId))!;
      if (!sameRequest(existing, input)) throw OnUsErrors.transferIdReused();
      return existing;
    }
    const outcome = await carryOut(tx, ctx, input, amount, id, m, own);
    await movements.commit(tx, m);
    return {
      id, partnerId: ctx.tenantId, transferId: record.transferId, type: input.type, status: outcome.status,
      reason: outcome.status === 'REJECTED' ? 'INSUFFICIENT_FUNDS' : null, fromPocketId: from.id, toPocketId: to.id,
      amountType: amount.type, requestedAmountCents: record.requestedAmountCents, amountCents: outcome.amountCents,
      description: record.description, source: record.source, target: record.target, createdAt: ctx.now, completedAt: ctx.now,
    } satisfies OnUsTransfer;
  }

  /** Transfers of one tenant carried out together; two that share a pocket never share a transaction. */
  const concurrent = together<OnUsTransferInput>(db, (a, b) => a.fromPocketId === b.fromPocketId || a.fromPocketId === b.toPocketId || a.toPocketId === b.fromPocketId || a.toPocketId === b.toPocketId);

  return {
    /**
     * Creates an on-us transfer and carries it out at once. A repeated `transferId` with the same
     * request returns the existing transfer; with a different request it is refused. Insufficient
     * value gives a REJECTED transfer (reason INSUFFICIENT_FUNDS) with nothing moved.
     * @throws DomainError not_found for unknown pockets; invalid for the same pocket twice, a pocket
     *   not open, pockets that do not fit the type, FULL_WITHDRAWAL with funding, a missing
     *   source/target, a reused transferId.
     */
    async create(ctx: RequestContext, input: OnUsTransferInput): Promise<OnUsTransfer> {
      const amount = checkInput(input);
      // Everything before the claim is known stays in the transaction: the claim travels with the locks.
      const transfer = (tx: Tx) => carryOutNew(tx, ctx, input, amount);
      const alone = () => exactlyOnceEager(db, ctx, transfer);
      // A keyed transfer without a client transfer_id may share its transaction with the tenant's
      // other transfers in flight (platform/together.ts); one with a transfer_id reads and writes
      // its row at once, and runs alone.
      if (!ctx.idempotency || input.transferId) return alone();
      return concurrent.run(ctx.tenantId, input, (tx) => exactlyOnceEagerIn(tx, ctx, transfer), alone);
    },

    /** @throws DomainError not_found for an unknown or another tenant's transfer. */
    async get(ctx: RequestContext, idOrTransferId: string): Promise<OnUsTransfer> {
      const transfer = await repo.findOnUsTransfer(db, ctx.tenantId, idOrTransferId);
      if (!transfer) throw OnUsErrors.notFound();
      return transfer;
    },
  };
}

export type OnUsRail = ReturnType<typeof createOnUsRail>;
