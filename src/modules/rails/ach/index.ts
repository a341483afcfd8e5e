/**
 * The ACH rail: originations (DEBIT pulls, CREDIT pushes) with verified ach counterparties, held
 * by pending ledger entries from request to settlement, the windows on the tenant's clock that
 * write one NACHA file each, the received files of the inbound portal credits (inbound.ts), and
 * the NACHA file writer (pure). docs/ACH.md.
 */
export {
  ACH_CHANGE_CODES,
  ACH_FILE_DIRECTIONS,
  ACH_ORIGINATION_STATUSES,
  ACH_RETURN_CODES,
  ACH_SAME_DAY_AMOUNT_CENTS_LIMIT,
  ACH_SETTLEMENT_MINUTES,
  ACH_WINDOW_MINUTES,
  type AchChangeCode,
  type AchFile,
  type AchFileDirection,
  type AchNotificationOfChange,
  type AchOrigination,
  type AchOriginationDirection,
  type AchOriginationStatus,
  type AchReturnCode,
  settlementDateOf,
} from './ach.domain.ts';
export { AchErrors } from './ach.errors.ts';
export { type AchInbound, INBOUND_ENTRY_DESCRIPTION_DEFAULT, type InboundAchCredit, SANDBOX_ODFI_ROUTING_NUMBER, SANDBOX_ORIGINATOR_COMPANY_ID, achInbound } from './inbound.ts';
export { ACH_SCENARIO_RETURN_MINUTES, type AchScenarioEntry, type AchScenarioReturn, type AchScenarioReturnOutcome, type AchScenarioSource } from './ach.scenarios.ts';
export { type AchNotificationOfChangeInput, type AchOriginationFilter, type AchOriginationInput, type AchPockets, type AchRail, createAchRail } from './ach.service.ts';
export {
  type AchAccountType,
  type AchDirection,
  type AchTransactionCode,
  NACHA_AMOUNT_CENTS_MAX,
  NACHA_BLOCKING_FACTOR,
  NACHA_ENTRIES_PER_FILE_MAX,
  NACHA_RECORD_LENGTH,
  type NachaEntryInput,
  type NachaFile,
  type NachaFileInput,
  type SecCode,
  achTransactionCode,
  isPrenoteCode,
  nachaText,
  writeNachaFile,
} from './nacha.ts';
