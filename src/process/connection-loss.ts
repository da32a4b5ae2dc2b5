/** The services a long-lived process depends on. */
export type Dependency = 'postgres' | 'redis';

export const dependencyNames: Record<Dependency, string> = { postgres: 'PostgreSQL', redis: 'Redis' };

// Network-level failures to reach or keep a server (Node reports several addresses as an AggregateError).
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// PostgreSQL going away: admin_shutdown, crash_shutdown, cannot_connect_now; class 08 is connection exceptions.
const postgresCodes = /^(57P0[123]|08...)$/;
// What node-postgres and pg-pool throw, without a code, when a connection ends or cannot be had.
const postgresMessages = /Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed/;
// What ioredis throws when a command cannot be sent (offline, retries used up) or the server is still loading its AOF.
const redisMessages = /^(Connection is closed\.|Stream isn't writeable|Reached the max retries per request limit|LOADING )/;

interface ErrorShape { code?: unknown; message?: unknown; name?: unknown; cause?: unknown }

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as ErrorShape).cause, depth++) {
    chain.push(e);
    if (e instanceof AggregateError) chain.push(...(e.errors as unknown[]));
  }
  return chain;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Which dependency an error says went away, when it says so: PostgreSQL's codes and node-postgres's messages,
 * ioredis's. A bare network error (ECONNREFUSED) names no one: `undefined`, like an error that is no connection loss.
 */
export function dependencyNamedBy(error: unknown): Dependency | undefined {
  for (const e of causes(error)) {
    const { code, message, name } = e as ErrorShape;
    if (postgresCodes.test(text(code)) || postgresMessages.test(text(message))) return 'postgres';
    if (name === 'MaxRetriesPerRequestError' || redisMessages.test(text(message))) return 'redis';
  }
  return undefined;
}

/** A failure to reach or keep a connection to PostgreSQL or Redis: transient, worth retrying once it is back. */
export function isConnectionLoss(error: unknown): boolean {
  return dependencyNamedBy(error) !== undefined || causes(error).some((e) => networkCodes.has(text((e as ErrorShape).code)));
}
