import { z } from 'zod';
import type { Json } from '../../src/connector-sdk/types.js';

/**
 * The stream's incremental cursor: the latest `LastModified` seen, sent as `modifiedSince` next time. The source
 * returns applications modified at or after it, so those of exactly that instant come again, unchanged (the engine
 * lands them as unchanged). The source's opaque paging cursor is never stored: it is only valid within one paging.
 */
export const cursorSchema = z.object({ modifiedSince: z.iso.datetime({ offset: true }) }).nullable();
export type StreamCursor = z.infer<typeof cursorSchema>;

export function readCursor(value: Json): StreamCursor {
  const parsed = cursorSchema.safeParse(value);
  // An unreadable cursor (an older format) means a full read: safe, as records are keyed.
  return parsed.success ? parsed.data : null;
}

/** The later of the cursor and a `LastModified` text (ISO 8601 with offset); unreadable times leave it as it is. */
export function laterCursor(cursor: StreamCursor, lastModified: string | undefined): StreamCursor {
  if (lastModified === undefined) return cursor;
  const ms = Date.parse(lastModified);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(lastModified)) return cursor;
  if (cursor !== null && Date.parse(cursor.modifiedSince) >= ms) return cursor;
  return { modifiedSince: new Date(ms).toISOString() };
}

export function cursorJson(cursor: StreamCursor): Json {
  return cursor === null ? null : { modifiedSince: cursor.modifiedSince };
}
