/**
 * CUSIP identifiers: nine characters, the ninth a check digit over the first eight (the standard
 * modulus-10 "double-add-double" scheme). Treasury bills carry the issuer prefix 912795/912796/912797.
 */

/** Characters Treasury uses in the issue part of a bill CUSIP (no I and no O, to avoid 1 and 0). */
export const CUSIP_ISSUE_CHARS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

const CUSIP_SHAPE = /^[0-9A-Z*@#]{8}[0-9]$/;

/** The value of one CUSIP character: digits 0-9, letters 10-35 (A=10), then * @ # as 36, 37, 38. */
function charValue(char: string): number {
  const code = char.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  if (char === '*') return 36;
  if (char === '@') return 37;
  if (char === '#') return 38;
  throw new Error(`"${char}" is not a CUSIP character`);
}

/**
 * The check digit (0-9) of the first eight characters of a CUSIP: every second character's value
 * is doubled, the digits of all values are added, and the check digit brings the sum to a
 * multiple of ten.
 * @throws Error when `first8` is not eight CUSIP characters.
 */
export function cusipCheckDigit(first8: string): number {
  if (first8.length !== 8) throw new Error(`a CUSIP check digit needs 8 characters, got "${first8}"`);
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    let value = charValue(first8[i]!);
    if (i % 2 === 1) value *= 2;
    sum += Math.floor(value / 10) + (value % 10);
  }
  return (10 - (sum % 10)) % 10;
}

/** True for a nine-character CUSIP whose last digit is the check digit of the first eight. */
export function isValidCusip(cusip: string): boolean {
  if (!CUSIP_SHAPE.test(cusip)) return false;
  return cusipCheckDigit(cusip.slice(0, 8)) === Number(cusip[8]);
}

/** A full CUSIP from its first eight characters. */
export function withCheckDigit(first8: string): string {
  return `${first8}${cusipCheckDigit(first8)}`;
}
