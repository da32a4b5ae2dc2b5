import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createHttpClient } from '../../src/connector-sdk/http/index.js';
import { defineConnector, type Json } from '../../src/connector-sdk/types.js';
import { endsOn, parsePeriod } from '../../src/periods/period.js';

/**
 * A synthetic dvc-like source for benchmarks: record i is commune (i mod C) in month (i div C), counted back
 * from 2025-06 (the communes are the legacy ones, valid until then). Generated on the fly: the source holds
 * nothing, so its memory does not grow with the record count.
 */
export interface SyntheticSource {
  readonly baseUrl: string;
  close(): Promise<void>;
}

function monthAt(index: number, months: number): string {
  // month 0 = the earliest; the last is 2025-06
  const last = 2025 * 12 + 5;
  const m = last - (months - 1) + index;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

export function recordAt(i: number, communes: readonly string[], months: number): Record<string, Json> {
  const c = i % communes.length;
  const month = monthAt(Math.floor(i / communes.length), months);
  const seed = (c * 7919 + i * 104729) % 1000;
  return { id: `${communes[c] ?? ''}-${month}`, commune: communes[c] ?? '', month, dossiers: 200 + seed, online: 50 + (seed % 150) };
}

/**
 * Serves the records from a process of its own, as a real source would be: generating and serialising pages
 * must not compete with the sync for the benchmark process's thread.
 */
export async function startSyntheticSource(total: number, communes: readonly string[]): Promise<SyntheticSource> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', String(total)], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(communes));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => { reject(new Error(`synthetic source exited with ${code}`)); });
    child.stdout.once('data', (chunk: Buffer) => { resolve(Number(chunk.toString().trim())); });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', () => { resolve(); });
      child.kill();
    }),
  };
}

async function serve(total: number): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const communes = JSON.parse(input) as string[];
  const months = Math.ceil(total / communes.length);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const after = Number(url.searchParams.get('after') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '5000');
    const end = Math.min(total, after + limit);
    const records = [];
    for (let i = after; i < end; i++) records.push(recordAt(i, communes, months));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ records, next: end < total ? end : null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) await serve(Number(process.argv[serveIndex + 1]));

const pageSchema = z.object({ records: z.array(z.record(z.string(), z.json())), next: z.number().nullable() });

/** The benchmark's connector: commune-month rows to DVC_DOSSIERS_NEW and DVC_DOSSIERS_ONLINE. */
export const syntheticConnector = defineConnector({
  id: 'bench-synthetic',
  description: 'Benchmark source: generated commune-month dossier counts',
  configSchema: z.object({ baseUrl: z.url(), pageSize: z.number().int().positive() }),
  secrets: [],
  check: () => Promise.resolve({ ok: true, message: 'synthetic' }),
  streams: [
    {
      name: 'records',
      async *read(ctx, options) {
        const http = createHttpClient({ baseUrl: ctx.config.baseUrl, connectionId: ctx.connectionId, logger: ctx.logger, egress: ctx.boundary, signal: options.signal });
        let after = typeof options.cursor === 'number' ? options.cursor : 0;
        for (;;) {
          const page = await http.getJson('/records', { params: { after, limit: ctx.config.pageSize }, parse: (b: unknown) => pageSchema.parse(b) });
          after = page.next ?? after + page.records.length;
          yield { records: page.records.map((r) => ({ key: typeof r.id === 'string' ? r.id : JSON.stringify(r.id), data: r })), cursor: after };
          if (page.next === null) return;
        }
      },
      normalise(record) {
        const r = record.data as { commune: string; month: string; dossiers: number; online: number };
        const unit = { code: r.commune, level: 'commune' as const, asOf: endsOn(parsePeriod(r.month)) };
        return {
          observations: [
            { indicator: 'DVC_DOSSIERS_NEW', unit, period: r.month, value: r.dossiers },
            { indicator: 'DVC_DOSSIERS_ONLINE', unit, period: r.month, value: r.online },
          ],
        };
      },
    },
  ],
});
