import type { MovementPocket, Movement, Movements } from '../../movements/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import type { WireReturnReason } from './pacs004.ts';
import type { Wire } from './wire.domain.ts';
import { WireErrors } from './wire.errors.ts';
import * as repo from './wire.repo.ts';

/**
 * How the wire rail asks for the sandbox's failure scenarios (docs/SANDBOX.md). The rail declares
 * the interface and never imports the sandbox; services.ts passes the sandbox's implementation in
 * sandbox mode only.
 */

/** An outgoing wire being created, as a scenario matches it. Amounts in cents. */
export interface WireScenarioWire {
  readonly counterpartyId: string;
  readonly nameOnAccount: string;
  readonly amountCents: bigint;
}

export interface WireScenarioSource {
  /**
   * True when the wire is to be rejected; called in the transaction that creates it, where a
   * one-shot rule that matches is spent.
   */
  rejects(tx: Tx, ctx: RequestContext, wire: WireScenarioWire): Promise<boolean>;
}

/** The ISO return reason a scenario's rejection records: invalid creditor account number. */
export const WIRE_SCENARIO_REJECT_REASON: WireReturnReason = 'AC03';

/**
 * A wire the beneficiary's bank rejects at once (sandbox scenario): recorded REJECTED with
 * WIRE_SCENARIO_REJECT_REASON, nothing held or posted, no fee, no pacs.008 kept; the cash the
 * pocket raised for it is invested again; `transfers.wire.out.rejected`. Commits the movement.
 * @throws DomainError invalid when a concurrent request took the wire's `wire_id` first.
 */
export async function rejectAtOnce(tx: Tx, ctx: RequestContext, movements: Movements, m: Movement, pocket: MovementPocket, draft: Wire): Promise<Wire> {
  const wire: Wire = { ...draft, status: 'REJECTED', feeCents: 0n, holdEntryId: null, returnReason: WIRE_SCENARIO_REJECT_REASON, sentAt: null, completedAt: ctx.now };
  if (!(await repo.insertWire(tx, wire, null))) throw WireErrors.wireIdReused();
  repo.rejectWire(tx, ctx.tenantId, wire.id, WIRE_SCENARIO_REJECT_REASON, null, ctx.now);
  if (pocket.status === 'OPEN') movements.invest(m, pocket, null);
  movements.event(m, {
    eventType: 'transfers.wire.out.rejected', objectType: 'Wire', objectId: wire.id, customerId: wire.customerId,
    payload: { jiko_account_id: wire.pocketId, wire_id: wire.wireId },
  });
  await movements.commit(tx, m);
  return wire;
}
