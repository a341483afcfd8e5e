/**
 * Onboarding: the agreement bundle, individual (KYC) applications and the customers their
 * approval creates. Other modules use it through this file only.
 */
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { onboardingErrors } from './onboarding.errors.ts';
import * as repo from './onboarding.repo.ts';
import type { CustomerAccountStatus } from './onboarding.schemas.ts';
import type { Customer } from './onboarding.domain.ts';

export { createOnboardingService, type OnboardingService, APPLICATION_EVENT_OBJECT_TYPE } from './onboarding.service.ts';
export { type BusinessOnboarding, createBusinessOnboarding } from './business.service.ts';
export { type OnboardingUploads, createOnboardingUploads, ID_IMAGE_TYPES } from './onboarding.uploads.ts';
export type { ApplicationMember, BusinessApplication, BusinessDocument, RelatedParty } from './business.domain.ts';
export { maskIdentification } from './business.domain.ts';
export { FORCEABLE_OUTCOMES, REVIEW_SCENARIOS, ENTITY_DOCUMENTS, type ReviewStatus } from './business.sandbox.ts';
export { DOCUMENT_REVIEW_AT_MINUTES } from './onboarding.review.ts';
export type { AgreementBundle, AgreementDocument } from './onboarding.agreements.ts';
export { CURRENT_AGREEMENTS } from './onboarding.agreements.ts';
export { isCountryCode } from './countries.ts';
export type { Address, Application, ApplicationDocument, BusinessCustomer, Customer, IndividualCustomer, InvestmentProfile, PersonName } from './onboarding.domain.ts';
export { sandboxDecision, APPLICANT_AGE_YEARS_MIN } from './onboarding.domain.ts';
export * from './onboarding.schemas.ts';
export * from './business.schemas.ts';

/**
 * One customer of the tenant, or undefined when the tenant has none with this id (another
 * tenant's id, or a string that is not a UUID, is "not there" too).
 */
export async function findCustomer(q: Queryable, partnerId: string, customerId: string): Promise<Customer | undefined> {
  return repo.selectCustomer(q, partnerId, customerId);
}

/**
 * Sets a customer's account status inside the caller's transaction. The pockets module calls it
 * when the customer's first pocket opens (OPEN), when pockets are frozen or closed, and PENDING
 * when none is open any more.
 * @throws DomainError `onboarding.customer_not_found` (404) when the tenant has no such customer.
 */
export async function setCustomerAccountStatus(
  tx: Tx,
  partnerId: string,
  customerId: string,
  status: CustomerAccountStatus,
): Promise<void> {
  if (!(await repo.updateCustomerAccountStatus(tx, partnerId, customerId, status))) throw onboardingErrors.customerNotFound();
}

/** How many customers the tenant has (the sandbox clock may be set freely only while it is 0). */
export async function customerCount(q: Queryable, partnerId: string): Promise<number> {
  return repo.countCustomers(q, partnerId);
}
