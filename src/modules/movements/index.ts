/**
 * Movements: the one money-movement primitive every rail uses (intent -> checks -> raise cash ->
 * ledger -> rail -> events), and the bank side of pockets (`bank_transactions`, Jiko's
 * Transaction): records, net flows, listings.
 */
export { type BankLeg, type Movement, type MovementPocket, type Movements, type PocketStore, createMovements } from './movements.ts';
export { type BankTransactionFields, type CardDetails, type NewBankTransaction, type WireDetails, checkMovementInvariants, netFlowAllTime, netFlows, onUsTransfersNamedRelation } from './movements.repo.ts';
export { type BankTransactionRow, selectBankTransaction, selectBankTransactions } from './transactions.repo.ts';
