import { type Static, Type } from 'typebox';

/**
 * Jiko's onboarding shapes as TypeBox schemas: one definition gives the request validation, the
 * response serialization, the TypeScript types and the /openapi.json documentation. Field names
 * and enums follow Jiko's Partner API (InternationalApplicationRequest, InternationalApplication,
 * Individual customer, Agreement).
 */

/** How the applicant identifies (Jiko's ApplicationIdentificationType plus the newer INTERNATIONAL_ID). */
export const IDENTIFICATION_TYPES = ['SSN', 'PASSPORT', 'TIN', 'DRIVERS_LICENSE', 'INTERNATIONAL_ID'] as const;
export const EMPLOYMENT_STATUSES = ['EMPLOYED', 'INDEPENDENT', 'RETIRED', 'STUDENT', 'UNEMPLOYED'] as const;
/** Jiko's AnnualPersonalIncome. */
export const INCOMES = ['BELOW_50K', 'BETWEEN_50K_AND_100K', 'BETWEEN_100K_AND_250K', 'OVER_250K'] as const;
/** Jiko's AveragePersonalNetWorth. */
export const NET_WORTHS = ['BELOW_50K', 'BETWEEN_50K_AND_200K', 'BETWEEN_200K_AND_1M', 'BETWEEN_1M_AND_5M', 'OVER_5M'] as const;
/** Jiko's ApplicationStatus (individual applications). */
export const APPLICATION_STATUSES = ['CREATED', 'PENDING', 'SUBMITTED', 'DOCUMENTS_NEEDED', 'APPROVED', 'REJECTED', 'MANUAL_REVIEW'] as const;
/** Jiko's CustomerAccountStatus: PENDING while the customer has no open pocket. */
export const CUSTOMER_ACCOUNT_STATUSES = ['OPEN', 'CLOSED', 'FROZEN', 'PENDING'] as const;
/** Jiko's DocumentStatus. */
export const DOCUMENT_STATUSES = ['PENDING_UPLOAD', 'PENDING_REVIEW', 'APPROVED', 'INVALID'] as const;
/** Jiko's AgreementCategory. */
export const AGREEMENT_CATEGORIES = ['BANK', 'BROKERAGE', 'GENERAL', 'E-SIGN'] as const;
/** Jiko's AgreementType. */
export const AGREEMENT_TYPES = [
  'PRIVACY_POLICY', 'PRIVACY_NOTICE', 'BUSINESS_CONTINUITY_PLAN', 'FINANCIAL_STATEMENT', 'US_TREASURIES_RISK',
  'ELECTRONIC_COMMUNICATIONS', 'TAX_CERTIFICATION_FOR_US_PERSON', 'BANK_ACCOUNT', 'LIMITATIONS', 'BROKERAGE', 'CARD',
  'CASHBACK', 'FORM_CRS', 'AUTHORIZED_REPRESENTATIVE_CERTIFICATION', 'TERMS_OF_USE', 'ELECTRONIC_FUND_TRANSFERS',
  'TRUTH_IN_SAVINGS', 'FEE_NOTICE', 'FUNDS_AVAILABILITY', 'REGULATION_E',
] as const;
/** Jiko's DocumentType values that an individual application may be asked for. */
export const DOCUMENT_TYPES = [
  'ID_FRONT', 'ID_BACK', 'SELFIE', 'IDENTIFICATION_NUMBER_VERIFICATION', 'ADDRESS_VERIFICATION', 'PASSPORT',
] as const;

export type IdentificationType = (typeof IDENTIFICATION_TYPES)[number];
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];
export type Income = (typeof INCOMES)[number];
export type NetWorth = (typeof NET_WORTHS)[number];
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export type CustomerAccountStatus = (typeof CUSTOMER_ACCOUNT_STATUSES)[number];
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
export type AgreementCategory = (typeof AGREEMENT_CATEGORIES)[number];
export type AgreementType = (typeof AGREEMENT_TYPES)[number];

/** A country code field (ISO 3166-1 alpha-2; the service checks it against the list). */
export const CountryCode = (description: string) =>
  Type.String({ minLength: 2, maxLength: 2, description: `${description} (ISO 3166-1 alpha-2)`, examples: ['US'] });

/** Jiko's Name: first and last required, each at most 50 characters. */
export const NameSchema = Type.Object({
  first_name: Type.String({ minLength: 1, maxLength: 50 }),
  middle_name: Type.Optional(Type.String({ maxLength: 50 })),
  last_name: Type.String({ minLength: 1, maxLength: 50 }),
});

/** Jiko's ISOAddress / GeneralAddress: free-text state, ISO alpha-2 country. */
export const AddressSchema = Type.Object({
  street_address: Type.String({ minLength: 1, maxLength: 250 }),
  street_address2: Type.Optional(Type.String({ maxLength: 250 })),
  city: Type.String({ minLength: 1, maxLength: 250 }),
  postal_code: Type.String({ minLength: 1, maxLength: 50 }),
  state: Type.Optional(Type.String({ maxLength: 50, description: 'Postal abbreviation, e.g. NJ' })),
  country: CountryCode('Country'),
});

/**
 * Jiko's InvestmentProfile, discriminated by `employment_status`. Jiko declares one variant per
 * status; they differ only in `occupation`, which is required (2..200 characters) when EMPLOYED.
 * That rule is checked by the service, so one object schema describes all five variants here.
 */
export const InvestmentProfileSchema = Type.Object({
  employment_status: Type.Enum(EMPLOYMENT_STATUSES),
  income: Type.Enum(INCOMES),
  net_worth: Type.Enum(NET_WORTHS),
  occupation: Type.Optional(Type.String({ maxLength: 200, description: 'Required (at least 2 characters) when EMPLOYED' })),
  bd_association: Type.Optional(Type.String({ maxLength: 200 })),
  director_policy_maker_of_company: Type.Optional(Type.String({ maxLength: 200 })),
});

/** Jiko's AgreementConsent: the agreement bundle version consented to, and when. */
export const AgreementConsentSchema = Type.Object({
  version: Type.String({ minLength: 1, maxLength: 50 }),
  timestamp: Type.String({ format: 'date-time' }),
});

/** Body of `POST /api/v1/applications` (Jiko's InternationalApplicationRequest). */
export const ApplicationRequestSchema = Type.Object({
  identification_number: Type.String({ minLength: 1, maxLength: 50 }),
  identification_type: Type.Optional(
    Type.Enum(IDENTIFICATION_TYPES, { default: 'SSN' }),
  ),
  identification_number_issuing_country: Type.Optional(CountryCode('Country that issued the identification number')),
  name: NameSchema,
  email: Type.String({ format: 'email', maxLength: 254 }),
  date_of_birth: Type.String({ format: 'date', description: 'Applicant must be 18 or older' }),
  investment_profile: InvestmentProfileSchema,
  agreement_consent: AgreementConsentSchema,
  originally_onboarded_at: Type.Optional(Type.String({ format: 'date-time' })),
  address: AddressSchema,
  phone_number: Type.String({ minLength: 1, maxLength: 32, description: 'E.164, or a US number' }),
  citizenship_country: Type.Optional(CountryCode('Citizenship')),
});
/** An application as a client sends it (snake_case, Jiko's field names). */
export type ApplicationRequest = Static<typeof ApplicationRequestSchema>;

/** Jiko's Document (a document requested from the applicant). */
export const DocumentSchema = Type.Object({
  id: Type.String(),
  type: Type.Enum(DOCUMENT_TYPES),
  status: Type.Enum(DOCUMENT_STATUSES),
  exception_reason: Type.String(),
  name: Type.String(),
});

/** Jiko's InternationalApplication (the response of create, get and apply). */
export const InternationalApplicationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    time_created: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    status: Type.Enum(APPLICATION_STATUSES),
    exception_reasons: Type.Array(Type.String()),
    customer_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'Null until APPROVED' }),
    name: NameSchema,
    email: Type.String(),
    phone_number: Type.String(),
    date_of_birth: Type.Object({ date_of_birth: Type.String({ format: 'date' }) }),
    investment_profile: InvestmentProfileSchema,
    agreement_consent: AgreementConsentSchema,
    address: AddressSchema,
    citizenship_country: Type.String(),
    documents: Type.Array(DocumentSchema),
    id_verification_documents_needed: Type.Boolean(),
    identification_number_verification_document_needed: Type.Boolean(),
    address_verification_document_needed: Type.Boolean(),
    object_type: Type.Literal('InternationalApplication'),
  },
  { $id: 'InternationalApplication' },
);
export type InternationalApplicationJson = Static<typeof InternationalApplicationSchema>;

/** Jiko's Customer, INDIVIDUAL variant (`CustomerSchema`, business.schemas.ts, is either variant). */
export const IndividualCustomerSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    type: Type.Literal('INDIVIDUAL'),
    account_status: Type.Enum(CUSTOMER_ACCOUNT_STATUSES),
    name: NameSchema,
    email: Type.String(),
    phone_number: Type.String(),
    date_of_birth: Type.String({ format: 'date' }),
    address: AddressSchema,
    object_type: Type.Literal('Customer'),
  },
);
export type IndividualCustomerJson = Static<typeof IndividualCustomerSchema>;

/** Jiko's Agreement: the versioned bundle of documents an applicant consents to. */
export const AgreementSchema = Type.Object(
  {
    version: Type.String(),
    release_date: Type.String({ format: 'date' }),
    documents: Type.Array(
      Type.Object({
        title: Type.String(),
        pdf_download_url: Type.String({ format: 'uri' }),
        type: Type.Enum(AGREEMENT_TYPES),
        category: Type.Enum(AGREEMENT_CATEGORIES),
      }),
    ),
  },
  { $id: 'Agreement' },
);
export type AgreementJson = Static<typeof AgreementSchema>;
