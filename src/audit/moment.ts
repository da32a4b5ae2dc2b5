import { z } from 'zod';

/**
 * A moment to filter the audit log by, as the API and the CLI take it: an ISO date-time with its offset
 * (`2025-08-01T08:00:00+07:00`), or a date (`2025-08-01`), which means its start in UTC.
 */
export const momentSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'expected a date YYYY-MM-DD or a date-time with its offset, e.g. 2025-08-01T08:00:00+07:00' })
  .transform((text) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text));
