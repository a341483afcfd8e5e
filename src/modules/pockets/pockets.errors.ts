import { DomainError, invalid, notFound } from '../../platform/http/index.ts';

/**
 * The coded outcomes of pockets, money movement and the test clock. Codes are stable; the kind
 * decides the HTTP status in platform/http/errors.ts.
 */
export const PocketErrors = {
  /** Unknown id, or another tenant's: always the same 404. */
  notFound: () => notFound('pockets.not_found'),
  customerNotFound: () => notFound('pockets.customer_not_found'),
  strategyUnknown: (field: string) =>
    invalid(['body', field], 'must be one of UST-1W, UST-4W, UST-13W, UST-26W, UST-52W', 'enum', 'pockets.strategy_unknown'),
  statusNotSupported: () => invalid(['body', 'status'], 'only CLOSED can be requested', 'enum', 'pockets.status_not_supported'),
  closureReasonRequired: () =>
    invalid(['body', 'closure_reason'], 'closure_reason is required to close a pocket', 'missing', 'pockets.closure_reason_required'),
  fundingPocketImmutable: () =>
    invalid(['path', 'pocket_id'], 'the partner funding pocket cannot be changed', 'value_error', 'pockets.funding_pocket_immutable'),
  notOpen: (loc: (string | number)[]) => invalid(loc, 'pocket is not open', 'value_error', 'pockets.not_open'),
  notEmpty: () => new DomainError('pockets.not_empty', 'conflict', 'pocket must be empty (no cash, no bills) to close'),
  lastOpenPocket: () =>
    new DomainError('pockets.last_open_pocket', 'conflict', 'the customer must keep at least one other OPEN pocket'),
} as const;

export const TransferErrors = {
  notFound: () => notFound('transfers.not_found'),
  samePocket: () => invalid(['body', 'to_account', 'id'], 'source and target must be different pockets', 'value_error', 'transfers.same_pocket'),
  otherCustomer: () =>
    invalid(['body', 'to_account', 'id'], 'INTERNAL_REALLOCATION moves money between pockets of one customer', 'value_error', 'transfers.other_customer'),
  wrongPocket: (loc: (string | number)[], msg: string) => invalid(loc, msg, 'value_error', 'transfers.wrong_pocket'),
  amountMissing: () => invalid(['body', 'amount'], 'amount is required', 'missing', 'transfers.amount_missing'),
  fullWithdrawalNotAllowed: () =>
    invalid(['body', 'amount', 'type'], 'FULL_WITHDRAWAL is not allowed with PARTNER_CUSTOMER_FUNDING', 'value_error', 'transfers.full_withdrawal_not_allowed'),
  fieldRequired: (field: string) => invalid(['body', field], 'Field required', 'missing', 'transfers.field_required'),
} as const;

export const ClockErrors = {
  backward: () =>
    new DomainError('clock.backward', 'conflict', 'the clock moves only forward once the tenant has customers'),
  notForward: (field: string) => invalid(['body', field], 'must be later than the clock', 'value_error', 'clock.not_forward'),
  tooFar: (field: string) => invalid(['body', field], 'moves the clock too far at once', 'value_error', 'clock.too_far'),
  invalidInstant: (field: string) => invalid(['body', field], 'must be an ISO-8601 date-time', 'value_error', 'clock.invalid'),
  oneOf: () => invalid(['body'], 'give exactly one of to or days', 'value_error', 'clock.to_or_days'),
} as const;
