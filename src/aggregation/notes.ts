/**
 * Collects notes without repeating them. A note that holds for several periods (a missing commune in every
 * month of the year) is given once, with the periods listed: "… (2025-01, 2025-02)". Partial coverage of a unit's
 * contributors is gathered per unit and kind of contributor, so twelve months give one line, not twelve.
 */
export class NoteCollector {
  private readonly entries = new Map<string, PlainNote | CoverageNote>();

  add(message: string, period?: string): void {
    let entry = this.entries.get(message);
    if (!entry) this.entries.set(message, (entry = { type: 'plain', message, periods: new Set() }));
    if (period !== undefined) entry.periods.add(period);
  }

  /** `present` of `total` contributors of one kind have a value in `period`; `absent` names the others. */
  coverage(subject: string, kind: string, total: number, period: string, absent: readonly string[]): void {
    const key = `coverage|${subject}|${kind}`;
    let entry = this.entries.get(key);
    if (entry?.type !== 'coverage') {
      entry = { type: 'coverage', subject, kind, total, periods: new Set(), byPeriod: new Map() };
      this.entries.set(key, entry);
    }
    entry.periods.add(period);
    entry.byPeriod.set(period, absent);
  }

  list(): string[] {
    return [...this.entries.values()].map((e) => (e.type === 'plain' ? renderPlain(e) : renderCoverage(e)));
  }
}

interface PlainNote {
  readonly type: 'plain';
  readonly message: string;
  readonly periods: Set<string>;
}

interface CoverageNote {
  readonly type: 'coverage';
  readonly subject: string;
  readonly kind: string;
  readonly total: number;
  readonly periods: Set<string>;
  readonly byPeriod: Map<string, readonly string[]>;
}

function renderPlain(e: PlainNote): string {
  return e.periods.size === 0 ? e.message : `${e.message} (${[...e.periods].sort().join(', ')})`;
}

function renderCoverage(e: CoverageNote): string {
  const periods = [...e.byPeriod.keys()].sort();
  const [only] = periods;
  if (periods.length === 1 && only !== undefined) {
    const absent = e.byPeriod.get(only) ?? [];
    const k = e.total - absent.length;
    return `${e.subject}: ${k} of ${e.total} ${e.kind} ${k === 1 ? 'has' : 'have'} a value; none for ${listNames(absent)} (${only})`;
  }
  const present = periods.map((p) => e.total - (e.byPeriod.get(p)?.length ?? 0));
  const counts = present.every((k) => k === present[0])
    ? `${present[0] ?? 0} in each of ${periods.join(', ')}`
    : periods.map((p, i) => `${p}: ${present[i] ?? 0}`).join(', ');
  const sets = periods.map((p) => new Set(e.byPeriod.get(p) ?? []));
  const [first, ...rest] = sets;
  const never = first ? [...first].filter((name) => rest.every((s) => s.has(name))) : [];
  const tail = never.length > 0 ? `; none in any of them for ${listNames(never)}` : '';
  return `${e.subject}: only some of its ${e.total} ${e.kind} have a value (${counts})${tail}`;
}

/** "a, b, c and 4 more" */
export function listNames(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
