import { DomainError, invalid, notFound } from '../../platform/errors.ts';
import { CARD_PIN_LENGTH } from './cards.domain.ts';

/**
 * The coded outcomes of the cards module. Field paths are the service's input names (`pocketId`,
 * `status`, `publicKey`, `encryptedPin`, `closureReason`, `lostStolenDate`, `cardOrderId`); the
 * door maps them to its wire locations.
 */
export const CardErrors = {
  /** An unknown card, another tenant's, or a card of another pocket than the path's. */
  notFound: () => notFound('cards.not_found'),
  /** An unknown card order, another tenant's, or one of another pocket. */
  orderNotFound: () => notFound('cards.order_not_found'),
  /** An unknown pocket, or another tenant's. */
  pocketNotFound: () => notFound('cards.pocket_not_found'),
  pocketNotOpen: () => invalid(['pocketId'], 'the pocket is not open', 'value_error', 'cards.pocket_not_open'),
  /** Cards are a customer's: the partner's funding pocket has none. */
  notCustomerPocket: () => invalid(['pocketId'], "cards are issued on a customer's pocket only", 'value_error', 'cards.not_customer_pocket'),
  /** A virtual-card path given a physical card (or the other way round). */
  wrongKind: (kind: string) => invalid(['cardId'], `the card is not a ${kind.toLowerCase()} card`, 'value_error', 'cards.wrong_kind'),
  closed: () => invalid(['cardId'], 'the card is closed (closing is final)', 'value_error', 'cards.closed'),
  frozen: () => invalid(['status'], 'the card is frozen by the issuer; its status cannot be changed', 'value_error', 'cards.frozen'),
  notActivated: () => invalid(['status'], 'the card is not activated: set its PIN and activate it (status OPEN) first', 'value_error', 'cards.not_activated'),
  pinNotSet: () => invalid(['status'], "the card's PIN must be set before it is activated", 'value_error', 'cards.pin_not_set'),
  notReceived: () => invalid(['status'], "the card's order has not been received yet", 'value_error', 'cards.not_received'),
  statusMissing: () => invalid(['status'], 'status is required (OPEN or LOCKED)', 'missing', 'cards.status_missing'),
  /** A PIN set on a card that is already activated (Jiko sets PINs before activation). */
  pinAfterActivation: () => invalid(['cardId'], 'the PIN is set before activation; this card is already activated', 'value_error', 'cards.pin_after_activation'),
  /** What Jiko's encrypted_pin must be, and was not. */
  pinNotEncrypted: () =>
    invalid(['encryptedPin'], `must be a ${CARD_PIN_LENGTH}-digit PIN encrypted with the set_pin key of GET /api/v1/public-keys (RSA-OAEP, SHA-256, base64)`, 'value_error', 'cards.pin_not_encrypted'),
  publicKeyInvalid: (why: string) => invalid(['publicKey'], `must be an RSA public key in PEM (${why})`, 'value_error', 'cards.public_key_invalid'),
  lostStolenDateMissing: () =>
    invalid(['lostStolenDate'], 'lost_stolen_date is required when the closure reason is LOST or STOLEN', 'missing', 'cards.lost_stolen_date_missing'),
  lostStolenDateInvalid: () => invalid(['lostStolenDate'], 'lost_stolen_date must be a date, YYYY-MM-DD', 'value_error', 'cards.lost_stolen_date_invalid'),
  closureReasonMissing: () => invalid(['closureReason'], 'closure_reason is required to close a physical card', 'missing', 'cards.closure_reason_missing'),
  lostStolenDateInFuture: () => invalid(['lostStolenDate'], 'lost_stolen_date cannot be after today', 'value_error', 'cards.lost_stolen_date_in_future'),
  /** The sandbox's generate-card for an order whose card exists already. */
  /** The order's pocket closed, and the order stopped with it (no step is left to make). */
  orderStopped: () => invalid(['cardOrderId'], "the order stopped: its pocket is closed", 'value_error', 'cards.order_stopped'),
  cardAlreadyGenerated: () => invalid(['cardOrderId'], 'the card of this order was generated already', 'value_error', 'cards.already_generated'),
  cursorInvalid: () => invalid(['cursor'], 'cursor is not valid', 'value_error', 'cards.cursor_invalid'),
  /** Production without card keys configured (docs/CARDS.md). */
  keysNotConfigured: () => new DomainError('cards.keys_not_configured', 'unavailable', 'card keys are not configured (POCKETBOOK_CARD_DATA_KEY, POCKETBOOK_CARD_PIN_PRIVATE_KEY)'),
} as const;
