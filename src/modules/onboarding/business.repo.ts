import { Decimal } from '../../money/index.ts';
import { type Queryable, type Tx, createdAtPage } from '../../platform/db/index.ts';
import type { PageRequest, SortKey } from '../../platform/http/index.ts';
import { isUuid } from '../../platform/ids.ts';
import type { ApplicationMember, BusinessApplication, BusinessDocument, BusinessFields, RelatedParty, RelatedPartyFields } from './business.domain.ts';
import type {
  AnyDocumentType,
  BusinessApplicationStatus,
  BusinessIdentificationType,
  EntityType,
  Industry,
  MemberRole,
  PersonIdentificationType,
  RelatedPartyRole,
  RiskInfoJson,
} from './business.schemas.ts';
import type { DocumentStatus } from './onboarding.schemas.ts';
import { type AddressColumns, addressOf } from './onboarding.repo.ts';

/**
 * SQL of business onboarding: business_applications, business_related_parties,
 * business_documents, business_application_members, and the business rows of customers. Every
 * statement filters on partner_id, so another tenant's id reads as "not there".
 */

type Nullable<T> = { [K in keyof T]: T[K] | null };

interface ApplicationRow extends Nullable<AddressColumns> {
  id: string;
  partner_id: string;
  status: BusinessApplicationStatus;
  name: string | null;
  entity_type: EntityType | null;
  doing_business_as: string | null;
  identification_number: string | null;
  identification_type: BusinessIdentificationType | null;
  identification_issuing_country: string | null;
  website: string | null;
  contact_first_name: string | null;
  contact_middle_name: string | null;
  contact_last_name: string | null;
  contact_phone_number: string | null;
  contact_email: string | null;
  formation_date: string | null;
  risk_info: RiskInfoJson | string | null;
  industry: Industry | null;
  other_industry: string | null;
  agreement_version: string | null;
  agreement_consented_at: Date | null;
  exception_reasons: string[];
  customer_id: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
}

/** The address of a row whose address columns may all be NULL (a field not sent yet). */
function optionalAddress(row: Nullable<AddressColumns>) {
  return row.street_address === null ? null : addressOf(row as AddressColumns);
}

function toApplication(row: ApplicationRow): BusinessApplication {
  const contactSet = row.contact_first_name !== null || row.contact_phone_number !== null || row.contact_email !== null;
  return {
    id: row.id,
    partnerId: row.partner_id,
    status: row.status,
    name: row.name,
    entityType: row.entity_type,
    doingBusinessAs: row.doing_business_as,
    identification: row.identification_number === null || row.identification_type === null
      ? null
      : { number: row.identification_number, type: row.identification_type, issuingCountry: row.identification_issuing_country },
    address: optionalAddress(row),
    website: row.website,
    contact: contactSet
      ? {
          name: row.contact_first_name === null ? null : { firstName: row.contact_first_name, middleName: row.contact_middle_name, lastName: row.contact_last_name ?? '' },
          phoneNumber: row.contact_phone_number,
          email: row.contact_email,
        }
      : null,
    formationDate: row.formation_date,
    riskInfo: typeof row.risk_info === 'string' ? (JSON.parse(row.risk_info) as RiskInfoJson) : row.risk_info,
    industry: row.industry === null && row.other_industry === null ? null : { industry: row.industry, otherIndustry: row.other_industry },
    agreementVersion: row.agreement_version,
    agreementConsentedAt: row.agreement_consented_at,
    exceptionReasons: row.exception_reasons,
    customerId: row.customer_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
  };
}

/** The column values of an application's fields, in FIELD_COLUMNS order. */
function fieldValues(fields: BusinessFields): unknown[] {
  const a = fields.address;
  const c = fields.contact;
  return [
    fields.name, fields.entityType, fields.doingBusinessAs, fields.identification?.number ?? null, fields.identification?.type ?? null,
    fields.identification?.issuingCountry ?? null, a?.streetAddress ?? null, a?.streetAddress2 ?? null, a?.city ?? null,
    a?.postalCode ?? null, a?.state ?? null, a?.country ?? null, fields.website, c?.name?.firstName ?? null,
    c?.name?.middleName ?? null, c?.name?.lastName ?? null, c?.phoneNumber ?? null, c?.email ?? null, fields.formationDate,
    fields.riskInfo === null ? null : JSON.stringify(fields.riskInfo), fields.industry?.industry ?? null,
    fields.industry?.otherIndustry ?? null, fields.agreementVersion, fields.agreementConsentedAt,
  ];
}
const FIELD_COLUMNS = [
  'name', 'entity_type', 'doing_business_as', 'identification_number', 'identification_type', 'identification_issuing_country',
  'street_address', 'street_address2', 'city', 'postal_code', 'state', 'country', 'website', 'contact_first_name',
  'contact_middle_name', 'contact_last_name', 'contact_phone_number', 'contact_email', 'formation_date', 'risk_info',
  'industry', 'other_industry', 'agreement_version', 'agreement_consented_at',
];

/** Stores a new application in status CREATED. */
export async function insertApplication(tx: Tx, partnerId: string, id: string, fields: BusinessFields, now: Date): Promise<void> {
  const values = fieldValues(fields);
  const placeholders = FIELD_COLUMNS.map((column, i) => (column === 'risk_info' ? `$${i + 4}::jsonb` : `$${i + 4}`));
  await tx.query(
    `INSERT INTO business_applications (id, partner_id, status, created_at, updated_at, ${FIELD_COLUMNS.join(', ')})
     VALUES ($1, $2, 'CREATED', $3, $3, ${placeholders.join(', ')})`,
    [id, partnerId, now, ...values],
  );
}

/** Overwrites an application's fields. */
export async function updateApplicationFields(tx: Tx, partnerId: string, id: string, fields: BusinessFields, now: Date): Promise<void> {
  const sets = FIELD_COLUMNS.map((column, i) => `${column} = $${i + 4}${column === 'risk_info' ? '::jsonb' : ''}`);
  await tx.query(
    `UPDATE business_applications SET updated_at = $3, ${sets.join(', ')} WHERE partner_id = $1 AND id = $2`,
    [partnerId, id, now, ...fieldValues(fields)],
  );
}

/** One application of the tenant, or undefined (also for an id that is not a UUID); `forUpdate` locks it. */
export async function findApplication(q: Queryable, partnerId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<BusinessApplication | undefined> {
  if (!isUuid(id)) return undefined;
  const rows = await q.query<ApplicationRow>(
    `SELECT * FROM business_applications WHERE partner_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [partnerId, id],
  );
  return rows[0] ? toApplication(rows[0]) : undefined;
}

/** A page of the tenant's applications by (created_at, id): `limit + 1` rows in the page's direction. */
export async function listApplications(q: Queryable, partnerId: string, page: PageRequest): Promise<{ application: BusinessApplication; key: SortKey }[]> {
  const params: unknown[] = [partnerId];
  const keyset = createdAtPage(params, page);
  const rows = await q.query<ApplicationRow>(
    `SELECT * FROM business_applications WHERE partner_id = $1${keyset.after ? ` AND ${keyset.after}` : ''} ${keyset.orderLimit}`,
    params,
  );
  return rows.map((row) => ({ application: toApplication(row), key: [row.created_at.toISOString(), row.id] }));
}

/** Sets an application's status (and its customer, when approved; its submission time, when applied). */
export async function setApplicationStatus(
  tx: Tx,
  partnerId: string,
  id: string,
  change: { status: BusinessApplicationStatus; now: Date; customerId?: string; submitted?: boolean },
): Promise<void> {
  await tx.query(
    `UPDATE business_applications SET status = $3, updated_at = $4, customer_id = COALESCE($5, customer_id),
       submitted_at = CASE WHEN $6 THEN $4 ELSE submitted_at END
     WHERE partner_id = $1 AND id = $2`,
    [partnerId, id, change.status, change.now, change.customerId ?? null, change.submitted ?? false],
  );
}

// ---------------------------------------------------------------------------------------------
// Related parties

interface PartyRow extends Nullable<AddressColumns> {
  id: string;
  application_id: string;
  title: string | null;
  first_name: string | null;
  middle_name: string | null;
  last_name: string | null;
  date_of_birth: string | null;
  identification_number: string | null;
  identification_type: PersonIdentificationType | null;
  phone_number: string | null;
  roles: RelatedPartyRole[];
  ownership_percentage: string | null;
  citizenship: string | null;
  email: string | null;
  created_at: Date;
  updated_at: Date;
}

function toParty(row: PartyRow): RelatedParty {
  return {
    id: row.id,
    applicationId: row.application_id,
    title: row.title,
    name: row.first_name === null ? null : { firstName: row.first_name, middleName: row.middle_name, lastName: row.last_name ?? '' },
    address: optionalAddress(row),
    dateOfBirth: row.date_of_birth,
    identification: row.identification_number === null || row.identification_type === null ? null : { number: row.identification_number, type: row.identification_type },
    phoneNumber: row.phone_number,
    roles: row.roles,
    ownershipFraction: row.ownership_percentage === null ? null : new Decimal(row.ownership_percentage).toString(),
    citizenship: row.citizenship,
    email: row.email,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const PARTY_COLUMNS = [
  'title', 'first_name', 'middle_name', 'last_name', 'street_address', 'street_address2', 'city', 'postal_code', 'state',
  'country', 'date_of_birth', 'identification_number', 'identification_type', 'phone_number', 'roles', 'ownership_percentage',
  'citizenship', 'email',
];

function partyValues(fields: RelatedPartyFields): unknown[] {
  const a = fields.address;
  return [
    fields.title, fields.name?.firstName ?? null, fields.name?.middleName ?? null, fields.name?.lastName ?? null,
    a?.streetAddress ?? null, a?.streetAddress2 ?? null, a?.city ?? null, a?.postalCode ?? null, a?.state ?? null,
    a?.country ?? null, fields.dateOfBirth, fields.identification?.number ?? null, fields.identification?.type ?? null,
    fields.phoneNumber, [...fields.roles], fields.ownershipFraction, fields.citizenship, fields.email,
  ];
}

/** Adds a related party to an application. */
export async function insertParty(tx: Tx, partnerId: string, applicationId: string, id: string, fields: RelatedPartyFields, now: Date): Promise<void> {
  const placeholders = PARTY_COLUMNS.map((column, i) => `$${i + 5}${column === 'roles' ? '::text[]' : ''}`);
  await tx.query(
    `INSERT INTO business_related_parties (id, partner_id, application_id, created_at, updated_at, ${PARTY_COLUMNS.join(', ')})
     VALUES ($1, $2, $3, $4, $4, ${placeholders.join(', ')})`,
    [id, partnerId, applicationId, now, ...partyValues(fields)],
  );
}

/** Overwrites a related party's fields. */
export async function updateParty(tx: Tx, partnerId: string, id: string, fields: RelatedPartyFields, now: Date): Promise<void> {
  const sets = PARTY_COLUMNS.map((column, i) => `${column} = $${i + 4}${column === 'roles' ? '::text[]' : ''}`);
  await tx.query(
    `UPDATE business_related_parties SET updated_at = $3, ${sets.join(', ')} WHERE partner_id = $1 AND id = $2`,
    [partnerId, id, now, ...partyValues(fields)],
  );
}

/** Removes a related party. @returns false when the application has no such party. */
export async function deleteParty(tx: Tx, partnerId: string, applicationId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await tx.query<{ id: string }>(
    'DELETE FROM business_related_parties WHERE partner_id = $1 AND application_id = $2 AND id = $3 RETURNING id',
    [partnerId, applicationId, id],
  );
  return rows.length === 1;
}

/** An application's related parties, oldest first. */
export async function listParties(q: Queryable, partnerId: string, applicationId: string): Promise<RelatedParty[]> {
  const rows = await q.query<PartyRow>(
    'SELECT * FROM business_related_parties WHERE partner_id = $1 AND application_id = $2 ORDER BY created_at, id',
    [partnerId, applicationId],
  );
  return rows.map(toParty);
}

// ---------------------------------------------------------------------------------------------
// Document requests

interface DocumentRow {
  id: string;
  application_id: string;
  related_party_id: string | null;
  type: AnyDocumentType;
  status: DocumentStatus;
  exception_reason: string;
  name: string;
  file_id: string | null;
  uploaded_at: Date | null;
}

function toDocument(row: DocumentRow): BusinessDocument {
  return {
    id: row.id,
    applicationId: row.application_id,
    relatedPartyId: row.related_party_id,
    type: row.type,
    status: row.status,
    exceptionReason: row.exception_reason,
    name: row.name,
    fileId: row.file_id,
    uploadedAt: row.uploaded_at,
  };
}

/** Opens document requests (PENDING_UPLOAD) after the application's existing ones, in the given order. */
export async function insertDocuments(
  tx: Tx,
  partnerId: string,
  applicationId: string,
  documents: readonly { id: string; type: AnyDocumentType; relatedPartyId: string | null }[],
  now: Date,
): Promise<void> {
  if (documents.length === 0) return;
  await tx.query(
    `INSERT INTO business_documents (id, partner_id, application_id, related_party_id, position, type, status, created_at, updated_at)
     SELECT d.id, $1, $2, d.related_party_id,
       COALESCE((SELECT max(position) + 1 FROM business_documents WHERE partner_id = $1 AND application_id = $2), 0) + d.ord - 1,
       d.type, 'PENDING_UPLOAD', $3, $3
     FROM unnest($4::uuid[], $5::uuid[], $6::text[]) WITH ORDINALITY AS d(id, related_party_id, type, ord)`,
    [partnerId, applicationId, now, documents.map((d) => d.id), documents.map((d) => d.relatedPartyId), documents.map((d) => d.type)],
  );
}

/** An application's document requests in order; only one related party's when `relatedPartyId` is given. */
export async function listDocuments(q: Queryable, partnerId: string, applicationId: string, relatedPartyId?: string): Promise<BusinessDocument[]> {
  const rows = await q.query<DocumentRow>(
    `SELECT * FROM business_documents WHERE partner_id = $1 AND application_id = $2 AND ($3::uuid IS NULL OR related_party_id = $3)
     ORDER BY position`,
    [partnerId, applicationId, relatedPartyId ?? null],
  );
  return rows.map(toDocument);
}

/** One document request of the tenant, or undefined (also for an id that is not a UUID); `forUpdate` locks it. */
export async function findDocument(q: Queryable, partnerId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<BusinessDocument | undefined> {
  if (!isUuid(id)) return undefined;
  const rows = await q.query<DocumentRow>(
    `SELECT * FROM business_documents WHERE partner_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [partnerId, id],
  );
  return rows[0] ? toDocument(rows[0]) : undefined;
}

/** Attaches an uploaded file to a request, which then waits for review (PENDING_REVIEW). */
export async function fulfilDocument(tx: Tx, partnerId: string, id: string, file: { fileId: string; name: string }, now: Date): Promise<void> {
  await tx.query(
    `UPDATE business_documents SET status = 'PENDING_REVIEW', exception_reason = '', name = $3, file_id = $4, uploaded_at = $5, updated_at = $5
     WHERE partner_id = $1 AND id = $2`,
    [partnerId, id, file.name, file.fileId, now],
  );
}

/** The tenant's files waiting for review, uploaded at or before `upTo`, oldest first, at most `limit`. */
export async function documentsToReview(q: Queryable, partnerId: string, upTo: Date, limit: number): Promise<BusinessDocument[]> {
  const rows = await q.query<DocumentRow>(
    `SELECT * FROM business_documents WHERE partner_id = $1 AND status = 'PENDING_REVIEW' AND uploaded_at <= $2
     ORDER BY uploaded_at, id LIMIT $3`,
    [partnerId, upTo, limit],
  );
  return rows.map(toDocument);
}

/** Records the review of a file: APPROVED, or INVALID with its exception reason. */
export async function setDocumentReview(tx: Tx, partnerId: string, id: string, review: { status: DocumentStatus; exceptionReason: string }, now: Date): Promise<void> {
  await tx.query(
    'UPDATE business_documents SET status = $3, exception_reason = $4, updated_at = $5 WHERE partner_id = $1 AND id = $2',
    [partnerId, id, review.status, review.exceptionReason, now],
  );
}

// ---------------------------------------------------------------------------------------------
// Invites and team

interface MemberRow {
  id: string;
  application_id: string;
  kind: 'INVITE' | 'TEAM';
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: MemberRole;
  status: 'PENDING' | 'ACTIVE';
  created_at: Date;
}

function toMember(row: MemberRow): ApplicationMember {
  return {
    id: row.id, applicationId: row.application_id, kind: row.kind, email: row.email, firstName: row.first_name,
    lastName: row.last_name, role: row.role, status: row.status, createdAt: row.created_at,
  };
}

/** Adds members of a kind. @returns false when one of their e-mails is already there (nothing is added). */
export async function insertMembers(tx: Tx, partnerId: string, members: readonly ApplicationMember[]): Promise<boolean> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO business_application_members (id, partner_id, application_id, kind, email, first_name, last_name, role, status, created_at)
     SELECT m.id, $1, m.application_id, m.kind, m.email, m.first_name, m.last_name, m.role, m.status, m.created_at
     FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
       AS m(id, application_id, kind, email, first_name, last_name, role, status, created_at)
     ON CONFLICT (partner_id, application_id, kind, email) DO NOTHING RETURNING id`,
    [
      partnerId, members.map((m) => m.id), members.map((m) => m.applicationId), members.map((m) => m.kind),
      members.map((m) => m.email), members.map((m) => m.firstName), members.map((m) => m.lastName), members.map((m) => m.role),
      members.map((m) => m.status), members.map((m) => m.createdAt),
    ],
  );
  return rows.length === members.length;
}

/** Removes every member of a kind from an application. */
export async function deleteMembers(tx: Tx, partnerId: string, applicationId: string, kind: 'INVITE' | 'TEAM'): Promise<void> {
  await tx.query('DELETE FROM business_application_members WHERE partner_id = $1 AND application_id = $2 AND kind = $3', [partnerId, applicationId, kind]);
}

/** An application's members of a kind, oldest first. */
export async function listMembers(q: Queryable, partnerId: string, applicationId: string, kind: 'INVITE' | 'TEAM'): Promise<ApplicationMember[]> {
  const rows = await q.query<MemberRow>(
    'SELECT * FROM business_application_members WHERE partner_id = $1 AND application_id = $2 AND kind = $3 ORDER BY created_at, email',
    [partnerId, applicationId, kind],
  );
  return rows.map(toMember);
}

/** Marks an application's team ACTIVE (its business was approved). */
export async function activateTeam(tx: Tx, partnerId: string, applicationId: string): Promise<void> {
  await tx.query(
    "UPDATE business_application_members SET status = 'ACTIVE' WHERE partner_id = $1 AND application_id = $2 AND kind = 'TEAM'",
    [partnerId, applicationId],
  );
}

// ---------------------------------------------------------------------------------------------
// Business customers

/** Creates the business customer (account status PENDING) of an approved application. */
export async function insertBusinessCustomer(tx: Tx, customerId: string, application: BusinessApplication, now: Date): Promise<void> {
  const a = application.address!;
  const id = application.identification!;
  await tx.query(
    `INSERT INTO customers (
       id, partner_id, type, account_status, business_application_id, business_name, business_identification_number,
       business_identification_type, business_identification_issuing_country, email, phone_number,
       street_address, street_address2, city, postal_code, state, country, created_at)
     VALUES ($1, $2, 'BUSINESS', 'PENDING', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      customerId, application.partnerId, application.id, application.name, id.number, id.type, id.issuingCountry,
      application.contact!.email, application.contact!.phoneNumber, a.streetAddress, a.streetAddress2, a.city, a.postalCode,
      a.state, a.country, now,
    ],
  );
}
