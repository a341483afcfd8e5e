import { DomainError, invalid, notFound } from '../../../platform/errors.ts';

/**
 * The coded outcomes of on-us transfers. Field paths are the service's input names (`fromPocket`,
 * `toPocket`, `amount`); each door maps them to its wire locations.
 */
export const OnUsErrors = {
  /** Unknown id, or another tenant's: always the same "not found". */
  notFound: () => notFound('transfers.not_found'),
  samePocket: () => invalid(['toPocket'], 'source and target must be different pockets', 'value_error', 'transfers.same_pocket'),
  otherCustomer: () =>
    invalid(['toPocket'], 'INTERNAL_REALLOCATION moves money between pockets of one customer', 'value_error', 'transfers.other_customer'),
  wrongPocket: (field: 'fromPocket' | 'toPocket', msg: string) => invalid([field], msg, 'value_error', 'transfers.wrong_pocket'),
  notOpen: (field: 'fromPocket' | 'toPocket') => invalid([field], 'pocket is not open', 'value_error', 'pockets.not_open'),
  amountMissing: () => invalid(['amount'], 'amount is required', 'missing', 'transfers.amount_missing'),
  fullWithdrawalNotAllowed: () =>
    invalid(['amount', 'type'], 'FULL_WITHDRAWAL is not allowed with PARTNER_CUSTOMER_FUNDING', 'value_error', 'transfers.full_withdrawal_not_allowed'),
  fieldRequired: (field: 'source' | 'target') => invalid([field], 'Field required', 'missing', 'transfers.field_required'),
  transferIdReused: () =>
    new DomainError('transfers.transfer_id_reused', 'invalid', 'transfer_id was already used for a different transfer', [
      { field: ['transferId'], msg: 'transfer_id was already used for a different transfer', type: 'value_error' },
    ]),
} as const;
