import { isIP } from 'node:net';
import { normaliseHost } from './blocked-names.js';
import type { EgressRefusal } from './egress-error.js';
import type { EgressPolicy } from './egress.js';

/** A slow resolver must not hold up an API request: the connect-time check still guards the name. */
const RESOLVE_TIMEOUT_MS = 3_000;

/**
 * Quick feedback when a URL is stored (a connection's config, a webhook): the scheme, credentials, IP literals and
 * blocked names, and for a host name every address it resolves to now. A name that does not resolve (yet) passes:
 * the check when connecting is the real guard, as a name may resolve differently later.
 */
export async function checkOutboundUrl(url: string | URL, policy: EgressPolicy): Promise<EgressRefusal | null> {
  const early = policy.checkUrl(url);
  if (early !== null) return early;
  const host = normaliseHost(new URL(url).hostname);
  if (isIP(host) !== 0) return null;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => { timer = setTimeout(resolve, RESOLVE_TIMEOUT_MS, null); });
  try {
    const addresses = await Promise.race([policy.resolve(host).catch(() => null), timedOut]);
    for (const { address } of addresses ?? []) {
      const refusal = policy.checkResolved(host, address);
      if (refusal !== null) return refusal;
    }
    return null;
  } finally {
    clearTimeout(timer);
  }
}
