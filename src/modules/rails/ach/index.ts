/**
 * The ACH rail. Today: the NACHA file writer (pure), which the rail's windows will use to write one
 * file per window (docs/ACH.md).
 */
export { AchErrors } from './ach.errors.ts';
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
