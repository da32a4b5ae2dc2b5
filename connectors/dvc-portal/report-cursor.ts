import { z } from 'zod';
import type { Json } from '../../src/connector-sdk/types.js';
import { asObject } from './envelope.js';

/** The dossier report's incremental cursor: the latest `capNhatLuc` seen, exactly as the portal wrote it. */
const cursorSchema = z.object({ capNhatTu: z.string() }).nullable();

export function readReportCursor(cursor: Json): string | undefined {
  return cursorSchema.parse(cursor)?.capNhatTu;
}

export function reportCursor(latest: string | undefined): Json {
  return latest === undefined ? null : { capNhatTu: latest };
}

/** Milliseconds since the epoch of an ISO time with offset; NaN when it is not one. Offsets differ: compare instants. */
export function instant(iso: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(iso.trim()) ? Date.parse(iso.trim()) : Number.NaN;
}

/** The later of two update times (either may be absent or unreadable). */
export function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || Number.isNaN(instant(a))) return b !== undefined && !Number.isNaN(instant(b)) ? b : undefined;
  if (b === undefined || Number.isNaN(instant(b))) return a;
  return instant(b) > instant(a) ? b : a;
}

/** The latest `capNhatLuc` among a page's rows. */
export function latestUpdate(rows: readonly Json[]): string | undefined {
  let latest: string | undefined;
  for (const row of rows) {
    const at = asObject(row)?.capNhatLuc;
    if (typeof at === 'string') latest = later(latest, at.trim());
  }
  return latest;
}
