import { type Static, Type } from 'typebox';
import { AddressSchema, AgreementConsentSchema, CountryCode, DOCUMENT_STATUSES, IndividualCustomerSchema, NameSchema } from './onboarding.schemas.ts';

/**
 * Jiko's business onboarding shapes (Partner API "Businesses": BusinessApplicationRequest and
 * Response, RelatedPartyApplicationRequest and Response, Document; the Customer API's business
 * applications v2) as TypeBox schemas: request validation, response serialization, types and
 * /openapi.json from one definition. Every request field is optional, as in Jiko's schema: what
 * an application must hold is checked when it is applied.
 */

/** Jiko's BusinessEntityType, with NON_PROFIT from its business onboarding guide. */
export const ENTITY_TYPES = [
  'SOLE_PROPRIETOR', 'CORPORATE', 'LLC', 'PARTNERSHIP', 'NON_PROFIT', 'INCORPORATED_ASSOCIATION', 'UNINCORPORATED_ASSOCIATION',
] as const;
/** Jiko's BusinessIdentificationNumberType. */
export const BUSINESS_IDENTIFICATION_TYPES = ['TIN', 'EIN', 'NON_US_BUSINESS_ID'] as const;
/** Jiko's BusinessApplicationStatus. */
export const BUSINESS_APPLICATION_STATUSES = ['CREATED', 'SUBMITTED', 'CLOSED', 'APPROVED', 'REJECTED', 'MANUAL_REVIEW', 'DOCUMENTS_NEEDED', 'PENDING'] as const;
/** Jiko's IndividualIdentificationNumberType (related parties). */
export const PERSON_IDENTIFICATION_TYPES = ['SSN', 'PASSPORT', 'NON_US_ID'] as const;
/** Jiko's RelatedPartyRole. A beneficial owner is a party owning 25% or more, whatever its roles. */
export const RELATED_PARTY_ROLES = ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'] as const;
/** Jiko's RiskInfo enums. */
export const RISK_CATEGORIES = ['INTERNET_GAMBLING', 'CANNABIS', 'CRYPTOCURRENCY', 'CROWDFUNDING', 'FINANCIAL_OR_MONEY_MOVEMENT'] as const;
export const BUSINESS_ACTIVITY_LOCATIONS = ['PRIMARILY_US', 'MIX_OF_US_AND_NON_US', 'PRIMARILY_NON_US'] as const;
export const SOURCES_OF_FUNDS = ['INTERNAL_FUNDS', 'CLIENT_OR_EXTERNAL_FUNDS'] as const;
export const ACCOUNT_USAGES = ['MONEY_STORAGE'] as const;
export const ANNUAL_REVENUES = ['PRE_REVENUE', '5M_OR_LESS', 'BETWEEN_5M_100M', '100M_OR_MORE'] as const;
export const MONTHLY_TRANSACTIONS = ['5_OR_LESS', 'BETWEEN_5_AND_15', '15_OR_MORE'] as const;
export const FIRST_MONTH_DEPOSITS = ['1M_OR_LESS', 'BETWEEN_1M_AND_5M', 'BETWEEN_5M_AND_20M', 'BETWEEN_20M_AND_50M', '50M_OR_MORE'] as const;
/** Jiko's Industry. */
export const INDUSTRIES = [
  'ACCOUNTING_AND_BOOKKEEPING', 'ADVERTISING', 'ART', 'ATM_OPERATOR', 'BEAUTY_AND_COSMETIC_SERVICES', 'BIOTECH',
  'BUSINESS_MANAGEMENT', 'CLEANING_SERVICES', 'CONSTRUCTION', 'CONSULTING', 'CRYPTOCURRENCY', 'DESIGN', 'ECOMMERCE',
  'EDUCATION', 'ENERGY', 'ENTERTAINMENT', 'FINANCIAL_SERVICES', 'FITNESS', 'FOOD', 'GAMBLING', 'HARDWARE', 'HEALTHCARE',
  'HOSPITALITY', 'INSURANCE', 'INVESTMENTS', 'LEGAL_SERVICES', 'MARKETING', 'MARKETPLACE', 'NONPROFIT', 'OTHER',
  'PARKING_GARAGE', 'PROFESSIONAL_TECHNICAL_OR_MECHANICAL_SERVICES', 'REAL_ESTATE', 'RECRUITING', 'RESEARCH',
  'RESTAURANT', 'RETAIL_STORES', 'SECURITY', 'SHIPPING_WAREHOUSING', 'SOFTWARE', 'SPORTS_TEAM', 'SUPPORT_SERVICES',
  'TECHNOLOGY', 'TRANSPORTATION', 'TRAVEL', 'WHOLESALE', 'VENDING_MACHINE_OPERATOR', 'WASTE_MANAGEMENT',
] as const;
/** Jiko's DocumentType (every type; individual applications use the first six). */
export const ALL_DOCUMENT_TYPES = [
  'ID_FRONT', 'ID_BACK', 'SELFIE', 'IDENTIFICATION_NUMBER_VERIFICATION', 'ADDRESS_VERIFICATION', 'PASSPORT',
  'EIN_CONFIRMATION', 'OPERATING_AGREEMENT', 'PARTNERSHIP_AGREEMENT', 'ARTICLES_OF_INCORPORATION', 'BYLAWS',
  'PROOF_OF_501_STATUS', 'ARTICLES_OF_ASSOCIATION', 'CORPORATE_CHARTER', 'TRUST_FORMATION_RECORDS', 'LIST_OF_TRUSTEES',
  'LEGAL_ANALYSIS_OF_BUSINESS_MODEL', 'COINS_AND_TOKENS_LISTED_AND_OFFERED', 'COIN_RATING_POLICY_AND_PROCEDURES',
  'TYPE_OF_BLOCKCHAIN_ANALYTICS_USED', 'MARKET_MANIPULATION_POLICY', 'BSA_AML_OFAC_POLICIES', 'INDEPENDENT_AML_AUDIT_REPORT',
  'BSA_AML_OFAC_INTERNAL_RISK_ASSESSMENT', 'ARTICLES_OF_ORGANIZATION', 'FLOW_OF_FUNDS', 'BANK_STATEMENTS_1',
  'BANK_STATEMENTS_2', 'BANK_STATEMENTS_3', 'WIRE_COUNTERPARTY_VERIFICATION', 'OTHER',
] as const;
/** Roles of the people invited to an application and of the business's team. */
export const MEMBER_ROLES = ['ADMIN', 'MEMBER'] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];
export type BusinessIdentificationType = (typeof BUSINESS_IDENTIFICATION_TYPES)[number];
export type BusinessApplicationStatus = (typeof BUSINESS_APPLICATION_STATUSES)[number];
export type PersonIdentificationType = (typeof PERSON_IDENTIFICATION_TYPES)[number];
export type RelatedPartyRole = (typeof RELATED_PARTY_ROLES)[number];
export type AnyDocumentType = (typeof ALL_DOCUMENT_TYPES)[number];
export type MemberRole = (typeof MEMBER_ROLES)[number];
export type Industry = (typeof INDUSTRIES)[number];

const Email = Type.String({ format: 'email', maxLength: 254 });
const Phone = Type.String({ minLength: 1, maxLength: 32, description: 'E.164, or a US number' });

/** Jiko's BusinessIdentificationNumber (issuing_country from the current API). */
export const BusinessIdentificationNumberSchema = Type.Object({
  identification_number: Type.String({ minLength: 1, maxLength: 50, description: 'EIN `12-3456789`; TIN nine digits; a non-US business id as issued' }),
  type: Type.Enum(BUSINESS_IDENTIFICATION_TYPES),
  issuing_country: Type.Optional(CountryCode('Issuing country; required for NON_US_BUSINESS_ID')),
});

/** Jiko's BusinessContact. */
export const BusinessContactSchema = Type.Object({
  name: Type.Optional(NameSchema),
  phone_number: Type.Optional(Phone),
  email: Type.Optional(Email),
});

/** Jiko's RiskInfo: the business risk questionnaire. */
export const RiskInfoSchema = Type.Object({
  risk_categories: Type.Optional(Type.Array(Type.Enum(RISK_CATEGORIES), { uniqueItems: true, maxItems: RISK_CATEGORIES.length })),
  company_mission: Type.Optional(Type.String({ maxLength: 1000 })),
  has_current_enforcement_actions: Type.Optional(Type.Boolean()),
  primary_regulator: Type.Optional(Type.String({ maxLength: 200 })),
  business_activity_location: Type.Optional(Type.Enum(BUSINESS_ACTIVITY_LOCATIONS)),
  source_of_funds: Type.Optional(Type.Enum(SOURCES_OF_FUNDS)),
  account_usage: Type.Optional(Type.Enum(ACCOUNT_USAGES)),
  annual_revenue: Type.Optional(Type.Enum(ANNUAL_REVENUES)),
  monthly_transactions: Type.Optional(Type.Enum(MONTHLY_TRANSACTIONS)),
  first_month_deposit: Type.Optional(Type.Enum(FIRST_MONTH_DEPOSITS)),
});
export type RiskInfoJson = Static<typeof RiskInfoSchema>;

/** Jiko's IndustryInfo: `other_industry` is the free text for OTHER. */
export const IndustryInfoSchema = Type.Object({
  industry: Type.Optional(Type.Enum(INDUSTRIES)),
  other_industry: Type.Optional(Type.String({ maxLength: 200 })),
});

/** Body of create and update (Jiko's BusinessApplicationRequest; every field optional). */
export const BusinessApplicationRequestSchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 250, description: 'Legal name' })),
  entity_type: Type.Optional(Type.Enum(ENTITY_TYPES)),
  doing_business_as: Type.Optional(Type.String({ maxLength: 250 })),
  identification_number: Type.Optional(BusinessIdentificationNumberSchema),
  address: Type.Optional(AddressSchema),
  website: Type.Optional(Type.String({ maxLength: 2083 })),
  contact: Type.Optional(BusinessContactSchema),
  formation_date: Type.Optional(Type.String({ format: 'date' })),
  risk_info: Type.Optional(RiskInfoSchema),
  industry: Type.Optional(IndustryInfoSchema),
  agreement_consent: Type.Optional(AgreementConsentSchema),
});
export type BusinessApplicationRequest = Static<typeof BusinessApplicationRequestSchema>;

/** Jiko's BusinessApplicationResponse: what was sent, plus the application's state. */
export const BusinessApplicationSchema = Type.Object({
  ...BusinessApplicationRequestSchema.properties,
  id: Type.String({ format: 'uuid' }),
  time_created: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  status: Type.Enum(BUSINESS_APPLICATION_STATUSES),
  exception_reasons: Type.Array(Type.String()),
  customer_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'Null until APPROVED' }),
  object_type: Type.Literal('BusinessApplication'),
});
export type BusinessApplicationJson = Static<typeof BusinessApplicationSchema>;

/** Jiko's IndividualIdentificationNumber. */
export const PersonIdentificationNumberSchema = Type.Object({
  identification_number: Type.String({ minLength: 1, maxLength: 50, description: 'SSN `123-45-6789`; a passport or non-US id as issued' }),
  identification_type: Type.Enum(PERSON_IDENTIFICATION_TYPES),
});

/** Body of related-party create and update (Jiko's RelatedPartyApplicationRequest; every field optional). */
export const RelatedPartyRequestSchema = Type.Object({
  title: Type.Optional(Type.String({ maxLength: 100, description: 'Job title, e.g. CEO' })),
  name: Type.Optional(NameSchema),
  address: Type.Optional(AddressSchema),
  date_of_birth: Type.Optional(Type.String({ format: 'date' })),
  identification_number: Type.Optional(PersonIdentificationNumberSchema),
  phone_number: Type.Optional(Phone),
  roles: Type.Optional(Type.Array(Type.Enum(RELATED_PARTY_ROLES), { uniqueItems: true, maxItems: RELATED_PARTY_ROLES.length })),
  ownership_percentage: Type.Optional(Type.String({
    maxLength: 10,
    description: "The share of the business owned, as a decimal fraction: '0.51' is 51%. Beneficial owners own 0.25 or more; the parties' shares add up to 1 at most.",
    examples: ['0.51'],
  })),
  citizenship: Type.Optional(CountryCode('Citizenship')),
  email: Type.Optional(Email),
});
export type RelatedPartyRequest = Static<typeof RelatedPartyRequestSchema>;

/** Jiko's RelatedPartyApplicationResponse: the identification number masked but its last four characters. */
export const RelatedPartySchema = Type.Object({
  ...RelatedPartyRequestSchema.properties,
  id: Type.String({ format: 'uuid' }),
  object_type: Type.Literal('RelatedPartyApplication'),
});
export type RelatedPartyJson = Static<typeof RelatedPartySchema>;

/** Jiko's Document (a document request, and the file that fulfils it once uploaded). */
export const BusinessDocumentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  type: Type.Enum(ALL_DOCUMENT_TYPES),
  status: Type.Enum(DOCUMENT_STATUSES),
  exception_reason: Type.String({ description: "Why the file was found INVALID; '' otherwise" }),
  name: Type.String({ description: "The uploaded file's name; '' before upload" }),
});
export type BusinessDocumentJson = Static<typeof BusinessDocumentSchema>;

/** The v2 Document: the v1 shape, with the related party it is about. */
export const BusinessDocumentV2Schema = Type.Object({
  ...BusinessDocumentSchema.properties,
  related_party_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: "The person the document is about; null for the business's own" }),
  object_type: Type.Literal('Document'),
});
export type BusinessDocumentV2Json = Static<typeof BusinessDocumentV2Schema>;

/** Jiko's UploadDocumentResponse (individual and customer uploads). */
export const UploadDocumentResponseSchema = Type.Object({
  success: Type.Boolean(),
  document_id: Type.String({ format: 'uuid' }),
});

/** Body of `POST .../invite/`: a person asked to complete or review the application. */
export const InviteRequestSchema = Type.Object({
  email: Email,
  first_name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  last_name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  role: Type.Optional(Type.Enum(MEMBER_ROLES, { default: 'MEMBER' })),
});
export type InviteRequest = Static<typeof InviteRequestSchema>;

/** A person invited to an application, or a member of its team. */
export const MemberSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  application_id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  first_name: Type.Optional(Type.String()),
  last_name: Type.Optional(Type.String()),
  role: Type.Enum(MEMBER_ROLES),
  status: Type.Union([Type.Literal('PENDING'), Type.Literal('ACTIVE')], { description: 'Invites are PENDING until accepted; team members are ACTIVE once the business is approved' }),
  time_created: Type.String({ format: 'date-time' }),
  object_type: Type.Union([Type.Literal('Invite'), Type.Literal('TeamMember')]),
});
export type MemberJson = Static<typeof MemberSchema>;

/** Body of `POST .../team/`: the team the business's customer will have (replaces any earlier one). */
export const TeamRequestSchema = Type.Object({
  members: Type.Array(
    Type.Object({
      email: Email,
      first_name: Type.String({ minLength: 1, maxLength: 50 }),
      last_name: Type.String({ minLength: 1, maxLength: 50 }),
      role: Type.Enum(MEMBER_ROLES),
    }),
    { minItems: 1, maxItems: 50 },
  ),
});
export type TeamRequest = Static<typeof TeamRequestSchema>;

/** Jiko's Customer, BUSINESS variant. */
export const BusinessCustomerSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  type: Type.Literal('BUSINESS'),
  account_status: Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSED'), Type.Literal('FROZEN'), Type.Literal('PENDING')]),
  name: Type.String(),
  email: Type.String(),
  phone_number: Type.String(),
  address: AddressSchema,
  identification_number: BusinessIdentificationNumberSchema,
  object_type: Type.Literal('Customer'),
});
export type BusinessCustomerJson = Static<typeof BusinessCustomerSchema>;

/** Jiko's Customer: an Individual or a Business, told apart by `type`. */
export const CustomerSchema = Type.Union([IndividualCustomerSchema, BusinessCustomerSchema], { $id: 'Customer' });
export type CustomerJson = Static<typeof CustomerSchema>;

/**
 * A beneficial owner of a business customer (the Customer API's `GET /api/v1/customer/beneficial-owners/`):
 * every related party owning 25% or more, and the control person (FinCEN's ownership and control prongs).
 */
export const BeneficialOwnerSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: NameSchema,
  title: Type.Optional(Type.String()),
  ownership_percentage: Type.String({ description: "Decimal fraction: '0.51' is 51%" }),
  roles: Type.Array(Type.Enum(RELATED_PARTY_ROLES)),
  date_of_birth: Type.String({ format: 'date' }),
  citizenship: Type.String(),
  email: Type.String(),
  phone_number: Type.String(),
  address: AddressSchema,
  identification_number: PersonIdentificationNumberSchema,
  object_type: Type.Literal('BeneficialOwner'),
});
export type BeneficialOwnerJson = Static<typeof BeneficialOwnerSchema>;
