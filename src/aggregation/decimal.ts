import { Decimal } from 'decimal.js';

/**
 * The Decimal used for every aggregated value. Values come from PostgreSQL `numeric` columns as strings and
 * are never turned into JS numbers; 40 significant digits keep sums and ratios exact well beyond the stored
 * scale. Nothing is rounded while computing (a division rounds at the 40th digit only); round for display
 * with `formatValue`.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type { Decimal };

export function dec(value: string | number | Decimal): Decimal {
  return new Dec(value);
}

export const ZERO = dec(0);
export const ONE = dec(1);

export function sumOf(values: readonly Decimal[]): Decimal {
  return values.reduce((acc, v) => acc.plus(v), ZERO);
}

export function meanOf(values: readonly Decimal[]): Decimal {
  if (values.length === 0) throw new RangeError('mean of no values');
  return sumOf(values).dividedBy(values.length);
}

/** Σ(value × weight) / Σ(weight); the caller makes sure Σ(weight) is not zero. */
export function weightedMeanOf(pairs: readonly { value: Decimal; weight: Decimal }[]): Decimal {
  const total = sumOf(pairs.map((p) => p.weight));
  return sumOf(pairs.map((p) => p.value.times(p.weight))).dividedBy(total);
}

/** Rounds for display only (half up), e.g. 83.63636… -> "83.64". Null -> "—". */
export function formatValue(value: Decimal | null, decimals = 2): string {
  if (value === null) return '—';
  return new Dec(value).toFixed(decimals, Decimal.ROUND_HALF_UP);
}
