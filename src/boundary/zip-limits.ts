import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { WorkbookLimits } from '../config/env.js';
import { UsageError } from '../errors.js';

/** Which limit a workbook broke, and the host setting that raises it. */
export type ZipLimit = keyof WorkbookLimits;

const settingOf: Readonly<Record<ZipLimit, string>> = {
  maxBytes: 'LGSP_WORKBOOK_MAX_BYTES',
  maxUncompressedBytes: 'LGSP_WORKBOOK_MAX_UNCOMPRESSED_BYTES',
  maxEntries: 'LGSP_WORKBOOK_MAX_ENTRIES',
  maxCompressionRatio: 'LGSP_WORKBOOK_MAX_RATIO',
};

/** A workbook beyond one of the host's limits: refused before it is inflated. */
export class ZipLimitError extends UsageError {
  constructor(readonly limit: ZipLimit, readonly max: number, found: string) {
    super(
      'WORKBOOK_LIMIT_EXCEEDED',
      `the workbook is over the limit ${limit} = ${max} of this host (${settingOf[limit]}): ${found}. Split the workbook into smaller ones, or ask the host operator to raise ${settingOf[limit]}.`,
    );
  }
}

/** Not a zip that can be read, or a zip whose directory does not match its contents (damaged or crafted). */
export class ZipUnreadableError extends UsageError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('WORKBOOK_UNREADABLE', `the file is not an Excel workbook (.xlsx) that can be read: ${detail}. Save it as "Excel Workbook (*.xlsx)" and upload it again`, options);
  }
}

export interface ZipSummary {
  readonly entries: number;
  readonly uncompressedBytes: number;
}

/** A file over `maxBytes`, refused on its size alone: check it before reading the file into memory. */
export const fileTooLarge = (size: number, limits: WorkbookLimits): ZipLimitError => new ZipLimitError('maxBytes', limits.maxBytes, `the file has ${size} bytes`);

/**
 * Checks a zip (an .xlsx) against the limits before anything else inflates it: first its central directory (file
 * size, entry count, declared uncompressed total, each entry's compression ratio), then each entry inflated as a
 * stream and thrown away, counting bytes, since a directory can lie: an entry inflating beyond its declared size
 * is stopped there, so memory stays flat whatever the file claims.
 */
export async function inspectZip(bytes: Buffer, limits: WorkbookLimits): Promise<ZipSummary> {
  if (bytes.length > limits.maxBytes) throw fileTooLarge(bytes.length, limits);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (cause) {
    throw new ZipUnreadableError((cause as Error).message, { cause });
  }
  try {
    if (zip.entryCount > limits.maxEntries) throw new ZipLimitError('maxEntries', limits.maxEntries, `it holds ${zip.entryCount} files`);
    const entries = await directory(zip, limits);
    for (const entry of entries) await drain(zip, entry);
    return { entries: entries.length, uncompressedBytes: entries.reduce((sum, e) => sum + e.uncompressedSize, 0) };
  } finally {
    zip.close();
  }
}

/** The entries as the central directory declares them, each checked; nothing inflated yet. */
async function directory(zip: yauzl.ZipFile, limits: WorkbookLimits): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  let total = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const ratio = entry.compressedSize === 0 ? (entry.uncompressedSize === 0 ? 0 : Infinity) : entry.uncompressedSize / entry.compressedSize;
      if (ratio > limits.maxCompressionRatio) {
        throw new ZipLimitError('maxCompressionRatio', limits.maxCompressionRatio, `${entry.fileName} inflates ${entry.compressedSize} bytes to ${entry.uncompressedSize} (ratio ${Math.round(ratio)})`);
      }
      total += entry.uncompressedSize;
      if (total > limits.maxUncompressedBytes) throw new ZipLimitError('maxUncompressedBytes', limits.maxUncompressedBytes, `its files inflate to more than ${total} bytes`);
      entries.push(entry);
    }
  } catch (cause) {
    if (cause instanceof ZipLimitError) throw cause;
    throw new ZipUnreadableError((cause as Error).message, { cause });
  }
  return entries;
}

/** Inflates one entry into nothing; yauzl stops it once it yields more (or fewer) bytes than declared. */
async function drain(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<void> {
  if (entry.fileName.endsWith('/')) return;
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
    // Read and dropped: only yauzl's byte count matters.
    stream.resume();
    await finished(stream);
  } catch (cause) {
    throw new ZipUnreadableError(`${entry.fileName} cannot be inflated to the size its zip directory declares (${(cause as Error).message}): the file is damaged or crafted`, { cause });
  }
}
