import { randomInt } from 'node:crypto';
import { assert } from '../../../platform/assert.ts';
import type { PageRequest } from '../../../platform/http/index.ts';
import { isUuid } from '../../../platform/ids.ts';

/**
 * Pure rules of portals: ABA routing numbers and check digits, portal account numbers, and the
 * trace numbers of ACH entries received through a portal.
 */

/**
 * The ABA check digit of the first eight digits of a routing number: the weighted sum
 * 3·d1 + 7·d2 + d3 + 3·d4 + 7·d5 + d6 + 3·d7 + 7·d8 + d9 must be a multiple of 10.
 */
export function abaCheckDigit(first8: string): number {
  assert(/^\d{8}$/.test(first8), 'an ABA prefix is eight digits');
  const weights = [3, 7, 1, 3, 7, 1, 3, 7];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(first8[i]), 0);
  return (10 - (sum % 10)) % 10;
}

/** True for nine digits whose last is the ABA check digit of the first eight. */
export function isValidRoutingNumber(value: string): boolean {
  return /^\d{9}$/.test(value) && abaCheckDigit(value.slice(0, 8)) === Number(value[8]);
}

/**
 * pocketbook's routing number for every portal: a sandbox prefix that belongs to no real bank,
 * completed with its check digit.
 */
export const PORTAL_ROUTING_NUMBER = `09990001${abaCheckDigit('09990001')}`;

/** Digits of a portal account number. */
export const PORTAL_ACCOUNT_NUMBER_DIGITS = 12;

/** A random 12-digit account number (no leading zero); uniqueness is the database's to enforce. */
export function newPortalAccountNumber(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 1; i < PORTAL_ACCOUNT_NUMBER_DIGITS; i++) digits += String(randomInt(0, 10));
  return digits;
}

export interface Portal {
  readonly id: string;
  readonly pocketId: string;
  readonly name: string;
  readonly routingNumber: string;
  readonly accountNumber: string;
  readonly status: 'OPEN' | 'CLOSED';
  readonly createdAt: Date;
}

/** A portal's status: OPEN takes money; CLOSED is final (money sent to it is returned R02). */
export type PortalStatus = Portal['status'];

/** Longest portal name at creation, and on rename (Jiko's PortalCreateRequest and PortalUpdateRequest). */
export const PORTAL_NAME_LENGTH_MAX = 128;
export const PORTAL_RENAME_LENGTH_MAX = 50;

/** The bank that holds every portal's account in the sandbox (it owns PORTAL_ROUTING_NUMBER). */
export const PORTAL_BANK_NAME = 'pocketbook Sandbox Bank';
export const PORTAL_BANK_ADDRESS = '1 Sandbox Plaza, New York, NY 10004, US';

/**
 * What a payer needs to send money to an OPEN portal by ACH or by wire: the receiving bank, its
 * routing number and the portal's account number (the same for both rails, as a US bank account
 * takes both), and the beneficiary to name on a wire.
 */
export interface FundingInstructions {
  readonly portalId: string;
  readonly pocketId: string;
  readonly bankName: string;
  readonly bankAddress: string;
  readonly routingNumber: string;
  readonly accountNumber: string;
  /** The beneficiary a wire names: the pocket, as its owner named it. */
  readonly beneficiaryName: string;
}

/** Funding instructions of a portal, for a pocket named `pocketName`. */
export function fundingInstructions(portal: Portal, pocketName: string): FundingInstructions {
  assert(portal.status === 'OPEN', 'a closed portal takes no money');
  return {
    portalId: portal.id,
    pocketId: portal.pocketId,
    bankName: PORTAL_BANK_NAME,
    bankAddress: PORTAL_BANK_ADDRESS,
    routingNumber: portal.routingNumber,
    accountNumber: portal.accountNumber,
    beneficiaryName: pocketName,
  };
}

/** A cursor key's time as we write it: ISO 8601 UTC with milliseconds. */
const KEY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * True when a page's boundary key is one we made for the portals list: [ISO 8601 UTC time, UUID]
 * (or none). Any other key would reach SQL as a timestamp or a uuid it is not.
 */
export function isPortalsKey(page: PageRequest): boolean {
  if (page.after === undefined) return true;
  const [time, id, ...rest] = page.after;
  return rest.length === 0 && typeof time === 'string' && KEY_TIME.test(time) && !Number.isNaN(Date.parse(time)) && typeof id === 'string' && isUuid(id);
}
