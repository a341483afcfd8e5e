import type { RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { emitEvent } from '../events/index.ts';
import type { BusinessApplication } from './business.domain.ts';
import * as repo from './business.repo.ts';
import type { BusinessDecision } from './business.sandbox.ts';
import { DECISION_EVENT_TYPES } from './onboarding.domain.ts';

/** The object type of application events (individual and business alike, as Jiko's application.* events). */
const APPLICATION_OBJECT = 'Application';

/**
 * Records a decision on a business application in the caller's transaction, and emits its
 * `application.<status>` event there: APPROVED creates the business customer (account PENDING)
 * and activates the team; DOCUMENTS_NEEDED opens the decision's document requests.
 * @returns the new customer's id when approved.
 */
export async function recordBusinessDecision(
  tx: Tx,
  ctx: RequestContext,
  application: BusinessApplication,
  decision: BusinessDecision,
): Promise<string | undefined> {
  let customerId: string | undefined;
  if (decision.status === 'APPROVED') {
    customerId = newId();
    await repo.insertBusinessCustomer(tx, customerId, application, ctx.now);
    await repo.activateTeam(tx, ctx.tenantId, application.id);
  }
  if (decision.requests.length > 0) {
    const documents = decision.requests.map((request) => ({ id: newId(), ...request }));
    await repo.insertDocuments(tx, ctx.tenantId, application.id, documents, ctx.now);
  }
  await repo.setApplicationStatus(tx, ctx.tenantId, application.id, { status: decision.status, now: ctx.now, ...(customerId ? { customerId } : {}) });
  await emitEvent(tx, {
    partnerId: ctx.tenantId,
    eventType: DECISION_EVENT_TYPES[decision.status],
    objectType: APPLICATION_OBJECT,
    objectId: application.id,
    customerId: customerId ?? null,
    payload: customerId ? { application_id: application.id, customer_id: customerId } : { application_id: application.id },
    occurredAt: ctx.now,
  });
  return customerId;
}
