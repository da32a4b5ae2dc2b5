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

/** Something a step reported besides its result (a note, a trace entry, a part), replayable on a cache hit. */
type Effect = (ev: Evaluation) => void;

/** A step's result and what it reported: its own effects and the steps it used, in order. */
interface Cached<T> {
  readonly result: T;
  readonly effects: readonly (Effect | Cached<unknown>)[];
}

/**
 * Results of steps over one tree and one set of observations, shared by the evaluations of several queries
 * (a province's months, quarters and years, and the ratios built on them) so each step is computed once. A step
 * keeps what it reported, so a later query that reuses it still gets its notes and trace.
 */
export class EvaluationMemo {
  readonly steps = new Map<string, Cached<Computed | TimeResult>>();

  /**
   * @param explain whether steps record the trace (every observation read) and the parts: what a reader of one
   * value wants, and what a batch refresh, which stores values and notes only, would pay dearly for.
   */
  constructor(readonly explain = true) {}
}

/** One query's computation: steps from the shared memo, notes, trace and parts of its own. */
export class Evaluation implements Evaluator {
  private readonly notes = new NoteCollector();
  private readonly traceEntries = new Map<string, TraceEntry>();
  private readonly partEntries = new Map<string, PartValue>();
  private readonly inProgress = new Set<string>();
  /** What the steps being computed reported so far, innermost last. */
  private readonly recording: (Effect | Cached<unknown>)[][] = [];

  constructor(
    readonly catalogue: IndicatorCatalogue,
    readonly tree: ContributorTree,
    readonly observations: ObservationIndex,
    private readonly memo: EvaluationMemo = new EvaluationMemo(),
  ) {}

  value(code: string, node: ContributorNode, period: Period): Computed {
    return this.step(`value|${code}|${node.unit.id}|${period.code}`, () => {
      const rules = rulesOf(this.catalogue, code);
      if (rules.derivation !== null) return computeDerived(this, rules, node, period);
      const result = this.overTime(code, node, period);
      noteTimeCoverage(this, rules, node, period, result);
      return result.computed;
    });
  }

  overTime(code: string, node: ContributorNode, period: Period): TimeResult {
    return this.step(`time|${code}|${node.unit.id}|${period.code}`, () => combineOverTime(this, rulesOf(this.catalogue, code), node, period), {
      computed: missing(`circular definition while computing ${code} over time`),
      covered: [],
    });
  }

  acrossUnits(code: string, node: ContributorNode, period: Period): Computed {
    // A leaf (most units of a province's tree) is one lookup: memoising it would cost more than redoing it.
    if (node.contributors.length === 0) return combineAcrossUnits(this, rulesOf(this.catalogue, code), node, period);
    return this.step(`units|${code}|${node.unit.id}|${period.code}`, () => combineAcrossUnits(this, rulesOf(this.catalogue, code), node, period));
  }

  observed(code: string, node: ContributorNode, period: Period): Decimal | null {
    const stored = this.observations.get(code, node.unit.id, period.code);
    if (!stored) return null;
    const unit = node.unit;
    if (this.memo.explain) {
      const entry: TraceEntry = { indicator: code, unitId: unit.id, unitCode: unit.code, unitName: unit.name, period: period.code, value: stored.text };
      this.emit((ev) => ev.traceEntries.set(`${code}|${unit.id}|${period.code}`, entry));
    }
    if (node.dividedLegacy && node !== this.tree.root) {
      this.note(`includes divided legacy commune ${unitLabel(unit)}: its values roll up at province level only, not into any current commune`);
    }
    return stored.value;
  }

  note(message: string, period?: string): void {
    this.emit((ev) => { ev.notes.add(message, period); });
  }

  coverage(subject: string, kind: string, total: number, period: string, absent: readonly string[]): void {
    this.emit((ev) => { ev.notes.coverage(subject, kind, total, period, absent); });
  }

  part(part: PartValue): void {
    if (this.memo.explain) this.emit((ev) => ev.partEntries.set(`${part.role}|${part.indicator}|${part.unitCode}|${part.unitName}|${part.period}`, part));
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

  /** Applies an effect to this evaluation and records it for the step being computed. */
  private emit(effect: Effect): void {
    effect(this);
    this.recording[this.recording.length - 1]?.push(effect);
  }

  private replay(entry: Cached<unknown>): void {
    for (const item of entry.effects) {
      if (typeof item === 'function') item(this);
      else this.replay(item);
    }
  }

  private step<T extends Computed | TimeResult>(key: string, compute: () => T, circular?: T): T {
    const known = this.memo.steps.get(key) as Cached<T> | undefined;
    if (known) {
      if (known.effects.length > 0) {
        this.replay(known);
        this.recording[this.recording.length - 1]?.push(known);
      }
      return known.result;
    }
    if (this.inProgress.has(key)) return circular ?? (missing(`circular definition while computing ${key}`) as T);
    this.inProgress.add(key);
    const effects: (Effect | Cached<unknown>)[] = [];
    this.recording.push(effects);
    let entry: Cached<T>;
    try {
      entry = { result: compute(), effects };
    } finally {
      this.recording.pop();
      this.inProgress.delete(key);
    }
    this.memo.steps.set(key, entry);
    // A step that reported nothing, itself or through its steps, has nothing to replay: not recorded (most leaves).
    if (effects.length > 0) this.recording[this.recording.length - 1]?.push(entry);
    return entry.result;
  }
}
