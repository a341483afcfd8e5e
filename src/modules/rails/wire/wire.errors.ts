import { DomainError, invalid, notFound } from '../../../platform/errors.ts';

/**
 * The coded outcomes of building ISO 20022 wire messages. Field paths are the message input's own
 * names (`['creditor', 'name']`, `['amountCents']`); each door maps them to its wire locations.
 */
export const WireMessageErrors = {
  /** Empty text: every ISO 20022 `MaxNText` needs at least one character. */
  textEmpty: (field: readonly (string | number)[]) => invalid(field, 'must not be empty', 'missing', 'wires.text_empty'),
  /** Text longer than the schema's `MaxNText` allows. pocketbook refuses; it never truncates. */
  textTooLong: (field: readonly (string | number)[], max: number) =>
    invalid(field, `must be at most ${max} characters`, 'value_error', 'wires.text_too_long'),
  /** A character outside the wire character set (printable ASCII, see docs/WIRES.md). */
  characterNotAllowed: (field: readonly (string | number)[], char: string) =>
    invalid(
      field,
      `character U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in a wire message`,
      'value_error',
      'wires.character_not_allowed',
    ),
  /** A value that does not have the shape the standard gives it (UETR, BIC, IBAN, ABA, date). */
  badFormat: (field: readonly (string | number)[], what: string) => invalid(field, `must be ${what}`, 'value_error', 'wires.bad_format'),
  /** An amount that is not positive, or has more digits than the schema's amount type. */
  amountOutOfRange: (field: readonly (string | number)[]) =>
    invalid(field, 'must be more than 0 and less than 10^16 dollars', 'value_error', 'wires.amount_out_of_range'),
  /** Fedwire settles US dollars only. */
  currencyNotSupported: (field: readonly (string | number)[]) => invalid(field, 'only USD is supported', 'value_error', 'wires.currency_not_supported'),
  /** A code outside the list this module accepts (charge bearer, return reason). */
  codeNotAllowed: (field: readonly (string | number)[], allowed: readonly string[]) =>
    invalid(field, `must be one of ${allowed.join(', ')}`, 'value_error', 'wires.code_not_allowed'),
} as const;

/**
 * The coded outcomes of the wire rail's requests. Field paths are the service's input names
 * (`counterpartyId`, `amountCents`, `wireId`); the door maps them to its wire locations.
 */
export const WireErrors = {
  /** An unknown wire, or another tenant's: always the same "not found". */
  notFound: () => notFound('wires.not_found'),
  /** An unknown pocket, or another tenant's. */
  pocketNotFound: () => notFound('wires.pocket_not_found'),
  /** A wire's pacs.008 before it is sent (PENDING), or an incoming wire's. */
  messageNotFound: () => notFound('wires.message_not_found'),
  pocketNotOpen: () => invalid(['accountId'], 'pocket is not open', 'value_error', 'pockets.not_open'),
  amountMissing: () => invalid(['amountCents'], 'amount_usdc is required', 'missing', 'wires.amount_missing'),
  /** The counterparty belongs to another customer than the pocket's. */
  otherCustomer: () =>
    invalid(['counterpartyId'], "the counterparty belongs to another customer than the pocket's", 'value_error', 'wires.other_customer'),
  /** The pocket's cash and bills together fall short of amount + fee. */
  insufficientFunds: (needCents: bigint) =>
    invalid(['amountCents'], `the pocket cannot pay ${needCents} cents (amount and wire fee)`, 'value_error', 'wires.insufficient_funds'),
  /** The pocket has no portal, so no account to send from. */
  noPortal: () => invalid(['accountId'], 'the pocket has no portal to send a wire from', 'value_error', 'wires.no_portal'),
  wireIdReused: () =>
    new DomainError('wires.wire_id_reused', 'invalid', 'wire_id was already used for a different wire', [
      { field: ['wireId'], msg: 'wire_id was already used for a different wire', type: 'value_error' },
    ]),
  /** The portal named is not one of the pocket's. */
  portalNotFound: () => notFound('wires.portal_not_found'),
  cursorInvalid: () => invalid(['cursor'], 'cursor is not valid', 'value_error', 'wires.cursor_invalid'),
} as const;
