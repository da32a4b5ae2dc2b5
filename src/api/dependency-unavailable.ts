import { dependencyNamedBy, dependencyNames, isConnectionLoss, type Dependency } from '../process/connection-loss.js';
import type { DependencyWatch } from '../process/dependency-watch.js';

/** What a client waits before trying again while PostgreSQL or Redis is away (Retry-After, seconds). */
export const dependencyRetryAfterSeconds = 5;

const hints: Record<Dependency, string> = {
  postgres: 'check that PostgreSQL runs (`docker compose ps`, `systemctl status postgresql`) and that DATABASE_URL points at it',
  redis: 'check that Redis runs (`docker compose ps`, `systemctl status redis-server`) and that REDIS_URL points at it',
};

/** Why a request failed while PostgreSQL or Redis is away (all of them, when unknown), and what to do. */
export function dependencyUnavailableDetail(dependencies: readonly Dependency[]): string {
  const named = dependencies.length > 0 ? dependencies : (['postgres', 'redis'] as const);
  const names = named.map((d) => dependencyNames[d]).join(' or ');
  return `${names} is not reachable from the API right now; retry in ${dependencyRetryAfterSeconds} s (the API reconnects by itself). If it lasts, an operator should ${named.map((d) => hints[d]).join(', and ')}.`;
}

/**
 * The detail of the 503 for an error that is a lost connection (undefined for any other error). With the process's
 * outage watch, it names what the watch finds down (and the watch logs the outage once); without, what the error names.
 */
export async function dependencyUnavailableFor(error: unknown, outages: DependencyWatch | undefined): Promise<string | undefined> {
  if (!isConnectionLoss(error)) return undefined;
  const down = outages ? await outages.report(error) : [];
  const named = dependencyNamedBy(error);
  return dependencyUnavailableDetail(down.length > 0 ? down : named !== undefined ? [named] : []);
}
