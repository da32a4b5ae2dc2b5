import { checkOutboundUrls, describeRefusal, type EgressPolicy } from '../boundary/egress.js';
import type { FieldIssue } from './input-error.js';

/** A string that names somewhere to connect to: `scheme://…` anywhere, or any absolute URL in a `…Url` field. */
function isOutboundUrl(key: string, value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) || (/url$/i.test(key) && URL.canParse(value));
}

/** Every URL in a connection's config, nested objects and lists included, with its field path (`baseUrl`, `mirrors.0`). */
export function configUrls(value: unknown, path: readonly string[] = []): { field: string; url: string }[] {
  if (typeof value === 'string') return isOutboundUrl(path[path.length - 1] ?? '', value) ? [{ field: path.join('.'), url: value.trim() }] : [];
  if (Array.isArray(value)) return value.flatMap((item: unknown, i) => configUrls(item, [...path, String(i)]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => configUrls(item, [...path, key]));
  return [];
}

/**
 * The config's URLs the egress policy refuses, each as a field issue: connectors reach whatever their config names
 * (with the connection's secrets), so an API caller must not be able to point them inside this host's network.
 */
export async function configUrlIssues(config: Record<string, unknown>, egress: EgressPolicy): Promise<FieldIssue[]> {
  const urls = configUrls(config);
  const refusals = await checkOutboundUrls(urls.map((u) => u.url), egress);
  return urls.flatMap(({ field }, i) => {
    const refusal = refusals[i];
    return refusal === null || refusal === undefined ? [] : [{ field, message: describeRefusal(refusal) }];
  });
}
