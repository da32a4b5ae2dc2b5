import { isIP } from 'node:net';
import { normaliseHost } from './blocked-names.js';
import type { EgressRefusal } from './egress-error.js';
import type { EgressPolicy } from './egress.js';

/** A slow resolver must not hold up an API request: the connect-time check still guards the name. */
const RESOLVE_TIMEOUT_MS = 3_000;
/**
 * Host names resolved for one stored config, at most: a config listing thousands of URLs must not keep an API
 * request resolving for minutes. The others are guarded when connecting, as every name is.
 */
const MAX_RESOLVED_HOSTS = 8;

/**
 * Quick feedback when URLs are stored (a connection's config, a webhook): the scheme, credentials, IP literals and
 * blocked names of each, and for host names every address they resolve to now (a few names, in parallel, within
 * one deadline). A name that does not resolve (yet, or in time) passes: the check when connecting is the real
 * guard, as a name may resolve differently later. One refusal (or null) per URL, in order.
 */
export async function checkOutboundUrls(urls: readonly (string | URL)[], policy: EgressPolicy): Promise<(EgressRefusal | null)[]> {
  const early = urls.map((url) => policy.checkUrl(url));
  const hostOf = urls.map((url, i) => {
    if (early[i] !== null) return null;
    const host = normaliseHost(new URL(url).hostname);
    return isIP(host) === 0 ? host : null;
  });
  const names = [...new Set(hostOf.filter((h) => h !== null))].slice(0, MAX_RESOLVED_HOSTS);
  const resolved = await resolveWithin(names, policy);
  return early.map((refusal, i) => {
    const host = hostOf[i];
    return refusal ?? (host === null || host === undefined ? null : resolved.get(host) ?? null);
  });
}

export async function checkOutboundUrl(url: string | URL, policy: EgressPolicy): Promise<EgressRefusal | null> {
  const [refusal] = await checkOutboundUrls([url], policy);
  return refusal ?? null;
}

/** Each name's refusal from the addresses it resolves to, for the names that resolved within the deadline. */
async function resolveWithin(names: readonly string[], policy: EgressPolicy): Promise<Map<string, EgressRefusal>> {
  const refusals = new Map<string, EgressRefusal>();
  if (names.length === 0) return refusals;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, RESOLVE_TIMEOUT_MS); });
  const lookups = names.map(async (host) => {
    const addresses = await policy.resolve(host).catch(() => []);
    for (const { address } of addresses) {
      const refusal = policy.checkResolved(host, address);
      if (refusal !== null) {
        refusals.set(host, refusal);
        return;
      }
    }
  });
  try {
    await Promise.race([Promise.all(lookups), deadline]);
  } finally {
    clearTimeout(timer);
  }
  // A copy: lookups still running after the deadline must not change what was answered.
  return new Map(refusals);
}
