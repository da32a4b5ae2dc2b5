import { createHash } from 'node:crypto';
import type { Json } from '../../src/connector-sdk/types.js';
import { child, text } from './json-node.js';

/** `1-YYYY-NNNNN` patent (sáng chế), `2-YYYY-NNNNN` utility solution (giải pháp hữu ích). */
export const applicationNumberPattern = /^[12]-\d{4}-\d{5}$/;

/**
 * The record key: the application number, stable across status changes. An application without a usable number
 * still needs a key to be landed and rejected: its number as sent, or a digest of its content.
 */
export function applicationKey(application: Json): string {
  const number = text(child(application, 'ApplicationNumber'));
  if (number !== undefined && applicationNumberPattern.test(number)) return number;
  if (number !== undefined) return `invalid-number:${number}`;
  return `no-number:${createHash('sha256').update(JSON.stringify(application)).digest('hex').slice(0, 16)}`;
}
