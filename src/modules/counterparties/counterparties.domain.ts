import { randomInt } from 'node:crypto';
import { isCountryCode } from '../onboarding/index.ts';
import { isValidRoutingNumber } from '../rails/portal/index.ts';

/**
 * Pure rules of counterparties: the account identifiers they carry (ABA routing numbers, IBANs,
 * BICs), their verification states, and micro-deposit amounts.
 */

/** Jiko's v2 counterparty types (lower case on the wire). */
export type CounterpartyType = 'ach' | 'wire' | 'international_wire' | 'on_us';
export const COUNTERPARTY_TYPES: readonly CounterpartyType[] = ['ach', 'wire', 'international_wire', 'on_us'];

/** Jiko's v2 link state: money moves only to and from a LINKED counterparty. */
export type CounterpartyStatus = 'PENDING' | 'LINKED' | 'UNLINKED';

/** Jiko's v2 verification methods that pocketbook carries out (v1 spells them upper case). */
export type VerificationMethod = 'micro_deposits' | 'plaid' | 'pre_verified' | 'supporting_documents';

/** Jiko's verification status (ACHCounterpartyVerificationStatus): IN_PROGRESS -> VERIFIED | FAILED. */
export type VerificationStatus = 'IN_PROGRESS' | 'VERIFIED' | 'FAILED';

/** Plaid's verification status of an account linked through Plaid (Jiko's PlaidVerificationStatus). */
export type PlaidVerificationStatus =
  | 'PENDING_AUTOMATIC_VERIFICATION'
  | 'PENDING_MANUAL_VERIFICATION'
  | 'AUTOMATICALLY_VERIFIED'
  | 'MANUALLY_VERIFIED'
  | 'VERIFICATION_EXPIRED'
  | 'VERIFICATION_FAILED';

export type AccountType = 'CHECKING' | 'SAVINGS';
export type IdentifierType = 'IBAN' | 'ACCOUNT_NUMBER';

/** Jiko's counterparty_name: a business or a person. */
export type CounterpartyName =
  | { readonly type: 'business'; readonly business_name: string }
  | { readonly type: 'individual'; readonly first_name: string; readonly last_name: string; readonly middle_name?: string | undefined };

/** A postal address as Jiko's wire counterparties carry it (country ISO 3166-1 alpha-2). */
export interface CounterpartyAddress {
  readonly street_address: string;
  readonly street_address2?: string | undefined;
  readonly city: string;
  readonly postal_code: string;
  readonly state?: string | undefined;
  readonly country: string;
}

/** One counterparty of a tenant; the fields a type does not use are null. */
export interface Counterparty {
  readonly id: string;
  readonly customerId: string | null;
  readonly type: CounterpartyType;
  readonly status: CounterpartyStatus;
  readonly verificationMethod: VerificationMethod;
  readonly verificationStatus: VerificationStatus;
  readonly counterpartyName: CounterpartyName;
  readonly nameOnAccount: string;
  readonly routingNumber: string | null;
  readonly accountNumber: string | null;
  readonly accountType: AccountType | null;
  readonly bic: string | null;
  readonly identifier: string | null;
  readonly identifierType: IdentifierType | null;
  readonly address: CounterpartyAddress | null;
  readonly wireInstructions: string | null;
  readonly institutionName: string | null;
  readonly onUsPocketId: string | null;
  readonly plaid: { readonly accountId: string; readonly mask: string; readonly verificationStatus: PlaidVerificationStatus } | null;
  /** Failed micro-deposit tries, when the counterparty is verified by micro-deposits. */
  readonly microDepositFailures: number | null;
  readonly timeCreated: Date;
  readonly updatedAt: Date;
}

/** The name a bank shows for the account holder: the business name, or "first last". */
export function nameOnAccount(name: CounterpartyName): string {
  return name.type === 'business' ? name.business_name : [name.first_name, name.middle_name, name.last_name].filter(Boolean).join(' ');
}

/** The v2 status that goes with a verification status: VERIFIED links, FAILED unlinks. */
export function linkStatus(verification: VerificationStatus): CounterpartyStatus {
  return verification === 'VERIFIED' ? 'LINKED' : verification === 'FAILED' ? 'UNLINKED' : 'PENDING';
}

/** The rails that move money with counterparties. */
export type CounterpartyRail = 'ach' | 'wire' | 'on_us';

/** The rail each type is paid by: international wires are wires; on-us moves are book transfers. */
const RAILS: Readonly<Record<CounterpartyType, CounterpartyRail>> = { ach: 'ach', wire: 'wire', international_wire: 'wire', on_us: 'on_us' };

/**
 * Why money may not move with a counterparty on a rail, or undefined when it may: the rail must be
 * the type's, and the counterparty LINKED (Jiko moves money only with verified counterparties).
 */
export function movementProblem(c: Pick<Counterparty, 'type' | 'status'>, rail: CounterpartyRail): string | undefined {
  if (RAILS[c.type] !== rail) return `a counterparty of type ${c.type} cannot be paid by ${rail}`;
  if (c.status !== 'LINKED') return `the counterparty is ${c.status}: money moves only with a LINKED (verified) counterparty`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Identifiers. Each check returns undefined when the value is valid, else what is wrong.

/**
 * What is wrong with an ABA routing number, or undefined: nine digits whose weighted sum with
 * weights 3, 7, 1 repeated is a multiple of 10 (ABA check digit; the rule of the portal module).
 */
export function routingNumberProblem(value: string): string | undefined {
  if (!/^\d{9}$/.test(value)) return 'routing number must be 9 digits';
  return isValidRoutingNumber(value) ? undefined : 'routing number fails the ABA check digit';
}

/**
 * Length of the IBAN of each country that issues them, from the SWIFT IBAN Registry (the
 * registration authority of ISO 13616). A country not listed has no IBAN.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27,
  GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24,
  ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24,
  TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** An IBAN in its electronic form: spaces of the printed form removed, letters upper case. */
export function normalizeIban(value: string): string {
  return value.replace(/ /g, '').toUpperCase();
}

/**
 * ISO 7064 MOD 97-10 of an IBAN as ISO 13616 computes it: the first four characters moved to the
 * end, letters replaced by 10..35, the number taken mod 97 (in chunks, so no big integers).
 */
export function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

/**
 * What is wrong with an IBAN (electronic form, see normalizeIban), or undefined: a country that
 * issues IBANs, two check digits, alphanumerics only, the country's length (IBAN_LENGTHS), and
 * mod 97 equal to 1 (ISO 13616-1).
 */
export function ibanProblem(iban: string): string | undefined {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(iban)) return 'IBAN must be a country code, two check digits and up to 30 letters or digits';
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  if (length === undefined) return `${iban.slice(0, 2)} does not issue IBANs`;
  if (iban.length !== length) return `an IBAN of ${iban.slice(0, 2)} has ${length} characters`;
  return ibanMod97(iban) === 1 ? undefined : 'IBAN fails the ISO 13616 check digits';
}

/**
 * What is wrong with a BIC, or undefined (ISO 9362): 4 letters (institution), 2 letters naming an
 * ISO 3166-1 country, 2 letters or digits (location), and optionally 3 letters or digits (branch).
 */
export function bicProblem(bic: string): string | undefined {
  if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic)) {
    return 'BIC must be 4 letters, a 2-letter country, 2 letters or digits, and an optional 3-character branch';
  }
  return isCountryCode(bic.slice(4, 6)) ? undefined : `BIC country ${bic.slice(4, 6)} is not an ISO 3166 country`;
}

// ---------------------------------------------------------------------------------------------
// Micro-deposits

/** Wrong confirmations a micro-deposit verification takes before the counterparty fails. */
export const MICRO_DEPOSIT_TRIES_MAX = 3;

/** Two micro-deposit amounts in cents, each 1..99 (a micro-entry is a credit under $1, Nacha). */
export function microDepositAmounts(): [bigint, bigint] {
  return [BigInt(randomInt(1, 100)), BigInt(randomInt(1, 100))];
}

/** True when the amounts confirmed are the two sent, in either order. */
export function microDepositsMatch(sent: readonly [bigint, bigint], confirmed: readonly [bigint, bigint]): boolean {
  const [a, b] = [...sent].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const [c, d] = [...confirmed].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return a === c && b === d;
}
