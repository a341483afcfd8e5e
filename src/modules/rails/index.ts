/**
 * Rails: portals (routing and account numbers of a pocket), the bank side of pockets (ACH credits,
 * on-us moves) and on-us transfer records. The portfolio side of a money movement (selling and
 * buying bills) is the pockets module's; it calls these inside its transaction.
 */
export * from './rails.domain.ts';
export {
  type NewBankTransaction,
  completeOnUsTransfer,
  createPortal,
  findOnUsTransfer,
  insertBankTransaction,
  insertOnUsTransfer,
  listPortals,
  netFlows,
  rejectOnUsTransfer,
} from './rails.repo.ts';
