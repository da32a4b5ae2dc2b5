import type { Metric, Registry } from 'prom-client';

/** One label set of a histogram read from elsewhere: observations at or below each bucket bound, sum, count. */
export interface HistogramSnapshot<L extends string> {
  readonly labels: Readonly<Record<L, string>>;
  /** Cumulative counts, one per bucket bound (in the histogram's order): observations ≤ that bound. */
  readonly cumulative: readonly number[];
  readonly sum: number;
  readonly count: number;
}

export interface ScrapedHistogramConfig<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  /** Reads the histogram at scrape time, e.g. bucket counts computed by the database. */
  readonly collect: () => Promise<readonly HistogramSnapshot<L>[]>;
  readonly registers: readonly Registry[];
}

/**
 * A Prometheus histogram whose buckets are computed at scrape time (by the database, across every process),
 * not observed one by one in this process: prom-client's Histogram can only observe, so this renders the same
 * exposition (`_bucket{le}`, `_sum`, `_count`) from snapshots. It implements the part of prom-client's metric
 * contract the registry uses (`name`, `help`, `type`, `aggregator`, `get`, `reset`).
 */
export class ScrapedHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;

  constructor(private readonly config: ScrapedHistogramConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    const sorted = [...config.buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => b !== config.buckets[i])) throw new Error(`${config.name}: buckets must be in increasing order`);
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { value: number; labels: Record<string, string | number>; metricName: string }[] }> {
    const snapshots = await this.config.collect();
    const values = snapshots.flatMap((s) => [
      ...this.config.buckets.map((le, i) => ({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: s.cumulative[i] ?? 0 })),
      { metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count },
      { metricName: `${this.name}_sum`, labels: { ...s.labels }, value: s.sum },
      { metricName: `${this.name}_count`, labels: { ...s.labels }, value: s.count },
    ]);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Nothing is held between scrapes. */
  reset(): void {
    // Snapshots are read afresh at every scrape.
  }
}
