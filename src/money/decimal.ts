import { Decimal as DecimalJs } from 'decimal.js';

/**
 * Exact decimal arithmetic for prices and yields: 40 significant digits, ties rounded half up.
 * A private clone, so no other library's global Decimal settings can change ours.
 */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = DecimalJs;
export type DecimalValue = DecimalJs.Value;

/** Rounds half up (away from zero on ties) to `places` decimals and prints exactly that many. */
export function fixed(value: DecimalValue, places: number): string {
  return new Decimal(value).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed(places);
}

/** Rounds a decimal half up to a whole number, as a bigint (e.g. dollars x 100 into cents). */
export function roundToBigInt(value: DecimalValue): bigint {
  return BigInt(new Decimal(value).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0));
}
