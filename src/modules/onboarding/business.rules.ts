import { isIsoDate, marketDate } from '../../platform/clock.ts';
import type { FieldIssue } from '../../platform/errors.ts';
import {
  type BusinessApplication,
  type BusinessFields,
  EMAIL_PATTERN,
  FORMATION_DATE_MIN,
  type RelatedParty,
  type RelatedPartyFields,
  isBeneficialOwner,
  issueList,
  normaliseBusinessId,
  normaliseOwnership,
  normalisePersonId,
  ownershipTotal,
} from './business.domain.ts';
import type { BusinessApplicationRequest, RelatedPartyRequest } from './business.schemas.ts';
import { isCountryCode } from './countries.ts';
import { APPLICANT_AGE_YEARS_MIN, DATE_OF_BIRTH_MIN, type Address, type PersonName, ageInYears, normalisePhoneNumber } from './onboarding.domain.ts';
import type { AddressSchema, NameSchema } from './onboarding.schemas.ts';
import type { Static } from 'typebox';

/**
 * The rules of business applications and their related parties, as Jiko states them: field
 * formats when a field is sent (create and update), and completeness when the application is
 * applied. Field paths are the request's own names (`['identification_number', 'identification_number']`).
 */

/** What the rules need besides the request. */
export interface BusinessRules {
  /** The tenant clock's instant: its New York date is "today". */
  readonly now: Date;
  /** Applications must consent to this agreement bundle version. */
  readonly agreementVersion: string;
}

type Issue = ReturnType<typeof issueList>['issue'];

const text = (value: string | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

function checkName(name: Static<typeof NameSchema>, at: string[], issue: Issue): PersonName {
  const firstName = name.first_name.trim();
  const lastName = name.last_name.trim();
  if (!firstName) issue([...at, 'first_name'], 'Field required', 'missing');
  if (!lastName) issue([...at, 'last_name'], 'Field required', 'missing');
  return { firstName, middleName: text(name.middle_name), lastName };
}

function checkAddress(address: Static<typeof AddressSchema>, at: string[], issue: Issue): Address {
  if (!isCountryCode(address.country)) issue([...at, 'country'], 'Input should be an ISO 3166-1 alpha-2 country code');
  for (const field of ['street_address', 'city', 'postal_code'] as const) {
    if (!address[field].trim()) issue([...at, field], 'Field required', 'missing');
  }
  return {
    streetAddress: address.street_address.trim(),
    streetAddress2: text(address.street_address2),
    city: address.city.trim(),
    postalCode: address.postal_code.trim(),
    state: text(address.state),
    country: address.country,
  };
}

function checkEmail(value: string, at: string[], issue: Issue): string {
  const email = value.trim();
  if (!EMAIL_PATTERN.test(email)) issue(at, 'value is not a valid email address');
  return email;
}

function checkPhone(value: string, at: string[], issue: Issue): string {
  const phone = normalisePhoneNumber(value);
  if (!phone) issue(at, 'value is not a valid phone number');
  return phone ?? value;
}

function checkIdentification(id: NonNullable<BusinessApplicationRequest['identification_number']>, issue: Issue): BusinessFields['identification'] {
  const number = normaliseBusinessId(id.type, id.identification_number);
  const at = ['identification_number'];
  if (number === undefined) {
    const expected = { EIN: 'an EIN of nine digits with an IRS prefix, 12-3456789', TIN: 'a TIN of nine digits, 123456789', NON_US_BUSINESS_ID: 'a business id of 2 to 50 letters and digits' }[id.type];
    issue([...at, 'identification_number'], `Input should be ${expected}`);
  }
  const country = id.issuing_country ?? (id.type === 'NON_US_BUSINESS_ID' ? null : 'US');
  if (country !== null && !isCountryCode(country)) issue([...at, 'issuing_country'], 'Input should be an ISO 3166-1 alpha-2 country code');
  if (id.type === 'NON_US_BUSINESS_ID' && (country === null || country === 'US')) {
    issue([...at, 'issuing_country'], 'A non-US business id needs its issuing country (not US)', country === null ? 'missing' : 'value_error');
  }
  if (id.type !== 'NON_US_BUSINESS_ID' && country !== 'US') issue([...at, 'issuing_country'], `An ${id.type} is issued by the US`);
  return { number: number ?? id.identification_number, type: id.type, issuingCountry: country };
}

function checkConsent(consent: NonNullable<BusinessApplicationRequest['agreement_consent']>, rules: BusinessRules, issue: Issue): Date {
  if (consent.version !== rules.agreementVersion) {
    issue(['agreement_consent', 'version'], `Agreement version must be the current version ${rules.agreementVersion}`);
  }
  const at = new Date(consent.timestamp);
  if (Number.isNaN(at.getTime())) issue(['agreement_consent', 'timestamp'], 'Input should be a valid datetime', 'datetime_parsing');
  else if (at.getTime() > rules.now.getTime()) issue(['agreement_consent', 'timestamp'], 'Consent cannot be given in the future');
  return at;
}

/**
 * Checks and normalises the fields a create or update sends (each optional); the fields not sent
 * are not in the patch.
 * @returns the patch, or the issues at fault.
 */
export function checkBusinessPatch(
  request: BusinessApplicationRequest,
  rules: BusinessRules,
): { ok: true; patch: Partial<BusinessFields> } | { ok: false; issues: FieldIssue[] } {
  const { issues, issue } = issueList();
  const patch: { -readonly [K in keyof BusinessFields]?: BusinessFields[K] } = {};
  if (request.name !== undefined) {
    patch.name = request.name.trim();
    if (!patch.name) issue(['name'], 'Field required', 'missing');
  }
  if (request.entity_type !== undefined) patch.entityType = request.entity_type;
  if (request.doing_business_as !== undefined) patch.doingBusinessAs = text(request.doing_business_as);
  if (request.identification_number !== undefined) patch.identification = checkIdentification(request.identification_number, issue);
  if (request.address !== undefined) patch.address = checkAddress(request.address, ['address'], issue);
  if (request.website !== undefined) patch.website = text(request.website);
  if (request.contact !== undefined) {
    const contact = request.contact;
    patch.contact = {
      name: contact.name ? checkName(contact.name, ['contact', 'name'], issue) : null,
      phoneNumber: contact.phone_number !== undefined ? checkPhone(contact.phone_number, ['contact', 'phone_number'], issue) : null,
      email: contact.email !== undefined ? checkEmail(contact.email, ['contact', 'email'], issue) : null,
    };
  }
  if (request.formation_date !== undefined) {
    const date = request.formation_date;
    if (!isIsoDate(date)) issue(['formation_date'], 'Input should be a valid date in the format YYYY-MM-DD', 'date_from_datetime_parsing');
    else if (date < FORMATION_DATE_MIN || date > marketDate(rules.now)) issue(['formation_date'], `Formation date must be between ${FORMATION_DATE_MIN} and today`);
    patch.formationDate = date;
  }
  if (request.risk_info !== undefined) patch.riskInfo = request.risk_info;
  if (request.industry !== undefined) {
    const otherIndustry = text(request.industry.other_industry);
    if (request.industry.industry === 'OTHER' && !otherIndustry) issue(['industry', 'other_industry'], 'Field required when industry is OTHER', 'missing');
    patch.industry = { industry: request.industry.industry ?? null, otherIndustry };
  }
  if (request.agreement_consent !== undefined) {
    patch.agreementVersion = request.agreement_consent.version;
    patch.agreementConsentedAt = checkConsent(request.agreement_consent, rules, issue);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, patch };
}

function checkDateOfBirth(date: string, rules: BusinessRules, issue: Issue): void {
  const today = marketDate(rules.now);
  if (!isIsoDate(date)) issue(['date_of_birth'], 'Input should be a valid date in the format YYYY-MM-DD', 'date_from_datetime_parsing');
  else if (date < DATE_OF_BIRTH_MIN || date > today) issue(['date_of_birth'], `Date of birth must be between ${DATE_OF_BIRTH_MIN} and today`);
  else if (ageInYears(date, today) < APPLICANT_AGE_YEARS_MIN) issue(['date_of_birth'], `A related party must be at least ${APPLICANT_AGE_YEARS_MIN} years old`);
}

/**
 * Checks and normalises the fields a related-party create or update sends (each optional).
 * @returns the patch, or the issues at fault.
 */
export function checkRelatedPartyPatch(
  request: RelatedPartyRequest,
  rules: BusinessRules,
): { ok: true; patch: Partial<RelatedPartyFields> } | { ok: false; issues: FieldIssue[] } {
  const { issues, issue } = issueList();
  const patch: { -readonly [K in keyof RelatedPartyFields]?: RelatedPartyFields[K] } = {};
  if (request.title !== undefined) patch.title = text(request.title);
  if (request.name !== undefined) patch.name = checkName(request.name, ['name'], issue);
  if (request.address !== undefined) patch.address = checkAddress(request.address, ['address'], issue);
  if (request.date_of_birth !== undefined) {
    checkDateOfBirth(request.date_of_birth, rules, issue);
    patch.dateOfBirth = request.date_of_birth;
  }
  if (request.identification_number !== undefined) {
    const { identification_type: type, identification_number: raw } = request.identification_number;
    const number = normalisePersonId(type, raw);
    if (number === undefined) {
      const expected = { SSN: 'an SSN, 123-45-6789', PASSPORT: 'a passport number of 5 to 20 letters and digits', NON_US_ID: 'an id of 2 to 50 letters and digits' }[type];
      issue(['identification_number', 'identification_number'], `Input should be ${expected}`);
    }
    patch.identification = { number: number ?? raw, type };
  }
  if (request.phone_number !== undefined) patch.phoneNumber = checkPhone(request.phone_number, ['phone_number'], issue);
  if (request.roles !== undefined) patch.roles = [...new Set(request.roles)];
  if (request.ownership_percentage !== undefined) {
    const fraction = normaliseOwnership(request.ownership_percentage);
    if (fraction === undefined) issue(['ownership_percentage'], "Input should be a decimal fraction between 0 and 1 with at most 4 decimal places ('0.51' is 51%)");
    patch.ownershipFraction = fraction ?? null;
  }
  if (request.citizenship !== undefined) {
    if (!isCountryCode(request.citizenship)) issue(['citizenship'], 'Input should be an ISO 3166-1 alpha-2 country code');
    patch.citizenship = request.citizenship;
  }
  if (request.email !== undefined) patch.email = checkEmail(request.email, ['email'], issue);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, patch };
}

/** The issue when the parties' shares would add up to more than the whole business, or undefined. */
export function ownershipIssue(parties: readonly Pick<RelatedPartyFields, 'ownershipFraction'>[]): FieldIssue | undefined {
  const total = ownershipTotal(parties);
  if (total.lessThanOrEqualTo(1)) return undefined;
  return { field: ['ownership_percentage'], msg: `The related parties would own ${total.toString()} of the business; their shares add up to 1 at most`, type: 'value_error' };
}

const BUSINESS_REQUIRED: readonly [keyof BusinessFields, string][] = [
  ['name', 'name'], ['entityType', 'entity_type'], ['identification', 'identification_number'], ['address', 'address'],
  ['contact', 'contact'], ['formationDate', 'formation_date'], ['industry', 'industry'], ['agreementVersion', 'agreement_consent'],
];
const PARTY_REQUIRED: readonly [keyof RelatedPartyFields, string][] = [
  ['name', 'name'], ['address', 'address'], ['dateOfBirth', 'date_of_birth'], ['identification', 'identification_number'],
  ['phoneNumber', 'phone_number'], ['citizenship', 'citizenship'], ['email', 'email'],
];

/**
 * What an application still lacks to be applied (Jiko: the business's details and consent, and a
 * related party for each authorized representative, beneficial owner and control person):
 * - the business's name, entity type, identification number, address, contact (name, phone,
 *   email), formation date, industry and agreement consent;
 * - at least one CONTROL_PERSON and one AUTHORIZED_REPRESENTATIVE (one person may be both);
 * - every related party complete (name, address, date of birth, identification number, phone,
 *   citizenship, email) and either holding a role or owning 25% or more (a beneficial owner);
 * - the parties' shares adding up to 1 at most.
 * Parties' fields are reported under `['related_party_applications', <party id>, <field>]`.
 * @returns the issues; empty when the application can be applied.
 */
export function readinessIssues(application: BusinessApplication, parties: readonly RelatedParty[]): FieldIssue[] {
  const { issues, issue } = issueList();
  for (const [key, wire] of BUSINESS_REQUIRED) if (application[key] === null) issue([wire], 'Field required before apply', 'missing');
  const contact = application.contact;
  if (contact) {
    if (!contact.name) issue(['contact', 'name'], 'Field required before apply', 'missing');
    if (!contact.phoneNumber) issue(['contact', 'phone_number'], 'Field required before apply', 'missing');
    if (!contact.email) issue(['contact', 'email'], 'Field required before apply', 'missing');
  }
  if (application.industry && application.industry.industry === null) issue(['industry', 'industry'], 'Field required before apply', 'missing');
  for (const role of ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'] as const) {
    if (!parties.some((party) => party.roles.includes(role))) {
      issue(['related_party_applications'], `A related party with role ${role} is required before apply`, 'missing');
    }
  }
  for (const party of parties) {
    const at = ['related_party_applications', party.id];
    for (const [key, wire] of PARTY_REQUIRED) if (party[key] === null) issue([...at, wire], 'Field required before apply', 'missing');
    if (party.roles.length === 0 && !isBeneficialOwner(party.ownershipFraction)) {
      issue([...at, 'roles'], 'A related party either holds a role or owns 25% (0.25) or more of the business');
    }
  }
  const total = ownershipIssue(parties);
  if (total) issues.push({ ...total, field: ['related_party_applications', 'ownership_percentage'] });
  return issues;
}
