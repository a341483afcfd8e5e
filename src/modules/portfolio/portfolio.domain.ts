import { Decimal, roundToBigInt } from '../../money/index.ts';
import { assert } from '../../platform/assert.ts';

/**
 * Pure rules of the portfolio engine: unit sizing, sale selection, cost basis. No I/O. Units are
 * whole $100 of face ("units"); prices are per 100 of face, 6-decimal strings as the market gives
 * them; amounts are bigint cents. Rules: docs/ENGINE.md.
 */

/** Face of one unit in cents ($100). */
export const UNIT_FACE_CENTS = 10_000n;

/** Prices converted lately (a business day's buys and valuations use a handful, thousands of times). */
const microsOfPrice = new Map<string, bigint>();
/** Entries of that cache at most; it starts over when full. */
const PRICES_REMEMBERED_MAX = 1_000;

/** A price per 100 of face ("99.588556") in millionths (99_588_556n). */
export function priceMicros(pricePer100: string): bigint {
  const known = microsOfPrice.get(pricePer100);
  if (known !== undefined) return known;
  const micros = new Decimal(pricePer100).times(1_000_000);
  assert(micros.isInteger() && micros.isPositive(), `price per 100 must have at most 6 decimals: ${pricePer100}`);
  if (microsOfPrice.size >= PRICES_REMEMBERED_MAX) microsOfPrice.clear();
  const result = roundToBigInt(micros);
  microsOfPrice.set(pricePer100, result);
  return result;
}

/**
 * Cash for `units` of $100 face at `pricePer100`: units x price, in cents, rounded half up
 * (tbill-math.md section 1, "Dollar amounts").
 */
export function unitsValueCents(units: bigint, pricePer100: string): bigint {
  assert(units >= 0n, 'units must not be negative');
  // units x price dollars = units x micros / 1e6 dollars = units x micros / 1e4 cents.
  return (units * priceMicros(pricePer100) + 5_000n) / 10_000n;
}

/**
 * The largest whole number of units whose cost at `pricePer100` fits in `cashCents`; the rest
 * stays cash (always less than one more unit's cost).
 */
export function unitsAffordable(cashCents: bigint, pricePer100: string): bigint {
  if (cashCents <= 0n) return 0n;
  const micros = priceMicros(pricePer100);
  let units = (cashCents * 10_000n) / micros;
  // Rounding half up may let one more unit fit, or one fewer; settle on the exact boundary.
  while (unitsValueCents(units + 1n, pricePer100) <= cashCents) units += 1n;
  while (units > 0n && unitsValueCents(units, pricePer100) > cashCents) units -= 1n;
  return units;
}

/** The fewest whole units whose proceeds at `pricePer100` reach `needCents`. */
export function unitsToRaise(needCents: bigint, pricePer100: string): bigint {
  if (needCents <= 0n) return 0n;
  const micros = priceMicros(pricePer100);
  let units = (needCents * 10_000n) / micros;
  while (units > 0n && unitsValueCents(units - 1n, pricePer100) >= needCents) units -= 1n;
  while (unitsValueCents(units, pricePer100) < needCents) units += 1n;
  return units;
}

/** A pocket's holding of one bill, with the price it sells at now. */
export interface Holding {
  readonly cusip: string;
  readonly maturityDate: string;
  readonly units: bigint;
  /** Bid price per 100 for the sale's settlement. */
  readonly bidPer100: string;
}

export interface PlannedSale {
  readonly cusip: string;
  readonly units: bigint;
  readonly proceedsCents: bigint;
}

/**
 * Which bills to sell to raise `needCents`: nearest maturity first (ties by CUSIP), whole units,
 * just enough; the last sale may overshoot by less than one unit's price.
 * @returns the sales and their proceeds, or undefined when everything held would not cover it.
 */
export function planSale(holdings: readonly Holding[], needCents: bigint): { sales: PlannedSale[]; proceedsCents: bigint } | undefined {
  const ordered = [...holdings].sort((a, b) => (a.maturityDate === b.maturityDate ? (a.cusip < b.cusip ? -1 : 1) : a.maturityDate < b.maturityDate ? -1 : 1));
  const sales: PlannedSale[] = [];
  let raised = 0n;
  for (const holding of ordered) {
    if (raised >= needCents) break;
    if (holding.units <= 0n) continue;
    const all = unitsValueCents(holding.units, holding.bidPer100);
    if (raised + all <= needCents) {
      sales.push({ cusip: holding.cusip, units: holding.units, proceedsCents: all });
      raised += all;
      continue;
    }
    const units = unitsToRaise(needCents - raised, holding.bidPer100);
    const proceedsCents = unitsValueCents(units, holding.bidPer100);
    sales.push({ cusip: holding.cusip, units, proceedsCents });
    raised += proceedsCents;
  }
  return raised >= needCents ? { sales, proceedsCents: raised } : undefined;
}

export interface LotPosition {
  readonly id: string;
  readonly units: bigint;
  readonly costCents: bigint;
}

/**
 * Takes `units` out of lots of one bill, oldest first, with the cost basis that leaves: a whole
 * lot takes all its cost; part of a lot takes cost x sold / held, rounded down (the remainder stays
 * with the units kept, so cost never goes negative and a lot emptied carries no cost).
 */
export function takeFromLots(lots: readonly LotPosition[], units: bigint): { id: string; units: bigint; costCents: bigint }[] {
  const taken: { id: string; units: bigint; costCents: bigint }[] = [];
  let left = units;
  for (const lot of lots) {
    if (left === 0n) break;
    if (lot.units <= 0n) continue;
    const n = left < lot.units ? left : lot.units;
    const costCents = n === lot.units ? lot.costCents : (lot.costCents * n) / lot.units;
    taken.push({ id: lot.id, units: n, costCents });
    left -= n;
  }
  assert(left === 0n, 'selling more units than the lots hold');
  return taken;
}

