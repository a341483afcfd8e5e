import { DomainError, invalid, notFound } from '../../platform/errors.ts';

/**
 * The coded outcomes of pockets. Codes are stable; field paths are the service's input names
 * (`status`, `closureReason`, `dateFrom`), which each door maps to its wire locations.
 */
export const PocketErrors = {
  /** Unknown id, or another tenant's: always the same 404. */
  notFound: () => notFound('pockets.not_found'),
  customerNotFound: () => notFound('pockets.customer_not_found'),
  statusNotSupported: () => invalid(['status'], 'only CLOSED can be requested', 'enum', 'pockets.status_not_supported'),
  closureReasonRequired: () =>
    invalid(['closureReason'], 'closure_reason is required to close a pocket', 'missing', 'pockets.closure_reason_required'),
  fundingPocketMissing: () =>
    new DomainError('pockets.funding_pocket_missing', 'not_found', 'no partner funding pocket yet: it is made with the first customer pocket'),
  fundingPocketImmutable: () =>
    invalid(['pocket'], 'the partner funding pocket cannot be changed', 'value_error', 'pockets.funding_pocket_immutable'),
  notOpen: (field: readonly string[]) => invalid(field, 'pocket is not open', 'value_error', 'pockets.not_open'),
  rangeDates: (field: readonly string[], msg: string, type: string) => invalid(field, msg, type, 'pockets.range_dates'),
  notEmpty: () => new DomainError('pockets.not_empty', 'conflict', 'pocket must be empty (no cash, no bills) to close'),
  moneyInFlight: () =>
    new DomainError('pockets.money_in_flight', 'conflict', 'pocket has money in flight (a pending ACH or wire): close it once that settles'),
  lastOpenPocket: () =>
    new DomainError('pockets.last_open_pocket', 'conflict', 'the customer must keep at least one other OPEN pocket'),
} as const;

