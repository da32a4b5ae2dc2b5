import { createHash } from 'node:crypto';
import type { HttpClient } from '../../src/connector-sdk/http/index.js';
import { SourceError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { filePath } from './contract.js';
import type { IndexEntry } from './source-index.js';

export const checksumMismatchCode = 'SOURCE_CHECKSUM_MISMATCH';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The file's bytes, once they hash to the index's sha256. A mismatch is a broken transfer: download again; bytes
 * that never match are never returned (transient error: the next sync tries again).
 */
export async function downloadVerified(http: HttpClient, entry: IndexEntry, attempts: number, logger: Logger, signal?: AbortSignal): Promise<Buffer> {
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const bytes = await http.getBytes(filePath(entry.tep), { signal });
    last = sha256Hex(bytes);
    if (last === entry.sha256) return bytes;
    logger.warn({ file: entry.tep, ky: entry.ky, attempt, expected: entry.sha256, actual: last, bytes: bytes.length }, 'payment file checksum mismatch: downloading again');
  }
  throw new SourceError(
    checksumMismatchCode,
    `Connection "${http.connectionId}": file ${entry.tep} (ky ${entry.ky}, phienBan ${entry.phienBan}) did not match the index's sha256 after ${attempts} downloads ` +
      `(expected ${entry.sha256}, got ${last}): a broken transfer; nothing of it was loaded. The sync retries with backoff for several minutes; if this persists, ask the State Bank branch to republish the file.`,
    { permanent: false },
  );
}
