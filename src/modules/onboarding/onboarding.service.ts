import type { AppDeps } from '../../deps.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import { exactlyOnce } from '../../platform/exactly-once.ts';
import { newId } from '../../platform/ids.ts';
import { emitEvent } from '../events/index.ts';
import { type AgreementBundle, CURRENT_AGREEMENTS } from './onboarding.agreements.ts';
import { type Application, type Customer, DECISION_EVENT_TYPES, checkApplication, sandboxDecision } from './onboarding.domain.ts';
import { onboardingErrors } from './onboarding.errors.ts';
import * as repo from './onboarding.repo.ts';
import type { ApplicationRequest } from './onboarding.schemas.ts';

/** The object type of application events in the event store. */
export const APPLICATION_EVENT_OBJECT_TYPE = 'Application';

/** Onboarding use cases: agreements, individual applications and their KYC decision, customers. */
export interface OnboardingService {
  /** The agreement bundle applications must consent to. */
  agreements(): AgreementBundle;
  /**
   * Checks and stores a new application in status CREATED; nothing is stored when a rule fails.
   * @throws DomainError `onboarding.invalid_application` (422) with one issue per broken rule.
   */
  createApplication(ctx: RequestContext, request: ApplicationRequest): Promise<Application>;
  /** @throws DomainError `onboarding.application_not_found` (404), also for another tenant's id. */
  getApplication(ctx: RequestContext, applicationId: string): Promise<Application>;
  /**
   * Submits a CREATED application for KYC. In sandbox mode the decision is taken at once (see
   * `sandboxDecision`): approval creates the customer; each decision emits its
   * `application.<status>` event in the same transaction. In production mode the application
   * stays SUBMITTED (no KYC provider is wired yet).
   * @throws DomainError 404 for an unknown id; `onboarding.application_already_submitted` (409)
   *   when the application is not CREATED, in which case nothing changes.
   */
  applyApplication(ctx: RequestContext, applicationId: string): Promise<Application>;
  /** @throws DomainError `onboarding.customer_not_found` (404), also for another tenant's id. */
  getCustomer(ctx: RequestContext, customerId: string): Promise<Customer>;
  /**
   * Creates, applies and approves an application in one transaction (demo seed, tests).
   * @returns the new customer's id.
   * @throws DomainError 422 for an invalid request; `onboarding.application_not_approved` (409)
   *   when the decision is not APPROVED (e.g. last name `Reject`), and then nothing is stored.
   */
  createApprovedCustomer(ctx: RequestContext, request: ApplicationRequest): Promise<string>;
}

/** Builds the onboarding service on the app's database. */
export function createOnboardingService(deps: AppDeps): OnboardingService {
  const { db } = deps;
  const sandbox = deps.config.mode === 'sandbox';

  async function create(tx: Tx, ctx: RequestContext, request: ApplicationRequest): Promise<string> {
    const checked = checkApplication(request, { now: ctx.now, agreementVersion: CURRENT_AGREEMENTS.version });
    if (!checked.ok) throw onboardingErrors.invalidApplication(checked.issues);
    const id = newId();
    await repo.insertApplication(tx, ctx.tenantId, id, checked.draft, ctx.now);
    return id;
  }

  async function apply(tx: Tx, ctx: RequestContext, applicationId: string): Promise<Application> {
    // The row lock makes a second, concurrent apply wait and then see the decided status.
    const application = await repo.findApplication(tx, ctx.tenantId, applicationId, { forUpdate: true });
    if (!application) throw onboardingErrors.applicationNotFound();
    if (application.status !== 'CREATED') throw onboardingErrors.applicationAlreadySubmitted(application.status);

    if (!sandbox) {
      await repo.updateApplicationDecision(tx, ctx.tenantId, application.id, {
        status: 'SUBMITTED', customerId: null, idVerificationDocumentsNeeded: false, now: ctx.now,
      });
    } else {
      const decision = sandboxDecision(application.name.lastName);
      let customerId: string | null = null;
      if (decision.status === 'APPROVED') {
        customerId = newId();
        await repo.insertCustomer(tx, customerId, application, ctx.now);
      }
      if (decision.documentTypes.length > 0) {
        const documents = decision.documentTypes.map((type) => ({ id: newId(), type }));
        await repo.insertDocumentRequests(tx, ctx.tenantId, application.id, documents, ctx.now);
      }
      await repo.updateApplicationDecision(tx, ctx.tenantId, application.id, {
        status: decision.status,
        customerId,
        idVerificationDocumentsNeeded: decision.documentTypes.length > 0,
        now: ctx.now,
      });
      await emitEvent(tx, {
        partnerId: ctx.tenantId,
        eventType: DECISION_EVENT_TYPES[decision.status],
        objectType: APPLICATION_EVENT_OBJECT_TYPE,
        objectId: application.id,
        customerId,
        payload: customerId ? { application_id: application.id, customer_id: customerId } : { application_id: application.id },
        occurredAt: ctx.now,
      });
    }
    const updated = await repo.findApplication(tx, ctx.tenantId, application.id);
    if (!updated) throw onboardingErrors.applicationNotFound();
    return updated;
  }

  return {
    agreements: () => CURRENT_AGREEMENTS,

    async createApplication(ctx, request) {
      return exactlyOnce(db, ctx, async (tx) => {
        const id = await create(tx, ctx, request);
        const application = await repo.findApplication(tx, ctx.tenantId, id);
        if (!application) throw onboardingErrors.applicationNotFound();
        return application;
      });
    },

    async getApplication(ctx, applicationId) {
      const application = await repo.findApplication(db, ctx.tenantId, applicationId);
      if (!application) throw onboardingErrors.applicationNotFound();
      return application;
    },

    async applyApplication(ctx, applicationId) {
      return exactlyOnce(db, ctx, (tx) => apply(tx, ctx, applicationId));
    },

    async getCustomer(ctx, customerId) {
      const customer = await repo.selectCustomer(db, ctx.tenantId, customerId);
      if (!customer) throw onboardingErrors.customerNotFound();
      return customer;
    },

    async createApprovedCustomer(ctx, request) {
      return exactlyOnce(db, ctx, async (tx) => {
        const application = await apply(tx, ctx, await create(tx, ctx, request));
        if (application.status !== 'APPROVED' || !application.customerId) {
          throw onboardingErrors.applicationNotApproved(application.status);
        }
        return application.customerId;
      });
    },
  };
}
