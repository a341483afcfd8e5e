import type { AppDeps } from '../../deps.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/index.ts';
import { exactlyOnce } from '../../platform/exactly-once.ts';
import type { StreamedUpload } from '../../platform/http/streamed-upload.ts';
import { newId } from '../../platform/ids.ts';
import { DOCUMENT_BYTES_MAX, DOCUMENT_ID_IMAGE_BYTES_MAX } from '../../platform/limits.ts';
import type { Documents, UploadRules } from '../documents/index.ts';
import type { Scheduler } from '../scheduler/index.ts';
import type { AnyDocumentType } from './business.schemas.ts';
import { businessErrors, onboardingErrors } from './onboarding.errors.ts';
import * as repo from './onboarding.repo.ts';
import { DOCUMENT_TYPES, type DocumentType } from './onboarding.schemas.ts';

/** Document types whose files are ID images (Jiko: at most 5 MB); every other type may have 50 MB. */
export const ID_IMAGE_TYPES: ReadonlySet<AnyDocumentType> = new Set(['ID_FRONT', 'ID_BACK', 'SELFIE', 'PASSPORT']);

/** The size limit of a document type's files, and what it is called in the 413 message. */
export function uploadRules(type: AnyDocumentType): Omit<UploadRules, 'fileNameRequired'> {
  return { sizeBytesMax: ID_IMAGE_TYPES.has(type) ? DOCUMENT_ID_IMAGE_BYTES_MAX : DOCUMENT_BYTES_MAX, limitFor: type };
}

/** Uploads to individual applications and to customers (Jiko's Individuals and Customers upload operations). */
export interface OnboardingUploads {
  /**
   * Receives a file for an individual application, before or after apply: it fulfils the first
   * request of its type waiting for a file (PENDING_UPLOAD or INVALID), or else one waiting for
   * review, or else is added as a document of its own; either way it waits for review
   * (PENDING_REVIEW). Once no request waits for a file, a DOCUMENTS_NEEDED application is
   * SUBMITTED again.
   * @returns the document's id.
   * @throws DomainError 404 for the application; 422 for a type individuals do not use; 412 when the
   *   application is decided (APPROVED, REJECTED) or its only document of the type is APPROVED;
   *   413, 422, 401 from the upload (Documents.receive).
   */
  uploadApplicationDocument(ctx: RequestContext, applicationId: string, type: AnyDocumentType, upload: StreamedUpload): Promise<string>;
  /**
   * Receives a file for a customer (a change, closure or ACH request's proof).
   * @returns the document's id.
   * @throws DomainError 404 for the customer; 413, 422, 401 from the upload.
   */
  uploadCustomerDocument(ctx: RequestContext, customerId: string, type: AnyDocumentType, upload: StreamedUpload): Promise<string>;
}

function isIndividualType(type: AnyDocumentType): type is DocumentType {
  return (DOCUMENT_TYPES as readonly string[]).includes(type);
}

/** Builds the upload use cases on the app's database, the document store and the scheduler (sandbox review). */
export function createOnboardingUploads(deps: AppDeps, wiring: { documents: Documents; scheduler: Scheduler }): OnboardingUploads {
  const { db } = deps;
  const { documents, scheduler } = wiring;
  const sandbox = deps.config.mode === 'sandbox';

  /** The application, checked to take a file of `type`. */
  async function receiving(q: Queryable, ctx: RequestContext, applicationId: string, type: DocumentType) {
    const application = await repo.findApplication(q, ctx.tenantId, applicationId);
    if (!application) throw onboardingErrors.applicationNotFound();
    if (application.status === 'APPROVED' || application.status === 'REJECTED') throw businessErrors.applicationDecided(application.status);
    const ofType = application.documents.filter((document) => document.type === type);
    if (ofType.length > 0 && ofType.every((document) => document.status === 'APPROVED')) throw businessErrors.documentApproved();
    return application;
  }

  return {
    async uploadApplicationDocument(ctx, applicationId, type, upload) {
      if (!isIndividualType(type)) throw businessErrors.documentTypeNotForApplication(type);
      await receiving(db, ctx, applicationId, type);
      const received = await documents.receive(ctx, upload, { ...uploadRules(type), fileNameRequired: false });
      return exactlyOnce(db, ctx, async (tx) => {
        const application = await repo.findApplication(tx, ctx.tenantId, applicationId, { forUpdate: true });
        if (!application) throw onboardingErrors.applicationNotFound();
        await receiving(tx, ctx, applicationId, type);
        const file = await documents.record(tx, ctx, received);
        const ofType = await repo.lockDocumentsOfType(tx, ctx.tenantId, applicationId, type);
        const target = ofType.find((d) => d.status === 'PENDING_UPLOAD' || d.status === 'INVALID') ?? ofType.find((d) => d.status === 'PENDING_REVIEW');
        const documentId = target?.id ?? newId();
        if (target) await repo.fulfilApplicationDocument(tx, ctx.tenantId, documentId, { fileId: file.id, name: file.fileName }, ctx.now);
        else await repo.insertUploadedApplicationDocument(tx, ctx.tenantId, applicationId, { id: documentId, type, fileId: file.id, name: file.fileName }, ctx.now);
        const statuses = await repo.applicationDocumentStatuses(tx, ctx.tenantId, applicationId);
        if (application.status === 'DOCUMENTS_NEEDED' && !statuses.some((s) => s === 'PENDING_UPLOAD' || s === 'INVALID')) {
          await repo.setApplicationStatus(tx, ctx.tenantId, applicationId, { status: 'SUBMITTED', now: ctx.now });
        }
        if (sandbox) await scheduler.enroll(tx, ctx.tenantId, ctx.now);
        return documentId;
      });
    },

    async uploadCustomerDocument(ctx, customerId, type, upload) {
      if (!(await repo.selectCustomer(db, ctx.tenantId, customerId))) throw onboardingErrors.customerNotFound();
      const received = await documents.receive(ctx, upload, { ...uploadRules(type), fileNameRequired: false });
      return exactlyOnce(db, ctx, async (tx) => {
        const file = await documents.record(tx, ctx, received);
        const id = newId();
        await repo.insertCustomerDocument(tx, ctx.tenantId, { id, customerId, type, fileId: file.id }, ctx.now);
        return id;
      });
    },
  };
}
