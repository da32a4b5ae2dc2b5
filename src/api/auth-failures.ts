import ipaddr from 'ipaddr.js';
import type { Redis } from 'ioredis';

export interface AuthFailureLimits {
  /** Failed authentications one client address may make per window. */
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Takes one attempt if the address is under the limit, atomically (a burst of requests cannot all read a count
 * under the limit before any of them adds to it). The window starts with the address's first attempt. Returns the
 * count and, when refused, the window's remaining milliseconds.
 */
const reserveScript = `
redis.call('SET', KEYS[1], '0', 'PX', ARGV[1], 'NX')
local count = redis.call('INCR', KEYS[1])
if count > tonumber(ARGV[2]) then
  redis.call('DECR', KEYS[1])
  return {count - 1, redis.call('PTTL', KEYS[1])}
end
return {count, -1}`;

/** Gives an attempt back (it succeeded); never below zero, and never on a window that has ended. */
const releaseScript = `
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('DECR', KEYS[1]) < 0 then
  redis.call('SET', KEYS[1], '0', 'KEEPTTL')
end
return 0`;

/**
 * The address failures are counted under: an IPv6 client by its /64 (one host usually holds a whole /64, so counting
 * single addresses would let it rotate past the limit), an IPv4 one (also when written IPv4-mapped) by itself.
 */
export function countedAs(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/**
 * Failed authentications (401, 403) counted per client address in Redis (so across API instances), in a fixed
 * window that starts with the first attempt. An attempt that needs a key looked up is counted *before* the lookup
 * and given back when the key is valid, so at most `limit` lookups per window can fail, however many requests arrive
 * at once; past the limit an address is refused before any key is looked up: guessing keys costs the guesser, not
 * the database.
 */
export class AuthFailureCounter {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly limits: AuthFailureLimits) {}

  private keyOf(address: string): string {
    return `${this.prefix}:authfail:${countedAs(address)}`;
  }

  /** Milliseconds until the address may try again, or null while it is under the limit. */
  async blockedFor(address: string): Promise<number | null> {
    const key = this.keyOf(address);
    const [count, ttl] = await this.redis.multi().get(key).pttl(key).exec() ?? [];
    const failures = Number(count?.[1] ?? 0);
    return failures < this.limits.limit ? null : this.remaining(Number(ttl?.[1] ?? -1));
  }

  /** Counts an attempt before it is made: null when taken, or the milliseconds until the address may try again. */
  async reserve(address: string): Promise<number | null> {
    const [, ttl] = (await this.redis.eval(reserveScript, 1, this.keyOf(address), String(this.limits.windowMs), String(this.limits.limit))) as [number, number];
    return ttl < 0 ? null : this.remaining(ttl);
  }

  /** The reserved attempt succeeded: it is not a failure. */
  async release(address: string): Promise<void> {
    await this.redis.eval(releaseScript, 1, this.keyOf(address));
  }

  /** Counts one failure that needed no reservation (a valid key without the route's scope). */
  async record(address: string): Promise<void> {
    const key = this.keyOf(address);
    await this.redis.multi().set(key, '0', 'PX', this.limits.windowMs, 'NX').incr(key).exec();
  }

  // No expiry (should not happen: set with the first attempt) counts as a whole window.
  private remaining(ttlMs: number): number {
    return ttlMs > 0 ? ttlMs : this.limits.windowMs;
  }
}
