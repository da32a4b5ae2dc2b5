import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inspectZip, ZipLimitError, ZipUnreadableError } from '../src/boundary/zip-limits.js';
import type { WorkbookLimits } from '../src/config/env.js';
import { departmentWorkbook } from '../connectors/spreadsheet/test-support.js';
import { testBoundary } from './support/boundary.js';
import { entryOf, writeZip, zeroEntry } from './support/zip-writer.js';

const MiB = 1024 * 1024;
const defaults = testBoundary().workbook;
const limits = (extra: Partial<WorkbookLimits> = {}): WorkbookLimits => ({ ...defaults, ...extra });

async function refusal(bytes: Buffer, l: WorkbookLimits): Promise<ZipLimitError | ZipUnreadableError> {
  const error: unknown = await inspectZip(bytes, l).then(() => undefined, (e: unknown) => e);
  if (error instanceof ZipLimitError || error instanceof ZipUnreadableError) return error;
  throw new Error(`expected a refusal, got ${String(error)}`);
}

describe('workbook zip limits (src/boundary/zip-limits.ts)', () => {
  it('lets a real workbook through, counting its entries and inflated bytes', async () => {
    const summary = await inspectZip(await departmentWorkbook([['RD_PERSONNEL', 91, 2025, 1850, 'Sơ bộ']]), defaults);
    expect(summary.entries).toBeGreaterThan(5);
    expect(summary.uncompressedBytes).toBeGreaterThan(1000);
  });

  it('refuses a zip bomb on its directory, before inflating it: the ratio, then the declared total', async () => {
    const bomb = writeZip([entryOf('[Content_Types].xml', '<Types/>'), await zeroEntry('xl/worksheets/sheet1.xml', 256 * MiB)]);
    expect(bomb.length).toBeLessThan(MiB);
    const before = process.memoryUsage().rss;
    const ratio = await refusal(bomb, defaults);
    expect(ratio).toBeInstanceOf(ZipLimitError);
    expect(ratio).toMatchObject({ code: 'WORKBOOK_LIMIT_EXCEEDED', limit: 'maxCompressionRatio', max: 200 });
    expect(ratio.message).toMatch(/over the limit maxCompressionRatio = 200 of this host \(LGSP_WORKBOOK_MAX_RATIO\): xl\/worksheets\/sheet1\.xml inflates \d+ bytes to 268435456 .*Split the workbook.*raise LGSP_WORKBOOK_MAX_RATIO/);
    // Nothing near the 256 MiB was inflated.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * MiB);

    const total = await refusal(bomb, limits({ maxCompressionRatio: 1e9 }));
    expect(total).toMatchObject({ code: 'WORKBOOK_LIMIT_EXCEEDED', limit: 'maxUncompressedBytes', max: defaults.maxUncompressedBytes });
    expect(total.message).toContain('LGSP_WORKBOOK_MAX_UNCOMPRESSED_BYTES');
  });

  it('refuses a file over the size limit and one with too many entries', async () => {
    const big = writeZip([entryOf('a.bin', randomBytes(4096))]);
    expect(await refusal(big, limits({ maxBytes: 1024 }))).toMatchObject({ code: 'WORKBOOK_LIMIT_EXCEEDED', limit: 'maxBytes', max: 1024 });
    const many = writeZip(Array.from({ length: 12 }, (_, i) => entryOf(`f${i}.xml`, `<x>${i}</x>`)));
    const entries = await refusal(many, limits({ maxEntries: 10 }));
    expect(entries).toMatchObject({ code: 'WORKBOOK_LIMIT_EXCEEDED', limit: 'maxEntries', max: 10 });
    expect(entries.message).toMatch(/it holds 12 files.*LGSP_WORKBOOK_MAX_ENTRIES/);
  });

  it('refuses an entry whose directory lies about its size as soon as it inflates past it, memory flat', async () => {
    const payload = await zeroEntry('xl/worksheets/sheet1.xml', 64 * MiB);
    // Declared as 64 KiB: a ratio and a total well within the limits.
    const lying = writeZip([entryOf('[Content_Types].xml', '<Types/>'), { ...payload, declaredSize: 64 * 1024 }]);
    const before = process.memoryUsage().rss;
    const error = await refusal(lying, limits({ maxCompressionRatio: 1000 }));
    expect(error).toBeInstanceOf(ZipUnreadableError);
    expect(error.code).toBe('WORKBOOK_UNREADABLE');
    expect(error.message).toMatch(/xl\/worksheets\/sheet1\.xml cannot be inflated to the size its zip directory declares \(too many bytes in the stream/);
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * MiB);
  });

  it('refuses bytes that are not a zip as unreadable', async () => {
    expect(await refusal(Buffer.from('not a workbook'), defaults)).toMatchObject({ code: 'WORKBOOK_UNREADABLE' });
  });
});
