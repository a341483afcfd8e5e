import type { AchReturnCode } from '../rails/ach/index.ts';

/**
 * The sandbox's magic values: requests that fail by what they carry, with no rule to create
 * first (as Column's and Increase's sandboxes do). This table is the single source: the rails'
 * scenario sources read it, docs/SANDBOX.md shows it (rendered by `renderMagicValuesTable`, kept
 * current by `node --import tsx scripts/docs-sandbox.ts`, checked by test/scenarios.test.ts), and
 * the tests iterate it. Sandbox mode only.
 */

/** An ACH origination (pull or push) whose amount ends in `cents` comes back with `returnCode`. */
export interface AchAmountMagic {
  readonly operation: 'ach.return';
  /** The cents of the amount, 0..99 (`amount_usdc % 100`). */
  readonly cents: number;
  readonly returnCode: AchReturnCode;
  /** Business days after the settlement date on which the entry comes back (within the code's time frame). */
  readonly afterBusinessDays: number;
}

/** A counterparty whose `name_on_account` equals `name` (case and surrounding spaces aside) fails `operation`. */
export interface NameMagic {
  readonly operation: 'wire.reject' | 'micro_deposits.fail';
  readonly name: string;
}

export type MagicValue = AchAmountMagic | NameMagic;

/** What each magic value does, in the words the doc shows. */
const RESULT_TEXT: Readonly<Record<MagicValue['operation'], string>> = {
  'ach.return': 'comes back',
  'wire.reject': 'every wire to it is rejected at once: REJECTED, `transfers.wire.out.rejected`, nothing leaves the pocket',
  'micro_deposits.fail': 'its micro-deposits bounce: the confirmation fails, verification FAILED',
};

/** The magic values (see the module comment). Amount magic applies to DEBIT and CREDIT originations alike. */
export const MAGIC_VALUES: readonly MagicValue[] = [
  { operation: 'ach.return', cents: 1, returnCode: 'R01', afterBusinessDays: 2 },
  { operation: 'ach.return', cents: 2, returnCode: 'R02', afterBusinessDays: 1 },
  { operation: 'ach.return', cents: 3, returnCode: 'R03', afterBusinessDays: 1 },
  { operation: 'ach.return', cents: 4, returnCode: 'R04', afterBusinessDays: 0 },
  { operation: 'ach.return', cents: 10, returnCode: 'R10', afterBusinessDays: 5 },
  { operation: 'ach.return', cents: 29, returnCode: 'R29', afterBusinessDays: 2 },
  { operation: 'wire.reject', name: 'Sandbox Wire Reject' },
  { operation: 'micro_deposits.fail', name: 'Sandbox Microdeposit Fail' },
];

/** The magic return of an ACH origination of `amountCents`, or undefined. */
export function magicAchReturn(amountCents: bigint): AchAmountMagic | undefined {
  const cents = Number(amountCents % 100n);
  return MAGIC_VALUES.find((m): m is AchAmountMagic => m.operation === 'ach.return' && m.cents === cents);
}

/** True when a counterparty named `nameOnAccount` is magic for `operation`. */
export function isMagicName(operation: NameMagic['operation'], nameOnAccount: string): boolean {
  const name = nameOnAccount.trim().toLowerCase();
  return MAGIC_VALUES.some((m) => m.operation === operation && m.name.toLowerCase() === name);
}

/** When a magic return comes back, in words. */
function whenBack(days: number): string {
  if (days === 0) return 'on its settlement date, after it settles';
  return `${days} business day${days === 1 ? '' : 's'} after its settlement date`;
}

/** The markdown table of MAGIC_VALUES that docs/SANDBOX.md carries between its magic-values markers. */
export function renderMagicValuesTable(): string {
  const rows = MAGIC_VALUES.map((m) =>
    m.operation === 'ach.return'
      ? `| \`${m.operation}\` | ACH origination (\`DEBIT\` or \`CREDIT\`) whose \`amount_usdc\` (cents) ends in \`${String(m.cents).padStart(2, '0')}\` ($x.${String(m.cents).padStart(2, '0')}) | ` +
        `${RESULT_TEXT[m.operation]} with \`${m.returnCode}\` ${whenBack(m.afterBusinessDays)} |`
      : `| \`${m.operation}\` | counterparty whose \`name_on_account\` is \`${m.name}\` | ${RESULT_TEXT[m.operation]} |`,
  );
  return ['| Operation | Request | Outcome |', '| --- | --- | --- |', ...rows].join('\n');
}

const TABLE_START = '<!-- magic-values:start -->';
const TABLE_END = '<!-- magic-values:end -->';

/**
 * docs/SANDBOX.md (`page`, its current text) with the table between its magic-values markers
 * rendered from MAGIC_VALUES; the rest of the page as it is.
 * @throws Error when the page lacks the markers.
 */
export function renderSandboxDoc(page: string): string {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the page has no ${TABLE_START} ... ${TABLE_END} section`);
  return `${page.slice(0, start + TABLE_START.length)}\n${renderMagicValuesTable()}\n${page.slice(end)}`;
}
