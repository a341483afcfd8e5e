import type { RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { DOCUMENT_REVIEWS_PER_RUN_MAX } from '../../platform/limits.ts';
import { emitEvent } from '../events/index.ts';
import type { ScheduledTask } from '../scheduler/index.ts';
import { recordBusinessDecision } from './business.decide.ts';
import * as businessRepo from './business.repo.ts';
import { fileReview } from './business.sandbox.ts';
import { DECISION_EVENT_TYPES } from './onboarding.domain.ts';
import * as repo from './onboarding.repo.ts';

/** Minutes after 00:00 New York of the business day at which the sandbox reviews uploaded files: 09:00. */
export const DOCUMENT_REVIEW_AT_MINUTES = 9 * 60;

/**
 * The sandbox's document review, a scheduler task: at 09:00 New York each business day, every
 * file uploaded by then and waiting for review (PENDING_REVIEW) is decided, APPROVED or, when its
 * name asks for it (REVIEW_SCENARIOS), INVALID with an exception reason. Then each application
 * whose files were reviewed moves on: a SUBMITTED application whose documents are all APPROVED is
 * approved (the customer is created, `application.approved`); one with an INVALID document is
 * DOCUMENTS_NEEDED again (`application.documents_needed`), its file to upload anew. At most
 * DOCUMENT_REVIEWS_PER_RUN_MAX files of each kind per run; the rest wait for the next.
 */
export const documentReviewTask: ScheduledTask = {
  name: 'onboarding.document-review',
  atMinutes: DOCUMENT_REVIEW_AT_MINUTES,
  async run(tx, ctx) {
    // Most days nothing waits: one query.
    if (!(await repo.hasDocumentsToReview(tx, ctx.tenantId, ctx.now))) return;
    await reviewBusinessDocuments(tx, ctx);
    await reviewApplicationDocuments(tx, ctx);
  },
};

async function reviewBusinessDocuments(tx: Tx, ctx: RequestContext): Promise<void> {
  const pending = await businessRepo.documentsToReview(tx, ctx.tenantId, ctx.now, DOCUMENT_REVIEWS_PER_RUN_MAX);
  for (const document of pending) {
    const review = fileReview(document.name);
    await businessRepo.setDocumentReview(tx, ctx.tenantId, document.id, { status: review.status, exceptionReason: 'exceptionReason' in review ? review.exceptionReason : '' }, ctx.now);
  }
  for (const applicationId of new Set(pending.map((document) => document.applicationId))) {
    const application = await businessRepo.findApplication(tx, ctx.tenantId, applicationId, { forUpdate: true });
    if (!application || (application.status !== 'SUBMITTED' && application.status !== 'DOCUMENTS_NEEDED')) continue;
    const statuses = (await businessRepo.listDocuments(tx, ctx.tenantId, applicationId)).map((document) => document.status);
    if (statuses.includes('INVALID')) {
      if (application.status === 'SUBMITTED') await recordBusinessDecision(tx, ctx, application, { status: 'DOCUMENTS_NEEDED', requests: [] });
    } else if (application.status === 'SUBMITTED' && statuses.every((status) => status === 'APPROVED')) {
      await recordBusinessDecision(tx, ctx, application, { status: 'APPROVED', requests: [] });
    }
  }
}

async function reviewApplicationDocuments(tx: Tx, ctx: RequestContext): Promise<void> {
  const pending = await repo.applicationDocumentsToReview(tx, ctx.tenantId, ctx.now, DOCUMENT_REVIEWS_PER_RUN_MAX);
  for (const document of pending) {
    const review = fileReview(document.name);
    await repo.setApplicationDocumentReview(tx, ctx.tenantId, document.id, { status: review.status, exceptionReason: 'exceptionReason' in review ? review.exceptionReason : '' });
  }
  for (const applicationId of new Set(pending.map((document) => document.application_id))) {
    const application = await repo.findApplication(tx, ctx.tenantId, applicationId, { forUpdate: true });
    if (!application || application.status !== 'SUBMITTED') continue;
    const statuses = application.documents.map((document) => document.status);
    let status: 'APPROVED' | 'DOCUMENTS_NEEDED' | undefined;
    let customerId: string | null = null;
    if (statuses.includes('INVALID')) status = 'DOCUMENTS_NEEDED';
    else if (statuses.every((s) => s === 'APPROVED')) {
      status = 'APPROVED';
      customerId = newId();
      await repo.insertCustomer(tx, customerId, application, ctx.now);
    }
    if (!status) continue;
    await repo.setApplicationStatus(tx, ctx.tenantId, applicationId, { status, now: ctx.now, ...(customerId ? { customerId } : {}) });
    await emitEvent(tx, {
      partnerId: ctx.tenantId,
      eventType: DECISION_EVENT_TYPES[status],
      objectType: 'Application',
      objectId: applicationId,
      customerId,
      payload: customerId ? { application_id: applicationId, customer_id: customerId } : { application_id: applicationId },
      occurredAt: ctx.now,
    });
  }
}
