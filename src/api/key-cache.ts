import { touchApiKey, verifyApiKey, type ApiKeyIdentity } from '../warehouse/api-keys.js';
import type { Db } from '../warehouse/database.js';

const maxEntries = 10_000;
const touchEveryMs = 60_000;

/**
 * Verified keys, remembered for a few seconds so a busy client costs no database round trip per request. A key
 * revoked through another API process stops working within `ttlMs`; through this one, at once (`clear`).
 * Only valid keys are remembered: bad ones cannot push good ones out (they are counted per address instead, see
 * auth-failures.ts), and when full the oldest entry goes, never all of them.
 */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, { key: ApiKeyIdentity; until: number }>();
  private readonly touchedAt = new Map<string, number>();

  constructor(private readonly db: Db, private readonly ttlMs: number) {}

  /** The key if it was verified lately (no database round trip), else null. */
  cached(presented: string): ApiKeyIdentity | null {
    const entry = this.entries.get(presented);
    return entry !== undefined && entry.until > Date.now() ? entry.key : null;
  }

  async verify(presented: string): Promise<ApiKeyIdentity | null> {
    const cached = this.cached(presented);
    if (cached !== null) return cached;
    const now = Date.now();
    const key = await verifyApiKey(this.db, presented);
    this.entries.delete(presented);
    if (key === null) return null;
    // A Map iterates in insertion order: the first entry is the oldest.
    if (this.entries.size >= maxEntries) this.entries.delete(this.entries.keys().next().value ?? '');
    this.entries.set(presented, { key, until: now + this.ttlMs });
    return key;
  }

  /** Records the key's use in the database at most once a minute per key (`last_used_at` for `lgsp apikey list`). */
  touch(id: string, onError: (error: Error) => void): void {
    const now = Date.now();
    if ((this.touchedAt.get(id) ?? 0) > now - touchEveryMs) return;
    this.touchedAt.set(id, now);
    touchApiKey(this.db, id).catch(onError);
  }

  clear(): void {
    this.entries.clear();
  }
}
