import { isIsoDate, marketDate } from '../../platform/clock.ts';
import type { FieldIssue } from '../../platform/errors.ts';
import type { BusinessIdentification } from './business.domain.ts';
import { isCountryCode } from './countries.ts';
import type {
  ApplicationRequest,
  ApplicationStatus,
  CustomerAccountStatus,
  DocumentStatus,
  DocumentType,
  EmploymentStatus,
  IdentificationType,
  Income,
  NetWorth,
} from './onboarding.schemas.ts';

/** Youngest age, in whole years on the tenant's clock date, at which a person may apply. */
export const APPLICANT_AGE_YEARS_MIN = 18;
/** Earliest date of birth accepted; anything before is a typing error, not an applicant. */
export const DATE_OF_BIRTH_MIN = '1900-01-01';
/** Occupation length when it is required (EMPLOYED), as Jiko's EmployedInvestmentProfile says. */
export const OCCUPATION_LENGTH_MIN = 2;

/** A postal address (Jiko's ISOAddress / GeneralAddress). */
export interface Address {
  readonly streetAddress: string;
  readonly streetAddress2: string | null;
  readonly city: string;
  readonly postalCode: string;
  readonly state: string | null;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/** A person's name; first and last at most 50 characters each. */
export interface PersonName {
  readonly firstName: string;
  readonly middleName: string | null;
  readonly lastName: string;
}

/** Suitability information (Jiko's InvestmentProfile). */
export interface InvestmentProfile {
  readonly employmentStatus: EmploymentStatus;
  readonly income: Income;
  readonly netWorth: NetWorth;
  readonly occupation: string | null;
  readonly bdAssociation: string | null;
  readonly directorPolicyMakerOfCompany: string | null;
}

/** A document the applicant is asked for. */
export interface ApplicationDocument {
  readonly id: string;
  readonly type: DocumentType;
  readonly status: DocumentStatus;
  readonly exceptionReason: string;
  readonly name: string;
}

/** An application's fields once checked and normalised; what the repo stores. */
export interface ApplicationDraft {
  readonly identificationType: IdentificationType;
  readonly identificationNumber: string;
  readonly identificationNumberIssuingCountry: string | null;
  readonly name: PersonName;
  readonly email: string;
  /** YYYY-MM-DD. */
  readonly dateOfBirth: string;
  /** E.164. */
  readonly phoneNumber: string;
  readonly citizenshipCountry: string;
  readonly address: Address;
  readonly investmentProfile: InvestmentProfile;
  readonly agreementVersion: string;
  readonly agreementConsentedAt: Date;
  readonly originallyOnboardedAt: Date | null;
}

/** An individual (KYC) application of one tenant. */
export interface Application extends ApplicationDraft {
  readonly id: string;
  readonly partnerId: string;
  readonly status: ApplicationStatus;
  readonly exceptionReasons: readonly string[];
  readonly customerId: string | null;
  readonly documents: readonly ApplicationDocument[];
  readonly idVerificationDocumentsNeeded: boolean;
  readonly identificationNumberVerificationDocumentNeeded: boolean;
  readonly addressVerificationDocumentNeeded: boolean;
  /** Tenant clock times. */
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly submittedAt: Date | null;
}

/** A customer: a person (INDIVIDUAL) or a business (BUSINESS), made by an approved application. */
export type Customer = IndividualCustomer | BusinessCustomer;

/** A business customer, created when a business application is approved. */
export interface BusinessCustomer {
  readonly id: string;
  readonly partnerId: string;
  readonly type: 'BUSINESS';
  /** PENDING until the customer has an open pocket; the pockets module moves it. */
  readonly accountStatus: CustomerAccountStatus;
  readonly businessApplicationId: string;
  /** The legal name. */
  readonly name: string;
  /** The business contact's e-mail and phone (E.164). */
  readonly email: string;
  readonly phoneNumber: string;
  readonly address: Address;
  readonly identification: BusinessIdentification;
  /** Tenant clock time. */
  readonly createdAt: Date;
}

/** An individual customer, created when an application is approved. */
export interface IndividualCustomer {
  readonly id: string;
  readonly partnerId: string;
  readonly type: 'INDIVIDUAL';
  /** PENDING until the customer has an open pocket; the pockets module moves it. */
  readonly accountStatus: CustomerAccountStatus;
  readonly applicationId: string;
  readonly firstName: string;
  readonly middleName: string | null;
  readonly lastName: string;
  readonly email: string;
  /** E.164. */
  readonly phoneNumber: string;
  /** YYYY-MM-DD. */
  readonly dateOfBirth: string;
  readonly address: Address;
  /** Tenant clock time. */
  readonly createdAt: Date;
}

/** What a KYC decision sets on an application. */
export interface Decision {
  readonly status: Extract<ApplicationStatus, 'APPROVED' | 'REJECTED' | 'MANUAL_REVIEW' | 'DOCUMENTS_NEEDED'>;
  /** Documents to request (DOCUMENTS_NEEDED only). */
  readonly documentTypes: readonly DocumentType[];
}

/** The event type each decided status emits (Jiko's ApplicationUpdateEvent types). */
export const DECISION_EVENT_TYPES = {
  APPROVED: 'application.approved',
  REJECTED: 'application.rejected',
  MANUAL_REVIEW: 'application.manual_review',
  DOCUMENTS_NEEDED: 'application.documents_needed',
} as const satisfies Record<Decision['status'], string>;

/**
 * The sandbox's KYC decision, taken at once on apply and chosen by the applicant's last name
 * (trimmed, any case): `Reject` → REJECTED, `Review` → MANUAL_REVIEW, `Documents` →
 * DOCUMENTS_NEEDED (ID front, ID back and a selfie requested); anything else → APPROVED.
 */
export function sandboxDecision(lastName: string): Decision {
  switch (lastName.trim().toLowerCase()) {
    case 'reject':
      return { status: 'REJECTED', documentTypes: [] };
    case 'review':
      return { status: 'MANUAL_REVIEW', documentTypes: [] };
    case 'documents':
      return { status: 'DOCUMENTS_NEEDED', documentTypes: ['ID_FRONT', 'ID_BACK', 'SELFIE'] };
    default:
      return { status: 'APPROVED', documentTypes: [] };
  }
}

/**
 * Whole years between `dateOfBirth` and `today` (both YYYY-MM-DD): a person born on 29 February
 * has a birthday on 1 March in common years.
 */
export function ageInYears(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const hadBirthday = tm > bm || (tm === bm && td >= bd);
  return ty - by - (hadBirthday ? 0 : 1);
}

const E164 = /^\+[1-9]\d{1,14}$/;
const NANP_NATIONAL = /^[2-9]\d{2}[2-9]\d{6}$/;

/**
 * A phone number in E.164 (`+14155550123`), or undefined when it is not one. Like Jiko (default
 * region US), a US number may also be written nationally (`(415) 555-0123`, `1-415-555-0123`);
 * spaces, dots, dashes and parentheses are ignored. +1 numbers must follow the NANP pattern.
 */
export function normalisePhoneNumber(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  if (compact.startsWith('+')) {
    if (!E164.test(compact)) return undefined;
    if (compact.startsWith('+1') && !NANP_NATIONAL.test(compact.slice(2))) return undefined;
    return compact;
  }
  const national = /^1\d{10}$/.test(compact) ? compact.slice(1) : compact;
  return NANP_NATIONAL.test(national) ? `+1${national}` : undefined;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** What the rules of an application need besides the request itself. */
export interface ApplicationRules {
  /** The tenant clock's instant; its New York calendar date is "today" for the age check. */
  readonly now: Date;
  /** The agreement bundle version applicants must consent to. */
  readonly agreementVersion: string;
}

/** A string with surrounding blanks removed; undefined and blank become null. */
function optionalText(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * Checks an application request against the rules a schema cannot express (age on the tenant's
 * clock date, agreement version, occupation when EMPLOYED, country codes, phone number, real
 * dates) and normalises it (trimmed text, E.164 phone, default identification type and
 * citizenship). Structural checks (required fields, lengths, enums) are the route schema's; they
 * are repeated here only where a direct caller could otherwise store nonsense.
 * @returns the draft to store, or the issues at fault (field paths in the request's own names).
 */
export function checkApplication(
  request: ApplicationRequest,
  rules: ApplicationRules,
): { ok: true; draft: ApplicationDraft } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const issue = (loc: string[], msg: string, type = 'value_error') => issues.push({ field: loc, msg, type });

  const firstName = request.name.first_name.trim();
  const lastName = request.name.last_name.trim();
  if (!firstName) issue(['name', 'first_name'], 'Field required', 'missing');
  if (!lastName) issue(['name', 'last_name'], 'Field required', 'missing');
  for (const [field, value] of [['first_name', firstName], ['middle_name', request.name.middle_name?.trim() ?? ''], ['last_name', lastName]] as const) {
    if (value.length > 50) issue(['name', field], 'String should have at most 50 characters', 'string_too_long');
  }

  const identificationNumber = request.identification_number.trim();
  if (!identificationNumber) issue(['identification_number'], 'Field required', 'missing');

  const email = request.email.trim();
  if (!EMAIL.test(email)) issue(['email'], 'value is not a valid email address', 'value_error');

  const today = marketDate(rules.now);
  if (!isIsoDate(request.date_of_birth)) {
    issue(['date_of_birth'], 'Input should be a valid date in the format YYYY-MM-DD', 'date_from_datetime_parsing');
  } else if (request.date_of_birth < DATE_OF_BIRTH_MIN || request.date_of_birth > today) {
    issue(['date_of_birth'], `Date of birth must be between ${DATE_OF_BIRTH_MIN} and today`, 'value_error');
  } else if (ageInYears(request.date_of_birth, today) < APPLICANT_AGE_YEARS_MIN) {
    issue(['date_of_birth'], `Applicant must be at least ${APPLICANT_AGE_YEARS_MIN} years old`, 'value_error');
  }

  const phoneNumber = normalisePhoneNumber(request.phone_number);
  if (!phoneNumber) issue(['phone_number'], 'value is not a valid phone number', 'value_error');

  const countries: [string[], string | undefined][] = [
    [['address', 'country'], request.address.country],
    [['citizenship_country'], request.citizenship_country],
    [['identification_number_issuing_country'], request.identification_number_issuing_country],
  ];
  for (const [loc, code] of countries) {
    if (code !== undefined && !isCountryCode(code)) issue(loc, 'Input should be an ISO 3166-1 alpha-2 country code', 'value_error');
  }
  for (const field of ['street_address', 'city', 'postal_code'] as const) {
    if (!request.address[field].trim()) issue(['address', field], 'Field required', 'missing');
  }

  const profile = request.investment_profile;
  const occupation = optionalText(profile.occupation);
  if (profile.employment_status === 'EMPLOYED' && (occupation ?? '').length < OCCUPATION_LENGTH_MIN) {
    issue(['investment_profile', 'occupation'], 'Occupation is required when employment_status is EMPLOYED', occupation ? 'string_too_short' : 'missing');
  }

  const consent = request.agreement_consent;
  if (consent.version !== rules.agreementVersion) {
    issue(['agreement_consent', 'version'], `Agreement version must be the current version ${rules.agreementVersion}`, 'value_error');
  }
  const consentedAtMs = Date.parse(consent.timestamp);
  if (!Number.isFinite(consentedAtMs)) issue(['agreement_consent', 'timestamp'], 'Input should be a valid datetime', 'datetime_parsing');
  const onboardedAtMs = request.originally_onboarded_at === undefined ? undefined : Date.parse(request.originally_onboarded_at);
  if (onboardedAtMs !== undefined && !Number.isFinite(onboardedAtMs)) {
    issue(['originally_onboarded_at'], 'Input should be a valid datetime', 'datetime_parsing');
  }

  if (issues.length > 0 || !phoneNumber) return { ok: false, issues };
  return {
    ok: true,
    draft: {
      identificationType: request.identification_type ?? 'SSN',
      identificationNumber,
      identificationNumberIssuingCountry: request.identification_number_issuing_country ?? null,
      name: { firstName, middleName: optionalText(request.name.middle_name), lastName },
      email,
      dateOfBirth: request.date_of_birth,
      phoneNumber,
      citizenshipCountry: request.citizenship_country ?? 'US',
      address: {
        streetAddress: request.address.street_address.trim(),
        streetAddress2: optionalText(request.address.street_address2),
        city: request.address.city.trim(),
        postalCode: request.address.postal_code.trim(),
        state: optionalText(request.address.state),
        country: request.address.country,
      },
      investmentProfile: {
        employmentStatus: profile.employment_status,
        income: profile.income,
        netWorth: profile.net_worth,
        occupation,
        bdAssociation: optionalText(profile.bd_association),
        directorPolicyMakerOfCompany: optionalText(profile.director_policy_maker_of_company),
      },
      agreementVersion: consent.version,
      agreementConsentedAt: new Date(consentedAtMs),
      originallyOnboardedAt: onboardedAtMs === undefined ? null : new Date(onboardedAtMs),
    },
  };
}
