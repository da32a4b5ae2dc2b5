import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendCutMidBody, serveTransportFault, type FaultAnswers } from '../../../src/connector-sdk/emulator/fault-answers.js';
import { LocalServer } from '../../../src/connector-sdk/emulator/local-server.js';
import { nextTransportFault, takeReset } from '../../../src/connector-sdk/emulator/transport-faults.js';
import { emulatedTables, type EmulatedTable } from './dataset.js';
import type { EmulatorFaults } from './faults.js';
import { metadataOf, renderJsonStat, select, type RenderShape } from './render.js';

const apiPrefix = '/api/v1/vi/';
const busy = { contentType: 'text/plain; charset=utf-8', body: 'Hệ thống đang bận, vui lòng thử lại sau' };
const faultAnswers: FaultAnswers = { tooManyRequests: busy, unavailable: busy };

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
  private readonly server = new LocalServer((req, res) => this.handle(req, res));

  constructor(tables: readonly EmulatedTable[] = emulatedTables()) {
    this.tables = tables;
  }

  table(database: string, table: string): EmulatedTable | undefined {
    return this.tables.find((t) => t.database === database && t.table === table);
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (await serveTransportFault(res, nextTransportFault(this.faults), faultAnswers, this.server.stopping)) return;
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
    const contentType = 'application/json; charset=utf-8';
    if (takeReset(this.faults)) sendCutMidBody(res, contentType, bytes);
    else res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length }).end(bytes);
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
