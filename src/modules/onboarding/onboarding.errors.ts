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
