/**
 * Cards' domain: Jiko's card and card-order enums, and the pure rules of card data (a PAN with a
 * test BIN and a Luhn check digit, the expiry, the CVV) and of status changes (docs/CARDS.md).
 * Sources: Jiko's Partner API of 2024 (Manage Cards, Physical Cards, Virtual Cards) and its card
 * brief in today's API; ISO/IEC 7812 for the PAN and its Luhn check digit.
 */
import { addDays } from '../../platform/clock.ts';

/** Jiko's CardStatus. Physical cards start NOT_ACTIVATED; CLOSED is terminal; FROZEN is set by the issuer, never by a partner. */
export const CARD_STATUSES = ['NOT_ACTIVATED', 'OPEN', 'LOCKED', 'CLOSED', 'FROZEN'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

/** Jiko's SettableCardStatus: the only statuses a partner may give a card. */
export const SETTABLE_CARD_STATUSES = ['OPEN', 'LOCKED'] as const;
export type SettableCardStatus = (typeof SETTABLE_CARD_STATUSES)[number];

/** Jiko's CardType. */
export const CARD_KINDS = ['VIRTUAL', 'PHYSICAL'] as const;
export type CardKind = (typeof CARD_KINDS)[number];

/** Jiko's CardClosureReason. LOST and STOLEN also need the date the card went missing. */
export const CARD_CLOSURE_REASONS = ['LOST', 'STOLEN', 'DAMAGED', 'NEVER_RECEIVED', 'EXPIRED', 'CANCELED'] as const;
export type CardClosureReason = (typeof CARD_CLOSURE_REASONS)[number];

/** Jiko's PhysicalCardOrderStatus, in the order an order passes through them. */
export const CARD_ORDER_STATUSES = ['INITIAL', 'CARD_CREATED', 'ORDERED', 'RECEIVED'] as const;
export type CardOrderStatus = (typeof CARD_ORDER_STATUSES)[number];

/**
 * The sandbox's issuer identification number (BIN, the PAN's first 6 digits): 400000, in the range
 * card networks keep for test cards, so a sandbox PAN is never a real card's. PANs are 16 digits.
 */
export const CARD_TEST_BIN = '400000';
export const CARD_PAN_LENGTH = 16;
/** Digits of a CVV (Visa's CVV2, Mastercard's CVC2). */
export const CARD_CVV_LENGTH = 3;
/** A new card is good through the end of the month this many months after the month of issue. */
export const CARD_VALIDITY_MONTHS = 48;
/** Length of a PIN: Jiko takes 4 digits. */
export const CARD_PIN_LENGTH = 4;
/** Jiko's documented limit of a physical card's name_on_card (its schema allows 100). */
export const NAME_ON_CARD_LENGTH_MAX = 26;
/** Days a card takes from the card maker to the cardholder (ORDERED -> RECEIVED). */
export const CARD_SHIPPING_DAYS = 5;
/** The name Jiko's Card list shows for a virtual card (it has no name on it). */
export const VIRTUAL_CARD_NAME = 'Virtual card';

/**
 * A card as the module keeps it, without its secrets (the PAN and CVV stay encrypted in the
 * repo's rows and are read only by `reveal`).
 */
export interface Card {
  readonly id: string;
  readonly tenantId: string;
  readonly pocketId: string;
  readonly customerId: string;
  readonly kind: CardKind;
  readonly status: CardStatus;
  readonly name: string;
  readonly last4: string;
  /** YYYY-MM-DD, the last day of the expiry month. */
  readonly expiresOn: string;
  readonly pinSet: boolean;
  readonly cardOrderId: string | null;
  readonly closureReason: CardClosureReason | null;
  readonly lostStolenDate: string | null;
  readonly createdAt: Date;
  readonly closedAt: Date | null;
}

/** A physical card's shipping address (Jiko's ShippingAddress: US only). */
export interface ShippingAddress {
  readonly streetAddress: string;
  readonly streetAddress2: string | null;
  readonly city: string;
  readonly postalCode: string;
  readonly state: string;
  readonly country: string;
}

/** An order of a physical card. `cardId` is set from CARD_CREATED on. */
export interface CardOrder {
  readonly id: string;
  readonly tenantId: string;
  readonly pocketId: string;
  readonly customerId: string;
  readonly status: CardOrderStatus;
  readonly nameOnCard: string;
  readonly shippingAddress: ShippingAddress;
  readonly cardId: string | null;
  /** When the order moves to its next status (tenant time); null once RECEIVED. */
  readonly nextStepAt: Date | null;
  readonly createdAt: Date;
}

/**
 * The Luhn (mod 10) check digit of `payload`, a string of digits (ISO/IEC 7812-1 annex B): double
 * every second digit from the right of the payload, sum the digits, the check digit tops it up to
 * a multiple of 10.
 */
export function luhnCheckDigit(payload: string): string {
  if (!/^\d+$/.test(payload)) throw new RangeError('luhnCheckDigit: digits only');
  let sum = 0;
  for (let i = 0; i < payload.length; i += 1) {
    let digit = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** True when `pan` is 8 to 19 digits (ISO/IEC 7812-1) whose last one is the Luhn check digit of the others. */
export function isLuhnValid(pan: string): boolean {
  return /^\d{8,19}$/.test(pan) && luhnCheckDigit(pan.slice(0, -1)) === pan.slice(-1);
}

/**
 * A PAN of the sandbox's test BIN: the BIN, `accountDigits` (the account identifier, 9 digits for
 * a 16-digit PAN) and the Luhn check digit.
 * @throws RangeError when `accountDigits` is not 9 digits.
 */
export function panOf(accountDigits: string): string {
  const width = CARD_PAN_LENGTH - CARD_TEST_BIN.length - 1;
  if (!new RegExp(`^\\d{${width}}$`).test(accountDigits)) throw new RangeError(`panOf: ${width} digits expected`);
  const payload = CARD_TEST_BIN + accountDigits;
  return payload + luhnCheckDigit(payload);
}

/**
 * The expiry of a card issued on `issuedOn` (YYYY-MM-DD): the last day of the month
 * CARD_VALIDITY_MONTHS after the month of issue, as a date and as printed (MM/YY).
 */
export function expiryOf(issuedOn: string): { readonly expiresOn: string; readonly month: number; readonly year: number } {
  const year = Number(issuedOn.slice(0, 4));
  const month = Number(issuedOn.slice(5, 7));
  const index = year * 12 + (month - 1) + CARD_VALIDITY_MONTHS;
  const expYear = Math.floor(index / 12);
  const expMonth = (index % 12) + 1;
  const next = expMonth === 12 ? `${expYear + 1}-01-01` : `${expYear}-${String(expMonth + 1).padStart(2, '0')}-01`;
  return { expiresOn: addDays(next, -1), month: expMonth, year: expYear };
}

/** The expiry as Jiko's `encrypted_expiration` carries it before encryption: `MM/YY`. */
export function printedExpiry(expiresOn: string): string {
  return `${expiresOn.slice(5, 7)}/${expiresOn.slice(2, 4)}`;
}

/** Why a status change is refused, or undefined when it is allowed. */
export type StatusChangeRefusal = 'closed' | 'frozen' | 'not_activated' | 'pin_not_set' | 'not_received';

/**
 * Whether a partner may move `card` to `target` (Jiko's Set Card Status). CLOSED is terminal and
 * FROZEN is the issuer's; a NOT_ACTIVATED card can only be activated (OPEN), and only a physical
 * card whose PIN is set and whose order was received. OPEN <-> LOCKED otherwise.
 */
export function statusChangeRefusal(card: Pick<Card, 'status' | 'pinSet'>, target: SettableCardStatus, orderReceived: boolean): StatusChangeRefusal | undefined {
  if (card.status === 'CLOSED') return 'closed';
  if (card.status === 'FROZEN') return 'frozen';
  if (card.status === 'NOT_ACTIVATED') {
    if (target !== 'OPEN') return 'not_activated';
    if (!card.pinSet) return 'pin_not_set';
    if (!orderReceived) return 'not_received';
  }
  return undefined;
}

/** True when a closure for `reason` needs `lost_stolen_date` (Jiko: LOST and STOLEN). */
export function closureNeedsDate(reason: CardClosureReason): boolean {
  return reason === 'LOST' || reason === 'STOLEN';
}

/**
 * The step an order takes from `status`, and how long (days of tenant time) until the step after:
 * INITIAL -> CARD_CREATED (the card is made) the first business-day run after the order;
 * CARD_CREATED -> ORDERED (sent to the card maker) a day later; ORDERED -> RECEIVED after
 * CARD_SHIPPING_DAYS. undefined for RECEIVED (the last status).
 */
export function nextOrderStep(status: CardOrderStatus): { readonly to: CardOrderStatus; readonly waitDays: number | null } | undefined {
  switch (status) {
    case 'INITIAL': return { to: 'CARD_CREATED', waitDays: 1 };
    case 'CARD_CREATED': return { to: 'ORDERED', waitDays: CARD_SHIPPING_DAYS };
    case 'ORDERED': return { to: 'RECEIVED', waitDays: null };
    case 'RECEIVED': return undefined;
  }
}
