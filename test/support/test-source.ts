import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './request-body.js';

/** A row of the test source: one agency's dossiers for a month, like the DVC portal's report. */
export interface TestRow {
  id: string;
  month: string;
  unit: string;
  /** The province as people write it, instead of `unit`'s code. */
  address?: string;
  dossiers: number | string;
  online: number | string;
  postal?: number;
  updatedAt: string;
}

export interface TestSourceFaults {
  /** Answer the next N row requests with 429 and this Retry-After (seconds). */
  tooManyRequests?: { count: number; retryAfterSeconds: number };
  /** Answer the next N row requests with 503. */
  unavailable?: number;
  /** Answer the next N row requests with 500 (a source down for a while, then back). */
  internalError?: number;
  /** Hold the next N row requests this long before answering (beyond the client's timeout). */
  slow?: { count: number; delayMs: number };
  /** Revoke every token after N more row requests (the client must get a new one and repeat the call). */
  expireTokensAfter?: number;
  /** Delay every row request (to make a sync long enough to kill it). */
  everyRequestDelayMs?: number;
  /** Hold every row request until this settles (a sync caught mid-page, for as long as a test needs). */
  heldUntil?: Promise<void>;
}

export const testClient = { id: 'lgsp-test', secret: 's3cr3t-test' };

/**
 * A real HTTP server speaking a small paged, OAuth2-protected API, with switchable faults, for engine tests:
 *   POST /oauth2/token            client credentials -> bearer token
 *   GET  /api/rows?since&afterId&limit[&fromMonth&toMonth]  rows ordered by (updatedAt, id) after the cursor
 */
export class TestSource {
  rows: TestRow[] = [];
  faults: TestSourceFaults = {};
  readonly stats = { tokenRequests: 0, rowRequests: 0, rejected401: 0 };
  private readonly tokens = new Set<string>();
  private server: Server | undefined;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(rows: readonly TestRow[] = []) {
    this.rows = rows.map((r) => ({ ...r }));
  }

  /** A strictly increasing update time, as the source stamps revisions. */
  nextUpdateTime(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  revise(id: string, changes: Partial<Omit<TestRow, 'id' | 'updatedAt'>>): void {
    const row = this.rows.find((r) => r.id === id);
    if (!row) throw new Error(`no row ${id}`);
    Object.assign(row, changes, { updatedAt: this.nextUpdateTime() });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/oauth2/token') return this.token(req, res);
    if (req.method === 'GET' && url.pathname === '/api/rows') return this.page(req, res, url);
    json(res, 404, { error: 'not_found' });
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.tokenRequests++;
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== testClient.id || form.get('client_secret') !== testClient.secret) {
      json(res, 401, { error: 'invalid_client' });
      return;
    }
    const token = `tok-${this.stats.tokenRequests}-${Math.random().toString(36).slice(2)}`;
    this.tokens.add(token);
    json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
  }

  private async page(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || !this.tokens.has(token)) {
      this.stats.rejected401++;
      json(res, 401, { error: 'invalid_token' });
      return;
    }
    this.stats.rowRequests++;
    const f = this.faults;
    if (f.everyRequestDelayMs) await sleep(f.everyRequestDelayMs);
    if (f.heldUntil) await f.heldUntil;
    if (f.tooManyRequests && f.tooManyRequests.count > 0) {
      f.tooManyRequests.count--;
      res.writeHead(429, { 'retry-after': String(f.tooManyRequests.retryAfterSeconds) }).end();
      return;
    }
    if (f.unavailable) {
      f.unavailable--;
      res.writeHead(503).end('busy');
      return;
    }
    if (f.internalError) {
      f.internalError--;
      res.writeHead(500).end('internal error');
      return;
    }
    if (f.slow && f.slow.count > 0) {
      f.slow.count--;
      await sleep(f.slow.delayMs);
    }
    if (f.expireTokensAfter !== undefined && f.expireTokensAfter-- <= 0) {
      delete f.expireTokensAfter;
      this.tokens.clear();
      this.stats.rejected401++;
      json(res, 401, { error: 'invalid_token' });
      return;
    }
    const from = url.searchParams.get('fromMonth') ?? '0000-00';
    const to = url.searchParams.get('toMonth') ?? '9999-99';
    const since = url.searchParams.get('since') ?? '';
    const afterId = url.searchParams.get('afterId') ?? '';
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const sorted = this.rows.filter((r) => r.month >= from && r.month <= to).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
    const after = sorted.filter((r) => r.updatedAt > since || (r.updatedAt === since && r.id > afterId));
    const rows = after.slice(0, limit);
    const last = rows[rows.length - 1];
    json(res, 200, { rows, next: after.length > limit && last ? { since: last.updatedAt, afterId: last.id } : null });
  }
}

function json(res: ServerResponse, status: number, value: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `n` agencies' rows for each month and unit, with realistic small counts. */
export function generateRows(units: readonly { code: string; months: readonly string[] }[], agencies: number): TestRow[] {
  const rows: TestRow[] = [];
  let t = Date.parse('2025-01-01T00:00:00Z');
  for (const u of units) {
    for (const month of u.months) {
      for (let a = 1; a <= agencies; a++) {
        t += 1000;
        const seed = (Number(u.code) * 31 + Number(month.slice(5)) * 7 + a * 13) % 97;
        rows.push({ id: `${u.code}-${month}-${a}`, month, unit: u.code, dossiers: 100 + seed, online: 40 + (seed % 50), postal: seed % 3, updatedAt: new Date(t).toISOString() });
      }
    }
  }
  return rows;
}
