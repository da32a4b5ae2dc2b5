import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendCutMidBody, serveTransportFault, type FaultAnswers } from '../../../src/connector-sdk/emulator/fault-answers.js';
import { LocalServer } from '../../../src/connector-sdk/emulator/local-server.js';
import { nextTransportFault, takeReset } from '../../../src/connector-sdk/emulator/transport-faults.js';
import { indexPath } from '../contract.js';
import { corrupt, takeCorruption, type EmulatorFaults } from './faults.js';
import { PublicationStore, type Publication, type RevisionChanges } from './publications.js';

export interface EmulatorOptions {
  /** The key clients must send as X-API-Key. */
  readonly apiKey?: string;
  /** First and last month published (default 2024-01 to the current month). */
  readonly from?: string;
  readonly to?: string;
  /** Write province 40's names in NFD with extra spaces, as the contract allows (default true). */
  readonly messyText?: boolean;
  /** Publish a corrected second version of 2025-03 from the start, the first still listed (default true). */
  readonly correctedMarch2025?: boolean;
}

export const defaultApiKey = 'nhnn-emulator-key';
const filesPrefix = '/thong-ke/thanh-toan/files/';
const busy = { contentType: 'text/plain; charset=utf-8', body: 'Hệ thống đang bận' };
const faultAnswers: FaultAnswers = { tooManyRequests: busy, unavailable: busy };

/**
 * The State Bank branch's payment-statistics service (sources.md, section 2) as a real HTTP server: the index,
 * the files, API-key auth, and the faults of the contract, switchable per instance through `faults`.
 */
export class PaymentStatsEmulator {
  faults: EmulatorFaults = {};
  readonly stats = { indexRequests: 0, fileRequests: new Map<string, number>(), forbidden: 0 };
  readonly apiKey: string;
  private readonly store: PublicationStore;
  private readonly server = new LocalServer((req, res) => this.handle(req, res));

  constructor(options: EmulatorOptions = {}) {
    this.apiKey = options.apiKey ?? defaultApiKey;
    const from = options.from ?? '2024-01';
    const to = options.to ?? new Date().toISOString().slice(0, 7);
    this.store = new PublicationStore(from, to, options.messyText ?? true);
    if ((options.correctedMarch2025 ?? true) && from <= '2025-03' && to >= '2025-03') {
      const first = this.store.latest('2025-03').figures.find((f) => f.maTinh === '91' && f.kenh === 'Mobile Banking');
      if (first) this.store.publishRevision('2025-03', { set: [{ maTinh: '91', kenh: 'Mobile Banking', soLuong: first.soLuong + 41_327 }] });
    }
  }

  /** Every file ever published, older versions included. */
  publications(): readonly Publication[] {
    return this.store.list();
  }

  /** The month's current (highest) version. */
  latest(ky: string): Publication {
    return this.store.latest(ky);
  }

  /** Publishes a new phienBan of the month that replaces the previous one entirely. */
  publishRevision(ky: string, changes: RevisionChanges): Publication {
    return this.store.publishRevision(ky, changes);
  }

  fileRequests(tep: string): number {
    return this.stats.fileRequests.get(tep) ?? 0;
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET') {
      send(res, 405, 'application/json', JSON.stringify({ error: 'method_not_allowed' }));
      return;
    }
    if (req.headers['x-api-key'] !== this.apiKey) {
      this.stats.forbidden++;
      send(res, 403, 'application/json', JSON.stringify({ error: 'forbidden', message: 'X-API-Key không hợp lệ' }));
      return;
    }
    if (await serveTransportFault(res, nextTransportFault(this.faults), faultAnswers, this.server.stopping)) return;
    if (path === indexPath) this.index(res);
    else if (path.startsWith(filesPrefix)) this.file(res, decodeURIComponent(path.slice(filesPrefix.length)));
    else send(res, 404, 'application/json', JSON.stringify({ error: 'not_found' }));
  }

  private index(res: ServerResponse): void {
    this.stats.indexRequests++;
    const body = this.store.list().map((p) => ({ ky: p.ky, tep: p.tep, phienBan: p.phienBan, ngayCongBo: p.ngayCongBo, sha256: p.sha256, kichThuoc: p.bytes.length }));
    send(res, 200, 'application/json; charset=utf-8', JSON.stringify(body));
  }

  private file(res: ServerResponse, tep: string): void {
    const p = this.store.byFile(tep);
    if (!p) {
      send(res, 404, 'application/json', JSON.stringify({ error: 'not_found', tep }));
      return;
    }
    this.stats.fileRequests.set(tep, this.fileRequests(tep) + 1);
    const bytes = takeCorruption(this.faults, tep) ? corrupt(p.bytes) : p.bytes;
    const contentType = 'text/csv; charset=utf-8';
    if (takeReset(this.faults)) sendCutMidBody(res, contentType, bytes);
    else res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length }).end(bytes);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': type }).end(body);
}
