import { createHash } from 'node:crypto';
import type { Json } from '../connector-sdk/types.js';

/** JSON with object keys sorted, so the same record always hashes the same whatever its field order. */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] ?? null)}`).join(',')}}`;
}

export function contentHash(value: Json): Buffer {
  return createHash('sha256').update(canonicalJson(value)).digest();
}
