import { z } from 'zod';
import { isPeriodYear, periodPattern, periodYears } from '../periods/period.js';
import { unitLevels } from '../warehouse/schema.js';
import { ApiProblem } from './problem.js';

/** Schemas and helpers the warehouse read routes share. */

export const security = [{ apiKey: [] }];

const yearRange = `${periodYears.min} to ${periodYears.max}`;

/** Whether the four-digit year a period or date starts with is in range; other shapes are left to the format check (one error each). */
const leadingYear = (v: string) => !/^\d{4}/.test(v) || isPeriodYear(Number(v.slice(0, 4)));

export const periodParam = z
  .string()
  .regex(periodPattern, 'expected a period: a year (2025), a quarter (2025-Q1) or a month (2025-03)')
  .refine(leadingYear, `expected a period of a year from ${yearRange}`);

export const dateParam = z.iso.date('expected a date YYYY-MM-DD, e.g. 2025-08-01').refine(leadingYear, `expected a date of a year from ${yearRange}`);

export const indicatorCodeParam = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an indicator code such as DVC_ONLINE_RATE');

export const levelParam = z.enum(unitLevels);

export const limitParam = z.coerce.number().int().min(1).max(1000).default(100).describe('Items per page (1 to 1000)');

export const cursorParam = z.string().min(1).max(1000).describe('The `next` of the previous page; opaque');

/** One version of an administrative unit: codes are reused (91 is Kiên Giang until 2025-06-30, An Giang after). */
export const unitRefSchema = z
  .object({
    id: z.number().int().describe('The version\'s id (admin_unit.id)'),
    code: z.string(),
    level: levelParam,
    name: z.string(),
    validFrom: z.string().nullable().describe('First day of this version; null: since before the records'),
    validTo: z.string().nullable().describe('Last day of this version (inclusive); null: still valid'),
  })
  .meta({ id: 'UnitRef' });

/** A 400 problem naming the query parameter at fault, like schema validation does. */
export function badQuery(field: string, message: string): ApiProblem {
  return new ApiProblem('VALIDATION_FAILED', `Invalid request: querystring.${field}: ${message}`, [{ field: `querystring.${field}`, message }]);
}

/** Opaque keyset cursors: base64url of a JSON array, checked on the way back in. */
export function encodeCursor(position: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

const maxCursorString = 200;

/**
 * Whether a decoded cursor holds only what this API puts in one: a flat array of whole numbers 0..2^53-1 (offsets, row ids) and
 * short strings without NUL. Checked here for every route, so a forged `1e300` or "\u0000" never reaches a query.
 */
function plausibleCursor(value: unknown): boolean {
  if (!Array.isArray(value) || value.length > 10) return false;
  return value.every((item: unknown) =>
    typeof item === 'number'
      ? Number.isSafeInteger(item) && item >= 0
      : typeof item === 'string' && item.length <= maxCursorString && !item.includes('\u0000'));
}

export function decodeCursor<T>(cursor: string, check: (value: unknown) => T | null): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const position = parsed === undefined || !plausibleCursor(parsed) ? null : check(parsed);
  if (position === null) throw badQuery('cursor', 'not a cursor this API gave out: pass the `next` of the previous page unchanged, or leave it out to start');
  return position;
}
