import { z } from 'zod';

/**
 * An instant to read the warehouse as it was known then (`knownAt`), as the API and the CLI take it: an ISO
 * date-time with its offset. A bare date is refused: which midnight it meant would be a guess. Changes are known
 * from the start of the transaction that wrote them (their `changed_at` is now()).
 */
export const knownAtSchema = z
  .iso.datetime({ offset: true, error: 'expected an ISO date-time with its offset, e.g. 2025-08-01T08:00:00+07:00 or 2025-08-01T01:00:00Z' })
  .transform((text) => new Date(text));
