import type { Queryable, Tx } from '../../platform/db/index.ts';
import { isUuid } from '../../platform/ids.ts';
import type { BusinessIdentificationType } from './business.schemas.ts';
import type { Address, Application, ApplicationDocument, ApplicationDraft, Customer } from './onboarding.domain.ts';
import type {
  ApplicationStatus,
  CustomerAccountStatus,
  DocumentStatus,
  DocumentType,
  EmploymentStatus,
  IdentificationType,
  Income,
  NetWorth,
} from './onboarding.schemas.ts';

/** The address columns every onboarding table shares. */
export interface AddressColumns {
  street_address: string;
  street_address2: string | null;
  city: string;
  postal_code: string;
  state: string | null;
  country: string;
}

/** The address of a row with the shared address columns. */
export function addressOf(row: AddressColumns): Address {
  return {
    streetAddress: row.street_address,
    streetAddress2: row.street_address2,
    city: row.city,
    postalCode: row.postal_code,
    state: row.state,
    country: row.country,
  };
}

/**
 * SQL of the onboarding module: individual_applications, application_documents, customers.
 * Every statement filters on partner_id, so an id of another tenant reads as "not there".
 */

interface ApplicationRow {
  id: string;
  partner_id: string;
  status: ApplicationStatus;
  identification_type: IdentificationType;
  identification_number: string;
  identification_number_issuing_country: string | null;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string;
  date_of_birth: string;
  phone_number: string;
  citizenship_country: string;
  street_address: string;
  street_address2: string | null;
  city: string;
  postal_code: string;
  state: string | null;
  country: string;
  employment_status: EmploymentStatus;
  income: Income;
  net_worth: NetWorth;
  occupation: string | null;
  bd_association: string | null;
  director_policy_maker_of_company: string | null;
  agreement_version: string;
  agreement_consented_at: Date;
  originally_onboarded_at: Date | null;
  exception_reasons: string[];
  id_verification_documents_needed: boolean;
  identification_number_verification_document_needed: boolean;
  address_verification_document_needed: boolean;
  customer_id: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
}

interface DocumentRow {
  id: string;
  type: DocumentType;
  status: DocumentStatus;
  exception_reason: string;
  name: string;
}

interface CustomerRow {
  id: string;
  partner_id: string;
  type: 'INDIVIDUAL' | 'BUSINESS';
  account_status: CustomerAccountStatus;
  application_id: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string;
  phone_number: string;
  date_of_birth: string;
  business_application_id: string | null;
  business_name: string | null;
  business_identification_number: string | null;
  business_identification_type: BusinessIdentificationType | null;
  business_identification_issuing_country: string | null;
  street_address: string;
  street_address2: string | null;
  city: string;
  postal_code: string;
  state: string | null;
  country: string;
  created_at: Date;
}

function toApplication(row: ApplicationRow, documents: ApplicationDocument[]): Application {
  return {
    id: row.id,
    partnerId: row.partner_id,
    status: row.status,
    identificationType: row.identification_type,
    identificationNumber: row.identification_number,
    identificationNumberIssuingCountry: row.identification_number_issuing_country,
    name: { firstName: row.first_name, middleName: row.middle_name, lastName: row.last_name },
    email: row.email,
    dateOfBirth: row.date_of_birth,
    phoneNumber: row.phone_number,
    citizenshipCountry: row.citizenship_country,
    address: addressOf(row),
    investmentProfile: {
      employmentStatus: row.employment_status,
      income: row.income,
      netWorth: row.net_worth,
      occupation: row.occupation,
      bdAssociation: row.bd_association,
      directorPolicyMakerOfCompany: row.director_policy_maker_of_company,
    },
    agreementVersion: row.agreement_version,
    agreementConsentedAt: row.agreement_consented_at,
    originallyOnboardedAt: row.originally_onboarded_at,
    exceptionReasons: row.exception_reasons,
    customerId: row.customer_id,
    documents,
    idVerificationDocumentsNeeded: row.id_verification_documents_needed,
    identificationNumberVerificationDocumentNeeded: row.identification_number_verification_document_needed,
    addressVerificationDocumentNeeded: row.address_verification_document_needed,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
  };
}

function toCustomer(row: CustomerRow): Customer {
  if (row.type === 'BUSINESS') {
    return {
      id: row.id,
      partnerId: row.partner_id,
      type: 'BUSINESS',
      accountStatus: row.account_status,
      businessApplicationId: row.business_application_id!,
      name: row.business_name!,
      email: row.email,
      phoneNumber: row.phone_number,
      address: addressOf(row),
      identification: {
        number: row.business_identification_number!,
        type: row.business_identification_type!,
        issuingCountry: row.business_identification_issuing_country,
      },
      createdAt: row.created_at,
    };
  }
  return {
    id: row.id,
    partnerId: row.partner_id,
    type: 'INDIVIDUAL',
    accountStatus: row.account_status,
    applicationId: row.application_id,
    firstName: row.first_name,
    middleName: row.middle_name,
    lastName: row.last_name,
    email: row.email,
    phoneNumber: row.phone_number,
    dateOfBirth: row.date_of_birth,
    address: addressOf(row),
    createdAt: row.created_at,
  };
}

/** Stores a new application in status CREATED. */
export async function insertApplication(tx: Tx, partnerId: string, id: string, draft: ApplicationDraft, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO individual_applications (
       id, partner_id, status, identification_type, identification_number, identification_number_issuing_country,
       first_name, middle_name, last_name, email, date_of_birth, phone_number, citizenship_country,
       street_address, street_address2, city, postal_code, state, country,
       employment_status, income, net_worth, occupation, bd_association, director_policy_maker_of_company,
       agreement_version, agreement_consented_at, originally_onboarded_at, created_at, updated_at)
     VALUES ($1, $2, 'CREATED', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
       $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $28)`,
    [
      id, partnerId, draft.identificationType, draft.identificationNumber, draft.identificationNumberIssuingCountry,
      draft.name.firstName, draft.name.middleName, draft.name.lastName, draft.email, draft.dateOfBirth, draft.phoneNumber,
      draft.citizenshipCountry, draft.address.streetAddress, draft.address.streetAddress2, draft.address.city,
      draft.address.postalCode, draft.address.state, draft.address.country, draft.investmentProfile.employmentStatus,
      draft.investmentProfile.income, draft.investmentProfile.netWorth, draft.investmentProfile.occupation,
      draft.investmentProfile.bdAssociation, draft.investmentProfile.directorPolicyMakerOfCompany,
      draft.agreementVersion, draft.agreementConsentedAt, draft.originallyOnboardedAt, now,
    ],
  );
}

/**
 * One application of the tenant with its requested documents, or undefined (also for an id that
 * is not a UUID). `forUpdate` locks the row until the transaction ends.
 */
export async function findApplication(
  q: Queryable,
  partnerId: string,
  applicationId: string,
  options: { forUpdate?: boolean } = {},
): Promise<Application | undefined> {
  if (!isUuid(applicationId)) return undefined;
  const rows = await q.query<ApplicationRow>(
    `SELECT * FROM individual_applications WHERE partner_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [partnerId, applicationId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const documents = await q.query<DocumentRow>(
    `SELECT id, type, status, exception_reason, name FROM application_documents
     WHERE partner_id = $1 AND application_id = $2 ORDER BY position`,
    [partnerId, applicationId],
  );
  return toApplication(
    row,
    documents.map((doc) => ({ id: doc.id, type: doc.type, status: doc.status, exceptionReason: doc.exception_reason, name: doc.name })),
  );
}

/** Records a decision: the new status, when it was submitted, the customer (if approved). */
export async function updateApplicationDecision(
  tx: Tx,
  partnerId: string,
  applicationId: string,
  change: { status: ApplicationStatus; customerId: string | null; idVerificationDocumentsNeeded: boolean; now: Date },
): Promise<void> {
  await tx.query(
    `UPDATE individual_applications
     SET status = $3, customer_id = $4, id_verification_documents_needed = $5, submitted_at = $6, updated_at = $6
     WHERE partner_id = $1 AND id = $2`,
    [partnerId, applicationId, change.status, change.customerId, change.idVerificationDocumentsNeeded, change.now],
  );
}

/** Adds document requests to an application, in the given order, all PENDING_UPLOAD. */
export async function insertDocumentRequests(
  tx: Tx,
  partnerId: string,
  applicationId: string,
  documents: readonly { id: string; type: DocumentType }[],
  now: Date,
): Promise<void> {
  // Each after the last one, which may be a document the applicant uploaded before applying.
  for (const document of documents) {
    await tx.query(
      `INSERT INTO application_documents (id, partner_id, application_id, position, type, status, created_at)
       VALUES ($1, $2, $3, COALESCE((SELECT max(position) + 1 FROM application_documents WHERE partner_id = $2 AND application_id = $3), 0),
         $4, 'PENDING_UPLOAD', $5)`,
      [document.id, partnerId, applicationId, document.type, now],
    );
  }
}

/** Creates an individual customer (account status PENDING) from an approved application. */
export async function insertCustomer(tx: Tx, customerId: string, application: Application, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO customers (
       id, partner_id, type, account_status, application_id, first_name, middle_name, last_name, email, phone_number,
       date_of_birth, street_address, street_address2, city, postal_code, state, country, created_at)
     VALUES ($1, $2, 'INDIVIDUAL', 'PENDING', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      customerId, application.partnerId, application.id, application.name.firstName, application.name.middleName,
      application.name.lastName, application.email, application.phoneNumber, application.dateOfBirth,
      application.address.streetAddress, application.address.streetAddress2, application.address.city,
      application.address.postalCode, application.address.state, application.address.country, now,
    ],
  );
}

/** One customer of the tenant, or undefined (also for an id that is not a UUID). */
export async function selectCustomer(q: Queryable, partnerId: string, customerId: string): Promise<Customer | undefined> {
  if (!isUuid(customerId)) return undefined;
  const rows = await q.query<CustomerRow>('SELECT * FROM customers WHERE partner_id = $1 AND id = $2', [partnerId, customerId]);
  return rows[0] ? toCustomer(rows[0]) : undefined;
}

/** Sets a customer's account status. @returns false when the tenant has no such customer. */
export async function updateCustomerAccountStatus(
  tx: Tx,
  partnerId: string,
  customerId: string,
  status: CustomerAccountStatus,
): Promise<boolean> {
  if (!isUuid(customerId)) return false;
  const rows = await tx.query<{ id: string }>(
    'UPDATE customers SET account_status = $3 WHERE partner_id = $1 AND id = $2 RETURNING id',
    [partnerId, customerId, status],
  );
  return rows.length === 1;
}

/** How many customers the tenant has. */
export async function countCustomers(q: Queryable, partnerId: string): Promise<number> {
  const rows = await q.query<{ count: number }>('SELECT count(*)::int AS count FROM customers WHERE partner_id = $1', [partnerId]);
  return rows[0]?.count ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Uploads to individual applications and customers

/** A document request of an individual application, with the fields the upload and review read. */
export interface ApplicationDocumentRow {
  id: string;
  application_id: string;
  type: DocumentType;
  status: DocumentStatus;
  name: string;
  uploaded_at: Date | null;
}

/** The application's requests of one type, in order (locked until the transaction ends). */
export async function lockDocumentsOfType(tx: Tx, partnerId: string, applicationId: string, type: DocumentType): Promise<ApplicationDocumentRow[]> {
  return tx.query<ApplicationDocumentRow>(
    `SELECT id, application_id, type, status, name, uploaded_at FROM application_documents
     WHERE partner_id = $1 AND application_id = $2 AND type = $3 ORDER BY position FOR UPDATE`,
    [partnerId, applicationId, type],
  );
}

/** Attaches an uploaded file to a request, which then waits for review (PENDING_REVIEW). */
export async function fulfilApplicationDocument(tx: Tx, partnerId: string, id: string, file: { fileId: string; name: string }, now: Date): Promise<void> {
  await tx.query(
    `UPDATE application_documents SET status = 'PENDING_REVIEW', exception_reason = '', name = $3, file_id = $4, uploaded_at = $5
     WHERE partner_id = $1 AND id = $2`,
    [partnerId, id, file.name, file.fileId, now],
  );
}

/** Adds a document the applicant sent unasked (before or after apply), waiting for review. */
export async function insertUploadedApplicationDocument(
  tx: Tx,
  partnerId: string,
  applicationId: string,
  document: { id: string; type: DocumentType; fileId: string; name: string },
  now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO application_documents (id, partner_id, application_id, position, type, status, name, file_id, uploaded_at, created_at)
     VALUES ($1, $2, $3, COALESCE((SELECT max(position) + 1 FROM application_documents WHERE partner_id = $2 AND application_id = $3), 0),
       $4, 'PENDING_REVIEW', $5, $6, $7, $7)`,
    [document.id, partnerId, applicationId, document.type, document.name, document.fileId, now],
  );
}

/** The application's documents' statuses, in order. */
export async function applicationDocumentStatuses(q: Queryable, partnerId: string, applicationId: string): Promise<DocumentStatus[]> {
  const rows = await q.query<{ status: DocumentStatus }>(
    'SELECT status FROM application_documents WHERE partner_id = $1 AND application_id = $2 ORDER BY position',
    [partnerId, applicationId],
  );
  return rows.map((row) => row.status);
}

/** The tenant's individual-application files waiting for review, uploaded at or before `upTo`, oldest first. */
export async function applicationDocumentsToReview(q: Queryable, partnerId: string, upTo: Date, limit: number): Promise<ApplicationDocumentRow[]> {
  return q.query<ApplicationDocumentRow>(
    `SELECT id, application_id, type, status, name, uploaded_at FROM application_documents
     WHERE partner_id = $1 AND status = 'PENDING_REVIEW' AND uploaded_at <= $2 ORDER BY uploaded_at, id LIMIT $3`,
    [partnerId, upTo, limit],
  );
}

/** Records the review of an individual application's file. */
export async function setApplicationDocumentReview(tx: Tx, partnerId: string, id: string, review: { status: DocumentStatus; exceptionReason: string }): Promise<void> {
  await tx.query('UPDATE application_documents SET status = $3, exception_reason = $4 WHERE partner_id = $1 AND id = $2', [
    partnerId, id, review.status, review.exceptionReason,
  ]);
}

/** Sets an individual application's status (and its customer, when approved). */
export async function setApplicationStatus(
  tx: Tx,
  partnerId: string,
  applicationId: string,
  change: { status: ApplicationStatus; now: Date; customerId?: string },
): Promise<void> {
  await tx.query(
    'UPDATE individual_applications SET status = $3, updated_at = $4, customer_id = COALESCE($5, customer_id) WHERE partner_id = $1 AND id = $2',
    [partnerId, applicationId, change.status, change.now, change.customerId ?? null],
  );
}

/** Records a document uploaded for a customer. */
export async function insertCustomerDocument(tx: Tx, partnerId: string, document: { id: string; customerId: string; type: DocumentType | string; fileId: string }, now: Date): Promise<void> {
  await tx.query(
    'INSERT INTO customer_documents (id, partner_id, customer_id, type, file_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [document.id, partnerId, document.customerId, document.type, document.fileId, now],
  );
}

/** True when a file of the tenant (individual or business application) uploaded by `upTo` waits for review. */
export async function hasDocumentsToReview(q: Queryable, partnerId: string, upTo: Date): Promise<boolean> {
  const rows = await q.query<{ waiting: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM application_documents WHERE partner_id = $1 AND status = 'PENDING_REVIEW' AND uploaded_at <= $2)
         OR EXISTS (SELECT 1 FROM business_documents WHERE partner_id = $1 AND status = 'PENDING_REVIEW' AND uploaded_at <= $2) AS waiting`,
    [partnerId, upTo],
  );
  return rows[0]?.waiting === true;
}
