import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sealedReply } from '../jiko/sealed.ts';
import type { OnboardingService } from '../../modules/onboarding/index.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  type AgreementBundle,
  type AgreementJson,
  AgreementSchema,
  type Application,
  ApplicationRequestSchema,
  type Customer,
  type CustomerJson,
  CustomerSchema,
  type InternationalApplicationJson,
  InternationalApplicationSchema,
} from '../../modules/onboarding/index.ts';
import { DetailErrorSchema, ErrorResponses, Uuid } from '../../platform/http/index.ts';

/**
 * Onboarding routes of the Partner API (Jiko's Individuals and Customers tags): the agreement
 * bundle, individual applications (create, get, apply) and customer data. Each route validates,
 * calls one service method and maps the result to Jiko's JSON.
 */
/** What the onboarding routes are given. */
export interface OnboardingRoutesOptions {
  readonly onboarding: OnboardingService;
}

export async function onboardingRoutes(plain: FastifyInstance, options: OnboardingRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const onboarding = () => options.onboarding;
  const ApplicationParams = Type.Object({ application_id: Uuid() });

  app.get('/api/v1/agreements', {
    schema: {
      tags: ['Individuals'],
      summary: 'Get the agreement bundle applicants consent to',
      description: 'The documents an applicant consents to, with links to their PDFs on this server. An application names the bundle version it consented to (`agreement_consent.version`).',
      security: [{ HTTPBearer: [] }],
      response: { 200: AgreementSchema, ...ErrorResponses },
    },
  }, async (request) => agreementJson(onboarding().agreements(), origin(request)));

  app.post('/api/v1/applications', {
    schema: {
      tags: ['Individuals'],
      summary: 'Create an individual application',
      description: 'Records an individual application in status CREATED; nothing is decided until `POST /api/v1/applications/{application_id}/apply`. The identification number is kept but never returned.',
      security: [{ HTTPBearer: [] }],
      body: ApplicationRequestSchema,
      response: { 201: InternationalApplicationSchema, ...ErrorResponses },
    },
  }, async (request, reply) => sealedReply(request, reply, 201, applicationJson)(await onboarding().createApplication(request.ctx, request.body)));

  app.get('/api/v1/applications/:application_id', {
    schema: {
      tags: ['Individuals'],
      summary: 'Get an individual application',
      description: "An application of the partner's, with its status and, once APPROVED, its `customer_id`.",
      security: [{ HTTPBearer: [] }],
      params: ApplicationParams,
      response: { 200: InternationalApplicationSchema, ...ErrorResponses },
    },
  }, async (request) => applicationJson(await onboarding().getApplication(request.ctx, request.params.application_id)));

  app.post('/api/v1/applications/:application_id/apply', {
    schema: {
      tags: ['Individuals'],
      summary: 'Submit a CREATED application for KYC (decided at once in sandbox mode)',
      description:
        'Sandbox decisions follow the last name: Reject → REJECTED, Review → MANUAL_REVIEW, ' +
        'Documents → DOCUMENTS_NEEDED, anything else → APPROVED (which creates the customer).',
      security: [{ HTTPBearer: [] }],
      params: ApplicationParams,
      response: { 200: InternationalApplicationSchema, 409: DetailErrorSchema, ...ErrorResponses },
    },
  }, async (request, reply) => sealedReply(request, reply, 200, applicationJson)(await onboarding().applyApplication(request.ctx, request.params.application_id)));

  app.get('/api/v1/customers/:customer_id', {
    schema: {
      tags: ['Customers'],
      summary: 'Get customer data',
      description: 'A customer made by an approved application, with its `account_status` (OPEN once it has an open pocket).',
      security: [{ HTTPBearer: [] }],
      params: Type.Object({ customer_id: Uuid() }),
      response: { 200: CustomerSchema, ...ErrorResponses },
    },
  }, async (request) => customerJson(await onboarding().getCustomer(request.ctx, request.params.customer_id)));
}

/** The scheme and host the client used, so agreement links point back at this server. */
function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Jiko's Agreement; document links are absolute URLs on this server. */
export function agreementJson(bundle: AgreementBundle, baseUrl: string): AgreementJson {
  return {
    version: bundle.version,
    release_date: bundle.releaseDate,
    documents: bundle.documents.map((document) => ({
      title: document.title,
      pdf_download_url: baseUrl + document.path,
      type: document.type,
      category: document.category,
    })),
  };
}

/** Drops the keys whose value is null, for Jiko's optional fields. */
export function present<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as { [K in keyof T]: Exclude<T[K], null> };
}

/**
 * Jiko's InternationalApplication. Jiko's response schema carries no identification number, so
 * none is returned (not even masked).
 */
export function applicationJson(application: Application): InternationalApplicationJson {
  const profile = application.investmentProfile;
  return {
    id: application.id,
    time_created: application.createdAt.toISOString(),
    updated_at: application.updatedAt.toISOString(),
    status: application.status,
    exception_reasons: [...application.exceptionReasons],
    customer_id: application.customerId,
    name: present({ first_name: application.name.firstName, middle_name: application.name.middleName, last_name: application.name.lastName }),
    email: application.email,
    phone_number: application.phoneNumber,
    date_of_birth: { date_of_birth: application.dateOfBirth },
    investment_profile: present({
      employment_status: profile.employmentStatus,
      income: profile.income,
      net_worth: profile.netWorth,
      occupation: profile.occupation,
      bd_association: profile.bdAssociation,
      director_policy_maker_of_company: profile.directorPolicyMakerOfCompany,
    }),
    agreement_consent: { version: application.agreementVersion, timestamp: application.agreementConsentedAt.toISOString() },
    address: addressJson(application.address),
    citizenship_country: application.citizenshipCountry,
    documents: application.documents.map((document) => ({
      id: document.id,
      type: document.type,
      status: document.status,
      exception_reason: document.exceptionReason,
      name: document.name,
    })),
    id_verification_documents_needed: application.idVerificationDocumentsNeeded,
    identification_number_verification_document_needed: application.identificationNumberVerificationDocumentNeeded,
    address_verification_document_needed: application.addressVerificationDocumentNeeded,
    object_type: 'InternationalApplication',
  };
}

/** Jiko's Customer: the Individual or Business variant. */
export function customerJson(customer: Customer): CustomerJson {
  if (customer.type === 'BUSINESS') {
    return {
      id: customer.id,
      type: 'BUSINESS',
      account_status: customer.accountStatus,
      name: customer.name,
      email: customer.email,
      phone_number: customer.phoneNumber,
      address: addressJson(customer.address),
      identification_number: present({
        identification_number: customer.identification.number,
        type: customer.identification.type,
        issuing_country: customer.identification.issuingCountry,
      }),
      object_type: 'Customer',
    };
  }
  return {
    id: customer.id,
    type: customer.type,
    account_status: customer.accountStatus,
    name: present({ first_name: customer.firstName, middle_name: customer.middleName, last_name: customer.lastName }),
    email: customer.email,
    phone_number: customer.phoneNumber,
    date_of_birth: customer.dateOfBirth,
    address: addressJson(customer.address),
    object_type: 'Customer',
  };
}

/** Jiko's address JSON, optional fields left out when empty. */
export function addressJson(address: Application['address']) {
  return present({
    street_address: address.streetAddress,
    street_address2: address.streetAddress2,
    city: address.city,
    postal_code: address.postalCode,
    state: address.state,
    country: address.country,
  });
}
