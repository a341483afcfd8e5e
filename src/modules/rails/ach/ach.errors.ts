import { DomainError, invalid, notFound } from '../../../platform/errors.ts';

type Path = readonly (string | number)[];

/**
 * The coded outcomes of writing a NACHA file: what cannot be written exactly is refused, not
 * guessed (only the Receiver's name is cut to its field). Field paths are the writer's input names (`['entries', 2, 'amountCents']`); the
 * caller maps them to its own.
 */
export const AchErrors = {
  noEntries: () => invalid(['entries'], 'a NACHA file needs at least one entry', 'value_error', 'ach.no_entries'),
  tooManyEntries: (max: number) => invalid(['entries'], `a NACHA file holds at most ${max} entries`, 'value_error', 'ach.too_many_entries'),
  routingInvalid: (field: Path) =>
    invalid(field, 'must be a 9-digit ABA routing number with a valid check digit', 'value_error', 'ach.routing_number_invalid'),
  originInvalid: (field: Path) =>
    invalid(field, 'must be a 9-digit ABA routing number or a 10-digit company identification', 'value_error', 'ach.origin_invalid'),
  amountNegative: (field: Path) => invalid(field, 'amount must not be negative', 'value_error', 'ach.amount_negative'),
  amountTooLarge: (field: Path) =>
    invalid(field, 'amount does not fit the 10-digit NACHA amount field (at most 9999999999 cents)', 'value_error', 'ach.amount_too_large'),
  totalTooLarge: () =>
    new DomainError('ach.total_too_large', 'invalid', 'the debit or credit total of the file does not fit its 12-digit NACHA field', [
      { field: ['entries'], msg: 'the debit or credit total does not fit 12 digits', type: 'value_error' },
    ]),
  prenoteAmount: (field: Path) => invalid(field, 'a prenote carries a zero amount', 'value_error', 'ach.prenote_amount'),
  zeroAmount: (field: Path) => invalid(field, 'a live entry needs an amount above zero; use a prenote code for zero', 'value_error', 'ach.amount_zero'),
  secCodeInvalid: (field: Path) => invalid(field, 'must be one of CCD, PPD, WEB', 'value_error', 'ach.sec_code_invalid'),
  transactionCodeInvalid: (field: Path) =>
    invalid(field, 'must be one of 22, 23, 27, 28, 32, 33, 37, 38', 'value_error', 'ach.transaction_code_invalid'),
  directionMismatch: (field: Path) =>
    invalid(field, 'the transaction code does not match the direction', 'value_error', 'ach.transaction_code_mismatch'),
  textInvalid: (field: Path) =>
    invalid(field, 'contains characters that cannot be written in a NACHA record (ASCII only)', 'value_error', 'ach.text_invalid'),
  textTooLong: (field: Path, width: number) => invalid(field, `must be at most ${width} characters`, 'value_error', 'ach.text_too_long'),
  textRequired: (field: Path) => invalid(field, 'must not be blank', 'missing', 'ach.text_required'),
  dateInvalid: (field: Path) => invalid(field, 'must be a calendar date YYYY-MM-DD', 'value_error', 'ach.date_invalid'),
  fileIdModifierInvalid: () => invalid(['fileIdModifier'], 'must be one character A-Z or 0-9', 'value_error', 'ach.file_id_modifier_invalid'),
  // Originations (the rail's service); fields are the service's input names.
  accountNotFound: () => notFound('ach.account_not_found'),
  originationNotFound: () => notFound('ach.origination_not_found'),
  fileNotFound: () => notFound('ach.file_not_found'),
  accountNotOpen: () => invalid(['accountId'], 'the pocket is not OPEN', 'value_error', 'ach.account_not_open'),
  otherCustomer: () =>
    invalid(['counterpartyId'], "the counterparty belongs to another customer than the pocket's", 'value_error', 'ach.counterparty_other_customer'),
  insufficientFunds: () =>
    invalid(['amountCents'], "the pocket's cash and bills do not cover the amount", 'value_error', 'ach.insufficient_funds'),
  descriptionRequired: () =>
    invalid(['companyEntryDescription'], 'required for CCD and PPD entries', 'missing', 'ach.company_entry_description_required'),
  cursorInvalid: () => invalid(['cursor'], 'cursor is not valid', 'value_error', 'ach.cursor_invalid'),
  notReturnable: (status: string) =>
    invalid(['transferId'], `only a settled (PROCESSED) entry can be returned; this one is ${status}`, 'value_error', 'ach.not_returnable'),
  returnTooLate: (code: string) => invalid(['returnCode'], `the time frame of a ${code} return is over`, 'value_error', 'ach.return_too_late'),
  notNotifiable: (status: string) =>
    invalid(['transferId'], `only an entry that went out in a file can be corrected; this one is ${status}`, 'value_error', 'ach.not_notifiable'),
  correctionRequired: (field: Path, code: string) => invalid(field, `required by change code ${code}`, 'missing', 'ach.corrected_data_required'),
  correctionNotUsed: (field: Path, code: string) => invalid(field, `not used by change code ${code}`, 'extra_forbidden', 'ach.corrected_data_not_used'),
  correctionUnchanged: (field: Path) => invalid(field, 'the corrected data is what the entry already carried', 'value_error', 'ach.corrected_data_unchanged'),
  traceSequenceInvalid: () =>
    invalid(['firstTraceSequence'], 'trace sequence numbers must stay within 1..9999999', 'value_error', 'ach.trace_sequence_invalid'),
  traceNumberInvalid: (field: Path) =>
    invalid(field, "trace numbers are given for all entries or none: 15 digits starting with the ODFI's, ascending within a batch", 'value_error', 'ach.trace_number_invalid'),
} as const;
