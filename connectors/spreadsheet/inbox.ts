import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Json } from '../../src/connector-sdk/types.js';

/** What the stream has processed: file name -> sha256 of the bytes processed. */
export type InboxCursor = Readonly<Record<string, string>>;

const cursorSchema = z.record(z.string(), z.string());

export function readCursor(cursor: Json): InboxCursor {
  const parsed = cursorSchema.safeParse(cursor);
  return parsed.success ? parsed.data : {};
}

export interface InboxFile {
  readonly file: string;
  readonly path: string;
  readonly modified: number;
}

/** Workbooks in the inbox (`.xlsx`, not Excel's `~$` lock files nor hidden files), oldest first, then by name. */
export async function listWorkbooks(inbox: string): Promise<InboxFile[]> {
  const entries = await readdir(inbox, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && /\.xlsx$/i.test(e.name) && !e.name.startsWith('~$') && !e.name.startsWith('.'));
  const withTimes = await Promise.all(files.map(async (e) => ({ file: e.name, path: join(inbox, e.name), modified: (await stat(join(inbox, e.name))).mtimeMs })));
  return withTimes.sort((a, b) => a.modified - b.modified || a.file.localeCompare(b.file));
}

/**
 * A workbook's bytes and their sha256; a file over `maxBytes` is only hashed, as a stream (its bytes are
 * `undefined`): it is refused on its size without being held in memory, and its hash still marks it processed.
 */
export async function readWorkbook(path: string, maxBytes: number): Promise<{ bytes: Buffer | undefined; size: number; sha256: string }> {
  const { size } = await stat(path);
  if (size > maxBytes) {
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash);
    return { bytes: undefined, size, sha256: hash.digest('hex') };
  }
  const bytes = await readFile(path);
  return { bytes, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
