/**
 * Money is an integer number of cents (`bigint`), named with the unit last (`amountCents`).
 * This file formats it at the edge, in Jiko's Money shape.
 */

export const CURRENCY = 'USD';

/** Jiko's Money object: `value` in cents, `currency`, and a display string. */
export interface MoneyJson {
  value: number;
  currency: string;
  formatted: string;
}

/** "$1,234.56" / "-$0.05" for an amount in cents. */
export function formatUsd(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const dollars = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const rest = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}$${dollars}.${rest}`;
}

/**
 * The Money JSON of an amount in cents.
 * @throws RangeError beyond 2^53 cents (JSON numbers cannot carry more exactly).
 */
export function money(cents: bigint): MoneyJson {
  if (cents > BigInt(Number.MAX_SAFE_INTEGER) || cents < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`amount of ${cents} cents is beyond what JSON carries exactly`);
  }
  return { value: Number(cents), currency: CURRENCY, formatted: formatUsd(cents) };
}

/** Sum of amounts in cents. */
export function sumCents(amounts: Iterable<bigint>): bigint {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}
