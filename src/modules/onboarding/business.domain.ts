import { Decimal } from '../../money/index.ts';
import type { FieldIssue } from '../../platform/errors.ts';
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
import type { Address, PersonName } from './onboarding.domain.ts';
import type { DocumentStatus } from './onboarding.schemas.ts';

/** Least share of a business that makes its owner a beneficial owner (FinCEN CDD rule, 31 CFR 1010.230): 25%. */
export const BENEFICIAL_OWNER_FRACTION_MIN = '0.25';
/** Earliest formation date accepted; anything before is a typing error. */
export const FORMATION_DATE_MIN = '1800-01-01';

/** A business's identification number (Jiko's BusinessIdentificationNumber), normalised. */
export interface BusinessIdentification {
  /** EIN as `12-3456789`, TIN as nine digits, a non-US id as sent (trimmed). */
  readonly number: string;
  readonly type: BusinessIdentificationType;
  readonly issuingCountry: string | null;
}

/** Jiko's BusinessContact, normalised (phone in E.164). */
export interface BusinessContact {
  readonly name: PersonName | null;
  readonly phoneNumber: string | null;
  readonly email: string | null;
}

/** A business application's own fields; every one may be missing until apply. */
export interface BusinessFields {
  readonly name: string | null;
  readonly entityType: EntityType | null;
  readonly doingBusinessAs: string | null;
  readonly identification: BusinessIdentification | null;
  readonly address: Address | null;
  readonly website: string | null;
  readonly contact: BusinessContact | null;
  /** YYYY-MM-DD. */
  readonly formationDate: string | null;
  /** Jiko's RiskInfo as sent. */
  readonly riskInfo: RiskInfoJson | null;
  readonly industry: { readonly industry: Industry | null; readonly otherIndustry: string | null } | null;
  readonly agreementVersion: string | null;
  readonly agreementConsentedAt: Date | null;
}

/** A business (KYB) application of one tenant. */
export interface BusinessApplication extends BusinessFields {
  readonly id: string;
  readonly partnerId: string;
  readonly status: BusinessApplicationStatus;
  readonly exceptionReasons: readonly string[];
  readonly customerId: string | null;
  /** Tenant clock times. */
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly submittedAt: Date | null;
}

/** A related party's fields; every one may be missing until apply. */
export interface RelatedPartyFields {
  readonly title: string | null;
  readonly name: PersonName | null;
  readonly address: Address | null;
  /** YYYY-MM-DD. */
  readonly dateOfBirth: string | null;
  readonly identification: { readonly number: string; readonly type: PersonIdentificationType } | null;
  /** E.164. */
  readonly phoneNumber: string | null;
  readonly roles: readonly RelatedPartyRole[];
  /** The share of the business owned, an exact decimal fraction (`0.51`), or null. */
  readonly ownershipFraction: string | null;
  readonly citizenship: string | null;
  readonly email: string | null;
}

/** A person related to a business application: an owner, a control person, a representative. */
export interface RelatedParty extends RelatedPartyFields {
  readonly id: string;
  readonly applicationId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A document request of a business application, and the file that fulfils it once uploaded. */
export interface BusinessDocument {
  readonly id: string;
  readonly applicationId: string;
  /** The person the document is about (an ID); null for the business's own documents. */
  readonly relatedPartyId: string | null;
  readonly type: AnyDocumentType;
  readonly status: DocumentStatus;
  readonly exceptionReason: string;
  /** The uploaded file's name; '' before upload. */
  readonly name: string;
  readonly fileId: string | null;
  readonly uploadedAt: Date | null;
}

/** A person invited to an application (INVITE) or a member of the business's team (TEAM). */
export interface ApplicationMember {
  readonly id: string;
  readonly applicationId: string;
  readonly kind: 'INVITE' | 'TEAM';
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly role: MemberRole;
  readonly status: 'PENDING' | 'ACTIVE';
  readonly createdAt: Date;
}

// ---------------------------------------------------------------------------------------------
// Formats

/** An e-mail address as the individual applications accept them. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
/** IRS campus prefixes never assigned to an EIN (IRS, "How EINs are assigned and valid EIN prefixes"). */
const EIN_PREFIXES_UNASSIGNED = new Set(['00', '07', '08', '09', '17', '18', '19', '28', '29', '49', '69', '70', '78', '79', '89', '96', '97']);

/**
 * A business identification number in its normal form, or undefined when it is not one:
 * EIN: nine digits, `12-3456789` or `123456789`, with an assigned IRS prefix → `12-3456789`;
 * TIN: nine digits, any of `123-45-6789`, `12-3456789`, `123456789`, not all zero → `123456789`;
 * NON_US_BUSINESS_ID: 2 to 50 letters, digits, spaces, dots, slashes or dashes, as sent.
 */
export function normaliseBusinessId(type: BusinessIdentificationType, raw: string): string | undefined {
  const value = raw.trim();
  if (type === 'NON_US_BUSINESS_ID') return /^[A-Za-z0-9][A-Za-z0-9 ./-]{1,49}$/.test(value) ? value : undefined;
  if (!/^(\d{2}-?\d{7}|\d{3}-?\d{2}-?\d{4})$/.test(value)) return undefined;
  const digits = value.replace(/-/g, '');
  if (type === 'TIN') return /^0{9}$/.test(digits) ? undefined : digits;
  if (!/^\d{2}-?\d{7}$/.test(value) || EIN_PREFIXES_UNASSIGNED.has(digits.slice(0, 2))) return undefined;
  return `${digits.slice(0, 2)}-${digits.slice(2)}`;
}

/**
 * A person's identification number in its normal form, or undefined: SSN as `123-45-6789` (area
 * not 000, 666 or 9xx, group not 00, serial not 0000: SSA's never-assigned numbers); a passport 5
 * to 20 letters or digits; a non-US id 2 to 50 letters, digits, spaces or dashes.
 */
export function normalisePersonId(type: PersonIdentificationType, raw: string): string | undefined {
  const value = raw.trim();
  if (type === 'PASSPORT') return /^[A-Za-z0-9]{5,20}$/.test(value) ? value.toUpperCase() : undefined;
  if (type === 'NON_US_ID') return /^[A-Za-z0-9][A-Za-z0-9 -]{1,49}$/.test(value) ? value : undefined;
  const match = /^(\d{3})-?(\d{2})-?(\d{4})$/.exec(value);
  if (!match) return undefined;
  const [, area, group, serial] = match as unknown as [string, string, string, string];
  if (area === '000' || area === '666' || area.startsWith('9') || group === '00' || serial === '0000') return undefined;
  return `${area}-${group}-${serial}`;
}

/** The number with every letter and digit but the last four replaced by `*` (`***-**-6789`). */
export function maskIdentification(number: string): string {
  let keep = 4;
  const chars = [...number];
  for (let i = chars.length - 1; i >= 0; i--) {
    if (!/[A-Za-z0-9]/.test(chars[i]!)) continue;
    if (keep > 0) keep--;
    else chars[i] = '*';
  }
  return chars.join('');
}

/**
 * An ownership share in its normal form (`0.5`, `1`, `0`), or undefined: a decimal fraction of the
 * business between 0 and 1 with at most 4 decimal places (`'0.51'` is 51%).
 */
export function normaliseOwnership(raw: string): string | undefined {
  if (!/^\d{1,2}(\.\d{1,4})?$/.test(raw.trim())) return undefined;
  const value = new Decimal(raw.trim());
  return value.greaterThan(1) ? undefined : value.toString();
}

/** True when `fraction` (normal form) makes its holder a beneficial owner (25% or more). */
export function isBeneficialOwner(fraction: string | null): boolean {
  return fraction !== null && new Decimal(fraction).greaterThanOrEqualTo(BENEFICIAL_OWNER_FRACTION_MIN);
}

/** The sum of the parties' shares, exact. */
export function ownershipTotal(parties: readonly Pick<RelatedPartyFields, 'ownershipFraction'>[]): Decimal {
  return parties.reduce((sum, party) => (party.ownershipFraction === null ? sum : sum.plus(party.ownershipFraction)), new Decimal(0));
}

/** Collects issues: `issue(['name'], 'Field required', 'missing')`. */
export function issueList(): { issues: FieldIssue[]; issue: (field: (string | number)[], msg: string, type?: string) => void } {
  const issues: FieldIssue[] = [];
  return { issues, issue: (field, msg, type = 'value_error') => void issues.push({ field, msg, type }) };
}
