import type { Period } from '../periods/period.js';
import { unitLabel, type ContributorNode, type ContributorTree } from './contributors.js';
import type { Decimal } from './decimal.js';
import { computeDerived } from './derived.js';
import type { Evaluator, TimeResult } from './evaluator.js';
import { rulesOf, type IndicatorCatalogue } from './indicator-rules.js';
import { listNames, NoteCollector } from './notes.js';
import type { ObservationIndex } from './observations.js';
import { combineOverTime, noteTimeCoverage } from './period-rules.js';
import { combineAcrossUnits } from './unit-rules.js';
import { missing, type Computed, type PartValue, type TraceEntry } from './types.js';

/** One computation in memory over the fetched tree and observations: memoised steps, notes, trace and parts. */
export class Evaluation implements Evaluator {
  private readonly notes = new NoteCollector();
  private readonly traceEntries = new Map<string, TraceEntry>();
  private readonly partEntries = new Map<string, PartValue>();
  private readonly memo = new Map<string, Computed>();
  private readonly timeMemo = new Map<string, TimeResult>();
  private readonly unitMemo = new Map<string, Computed>();
  private readonly inProgress = new Set<string>();

  constructor(
    readonly catalogue: IndicatorCatalogue,
    readonly tree: ContributorTree,
    readonly observations: ObservationIndex,
  ) {}

  value(code: string, node: ContributorNode, period: Period): Computed {
    return this.memoised(this.memo, `value|${code}|${node.unit.id}|${period.code}`, () => {
      const rules = rulesOf(this.catalogue, code);
      if (rules.derivation !== null) return computeDerived(this, rules, node, period);
      const result = this.overTime(code, node, period);
      noteTimeCoverage(this, rules, node, period, result);
      return result.computed;
    });
  }

  overTime(code: string, node: ContributorNode, period: Period): TimeResult {
    const key = `${code}|${node.unit.id}|${period.code}`;
    const known = this.timeMemo.get(key);
    if (known) return known;
    const result = combineOverTime(this, rulesOf(this.catalogue, code), node, period);
    this.timeMemo.set(key, result);
    return result;
  }

  acrossUnits(code: string, node: ContributorNode, period: Period): Computed {
    return this.memoised(this.unitMemo, `units|${code}|${node.unit.id}|${period.code}`, () =>
      combineAcrossUnits(this, rulesOf(this.catalogue, code), node, period),
    );
  }

  observed(code: string, node: ContributorNode, period: Period): Decimal | null {
    const stored = this.observations.get(code, node.unit.id, period.code);
    if (!stored) return null;
    const unit = node.unit;
    this.traceEntries.set(`${code}|${unit.id}|${period.code}`, {
      indicator: code,
      unitId: unit.id,
      unitCode: unit.code,
      unitName: unit.name,
      period: period.code,
      value: stored.text,
    });
    if (node.dividedLegacy && node !== this.tree.root) {
      this.note(`includes divided legacy commune ${unitLabel(unit)}: its values roll up at province level only, not into any current commune`);
    }
    return stored.value;
  }

  note(message: string, period?: string): void {
    this.notes.add(message, period);
  }

  coverage(subject: string, kind: string, total: number, period: string, absent: readonly string[]): void {
    this.notes.coverage(subject, kind, total, period, absent);
  }

  part(part: PartValue): void {
    this.partEntries.set(`${part.role}|${part.indicator}|${part.unitCode}|${part.unitName}|${part.period}`, part);
  }

  /** Divided legacy communes left out of the tree (querying a current commune) are named when they hold values. */
  noteLeftOut(indicators: readonly string[]): void {
    for (const { unit, successorId } of this.tree.leftOut) {
      const withValues = indicators.filter((code) => this.observations.periodsOf(code, unit.id).size > 0);
      if (withValues.length === 0) continue;
      const successor = this.tree.nodes.get(successorId);
      const into = successor ? ` (one of the communes it was divided into is ${unitLabel(successor.unit)})` : '';
      this.note(
        `leaves out divided legacy commune ${unitLabel(unit)}${into}: it was divided among several communes, so its values ` +
          `(${listNames(withValues)}) roll up at province level only`,
      );
    }
  }

  notesList(): string[] {
    return this.notes.list();
  }

  trace(): TraceEntry[] {
    return [...this.traceEntries.values()].sort(
      (a, b) => a.indicator.localeCompare(b.indicator) || a.period.localeCompare(b.period) || a.unitCode.localeCompare(b.unitCode) || a.unitId - b.unitId,
    );
  }

  parts(): PartValue[] {
    return [...this.partEntries.values()];
  }

  private memoised(memo: Map<string, Computed>, key: string, compute: () => Computed): Computed {
    const known = memo.get(key);
    if (known) return known;
    if (this.inProgress.has(key)) return missing(`circular definition while computing ${key}`);
    this.inProgress.add(key);
    try {
      const result = compute();
      memo.set(key, result);
      return result;
    } finally {
      this.inProgress.delete(key);
    }
  }
}
