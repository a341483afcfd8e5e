/**
 * Cards: Jiko's virtual and physical debit cards on a customer pocket, physical card orders moving
 * on the tenant's clock, card data (PAN, CVV, expiry) generated to the real formats and stored
 * encrypted, and PINs accepted only encrypted under the served `set_pin` key (docs/CARDS.md).
 *
 * CONTRACT with the card issuer (src/modules/rails/card/): `CardForAuthorization` and
 * `cardForAuthorization` are stable. The status union is Jiko's CardStatus exactly, so it has
 * FROZEN besides NOT_ACTIVATED, OPEN, LOCKED and CLOSED (an issuer-set hold partners cannot set).
 */
import type { Tx } from '../../platform/db/index.ts';
import { findCardForAuthorization } from './cards.repo.ts';

/** What an authorization decision needs to know of a card. No PAN or CVV, ever. */
export interface CardForAuthorization {
  readonly cardId: string;
  readonly tenantId: string;
  readonly pocketId: string;
  readonly customerId: string;
  readonly status: 'NOT_ACTIVATED' | 'OPEN' | 'LOCKED' | 'CLOSED' | 'FROZEN';
  readonly kind: 'VIRTUAL' | 'PHYSICAL';
  readonly last4: string;
  /** YYYY-MM-DD, the last day of the expiry month: the card is good through that day. */
  readonly expiresOn: string;
}

/**
 * The tenant's card with this id, or undefined when there is none (another tenant's id included).
 * Reads in the caller's transaction; takes no lock.
 */
export async function cardForAuthorization(tx: Tx, tenantId: string, cardId: string): Promise<CardForAuthorization | undefined> {
  return findCardForAuthorization(tx, tenantId, cardId);
}

export { CARD_KINDS, CARD_STATUSES, type CardKind, type CardStatus } from './cards.domain.ts';
export { type Cards, createCards } from './cards.service.ts';
export {
  CARD_CLOSURE_REASONS, CARD_CVV_LENGTH, CARD_ORDER_STATUSES, CARD_PAN_LENGTH, CARD_PIN_LENGTH, CARD_SHIPPING_DAYS, CARD_TEST_BIN, CARD_VALIDITY_MONTHS,
  NAME_ON_CARD_LENGTH_MAX, SETTABLE_CARD_STATUSES, VIRTUAL_CARD_NAME,
  type Card, type CardClosureReason, type CardOrder, type CardOrderStatus, type SettableCardStatus, type ShippingAddress,
  expiryOf, isLuhnValid, luhnCheckDigit, panOf, printedExpiry,
} from './cards.domain.ts';
export { CardErrors } from './cards.errors.ts';
export { type CardKeySource, encryptPin } from './cards.crypto.ts';
export type { CardPocket, CardPockets, CloseCardInput, EncryptedCardDetails, NewCardOrder } from './cards.service.ts';
