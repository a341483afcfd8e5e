import { randomInt } from 'node:crypto';
import { assert } from '../../../platform/assert.ts';

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

/** A 15-digit ACH trace number: an 8-digit ODFI routing prefix and a 7-digit sequence. */
export function newAchTraceNumber(): string {
  let digits = PORTAL_ROUTING_NUMBER.slice(0, 8);
  for (let i = 0; i < 7; i++) digits += String(randomInt(0, 10));
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
