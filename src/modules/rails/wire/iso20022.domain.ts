/**
 * The pieces shared by pocketbook's ISO 20022 wire messages (pacs.008, pacs.004): the parties,
 * agents and accounts a wire names, the checks that keep each value inside what the schema
 * accepts, and the helpers that render them as XML elements. Pure: no database, no clock.
 *
 * Sources: the element names, order and limits (`Max140Text`, `UUIDv4Identifier`,
 * `BICFIDec2014Identifier`, `IBAN2007Identifier`, `ActiveCurrencyAndAmount`) are those of the ISO
 * 20022 schemas in data/iso20022/; IBAN check digits are ISO 13616 (mod 97); BIC shape ISO 9362;
 * ABA check digit through rails/portal. The character set is pocketbook's own rule (docs/WIRES.md).
 */
import type { create } from 'xmlbuilder2';
import { isIsoDate, MARKET_TIME_ZONE } from '../../../platform/clock.ts';
import { isValidRoutingNumber } from '../portal/index.ts';
import { WireMessageErrors } from './wire.errors.ts';

/** An element under construction (xmlbuilder2's builder). */
export type XMLBuilder = ReturnType<typeof create>;

/** A field's path in the message input, e.g. `['creditor', 'postalAddress', 'townName']`. */
export type FieldPath = readonly (string | number)[];

/** Maximum lengths of the ISO 20022 text types used here (characters). */
export const MAX_TEXT_140 = 140;
export const MAX_TEXT_105 = 105;
export const MAX_TEXT_70 = 70;
export const MAX_TEXT_35 = 35;
export const MAX_TEXT_34 = 34;
export const MAX_TEXT_16 = 16;

/** The only currency Fedwire settles. */
export const WIRE_CURRENCY = 'USD';

/**
 * A financial institution in a wire: by ABA routing number (rendered as `ClrSysMmbId` with
 * clearing system `USABA`, how Fedwire names its participants) or by BIC (`BICFI`, for banks abroad).
 */
export type WireAgent =
  | { readonly kind: 'aba'; readonly routingNumber: string; readonly name?: string }
  | { readonly kind: 'bic'; readonly bic: string; readonly name?: string };

/** A structured postal address (`PostalAddress24`); `country` is ISO 3166 alpha-2, upper case. */
export interface WirePostalAddress {
  readonly streetName?: string;
  readonly buildingNumber?: string;
  readonly postCode?: string;
  readonly townName?: string;
  readonly countrySubDivision?: string;
  readonly country: string;
}

/** The debtor or creditor of a wire: a name (up to 140 characters) and, usually, an address. */
export interface WireParty {
  readonly name: string;
  readonly postalAddress?: WirePostalAddress;
}

/** An account: an IBAN (abroad) or another identifier such as a US account number (up to 34 characters). */
export type WireAccount = { readonly kind: 'iban'; readonly iban: string } | { readonly kind: 'other'; readonly id: string };

/** Who pays the charges (`ChargeBearerType1Code`): `SLEV` (per the service level, domestic Fedwire), `DEBT`, `CRED`, `SHAR`. */
export type ChargeBearer = 'SLEV' | 'DEBT' | 'CRED' | 'SHAR';
export const CHARGE_BEARERS: readonly ChargeBearer[] = ['SLEV', 'DEBT', 'CRED', 'SHAR'];

/** Printable ASCII, space to tilde: the character set pocketbook allows in wire text (docs/WIRES.md). */
const WIRE_CHARACTER = /^[\x20-\x7E]$/;

/**
 * `value` if it is 1 to `max` characters of the wire character set.
 * @throws DomainError `wires.text_empty`, `wires.text_too_long` or `wires.character_not_allowed`, naming `field`.
 */
export function checkText(value: string, max: number, field: FieldPath): string {
  if (value.trim().length === 0) throw WireMessageErrors.textEmpty(field);
  for (const char of value) if (!WIRE_CHARACTER.test(char)) throw WireMessageErrors.characterNotAllowed(field, char);
  // Printable ASCII only, so UTF-16 length is the number of characters.
  if (value.length > max) throw WireMessageErrors.textTooLong(field, max);
  return value;
}

/**
 * An amount in cents as the decimal an `ActiveCurrencyAndAmount` carries, with 2 places
 * (`2500000n` -> `"25000.00"`). Integer arithmetic only.
 * @throws DomainError `wires.amount_out_of_range` unless 0 < cents < 10^18 (the schema's 18 digits).
 */
export function formatAmount(amountCents: bigint, field: FieldPath): string {
  if (amountCents <= 0n || amountCents >= 10n ** 18n) throw WireMessageErrors.amountOutOfRange(field);
  return `${amountCents / 100n}.${(amountCents % 100n).toString().padStart(2, '0')}`;
}

/** @throws DomainError `wires.currency_not_supported` for anything but USD. */
export function checkCurrency(currency: string, field: FieldPath): string {
  if (currency !== WIRE_CURRENCY) throw WireMessageErrors.currencyNotSupported(field);
  return currency;
}

const UETR = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;

/** A UETR: a version 4 UUID in lower case (the schema's `UUIDv4Identifier`). @throws DomainError `wires.bad_format`. */
export function checkUetr(uetr: string, field: FieldPath): string {
  if (!UETR.test(uetr)) throw WireMessageErrors.badFormat(field, 'a lowercase version 4 UUID');
  return uetr;
}

/** A calendar date YYYY-MM-DD. @throws DomainError `wires.bad_format`. */
export function checkDate(date: string, field: FieldPath): string {
  if (!isIsoDate(date)) throw WireMessageErrors.badFormat(field, 'a date YYYY-MM-DD');
  return date;
}

/** A code from a closed list. @throws DomainError `wires.code_not_allowed`. */
export function checkCode<T extends string>(value: string, allowed: readonly T[], field: FieldPath): T {
  if (!(allowed as readonly string[]).includes(value)) throw WireMessageErrors.codeNotAllowed(field, allowed);
  return value as T;
}

const NEW_YORK_PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: MARKET_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/**
 * An instant as an ISO date-time in New York time with its offset, to the second
 * (`2026-11-30T10:15:00-05:00`), as Fedwire writes `CreDtTm`.
 * @throws DomainError `wires.bad_format` at `field` for an invalid Date.
 */
export function newYorkDateTime(instant: Date, field: FieldPath = ['createdAt']): string {
  if (Number.isNaN(instant.getTime())) throw WireMessageErrors.badFormat(field, 'a valid instant');
  const parts = NEW_YORK_PARTS.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  // longOffset reads "GMT-05:00" (or "GMT" at offset zero, which New York never has).
  const offset = part('timeZoneName').replace('GMT', '') || 'Z';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}${offset}`;
}

const BIC = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

/** True for an IBAN of the ISO 13616 shape whose check digits pass mod 97. */
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /[0-9]/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

function addText(parent: XMLBuilder, tag: string, value: string | undefined, max: number, field: FieldPath): void {
  if (value !== undefined) parent.ele(tag).txt(checkText(value, max, field));
}

/**
 * `<tag><FinInstnId>...</FinInstnId></tag>`: a `BranchAndFinancialInstitutionIdentification6`.
 * @throws DomainError `wires.bad_format` for a routing number failing the ABA check digit or a BIC of the wrong shape.
 */
export function addAgent(parent: XMLBuilder, tag: string, agent: WireAgent, field: FieldPath): void {
  const institution = parent.ele(tag).ele('FinInstnId');
  if (agent.kind === 'bic') {
    if (!BIC.test(agent.bic)) throw WireMessageErrors.badFormat([...field, 'bic'], 'a BIC of 8 or 11 characters (ISO 9362)');
    institution.ele('BICFI').txt(agent.bic);
  } else {
    if (!isValidRoutingNumber(agent.routingNumber)) {
      throw WireMessageErrors.badFormat([...field, 'routingNumber'], 'a 9-digit ABA routing number with a valid check digit');
    }
    const member = institution.ele('ClrSysMmbId');
    member.ele('ClrSysId').ele('Cd').txt('USABA');
    member.ele('MmbId').txt(agent.routingNumber);
  }
  addText(institution, 'Nm', agent.name, MAX_TEXT_140, [...field, 'name']);
}

/** `<tag><Nm/><PstlAdr/></tag>`: a `PartyIdentification135`. @throws DomainError for text or a country code out of bounds. */
export function addParty(parent: XMLBuilder, tag: string, party: WireParty, field: FieldPath): void {
  const element = parent.ele(tag);
  addText(element, 'Nm', party.name, MAX_TEXT_140, [...field, 'name']);
  const address = party.postalAddress;
  if (!address) return;
  const at = [...field, 'postalAddress'];
  const node = element.ele('PstlAdr');
  addText(node, 'StrtNm', address.streetName, MAX_TEXT_70, [...at, 'streetName']);
  addText(node, 'BldgNb', address.buildingNumber, MAX_TEXT_16, [...at, 'buildingNumber']);
  addText(node, 'PstCd', address.postCode, MAX_TEXT_16, [...at, 'postCode']);
  addText(node, 'TwnNm', address.townName, MAX_TEXT_35, [...at, 'townName']);
  addText(node, 'CtrySubDvsn', address.countrySubDivision, MAX_TEXT_35, [...at, 'countrySubDivision']);
  if (!/^[A-Z]{2}$/.test(address.country)) throw WireMessageErrors.badFormat([...at, 'country'], 'an ISO 3166 alpha-2 country code');
  node.ele('Ctry').txt(address.country);
}

/** `<tag><Id><IBAN/> | <Othr><Id/></Othr></Id></tag>`: a `CashAccount38`. @throws DomainError `wires.bad_format` for a bad IBAN. */
export function addAccount(parent: XMLBuilder, tag: string, account: WireAccount, field: FieldPath): void {
  const id = parent.ele(tag).ele('Id');
  if (account.kind === 'iban') {
    if (!isValidIban(account.iban)) throw WireMessageErrors.badFormat([...field, 'iban'], 'an IBAN with valid check digits (ISO 13616)');
    id.ele('IBAN').txt(account.iban);
  } else {
    id.ele('Othr').ele('Id').txt(checkText(account.id, MAX_TEXT_34, [...field, 'id']));
  }
}

/** `<tag Ccy="USD">25000.00</tag>` for an amount in cents. */
export function addAmount(parent: XMLBuilder, tag: string, amountCents: bigint, field: FieldPath): void {
  parent.ele(tag).att('Ccy', WIRE_CURRENCY).txt(formatAmount(amountCents, field));
}

/** The group header every Fedwire message shares: one transaction, settled by clearing through Fedwire (`CLRG`, `FDW`). */
export function addGroupHeader(parent: XMLBuilder, messageId: string, createdAt: Date): void {
  const header = parent.ele('GrpHdr');
  header.ele('MsgId').txt(checkText(messageId, MAX_TEXT_35, ['messageId']));
  header.ele('CreDtTm').txt(newYorkDateTime(createdAt));
  header.ele('NbOfTxs').txt('1');
  const settlement = header.ele('SttlmInf');
  settlement.ele('SttlmMtd').txt('CLRG');
  settlement.ele('ClrSys').ele('Cd').txt('FDW');
}
