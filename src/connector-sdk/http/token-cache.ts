import { raceAbort } from './abort.js';

/** An access token as the token endpoint granted it. */
export interface TokenGrant {
  readonly accessToken: string;
  /** Lifetime in seconds from when it was issued. */
  readonly expiresInSeconds: number;
}

interface CachedToken {
  readonly value: string;
  /** Wall-clock ms after which the token is renewed before use. */
  readonly renewAtMs: number;
}

/** Renew this long before expiry: 10 % of the lifetime, at most a minute. */
function renewalMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, expiresInSeconds * 100);
}

/**
 * Caches one access token until shortly before it expires and makes concurrent callers share a single
 * fetch: whoever needs a token while one is being fetched waits for that fetch.
 */
export class TokenCache {
  private current: CachedToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<TokenGrant>,
    private readonly clock: () => number,
  ) {}

  /** A valid token; `signal` stops this caller's wait, not the shared fetch. */
  token(signal?: AbortSignal): Promise<string> {
    const cached = this.current;
    if (cached !== undefined && this.clock() < cached.renewAtMs) return Promise.resolve(cached.value);
    if (this.pending === undefined) {
      const pending = this.refresh().finally(() => {
        this.pending = undefined;
      });
      // Every waiter may have stopped waiting (aborted) before the fetch fails: its failure then has no one to
      // reach, and must not surface as an unhandled rejection that ends the worker.
      pending.catch(() => undefined);
      this.pending = pending;
    }
    return raceAbort(this.pending, signal);
  }

  /** The source refused `token` (401): forget it unless it was already replaced. */
  invalidate(token: string): void {
    if (this.current?.value === token) this.current = undefined;
  }

  private async refresh(): Promise<string> {
    this.current = undefined;
    const requestedAt = this.clock();
    const grant = await this.fetchToken();
    const lifetimeMs = grant.expiresInSeconds * 1000;
    this.current = { value: grant.accessToken, renewAtMs: requestedAt + lifetimeMs - renewalMarginMs(grant.expiresInSeconds) };
    return grant.accessToken;
  }
}
