import type { Period } from '../periods/period.js';
import type { ContributorNode, ContributorTree } from './contributors.js';
import type { Decimal } from './decimal.js';
import type { IndicatorCatalogue } from './indicator-rules.js';
import type { ObservationIndex } from './observations.js';
import type { Computed, PartValue } from './types.js';

/** A value over time, with the periods whose (unit-combined) values went into it. */
export interface TimeResult {
  readonly computed: Computed;
  /** Periods used as reported (after combining units); empty when there is no value. */
  readonly covered: readonly Period[];
}

/**
 * What the rule modules see of one computation: memoised steps, the stored observations, and where notes and
 * parts go. Implemented by `Evaluation` (engine.ts); an interface so the rule modules do not import the engine.
 */
export interface Evaluator {
  readonly catalogue: IndicatorCatalogue;
  readonly tree: ContributorTree;
  readonly observations: ObservationIndex;
  /** The full aggregate of `code` for the subtree of `node` over `period` (units first, then time; or derived). */
  value(code: string, node: ContributorNode, period: Period): Computed;
  /** Units combined over time (not for derived indicators). */
  overTime(code: string, node: ContributorNode, period: Period): TimeResult;
  /** Units combined at exactly `period` (design decision 2: at each exact period, units first). */
  acrossUnits(code: string, node: ContributorNode, period: Period): Computed;
  /** The value stored for exactly this unit version and period, recorded in the trace; null when none. */
  observed(code: string, node: ContributorNode, period: Period): Decimal | null;
  note(message: string, period?: string): void;
  /** Partial coverage of one kind of contributor (communes, predecessors) of a unit at one period. */
  coverage(subject: string, kind: string, total: number, period: string, absent: readonly string[]): void;
  part(part: PartValue): void;
}
