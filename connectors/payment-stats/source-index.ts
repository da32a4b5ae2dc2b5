import { z } from 'zod';
import type { Json } from '../../src/connector-sdk/types.js';
import type { Logger } from '../../src/logger.js';

/** One published file of the index; unknown extra fields are ignored. */
export const indexEntrySchema = z.object({
  ky: z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected ky YYYY-MM'),
  tep: z.string().trim().min(1).refine((t) => !t.includes('/') && !t.includes('\\'), 'expected a file name, not a path'),
  phienBan: z.number().int().positive(),
  ngayCongBo: z.string().optional(),
  sha256: z.string().trim().regex(/^[0-9a-fA-F]{64}$/, 'expected a sha256 in hex').transform((s) => s.toLowerCase()),
});
export type IndexEntry = z.infer<typeof indexEntrySchema>;

/** The index as published: a list; entries that do not fit are skipped with a warning, not fatal to the rest. */
export function readIndex(body: unknown, logger: Logger): IndexEntry[] {
  const list = z.array(z.unknown()).parse(body);
  const entries: IndexEntry[] = [];
  list.forEach((item, position) => {
    const parsed = indexEntrySchema.safeParse(item);
    if (parsed.success) entries.push(parsed.data);
    else logger.warn({ position, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'payment-stats index entry skipped');
  });
  return entries;
}

/** The newest version of each month (older versions stay listed and are ignored), months in order. */
export function latestVersions(entries: readonly IndexEntry[]): IndexEntry[] {
  const byMonth = new Map<string, IndexEntry>();
  for (const e of entries) {
    const seen = byMonth.get(e.ky);
    if (!seen || e.phienBan > seen.phienBan) byMonth.set(e.ky, e);
  }
  return [...byMonth.values()].sort((a, b) => a.ky.localeCompare(b.ky));
}

/** The stream's cursor: the version processed of each month. */
export type VersionCursor = Readonly<Record<string, number>>;
const cursorSchema = z.record(z.string(), z.number().int()).nullable();

export function readCursor(cursor: Json): VersionCursor {
  return cursorSchema.parse(cursor) ?? {};
}

/** Months to process: newer than the cursor's version, inside the configured and requested bounds. */
export function pendingMonths(latest: readonly IndexEntry[], cursor: VersionCursor, bounds: { from?: string | undefined; to?: string | undefined }): IndexEntry[] {
  return latest.filter((e) => (cursor[e.ky] ?? 0) < e.phienBan && (bounds.from === undefined || e.ky >= bounds.from) && (bounds.to === undefined || e.ky <= bounds.to));
}
