import type { Json, Rejection } from '../../src/connector-sdk/types.js';
import { asObject } from './envelope.js';

export type CountResult = { readonly value: number } | { readonly rejected: Rejection };

/**
 * A dossier count at `group.field`, or undefined when absent. The contract says amounts are integers: text ("340"),
 * fractions and negative numbers mean a broken export, and guessing would put wrong figures in the warehouse.
 */
export function readCount(row: Readonly<Record<string, Json>>, group: string, field: string): CountResult | undefined {
  const name = `${group}.${field}`;
  const value = asObject(row[group])?.[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') return { rejected: { code: 'NOT_A_NUMBER', reason: `${name} is ${JSON.stringify(value)}, not a number` } };
  if (!Number.isSafeInteger(value)) return { rejected: { code: 'NOT_AN_INTEGER', reason: `${name} is ${value}: dossier counts are whole numbers` } };
  if (value < 0) return { rejected: { code: 'NEGATIVE_COUNT', reason: `${name} is ${value}: a count cannot be negative` } };
  return { value };
}

/** Like readCount, but an absent count is an error: the indicators need it. */
export function requireCount(row: Readonly<Record<string, Json>>, group: string, field: string): CountResult {
  return readCount(row, group, field) ?? { rejected: { code: 'MISSING_FIELD', reason: `${group}.${field} is missing: the row must carry every count the indicators use` } };
}
