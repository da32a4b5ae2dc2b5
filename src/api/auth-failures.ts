import type { Redis } from 'ioredis';

export interface AuthFailureLimits {
  /** Failed authentications one client address may make per window. */
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Failed authentications (401, 403) counted per client address in Redis (so across API instances), in a fixed
 * window that starts with the first failure. Once an address reaches the limit, its requests to scoped routes are
 * refused before any key is looked up: guessing keys costs the guesser, not the database.
 */
export class AuthFailureCounter {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly limits: AuthFailureLimits) {}

  private keyOf(address: string): string {
    return `${this.prefix}:authfail:${address}`;
  }

  /** Milliseconds until the address may try again, or null while it is under the limit. */
  async blockedFor(address: string): Promise<number | null> {
    const key = this.keyOf(address);
    const [count, ttl] = await this.redis.multi().get(key).pttl(key).exec() ?? [];
    const failures = Number(count?.[1] ?? 0);
    if (failures < this.limits.limit) return null;
    const remaining = Number(ttl?.[1] ?? -1);
    // No expiry (should not happen: set with the first failure) counts as a whole window.
    return remaining > 0 ? remaining : this.limits.windowMs;
  }

  /** Counts one failure of the address; the window starts with its first failure. */
  async record(address: string): Promise<void> {
    const key = this.keyOf(address);
    await this.redis.multi().set(key, '0', 'PX', this.limits.windowMs, 'NX').incr(key).exec();
  }
}
