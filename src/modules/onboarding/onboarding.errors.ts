import { DomainError, type FieldIssue, notFound } from '../../platform/errors.ts';
import type { ApplicationStatus } from './onboarding.schemas.ts';

/**
 * The onboarding module's coded errors. Each maps to one HTTP status through the kind (see
 * platform/http/errors.ts); the code stays stable for logs and tests.
 */
export const onboardingErrors = {
  /** 422: the application breaks a rule (see `checkApplication`). */
  invalidApplication: (issues: FieldIssue[]) =>
    new DomainError('onboarding.invalid_application', 'invalid', issues[0]?.msg ?? 'Invalid application', issues),
  /** 404: no such application for this tenant. */
  applicationNotFound: () => notFound('onboarding.application_not_found'),
  /** 404: no such customer for this tenant. */
  customerNotFound: () => notFound('onboarding.customer_not_found'),
  /** 409: only a CREATED application can be applied. */
  applicationAlreadySubmitted: (status: ApplicationStatus) =>
    new DomainError(
      'onboarding.application_already_submitted',
      'conflict',
      `Application has already been submitted (status ${status}); only a CREATED application can be applied`,
    ),
  /** 409: `createApprovedCustomer` was given an applicant whom KYC did not approve. */
  applicationNotApproved: (status: ApplicationStatus) =>
    new DomainError('onboarding.application_not_approved', 'conflict', `Application was not approved (status ${status})`),
};

/** Errors of business applications, related parties, document uploads and reviews. */
export const businessErrors = {
  /** 422: a field breaks a rule (see business.rules.ts). */
  invalid: (issues: readonly FieldIssue[]) =>
    new DomainError('onboarding.invalid_business_application', 'invalid', issues[0]?.msg ?? 'Invalid business application', issues),
  /** 422: what the application lacks to be applied. */
  notReady: (issues: readonly FieldIssue[]) =>
    new DomainError('onboarding.business_application_incomplete', 'invalid', issues[0]?.msg ?? 'The application is not complete', issues),
  /** 404: no such business application for this tenant. */
  applicationNotFound: () => notFound('onboarding.business_application_not_found'),
  /** 404: no such related party on this application. */
  relatedPartyNotFound: () => notFound('onboarding.related_party_not_found'),
  /** 404: no such document (request) for this tenant. */
  documentNotFound: () => notFound('onboarding.document_not_found'),
  /** 409: the application was applied; what it holds can no longer change. */
  submitted: (status: string) =>
    new DomainError('onboarding.business_application_submitted', 'conflict', `Application has already been submitted (status ${status}); only a CREATED application can change`),
  /** 422: too many related parties, invites or team members. */
  tooMany: (field: string, max: number) =>
    new DomainError('onboarding.too_many', 'invalid', `At most ${max} allowed`, [{ field: [field], msg: `At most ${max} allowed`, type: 'too_long' }]),
  /** 409: that e-mail is already invited. */
  alreadyInvited: () => new DomainError('onboarding.already_invited', 'conflict', 'This e-mail is already invited to the application'),
  /** 412: the document was reviewed and approved; it takes no new file. */
  documentApproved: () => new DomainError('onboarding.document_approved', 'precondition', 'Document has already been reviewed and approved'),
  /** 412: the application was decided (approved or rejected); it takes no new file. */
  applicationDecided: (status: string) => new DomainError('onboarding.application_decided', 'precondition', `Application has been decided (status ${status}); it takes no more documents`),
  /** 422: a document type an individual application does not use. */
  documentTypeNotForApplication: (type: string) =>
    new DomainError('onboarding.document_type', 'invalid', `An individual application takes no ${type} document`, [
      { field: ['documentType'], msg: `An individual application takes no ${type} document`, type: 'enum' },
    ]),
  /** 422: a scenario outside sandbox mode. */
  scenarioOutsideSandbox: () =>
    new DomainError('onboarding.scenario_outside_sandbox', 'invalid', 'Scenarios are for sandbox mode only', [
      { field: ['scenario'], msg: 'Scenarios are for sandbox mode only', type: 'value_error' },
    ]),
};
