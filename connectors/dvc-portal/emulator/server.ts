import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendCutMidBody, serveTransportFault, type FaultAnswers } from '../../../src/connector-sdk/emulator/fault-answers.js';
import { LocalServer } from '../../../src/connector-sdk/emulator/local-server.js';
import { nextTransportFault, takeReset } from '../../../src/connector-sdk/emulator/transport-faults.js';
import type { DvcPortalFaults, DvcPortalStats } from './faults.js';
import { generateCatalogue } from './generate-catalogue.js';
import { generateReport } from './generate-report.js';
import { jsonBody, jsonType, readBody, sendJson } from './http-io.js';
import { malformedRows, type MalformedRow } from './malformed.js';
import { pageOf, pagingParams } from './paging.js';
import { presentRow } from './present.js';
import { vietnamTime, type DossierRow, type ProcedureItem, type RowChanges, type ServedRow } from './rows.js';

export interface DvcPortalEmulatorOptions {
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Months of generated report rows (inclusive). Default 2024-01 to 2025-12. */
  readonly fromMonth?: string;
  readonly toMonth?: string;
  /** Catalogue size per unit (current codes). Default 91: 120, 40: 90. */
  readonly procedures?: Readonly<Record<string, number>>;
}

const monthRe = /^\d{4}-(0[1-9]|1[0-2])$/;
// As the LGSP gateway answers in front of the portal.
const faultAnswers: FaultAnswers = {
  tooManyRequests: { contentType: jsonType, body: JSON.stringify({ error: 'too_many_requests' }) },
  unavailable: { contentType: jsonType, body: JSON.stringify({ error: 'gateway', message: 'LGSP: dịch vụ tạm thời không khả dụng' }) },
};
const at = (iso: string): number => Date.parse(iso);

/**
 * An emulator of the provincial TTHC system (shared/contracts/sources.md, section 1) on a real HTTP server:
 *   POST /oauth2/token                                   client credentials -> bearer token (401 invalid_client)
 *   GET  /api/v1/bao-cao/tinh-hinh-giai-quyet            tuThang, denThang, capNhatTu, page, size
 *   GET  /api/v1/danh-muc/thu-tuc                        page, size
 * with the contract's faults switchable through `faults`.
 */
export class DvcPortalEmulator {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The good report rows, current versions: tests compute expected warehouse values from these. */
  readonly rows: DossierRow[];
  readonly catalogue: ProcedureItem[];
  /** Served only while `faults.malformedRows` is on. */
  readonly malformed: readonly MalformedRow[];
  faults: DvcPortalFaults = {};
  readonly stats: DvcPortalStats = { tokenRequests: 0, apiCalls: 0, reportCalls: 0, catalogueCalls: 0, faultsServed: 0, moved: 0 };
  private readonly tokens = new Set<string>();
  private readonly server = new LocalServer(
    (req, res) => this.handle(req, res),
    (error, res) => {
      sendJson(res, 500, { error: 'internal', message: String(error) });
    },
  );
  /** Update times of revisions: after every published row, one minute apart. */
  private clock: number;

  constructor(options: DvcPortalEmulatorOptions = {}) {
    this.clientId = options.clientId ?? 'lgsp-dvc-portal';
    this.clientSecret = options.clientSecret ?? 'dvc-portal-secret';
    this.rows = generateReport(options.fromMonth ?? '2024-01', options.toMonth ?? '2025-12');
    this.catalogue = Object.entries(options.procedures ?? { '91': 120, '40': 90 }).flatMap(([unit, n]) => generateCatalogue(unit, n));
    const latest = Math.max(...this.rows.map((r) => at(r.capNhatLuc)));
    const template = this.rows.find((r) => r.kyBaoCao === '2025-09' && r.maDonViHanhChinh === '91') ?? this.rows[0];
    this.malformed = template ? malformedRows(template, vietnamTime(latest + 3_600_000)) : [];
    this.clock = latest + 7_200_000;
  }

  /** Publishes a new version of a row: same id, a later `capNhatLuc`, new figures. Returns the new version. */
  revise(id: string, changes: RowChanges): DossierRow {
    const row = this.rows.find((r) => r.id === id);
    if (!row) throw new Error(`no report row ${id}`);
    Object.assign(row.tiepNhan, changes.tiepNhan);
    Object.assign(row.daGiaiQuyet, changes.daGiaiQuyet);
    Object.assign(row.dangGiaiQuyet, changes.dangGiaiQuyet);
    if (changes.thanhToanTrucTuyen !== undefined) row.thanhToanTrucTuyen = changes.thanhToanTrucTuyen;
    this.clock += 60_000;
    row.capNhatLuc = vietnamTime(this.clock);
    return row;
  }

  /** Takes a procedure out of the catalogue (it is no longer listed at all). */
  removeProcedure(unit: string, maThuTuc: string): ProcedureItem {
    const i = this.catalogue.findIndex((p) => p.maDonViHanhChinh === unit && p.maThuTuc === maThuTuc);
    const [removed] = i >= 0 ? this.catalogue.splice(i, 1) : [];
    if (!removed) throw new Error(`no procedure ${maThuTuc} of unit ${unit}`);
    return removed;
  }

  /** Listens on 127.0.0.1:`port` (0: any free port); returns the base URL. */
  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/oauth2/token') return this.token(req, res);
    const route = req.method === 'GET' ? url.pathname : '';
    if (route !== '/api/v1/bao-cao/tinh-hinh-giai-quyet' && route !== '/api/v1/danh-muc/thu-tuc') {
      sendJson(res, 404, { error: 'not_found', message: `${req.method ?? ''} ${url.pathname}` });
      return;
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || !this.tokens.has(token)) {
      this.stats.faultsServed++;
      sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return;
    }
    this.stats.apiCalls++;
    if (!(await this.injectFault(res))) return;
    if (route === '/api/v1/danh-muc/thu-tuc') this.cataloguePage(url, res);
    else this.reportPage(url, res);
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.tokenRequests++;
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== 'client_credentials') {
      sendJson(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      sendJson(res, 401, { error: 'invalid_client' });
      return;
    }
    const token = randomBytes(18).toString('base64url');
    this.tokens.add(token);
    sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
  }

  /** Serves the next pending fault, if any: the portal's own token expiry, then the shared transport faults. False when it answered the call. */
  private async injectFault(res: ServerResponse): Promise<boolean> {
    const f = this.faults;
    if (f.expireTokensAfter !== undefined && f.expireTokensAfter-- <= 0) {
      delete f.expireTokensAfter;
      this.tokens.clear();
      this.stats.faultsServed++;
      sendJson(res, 401, { error: 'invalid_token', error_description: 'token expired' });
      return false;
    }
    const fault = nextTransportFault(f);
    if (fault.kind === 'too-many' || fault.kind === 'status') this.stats.faultsServed++;
    return !(await serveTransportFault(res, fault, faultAnswers, this.server.stopping));
  }

  /** A page of either endpoint; a pending reset cuts it mid-body. */
  private sendPage(res: ServerResponse, page: unknown): void {
    if (!takeReset(this.faults)) {
      sendJson(res, 200, page);
      return;
    }
    this.stats.faultsServed++;
    sendCutMidBody(res, jsonType, jsonBody(page));
  }

  private reportPage(url: URL, res: ServerResponse): void {
    this.stats.reportCalls++;
    const move = this.faults.moveRowWhilePaging;
    if (move && this.stats.reportCalls > move.afterReportCalls) {
      delete this.faults.moveRowWhilePaging;
      const row = this.rows.find((r) => r.id === move.id);
      if (row) {
        this.revise(row.id, { tiepNhan: { trucTuyen: row.tiepNhan.trucTuyen + 7 } });
        this.stats.moved++;
      }
    }
    const q = url.searchParams;
    const paging = pagingParams(q, 100);
    const from = q.get('tuThang') ?? '0000-01';
    const to = q.get('denThang') ?? '9999-12';
    const since = q.get('capNhatTu');
    if ('error' in paging || !monthRe.test(from) || !monthRe.test(to) || (since !== null && Number.isNaN(at(since)))) {
      sendJson(res, 400, { error: 'bad_request', message: 'error' in paging ? paging.error : 'tuThang/denThang must be YYYY-MM and capNhatTu an ISO time' });
      return;
    }
    const good: ServedRow[] = this.rows.filter((r) => r.kyBaoCao >= from && r.kyBaoCao <= to).map(presentRow);
    // A broken export's rows slip through the month filter when their month is unreadable.
    const bad = this.faults.malformedRows ? this.malformed.map((m) => m.row).filter((r) => !monthRe.test(r.kyBaoCao) || (r.kyBaoCao >= from && r.kyBaoCao <= to)) : [];
    const rows = [...good, ...bad]
      .filter((r) => since === null || at(r.capNhatLuc) >= at(since))
      .sort((a, b) => at(a.capNhatLuc) - at(b.capNhatLuc) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.sendPage(res, pageOf(rows, paging.page, paging.size));
  }

  private cataloguePage(url: URL, res: ServerResponse): void {
    this.stats.catalogueCalls++;
    const paging = pagingParams(url.searchParams, 500);
    if ('error' in paging) {
      sendJson(res, 400, { error: 'bad_request', message: paging.error });
      return;
    }
    this.sendPage(res, pageOf(this.catalogue, paging.page, paging.size));
  }
}
