import { closeServer, listenLocal } from '../../../src/connector-sdk/emulator/local-server.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { emulatedTables, type EmulatedTable } from './dataset.js';
import { nextTransportFault, takeReset, type EmulatorFaults } from './faults.js';
import { metadataOf, renderJsonStat, select, type RenderShape } from './render.js';

const apiPrefix = '/api/v1/vi/';

/**
 * GSO's PX-Web API v1 (sources.md, section 4) as a real HTTP server: table metadata (GET), queries answered in
 * JSON-stat 2.0 (POST), a database's table list, and the faults of the contract, switchable through `faults`;
 * `shape` picks which of JSON-stat's forms the answers use.
 */
export class GsoPxwebEmulator {
  faults: EmulatorFaults = {};
  shape: RenderShape = {};
  readonly stats = { metadataRequests: 0, queries: [] as { table: string; body: unknown }[] };
  readonly tables: readonly EmulatedTable[];
  private server: Server | undefined;

  constructor(tables: readonly EmulatedTable[] = emulatedTables()) {
    this.tables = tables;
  }

  table(database: string, table: string): EmulatedTable | undefined {
    return this.tables.find((t) => t.database === database && t.table === table);
  }

  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    this.server = server;
    return listenLocal(server, port);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const fault = nextTransportFault(this.faults);
    if (fault.kind === 'too-many') {
      res.writeHead(429, { 'retry-after': String(fault.retryAfterSeconds) }).end();
      return;
    }
    if (fault.kind === 'status') {
      send(res, fault.status, 'Hệ thống đang bận, vui lòng thử lại sau');
      return;
    }
    if (fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    if (!path.startsWith(apiPrefix)) {
      send(res, 404, { error: 'not_found' });
      return;
    }
    const [database = '', table, ...rest] = path.slice(apiPrefix.length).split('/').map((s) => decodeURIComponent(s));
    if (table === undefined || table === '') {
      this.list(res, req.method, database);
      return;
    }
    const found = rest.length === 0 ? this.table(database, table) : undefined;
    if (!found) send(res, 404, { error: 'not_found', message: `Không tìm thấy bảng ${database}/${table}` });
    else if (req.method === 'GET') {
      this.stats.metadataRequests++;
      send(res, 200, metadataOf(found));
    } else if (req.method === 'POST') this.query(res, found, body);
    else send(res, 405, { error: 'method_not_allowed' });
  }

  private list(res: ServerResponse, method: string | undefined, database: string): void {
    const tables = this.tables.filter((t) => t.database === database);
    if (method !== 'GET' || tables.length === 0) send(res, 404, { error: 'not_found' });
    else send(res, 200, tables.map((t) => ({ id: t.table, type: 't', text: t.title, updated: `${t.updated}T00:00:00` })));
  }

  private query(res: ServerResponse, t: EmulatedTable, text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      send(res, 400, { error: 'bad_request', message: 'the body is not JSON' });
      return;
    }
    this.stats.queries.push({ table: t.table, body: parsed });
    const chosen = select(t, parsed);
    if (typeof chosen === 'string') {
      send(res, 400, { error: 'bad_request', message: chosen });
      return;
    }
    const bytes = Buffer.from(JSON.stringify(renderJsonStat(t, chosen, this.shape)), 'utf8');
    const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length };
    if (takeReset(this.faults)) {
      res.writeHead(200, headers);
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.writeHead(200, headers).end(bytes);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' }).end(text);
}
