import { Decimal } from 'decimal.js';
import { dec } from '../aggregation/decimal.js';

/**
 * Values as text, for machines and for people. Both work on decimal.js values, never JS floats.
 *
 * JSON keeps a value exact: every stored source value has far fewer than 12 decimals, so only a ratio's
 * repeating tail (66.666… computed to 40 significant digits) is cut, half up at the 12th place.
 * People read a value rounded to its indicator's `decimals` (catalogue): 0 for counts, 2 for percentages.
 */
export const jsonScale = 12;

/** Exact decimal text with at most 12 decimals: no exponent, no trailing zeros, never "-0". */
export function jsonDecimal(value: string | Decimal): string {
  const d = dec(value).toDecimalPlaces(jsonScale, Decimal.ROUND_HALF_UP);
  return d.isZero() ? '0' : d.toFixed();
}

/** Rounded to `decimals` places (half up, away from zero on a tie), zeros kept: "66.67", "1,234" is "1234". */
export function displayDecimal(value: string | Decimal, decimals: number): string {
  const d = dec(value).toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP);
  return d.isZero() ? dec(0).toFixed(decimals) : d.toFixed(decimals);
}
