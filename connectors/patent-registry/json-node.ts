import type { Json } from '../../src/connector-sdk/types.js';

/** Reading the parsed XML (fast-xml-parser output, kept as Json) without trusting its shape. */

export type JsonObject = { readonly [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An element of `node` by local name; a repeated element gives its first occurrence. */
export function child(node: Json | undefined, name: string): Json | undefined {
  if (!isObject(node)) return undefined;
  const value = node[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every occurrence of an element (absent: none; one: a list of one). */
export function children(node: Json | undefined, name: string): Json[] {
  if (!isObject(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** An element's text, trimmed, with runs of spaces collapsed; undefined when absent or empty. `<Title lang="vi">x</Title>` gives x. */
export function text(node: Json | undefined): string | undefined {
  const raw = Array.isArray(node) ? node[0] : node;
  let value: string | undefined;
  if (typeof raw === 'string') value = raw;
  else if (typeof raw === 'number' || typeof raw === 'boolean') value = String(raw);
  else if (isObject(raw)) value = text(raw['#text']);
  const cleaned = value?.replace(/\s+/g, ' ').trim();
  return cleaned === '' ? undefined : cleaned;
}

/** Parser output as Json: plain strings, arrays and objects only (anything else is dropped). */
export function toJson(value: unknown): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return null;
}
