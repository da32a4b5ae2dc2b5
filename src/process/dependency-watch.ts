import { sql } from 'kysely';
import type { Logger } from '../logger.js';
import type { Db } from '../warehouse/database.js';
import { dependencyNamedBy, dependencyNames, isConnectionLoss, type Dependency } from './connection-loss.js';
import { checkRedis } from './service-checks.js';

export interface DependencyWatchOptions {
  readonly logger: Logger;
  /** Each resolves when its dependency answers. */
  readonly probes: Readonly<Record<Dependency, () => Promise<unknown>>>;
  /** What the process does while a dependency is away, for the outage's log line. */
  readonly whileDown: string;
  /** After this long continuously down, `onGiveUp` is called; 0: never. */
  readonly giveUpMs: number;
  readonly onGiveUp: (dependency: Dependency, downMs: number) => void;
}

const firstProbeDelayMs = 250;
const maxProbeDelayMs = 5_000;
const probeTimeoutMs = 3_000;
const dependencies: readonly Dependency[] = ['postgres', 'redis'];

interface Outage { readonly since: number; giveUp: NodeJS.Timeout | undefined }

/**
 * A process's view of PostgreSQL and Redis during outages. Whatever part of the process sees a connection fail
 * reports it here; the outage is logged once (warn), then probed with backoff until the dependency answers, and
 * the recovery logged once (info, with the outage's duration) and told to `onRecovered` listeners (which
 * reconnect what does not reconnect by itself, such as a LISTEN connection).
 */
export class DependencyWatch {
  private readonly outages = new Map<Dependency, Outage>();
  private readonly recoveryListeners: ((dependency: Dependency) => void)[] = [];
  private readonly probeTimers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: DependencyWatchOptions) {}

  isDown(dependency: Dependency): boolean {
    return this.outages.has(dependency);
  }

  down(): Dependency[] {
    return dependencies.filter((d) => this.isDown(d));
  }

  /** How long the longest current outage has lasted; 0 when everything answers. */
  downForMs(): number {
    const since = Math.min(...[...this.outages.values()].map((o) => o.since));
    return Number.isFinite(since) ? Date.now() - since : 0;
  }

  onRecovered(listener: (dependency: Dependency) => void): void {
    this.recoveryListeners.push(listener);
  }

  /**
   * A connection loss seen by the caller: marks the dependency the error names as down, or, when it names none
   * (a bare ECONNREFUSED), whichever does not answer its probe. Returns the dependencies down now.
   */
  async report(error: unknown): Promise<Dependency[]> {
    const named = dependencyNamedBy(error);
    if (named !== undefined) this.markDown(named, error);
    else await Promise.all(dependencies.filter((d) => !this.isDown(d)).map(async (d) => { if (!(await this.answers(d))) this.markDown(d, error); }));
    return this.down();
  }

  /** Reports `error` when it is a lost connection and says so: the caller logs only the other errors. */
  reportIfLost(error: unknown): boolean {
    if (!isConnectionLoss(error)) return false;
    void this.report(error);
    return true;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.probeTimers) clearTimeout(timer);
    for (const outage of this.outages.values()) clearTimeout(outage.giveUp);
  }

  private async answers(dependency: Dependency): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => { reject(new Error('probe timed out')); }, probeTimeoutMs); });
    try {
      await Promise.race([this.options.probes[dependency](), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private markDown(dependency: Dependency, error: unknown): void {
    if (this.stopped || this.isDown(dependency)) return;
    const { giveUpMs, onGiveUp } = this.options;
    const giveUp = giveUpMs > 0 ? setTimeout(() => { onGiveUp(dependency, giveUpMs); }, giveUpMs) : undefined;
    giveUp?.unref();
    this.outages.set(dependency, { since: Date.now(), giveUp });
    this.options.logger.warn({ dependency, err: (error as Error).message }, `${dependencyNames[dependency]} is unreachable: ${this.options.whileDown}`);
    this.probeUntilBack(dependency, firstProbeDelayMs);
  }

  private probeUntilBack(dependency: Dependency, delayMs: number): void {
    const timer = setTimeout(() => {
      this.probeTimers.delete(timer);
      void this.answers(dependency).then((up) => {
        if (this.stopped) return;
        if (up) this.markUp(dependency);
        else this.probeUntilBack(dependency, Math.min(delayMs * 2, maxProbeDelayMs));
      });
    }, delayMs);
    timer.unref();
    this.probeTimers.add(timer);
  }

  private markUp(dependency: Dependency): void {
    const outage = this.outages.get(dependency);
    if (!outage) return;
    clearTimeout(outage.giveUp);
    this.outages.delete(dependency);
    const outageMs = Date.now() - outage.since;
    this.options.logger.info({ dependency, outageMs }, `${dependencyNames[dependency]} is back after ${(outageMs / 1000).toFixed(1)} s: carrying on`);
    for (const listener of this.recoveryListeners) listener(dependency);
  }
}

/** A watch probing the process's own warehouse pool and Redis. */
export function watchDependencies(options: Omit<DependencyWatchOptions, 'probes'> & { readonly db: Db; readonly redisUrl: string }): DependencyWatch {
  const { db, redisUrl, ...rest } = options;
  return new DependencyWatch({ ...rest, probes: { postgres: () => sql`select 1`.execute(db), redis: () => checkRedis(redisUrl) } });
}
