import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendCutMidBody, serveTransportFault, type FaultAnswers } from '../../../src/connector-sdk/emulator/fault-answers.js';
import { LocalServer } from '../../../src/connector-sdk/emulator/local-server.js';
import { nextTransportFault, takeReset } from '../../../src/connector-sdk/emulator/transport-faults.js';
import type { ApplicationStatus, EmulatedApplication } from './application.js';
import type { PatentRegistryFaults } from './faults.js';
import { generateApplications } from './generate.js';
import { lateLegacyApplications } from './late-legacy.js';
import { malformedApplications } from './malformed.js';
import { parseQuery, runQuery } from './query.js';
import { TokenBucket } from './token-bucket.js';
import { errorXml, searchResultXml } from './xml.js';

export interface PatentRegistryEmulatorOptions {
  /** Same seed, same registry. Default 57. */
  readonly seed?: number;
  /** Applications generated. Default 300. */
  readonly count?: number;
  /** The registry's "today" (YYYY-MM-DD): the last day of generated filings, grants and changes. Default 2026-06-30. */
  readonly today?: string;
  /** The source's own limit (429 with Retry-After above it); null turns it off. Default 5 per second, bursts of 5. */
  readonly rateLimit?: { readonly requestsPerSecond: number; readonly burst?: number } | null;
  /** Add malformed records among the good ones (see ./malformed.ts). */
  readonly malformed?: boolean;
  /** Add filings after the reform whose address still names a merged-away province (see ./late-legacy.ts). */
  readonly lateLegacyAddresses?: boolean;
  /** Serve elements with this namespace prefix (`ip:SearchResult`) instead of a default namespace. */
  readonly prefix?: string;
  readonly faults?: PatentRegistryFaults;
}

export interface EmulatorStats {
  requests: number;
  pagesServed: number;
  /** 429s answered by the emulator's own rate limit (not the injected ones). */
  rateLimited: number;
  faultsInjected: number;
  /** Application numbers modified while a client was paging. */
  modifiedDuringPaging: string[];
}

export interface StatusChanges {
  /** Days the registry's clock moves on first (default 1); changes are dated on the new day. */
  readonly days?: number;
  readonly grant?: readonly string[];
  readonly publish?: readonly string[];
  readonly refuse?: readonly string[];
  readonly withdraw?: readonly string[];
}

const dayMs = 86_400_000;
const xmlType = 'application/xml; charset=utf-8';
const faultAnswers: FaultAnswers = {
  tooManyRequests: { contentType: xmlType, body: errorXml('TOO_MANY_REQUESTS', 'slow down') },
  unavailable: { contentType: xmlType, body: errorXml('UNAVAILABLE', 'the search index is being rebuilt') },
};

/**
 * The IP Vietnam publish API (contract 3 of shared/contracts/sources.md) on a real HTTP server:
 *   GET /api/v1/applications?kind=PATENT,UTILITY_SOLUTION&modifiedSince=<ISO>&cursor=<opaque>&limit=200
 * with generated applications, status changes over time (`advance`) and switchable faults (`faults`).
 */
export class PatentRegistryEmulator {
  readonly applications: EmulatedApplication[];
  faults: PatentRegistryFaults;
  readonly stats: EmulatorStats = { requests: 0, pagesServed: 0, rateLimited: 0, faultsInjected: 0, modifiedDuringPaging: [] };
  private readonly limiter: TokenBucket | undefined;
  private readonly prefix: string | undefined;
  private readonly pageIndexOfCursor = new Map<string, number>();
  private readonly server = new LocalServer(
    (req, res) => this.handle(req, res),
    (error, res) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': xmlType }).end(errorXml('INTERNAL', String(error)));
      else res.destroy();
    },
  );
  private clock: number;

  constructor(options: PatentRegistryEmulatorOptions = {}) {
    const today = options.today ?? '2026-06-30';
    this.applications = generateApplications({ seed: options.seed ?? 57, count: options.count ?? 300, today });
    this.clock = Date.parse(`${today}T00:00:00Z`);
    if (options.malformed === true) this.applications.push(...malformedApplications(this.applications.length + 1, this.clock - 3_600_000));
    if (options.lateLegacyAddresses === true) this.applications.push(...lateLegacyApplications(this.applications.length + 1));
    const rate = options.rateLimit === undefined ? { requestsPerSecond: 5 } : options.rateLimit;
    this.limiter = rate === null ? undefined : new TokenBucket(rate.requestsPerSecond, rate.burst ?? Math.max(1, Math.round(rate.requestsPerSecond)));
    this.prefix = options.prefix;
    this.faults = options.faults ?? {};
  }

  /** Listens on 127.0.0.1:`port` (0: any free port); returns the base URL. */
  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  find(number: string): EmulatedApplication {
    const app = this.applications.find((a) => a.number === number);
    if (!app) throw new Error(`no application ${number}`);
    return app;
  }

  /** Moves the registry's clock on and changes statuses (a grant is dated on the new day); each change bumps LastModified. */
  advance(changes: StatusChanges): EmulatedApplication[] {
    this.clock += (changes.days ?? 1) * dayMs;
    const day = new Date(this.clock).toISOString().slice(0, 10);
    const changed: EmulatedApplication[] = [];
    const apply = (numbers: readonly string[] | undefined, status: ApplicationStatus) => {
      for (const number of numbers ?? []) {
        const app = this.find(number);
        app.status = status;
        if (status === 'GRANTED') app.grant = { number: `${number.slice(0, 1)}-00${String(app.id).padStart(5, '0')}`, date: day };
        else delete app.grant;
        this.touch(app);
        changed.push(app);
      }
    };
    apply(changes.publish, 'PUBLISHED');
    apply(changes.grant, 'GRANTED');
    apply(changes.refuse, 'REFUSED');
    apply(changes.withdraw, 'WITHDRAWN');
    return changed;
  }

  /** Bumps LastModified past every other application (and past the clock). */
  private touch(app: EmulatedApplication): void {
    const latest = this.applications.reduce((m, a) => Math.max(m, a.lastModified), this.clock);
    app.lastModified = latest + 1000;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/api/v1/applications') {
      send(res, 404, errorXml('NOT_FOUND', `${req.method ?? ''} ${url.pathname} is not served here`));
      return;
    }
    this.stats.requests++;
    if (this.limiter && !this.limiter.take()) {
      this.stats.rateLimited++;
      send(res, 429, errorXml('TOO_MANY_REQUESTS', 'about 5 requests per second'), { 'retry-after': String(this.limiter.retryAfterSeconds()) });
      return;
    }
    // `every` spaces the transport faults out: only every Nth request meets one.
    const faultsDue = this.stats.requests % (this.faults.every ?? 1) === 0;
    if (faultsDue) {
      const fault = nextTransportFault(this.faults);
      if (fault.kind !== 'none') this.stats.faultsInjected++;
      if (await serveTransportFault(res, fault, faultAnswers, this.server.stopping)) return;
    }
    const query = parseQuery(url.searchParams);
    if ('error' in query) {
      send(res, 400, errorXml('BAD_REQUEST', query.error));
      return;
    }
    const cursor = url.searchParams.get('cursor');
    const pageIndex = cursor === null ? 0 : (this.pageIndexOfCursor.get(cursor) ?? 1);
    const page = runQuery(this.applications, query);
    if (page.nextCursor !== undefined) this.pageIndexOfCursor.set(page.nextCursor, pageIndex + 1);
    const body = Buffer.from(searchResultXml({ ...page, prefix: this.prefix }), 'utf8');
    this.modifyDuringPaging(pageIndex, page.applications, page.nextCursor);
    this.stats.pagesServed++;
    if (faultsDue && takeReset(this.faults)) {
      this.stats.faultsInjected++;
      sendCutMidBody(res, xmlType, body);
      return;
    }
    send(res, 200, body);
  }

  private modifyDuringPaging(pageIndex: number, served: readonly EmulatedApplication[], nextCursor: string | undefined): void {
    const fault = this.faults.modifyDuringPaging;
    const first = served[0];
    if (!fault || fault.afterPage !== pageIndex || nextCursor === undefined || !first) return;
    delete this.faults.modifyDuringPaging;
    first.title = `${first.title} (sửa đổi)`;
    this.touch(first);
    this.stats.modifiedDuringPaging.push(first.number ?? `#${first.id}`);
  }
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Readonly<Record<string, string>> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': xmlType, ...headers }).end(body);
}
