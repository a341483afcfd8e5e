import type { AppDeps } from '../../deps.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { exactlyOnce } from '../../platform/exactly-once.ts';
import { type CursorList, type PageRequest, cursorList } from '../../platform/http/index.ts';
import type { StreamedUpload } from '../../platform/http/streamed-upload.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { APPLICATION_MEMBERS_MAX, RELATED_PARTIES_MAX } from '../../platform/limits.ts';
import type { Documents } from '../documents/index.ts';
import type { Scheduler } from '../scheduler/index.ts';
import { recordBusinessDecision } from './business.decide.ts';
import { type ApplicationMember, type BusinessApplication, type BusinessDocument, type BusinessFields, type RelatedParty, type RelatedPartyFields, isBeneficialOwner } from './business.domain.ts';
import * as repo from './business.repo.ts';
import { type BusinessRules, checkBusinessPatch, checkRelatedPartyPatch, ownershipIssue, readinessIssues } from './business.rules.ts';
import { type ReviewStatus, businessDecision } from './business.sandbox.ts';
import type { BusinessApplicationRequest, InviteRequest, RelatedPartyRequest, TeamRequest } from './business.schemas.ts';
import { CURRENT_AGREEMENTS } from './onboarding.agreements.ts';
import { businessErrors, onboardingErrors } from './onboarding.errors.ts';
import { selectCustomer } from './onboarding.repo.ts';
import { documentReviewTask } from './onboarding.review.ts';
import { uploadRules } from './onboarding.uploads.ts';

const EMPTY_FIELDS: BusinessFields = {
  name: null, entityType: null, doingBusinessAs: null, identification: null, address: null, website: null, contact: null,
  formationDate: null, riskInfo: null, industry: null, agreementVersion: null, agreementConsentedAt: null,
};
const EMPTY_PARTY: RelatedPartyFields = {
  title: null, name: null, address: null, dateOfBirth: null, identification: null, phoneNumber: null, roles: [],
  ownershipFraction: null, citizenship: null, email: null,
};

/**
 * Business onboarding (KYB) use cases, shared by the Partner API's v1 and v2 routes (and the
 * Customer door to come): applications, related parties, document requests and their uploads,
 * invites and team. Changes run exactly once (`exactlyOnce`); a related party or field changes
 * only while the application is CREATED.
 */
export interface BusinessOnboarding {
  /** @throws DomainError 422 `onboarding.invalid_business_application` for a field that breaks a rule. */
  createApplication(ctx: RequestContext, request: BusinessApplicationRequest): Promise<BusinessApplication>;
  listApplications(ctx: RequestContext, page: PageRequest): Promise<CursorList<BusinessApplication>>;
  /** @throws DomainError 404, also for another tenant's id. */
  getApplication(ctx: RequestContext, applicationId: string): Promise<BusinessApplication>;
  /** Sets the fields sent. @throws DomainError 404; 409 once applied; 422 for a field that breaks a rule. */
  updateApplication(ctx: RequestContext, applicationId: string, request: BusinessApplicationRequest): Promise<BusinessApplication>;
  /**
   * Submits a CREATED application for review. The application must be complete (`readinessIssues`,
   * 422 otherwise). In sandbox mode the review decides at once (`businessDecision`, or `scenario`
   * when given), and the decision is recorded with its event; in production mode it stays SUBMITTED.
   * @throws DomainError 404; 409 when not CREATED; 422 when incomplete, or a scenario outside sandbox mode.
   */
  applyApplication(ctx: RequestContext, applicationId: string, options?: { scenario?: ReviewStatus | undefined }): Promise<BusinessApplication>;
  /** @throws DomainError 404 for the application. */
  listRelatedParties(ctx: RequestContext, applicationId: string): Promise<RelatedParty[]>;
  /** @throws DomainError 404; 409 once applied; 422 for a field that breaks a rule, shares over 1, or too many parties. */
  createRelatedParty(ctx: RequestContext, applicationId: string, request: RelatedPartyRequest): Promise<RelatedParty>;
  /** @throws DomainError 404 (application or party); 409 once applied; 422 as create. */
  updateRelatedParty(ctx: RequestContext, applicationId: string, partyId: string, request: RelatedPartyRequest): Promise<RelatedParty>;
  /** @throws DomainError 404 (application or party); 409 once applied. */
  deleteRelatedParty(ctx: RequestContext, applicationId: string, partyId: string): Promise<void>;
  /** The application's document requests (one related party's when given). @throws DomainError 404. */
  listDocuments(ctx: RequestContext, applicationId: string, options?: { relatedPartyId?: string }): Promise<BusinessDocument[]>;
  /**
   * Receives the file of a document request (see Documents.receive for the checks, made before and
   * while reading). The request waits for review (PENDING_REVIEW); once no request of its
   * application waits for a file, a DOCUMENTS_NEEDED application is SUBMITTED again.
   * @throws DomainError 404; 412 once the request is APPROVED; 413, 422, 401 from the upload.
   */
  uploadDocument(ctx: RequestContext, documentId: string, upload: StreamedUpload): Promise<BusinessDocument>;
  /** @throws DomainError 404; 409 when the e-mail is already invited; 422 past APPLICATION_MEMBERS_MAX. */
  invite(ctx: RequestContext, applicationId: string, request: InviteRequest): Promise<ApplicationMember>;
  /** @throws DomainError 404. */
  listInvites(ctx: RequestContext, applicationId: string): Promise<ApplicationMember[]>;
  /** Sets the team the business's customer will have (replacing an earlier one). @throws DomainError 404; 409 once decided; 422 for a repeated e-mail. */
  setTeam(ctx: RequestContext, applicationId: string, request: TeamRequest): Promise<ApplicationMember[]>;
  /** A business customer's beneficial owners (none for an individual). @throws DomainError 404 for the customer. */
  beneficialOwners(ctx: RequestContext, customerId: string): Promise<RelatedParty[]>;
}

/** Builds business onboarding on the app's database, the document store and (sandbox review) the scheduler. */
export function createBusinessOnboarding(deps: AppDeps, wiring: { documents: Documents; scheduler: Scheduler }): BusinessOnboarding {
  const { db } = deps;
  const { documents, scheduler } = wiring;
  const sandbox = deps.config.mode === 'sandbox';
  const rules = (ctx: RequestContext): BusinessRules => ({ now: ctx.now, agreementVersion: CURRENT_AGREEMENTS.version });
  // The sandbox reviews uploaded files (business and individual) on the tenant's clock.
  if (sandbox) scheduler.register(documentReviewTask);

  async function application(q: Queryable, ctx: RequestContext, id: string, options: { forUpdate?: boolean } = {}): Promise<BusinessApplication> {
    const found = await repo.findApplication(q, ctx.tenantId, id, options);
    if (!found) throw businessErrors.applicationNotFound();
    return found;
  }

  /** The application, locked, that must still be CREATED to change. */
  async function editable(tx: Tx, ctx: RequestContext, id: string): Promise<BusinessApplication> {
    const found = await application(tx, ctx, id, { forUpdate: true });
    if (found.status !== 'CREATED') throw businessErrors.submitted(found.status);
    return found;
  }

  async function saveParty(tx: Tx, ctx: RequestContext, applicationId: string, partyId: string | undefined, request: RelatedPartyRequest): Promise<RelatedParty> {
    await editable(tx, ctx, applicationId);
    const checked = checkRelatedPartyPatch(request, rules(ctx));
    if (!checked.ok) throw businessErrors.invalid(checked.issues);
    const parties = await repo.listParties(tx, ctx.tenantId, applicationId);
    const current = partyId === undefined ? EMPTY_PARTY : parties.find((party) => party.id === partyId);
    if (!current) throw businessErrors.relatedPartyNotFound();
    if (partyId === undefined && parties.length >= RELATED_PARTIES_MAX) throw businessErrors.tooMany('related_party_applications', RELATED_PARTIES_MAX);
    const fields: RelatedPartyFields = { ...current, ...checked.patch };
    const total = ownershipIssue([...parties.filter((party) => party.id !== partyId), fields]);
    if (total) throw businessErrors.invalid([total]);
    const id = partyId ?? newId();
    if (partyId === undefined) await repo.insertParty(tx, ctx.tenantId, applicationId, id, fields, ctx.now);
    else await repo.updateParty(tx, ctx.tenantId, id, fields, ctx.now);
    return (await repo.listParties(tx, ctx.tenantId, applicationId)).find((party) => party.id === id)!;
  }

  async function apply(tx: Tx, ctx: RequestContext, id: string, scenario: ReviewStatus | undefined): Promise<BusinessApplication> {
    const found = await editable(tx, ctx, id);
    const parties = await repo.listParties(tx, ctx.tenantId, id);
    const issues = readinessIssues(found, parties);
    if (issues.length > 0) throw businessErrors.notReady(issues);
    await repo.setApplicationStatus(tx, ctx.tenantId, id, { status: 'SUBMITTED', now: ctx.now, submitted: true });
    if (sandbox) await recordBusinessDecision(tx, ctx, found, businessDecision(found, parties, scenario));
    return application(tx, ctx, id);
  }

  async function fulfil(tx: Tx, ctx: RequestContext, documentId: string, received: Awaited<ReturnType<Documents['receive']>>): Promise<BusinessDocument> {
    const document = await repo.findDocument(tx, ctx.tenantId, documentId, { forUpdate: true });
    if (!document) throw businessErrors.documentNotFound();
    if (document.status === 'APPROVED') throw businessErrors.documentApproved();
    const file = await documents.record(tx, ctx, received);
    await repo.fulfilDocument(tx, ctx.tenantId, document.id, { fileId: file.id, name: file.fileName }, ctx.now);
    const owner = await application(tx, ctx, document.applicationId, { forUpdate: true });
    const waiting = (await repo.listDocuments(tx, ctx.tenantId, owner.id)).some((d) => d.status === 'PENDING_UPLOAD' || d.status === 'INVALID');
    if (owner.status === 'DOCUMENTS_NEEDED' && !waiting) await repo.setApplicationStatus(tx, ctx.tenantId, owner.id, { status: 'SUBMITTED', now: ctx.now });
    if (sandbox) await scheduler.enroll(tx, ctx.tenantId, ctx.now);
    return (await repo.findDocument(tx, ctx.tenantId, document.id))!;
  }

  async function members(tx: Tx, ctx: RequestContext, list: ApplicationMember[]): Promise<void> {
    if (!(await repo.insertMembers(tx, ctx.tenantId, list))) throw businessErrors.alreadyInvited();
  }

  return {
    async createApplication(ctx, request) {
      const checked = checkBusinessPatch(request, rules(ctx));
      if (!checked.ok) throw businessErrors.invalid(checked.issues);
      return exactlyOnce(db, ctx, async (tx) => {
        const id = newId();
        await repo.insertApplication(tx, ctx.tenantId, id, { ...EMPTY_FIELDS, ...checked.patch }, ctx.now);
        return application(tx, ctx, id);
      });
    },

    async listApplications(ctx, page) {
      if (page.after && !(page.after.length === 2 && typeof page.after[0] === 'string' && !Number.isNaN(Date.parse(page.after[0])) && isUuid(String(page.after[1])))) {
        throw businessErrors.invalid([{ field: ['cursor'], msg: 'cursor is not valid', type: 'value_error' }]);
      }
      const rows = await repo.listApplications(db, ctx.tenantId, page);
      return cursorList(page, rows, (row) => row.key, (row) => row.application);
    },

    getApplication: (ctx, id) => application(db, ctx, id),

    async updateApplication(ctx, id, request) {
      const checked = checkBusinessPatch(request, rules(ctx));
      return exactlyOnce(db, ctx, async (tx) => {
        const current = await editable(tx, ctx, id);
        if (!checked.ok) throw businessErrors.invalid(checked.issues);
        await repo.updateApplicationFields(tx, ctx.tenantId, id, { ...current, ...checked.patch }, ctx.now);
        return application(tx, ctx, id);
      });
    },

    async applyApplication(ctx, id, options = {}) {
      if (options.scenario !== undefined && !sandbox) throw businessErrors.scenarioOutsideSandbox();
      return exactlyOnce(db, ctx, (tx) => apply(tx, ctx, id, options.scenario));
    },

    async listRelatedParties(ctx, applicationId) {
      await application(db, ctx, applicationId);
      return repo.listParties(db, ctx.tenantId, applicationId);
    },

    createRelatedParty: (ctx, applicationId, request) => exactlyOnce(db, ctx, (tx) => saveParty(tx, ctx, applicationId, undefined, request)),

    updateRelatedParty: (ctx, applicationId, partyId, request) => exactlyOnce(db, ctx, (tx) => saveParty(tx, ctx, applicationId, partyId, request)),

    async deleteRelatedParty(ctx, applicationId, partyId) {
      await exactlyOnce(db, ctx, async (tx) => {
        await editable(tx, ctx, applicationId);
        if (!(await repo.deleteParty(tx, ctx.tenantId, applicationId, partyId))) throw businessErrors.relatedPartyNotFound();
      });
    },

    async listDocuments(ctx, applicationId, options = {}) {
      await application(db, ctx, applicationId);
      if (options.relatedPartyId !== undefined) {
        const parties = await repo.listParties(db, ctx.tenantId, applicationId);
        if (!parties.some((party) => party.id === options.relatedPartyId)) throw businessErrors.relatedPartyNotFound();
      }
      return repo.listDocuments(db, ctx.tenantId, applicationId, options.relatedPartyId);
    },

    async uploadDocument(ctx, documentId, upload) {
      const document = await repo.findDocument(db, ctx.tenantId, documentId);
      if (!document) throw businessErrors.documentNotFound();
      if (document.status === 'APPROVED') throw businessErrors.documentApproved();
      const received = await documents.receive(ctx, upload, { ...uploadRules(document.type), fileNameRequired: true });
      return exactlyOnce(db, ctx, (tx) => fulfil(tx, ctx, documentId, received));
    },

    async invite(ctx, applicationId, request) {
      return exactlyOnce(db, ctx, async (tx) => {
        await application(tx, ctx, applicationId, { forUpdate: true });
        if ((await repo.listMembers(tx, ctx.tenantId, applicationId, 'INVITE')).length >= APPLICATION_MEMBERS_MAX) throw businessErrors.tooMany('email', APPLICATION_MEMBERS_MAX);
        const invite: ApplicationMember = {
          id: newId(), applicationId, kind: 'INVITE', email: request.email.trim().toLowerCase(), firstName: request.first_name?.trim() || null,
          lastName: request.last_name?.trim() || null, role: request.role ?? 'MEMBER', status: 'PENDING', createdAt: ctx.now,
        };
        await members(tx, ctx, [invite]);
        return invite;
      });
    },

    async listInvites(ctx, applicationId) {
      await application(db, ctx, applicationId);
      return repo.listMembers(db, ctx.tenantId, applicationId, 'INVITE');
    },

    async setTeam(ctx, applicationId, request) {
      return exactlyOnce(db, ctx, async (tx) => {
        const found = await application(tx, ctx, applicationId, { forUpdate: true });
        if (found.status === 'APPROVED' || found.status === 'REJECTED' || found.status === 'CLOSED') throw businessErrors.submitted(found.status);
        await repo.deleteMembers(tx, ctx.tenantId, applicationId, 'TEAM');
        const team: ApplicationMember[] = request.members.map((member, i) => ({
          id: newId(), applicationId, kind: 'TEAM', email: member.email.trim().toLowerCase(), firstName: member.first_name.trim(),
          lastName: member.last_name.trim(), role: member.role, status: 'PENDING', createdAt: new Date(ctx.now.getTime() + i),
        }));
        if (new Set(team.map((m) => m.email)).size !== team.length) {
          throw businessErrors.invalid([{ field: ['members'], msg: 'Each team member has an e-mail of their own', type: 'value_error' }]);
        }
        await members(tx, ctx, team);
        return repo.listMembers(tx, ctx.tenantId, applicationId, 'TEAM');
      });
    },

    async beneficialOwners(ctx, customerId) {
      const customer = await selectCustomer(db, ctx.tenantId, customerId);
      if (!customer) throw onboardingErrors.customerNotFound();
      if (customer.type !== 'BUSINESS') return [];
      const parties = await repo.listParties(db, ctx.tenantId, customer.businessApplicationId);
      return parties.filter((party) => isBeneficialOwner(party.ownershipFraction) || party.roles.includes('CONTROL_PERSON'));
    },
  };
}
