import { invalid } from '../../../platform/errors.ts';

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
