import { isCountryCode } from '../onboarding/index.ts';
import {
  type AccountType,
  type Counterparty,
  type CounterpartyAddress,
  type CounterpartyName,
  type CounterpartyType,
  type IdentifierType,
  type VerificationMethod,
  bicProblem,
  ibanProblem,
  nameOnAccount,
  normalizeIban,
  routingNumberProblem,
} from './counterparties.domain.ts';
import { CounterpartyErrors } from './counterparties.errors.ts';

/**
 * A new counterparty's request, checked against its type: which fields the type needs and allows,
 * and each identifier's rule. Field names are the domain's; doors map them to the wire.
 */

/** Jiko's counterparty_name as received: `business_name` for a business, names for a person. */
export interface CounterpartyNameInput {
  readonly type: 'business' | 'individual';
  readonly businessName?: string | undefined;
  readonly firstName?: string | undefined;
  readonly middleName?: string | undefined;
  readonly lastName?: string | undefined;
}

export type AddressInput = CounterpartyAddress;

/** Jiko's CreateCounterpartyRequest, every type's fields in one object. */
export interface NewCounterpartyInput {
  readonly type: CounterpartyType;
  readonly counterpartyName: CounterpartyNameInput;
  readonly routingNumber?: string | undefined;
  readonly accountNumber?: string | undefined;
  readonly accountType?: AccountType | undefined;
  readonly bic?: string | undefined;
  readonly identifier?: string | undefined;
  readonly identifierType?: IdentifierType | undefined;
  readonly address?: AddressInput | undefined;
  readonly wireInstructions?: string | undefined;
  readonly institutionName?: string | undefined;
  readonly verificationMethod?: VerificationMethod | undefined;
}

type FieldName = Exclude<keyof NewCounterpartyInput, 'type' | 'counterpartyName'>;

/** Fields each type needs, and those it also allows. */
const FIELDS: Record<CounterpartyType, { required: readonly FieldName[]; optional: readonly FieldName[] }> = {
  ach: { required: ['routingNumber', 'accountNumber'], optional: ['accountType', 'institutionName', 'verificationMethod'] },
  wire: { required: ['routingNumber', 'identifier', 'address'], optional: ['accountType', 'wireInstructions', 'institutionName', 'verificationMethod'] },
  international_wire: { required: ['bic', 'identifier', 'address'], optional: ['identifierType', 'wireInstructions', 'institutionName', 'verificationMethod'] },
  on_us: { required: ['accountNumber'], optional: ['verificationMethod'] },
};

/** Verification methods each type offers; the first is the default. Plaid has its own paths. */
const METHODS: Record<CounterpartyType, readonly VerificationMethod[]> = {
  ach: ['micro_deposits', 'pre_verified'],
  wire: ['supporting_documents', 'pre_verified'],
  international_wire: ['supporting_documents', 'pre_verified'],
  on_us: ['pre_verified'],
};

/** A US bank account number: 4 to 17 digits (the DFI account number field of a NACHA entry). */
const ACCOUNT_NUMBER = /^\d{4,17}$/;
/** A non-IBAN foreign account number: up to 34 letters or digits (ISO 20022 Othr/Id). */
const FOREIGN_ACCOUNT_NUMBER = /^[A-Z0-9]{1,34}$/;

/**
 * The name and the name on the account.
 * @throws DomainError 422 at `counterpartyName.businessName` (or first/last name) when missing.
 */
export function checkName(input: CounterpartyNameInput): { counterpartyName: CounterpartyName; nameOnAccount: string } {
  let name: CounterpartyName;
  if (input.type === 'business') {
    if (!input.businessName?.trim()) throw CounterpartyErrors.required(['counterpartyName', 'businessName'], 'business');
    name = { type: 'business', business_name: input.businessName };
  } else {
    if (!input.firstName?.trim()) throw CounterpartyErrors.required(['counterpartyName', 'firstName'], 'individual');
    if (!input.lastName?.trim()) throw CounterpartyErrors.required(['counterpartyName', 'lastName'], 'individual');
    name = { type: 'individual', first_name: input.firstName, last_name: input.lastName, ...(input.middleName ? { middle_name: input.middleName } : {}) };
  }
  return { counterpartyName: name, nameOnAccount: nameOnAccount(name) };
}

/**
 * @throws DomainError 422 at `address.country` for a code that is not ISO 3166-1 alpha-2, and at
 * `address.state` for a US address without its state (Jiko: the postal abbreviation, required).
 */
export function checkAddress(address: AddressInput): CounterpartyAddress {
  if (!isCountryCode(address.country)) throw CounterpartyErrors.identifier(['address', 'country'], 'country must be an ISO 3166-1 alpha-2 code');
  if (address.country === 'US' && !/^[A-Z]{2}$/.test(address.state ?? '')) {
    throw CounterpartyErrors.identifier(['address', 'state'], 'state is required for a US address: its two-letter postal abbreviation');
  }
  return address;
}

function checkIdentifier(type: CounterpartyType, identifier: string, identifierType: IdentifierType): string {
  if (type === 'wire' || identifierType === 'ACCOUNT_NUMBER') {
    const value = type === 'wire' ? identifier : identifier.replace(/ /g, '').toUpperCase();
    const rule = type === 'wire' ? ACCOUNT_NUMBER : FOREIGN_ACCOUNT_NUMBER;
    if (!rule.test(value)) throw CounterpartyErrors.identifier(['identifier'], type === 'wire' ? 'account number must be 4 to 17 digits' : 'account number must be up to 34 letters or digits');
    return value;
  }
  const iban = normalizeIban(identifier);
  const problem = ibanProblem(iban);
  if (problem) throw CounterpartyErrors.identifier(['identifier'], problem);
  return iban;
}

/**
 * The stored fields of a new counterparty from its request: the type's required fields present,
 * no field of another type, each identifier valid (ABA check digit, IBAN mod 97 and length, BIC
 * shape and country), account numbers of 4 to 17 digits, the verification method one the type
 * offers. The on-us network address is resolved by the service.
 * @throws DomainError 422 naming the field (`routingNumber`, `identifier`, `bic`, ...).
 */
export function counterpartyFields(input: NewCounterpartyInput) {
  const { type } = input;
  const rules = FIELDS[type];
  for (const field of rules.required) if (input[field] === undefined) throw CounterpartyErrors.required([field], type);
  for (const field of Object.keys(input) as (keyof NewCounterpartyInput)[]) {
    if (field === 'type' || field === 'counterpartyName' || input[field] === undefined) continue;
    if (!rules.required.includes(field) && !rules.optional.includes(field)) throw CounterpartyErrors.notUsed([field], type);
  }
  const name = checkName(input.counterpartyName);
  if (input.routingNumber !== undefined) {
    const problem = routingNumberProblem(input.routingNumber);
    if (problem) throw CounterpartyErrors.identifier(['routingNumber'], problem);
  }
  if (input.accountNumber !== undefined && !ACCOUNT_NUMBER.test(input.accountNumber)) {
    throw CounterpartyErrors.identifier(['accountNumber'], 'account number must be 4 to 17 digits');
  }
  const bic = input.bic?.toUpperCase();
  const bicIssue = bic === undefined ? undefined : bicProblem(bic);
  if (bicIssue) throw CounterpartyErrors.identifier(['bic'], bicIssue);
  const identifierType: IdentifierType | null = type === 'international_wire' ? (input.identifierType ?? 'IBAN') : null;
  const identifier = input.identifier === undefined ? null : checkIdentifier(type, input.identifier, identifierType ?? 'ACCOUNT_NUMBER');
  const method = input.verificationMethod ?? METHODS[type][0]!;
  if (!METHODS[type].includes(method)) throw CounterpartyErrors.verificationMethod(method, type);
  return {
    type,
    counterpartyName: name.counterpartyName,
    nameOnAccount: name.nameOnAccount,
    routingNumber: input.routingNumber ?? null,
    accountNumber: input.accountNumber ?? null,
    accountType: type === 'ach' || type === 'wire' ? (input.accountType ?? 'CHECKING') : null,
    bic: bic ?? null,
    identifier,
    identifierType,
    address: input.address === undefined ? null : checkAddress(input.address),
    wireInstructions: input.wireInstructions ?? null,
    institutionName: input.institutionName ?? null,
    verificationMethod: method,
  } satisfies Partial<Counterparty>;
}

/** A correction of an ach counterparty's bank account (a notification of change); absent fields stay. */
export interface BankAccountCorrection {
  readonly routingNumber?: string | undefined;
  readonly accountNumber?: string | undefined;
}

/**
 * Checks a correction: a routing number passes the ABA check digit, an account number is 4-17
 * digits (as on create).
 * @throws DomainError 422 at `routingNumber` or `accountNumber`.
 */
export function checkBankAccountCorrection(input: BankAccountCorrection): BankAccountCorrection {
  if (input.routingNumber !== undefined) {
    const problem = routingNumberProblem(input.routingNumber);
    if (problem) throw CounterpartyErrors.identifier(['routingNumber'], problem);
  }
  if (input.accountNumber !== undefined && !ACCOUNT_NUMBER.test(input.accountNumber)) {
    throw CounterpartyErrors.identifier(['accountNumber'], 'account number must be 4 to 17 digits');
  }
  return input;
}
