import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { readBody } from './request-body.js';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** performance.now() when the request arrived. */
  readonly at: number;
}

/** What the server does with one request. */
export type Behaviour =
  /** Answer (after `delayMs`, if given: longer than the client's timeout makes it a timeout). */
  | {
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string | Buffer;
      readonly json?: unknown;
      readonly delayMs?: number;
    }
  /** Send the headers and `bytes` of a longer body, then reset the connection. */
  | { readonly kind: 'reset-mid-body'; readonly bytes: number; readonly declaredBytes: number }
  /** Close the connection without answering (the client sees "socket hang up"). */
  | { readonly kind: 'destroy' }
  /** Send the headers at once, then the body in `chunks` pieces `intervalMs` apart. */
  | { readonly kind: 'slow-body'; readonly chunks: number; readonly intervalMs: number }
  /** A large 200 body of `totalBytes`, written in `chunkBytes` pieces with backpressure. */
  | { readonly kind: 'stream'; readonly totalBytes: number; readonly chunkBytes: number };

export type Handler = (request: RecordedRequest) => Behaviour;

export interface TestServer {
  /** http://127.0.0.1:<ephemeral port> */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests seen for a route such as 'GET /api/x'. */
  requestsTo(route: string): RecordedRequest[];
  hits(route: string): number;
  /** Queues behaviours for a route ('GET /api/x'); each request takes the next one, then the route's handler answers. */
  script(route: string, ...behaviours: Behaviour[]): void;
  /** Answers a route when its script is used up. Unscripted routes answer 404. */
  handle(route: string, handler: Handler): void;
  close(): Promise<void>;
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.write(chunk)) resolve();
    else {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    }
  });
}

async function perform(behaviour: Behaviour, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if ('status' in behaviour) {
    if (behaviour.delayMs !== undefined) await wait(behaviour.delayMs);
    if (res.destroyed) return;
    const body = behaviour.json !== undefined ? JSON.stringify(behaviour.json) : (behaviour.body ?? '');
    const headers: Record<string, string> = { ...(behaviour.json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...behaviour.headers };
    res.writeHead(behaviour.status, headers);
    res.end(body);
    return;
  }
  switch (behaviour.kind) {
    case 'destroy':
      req.socket.destroy();
      return;
    case 'reset-mid-body':
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(behaviour.declaredBytes) });
      res.write(Buffer.alloc(behaviour.bytes, 0x61), () => {
        setTimeout(() => req.socket.destroy(), 20);
      });
      return;
    case 'slow-body':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let i = 0; i < behaviour.chunks; i += 1) {
        if (res.destroyed) return;
        res.write(' ');
        await wait(behaviour.intervalMs);
      }
      if (!res.destroyed) res.end('{}');
      return;
    case 'stream': {
      res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': String(behaviour.totalBytes) });
      let sent = 0;
      while (sent < behaviour.totalBytes && !res.destroyed) {
        const size = Math.min(behaviour.chunkBytes, behaviour.totalBytes - sent);
        await write(res, Buffer.alloc(size, 0x62));
        sent += size;
      }
      if (!res.destroyed) res.end();
      return;
    }
  }
}

/** A real HTTP server on 127.0.0.1 and an ephemeral port whose answers each test scripts. */
export async function startTestServer(): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, Behaviour[]>();
  const handlers = new Map<string, Handler>();

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const at = performance.now();
      const body = await readBody(req);
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, at };
      requests.push(recorded);
      const route = `${recorded.method} ${recorded.path}`;
      const behaviour = scripts.get(route)?.shift() ?? handlers.get(route)?.(recorded) ?? { status: 404, json: { error: `unscripted route ${route}` } };
      await perform(behaviour, req, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const requestsTo = (route: string): RecordedRequest[] => requests.filter((r) => `${r.method} ${r.path}` === route);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo,
    hits: (route) => requestsTo(route).length,
    script: (route, ...behaviours) => {
      scripts.set(route, [...(scripts.get(route) ?? []), ...behaviours]);
    },
    handle: (route, handler) => {
      handlers.set(route, handler);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
