import type { Decimal } from './decimal.js';

/** One version of an administrative unit, as aggregation reports it. */
export interface UnitRef {
  readonly id: number;
  readonly code: string;
  readonly level: string;
  readonly name: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

/** A stored observation that the computation read: what a steward checks the result against. */
export interface TraceEntry {
  readonly indicator: string;
  readonly unitId: number;
  readonly unitCode: string;
  readonly unitName: string;
  readonly period: string;
  /** Exactly as stored (numeric text). */
  readonly value: string;
}

/** An intermediate aggregated value: an input of a derived indicator, or a weight. */
export interface PartValue {
  readonly role: 'numerator' | 'denominator' | 'current' | 'previous' | 'weight';
  readonly indicator: string;
  readonly unitCode: string;
  readonly unitName: string;
  readonly period: string;
  readonly value: Decimal | null;
}

export interface AggregateQuery {
  readonly indicator: string;
  /** admin_unit.id: one version of a unit. */
  readonly unitId: number;
  readonly period: string;
}

export interface AggregateByCodeQuery {
  readonly indicator: string;
  readonly unitCode: string;
  readonly level?: 'country' | 'province' | 'commune';
  readonly period: string;
  /** Which version of the code to use (ISO date); default: the version valid on the period's last day. */
  readonly asOf?: string;
}

export interface AggregateResult {
  readonly indicator: string;
  readonly unit: UnitRef;
  readonly period: string;
  /** Exact; round only for display (`formatValue`). */
  readonly value: Decimal | null;
  /** Why there is no value; present exactly when `value` is null. */
  readonly reason?: string;
  /** Everything a reader must know about how the value was formed (fallbacks, partial coverage, exclusions). */
  readonly notes: string[];
  /**
   * Every stored observation the computation read (values, inputs of derived indicators, weights — a weight is
   * listed even when a missing one elsewhere forced the unweighted mean), sorted by indicator, period, unit code.
   */
  readonly inputs: TraceEntry[];
  /** Aggregated inputs of derived indicators and weights. */
  readonly parts: PartValue[];
}

/** The outcome of one computation step: a value, or the reason there is none. */
export type Computed = { readonly value: Decimal } | { readonly value: null; readonly reason: string; readonly noData: boolean };

export function valued(value: Decimal): Computed {
  return { value };
}

/** No value because a rule forbids it or an input is unusable; the reason says which. */
export function missing(reason: string): Computed {
  return { value: null, reason, noData: false };
}

/** No value because nothing was reported: a coarser period or another unit may still give one. */
export function noData(reason: string): Computed {
  return { value: null, reason, noData: true };
}
