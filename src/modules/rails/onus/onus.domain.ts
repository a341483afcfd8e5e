/**
 * On-us (book) transfers between pockets of one tenant, as Jiko's OnUsTransfer: types, statuses,
 * reasons.
 */

export type OnUsTransferType = 'PARTNER_CUSTOMER_FUNDING' | 'PARTNER_CUSTOMER_DEFUNDING' | 'INTERNAL_REALLOCATION';
export type OnUsTransferStatus = 'PENDING' | 'COMPLETED' | 'REJECTED';
export type TransferStateReason =
  | 'ACCOUNT_UNAVAILABLE'
  | 'CANCELED'
  | 'INSUFFICIENT_FUNDS'
  | 'INVALID_CURRENCY'
  | 'INVALID_TRANSFER'
  | 'SANCTION_SCREEN_FAILED';
export type AmountType = 'REQUESTED_AMOUNT' | 'FULL_WITHDRAWAL';

/** An on-us transfer as stored. */
export interface OnUsTransfer {
  readonly id: string;
  readonly partnerId: string;
  readonly transferId: string;
  readonly type: OnUsTransferType;
  readonly status: OnUsTransferStatus;
  readonly reason: TransferStateReason | null;
  readonly fromPocketId: string;
  readonly toPocketId: string;
  readonly amountType: AmountType;
  /** Asked for (REQUESTED_AMOUNT), in cents. */
  readonly requestedAmountCents: bigint | null;
  /** Moved (COMPLETED), in cents. */
  readonly amountCents: bigint | null;
  readonly description: string | null;
  readonly source: string | null;
  readonly target: string | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

