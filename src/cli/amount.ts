import { UsageError } from './errors.ts';

/** Cents a command-line amount may name at most: what a JSON number carries exactly. */
const AMOUNT_CENTS_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A dollar amount as typed on the command line (`15`, `15.5`, `15.00`, `1234.56`) in integer
 * cents, read digit by digit from the text: never through a float, so `0.29` is 29 cents exactly.
 * Positive, at most 2 decimals, no sign, no thousands separators, no exponent.
 * @throws UsageError naming the text and the rule it breaks.
 */
export function dollarsToCents(text: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new UsageError(`amount "${text}" is not a dollar amount: write it like 15.00 (digits, at most 2 decimals)`);
  const [, whole, fraction = ''] = match;
  if (fraction.length > 2) throw new UsageError(`amount "${text}" has more than 2 decimals: dollars have cents, no smaller unit`);
  const cents = BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (cents === 0n) throw new UsageError(`amount "${text}" is zero: give a positive amount`);
  if (cents > AMOUNT_CENTS_MAX) throw new UsageError(`amount "${text}" is too large`);
  return cents;
}
