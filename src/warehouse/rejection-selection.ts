import { z } from 'zod';
import type { Db } from './database.js';

/**
 * Which rejected records a reprocess takes: the open ones of a connection, at most `upTo` (the newest when it was
 * asked for: records rejected later are not taken), with the code and ids given. Stored as the run's params.
 */
export const rejectionSelectionSchema = z.object({
  code: z.string().optional(),
  ids: z.array(z.number().int().positive()).optional(),
  upTo: z.number().int().nonnegative(),
});

export type RejectionSelection = z.infer<typeof rejectionSelectionSchema>;

/** The open (unresolved) rejected records the selection names, landed ones only; of one connection when given. */
export function selectedRejections(db: Db, connectionId: string | undefined, s: RejectionSelection) {
  let q = db
    .selectFrom('rejected_record as j')
    .where('j.resolved_at', 'is', null)
    .where('j.raw_record_id', 'is not', null)
    .where('j.id', '<=', s.upTo);
  if (connectionId !== undefined) q = q.where('j.connection_id', '=', connectionId);
  if (s.code !== undefined) q = q.where('j.code', '=', s.code);
  if (s.ids !== undefined) q = q.where('j.id', 'in', s.ids.length > 0 ? s.ids : [0]);
  return q;
}
