import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { TransportFault } from './transport-faults.js';

/** A fault answer in the source's own format (JSON, XML, plain text). */
export interface FaultBody {
  readonly contentType: string;
  readonly body: string;
}

/** How a source words its 429 and its 5xx answers. */
export interface FaultAnswers {
  readonly tooManyRequests: FaultBody;
  readonly unavailable: FaultBody;
}

function answer(res: ServerResponse, status: number, { contentType, body }: FaultBody, headers: Readonly<Record<string, string>> = {}): void {
  if (res.destroyed) return;
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.length), ...headers }).end(bytes);
}

const clientLeft = (res: ServerResponse): boolean => res.destroyed || res.socket === null || res.socket.destroyed;

/**
 * Serves a transport fault (see nextTransportFault): a 429 with Retry-After or a 5xx is answered here in the
 * source's format; a slow answer is held for its delay (ended early by `stopping`). True when nothing more is to be
 * sent: the fault answered the request, or the client (or the server) left while it was held.
 */
export async function serveTransportFault(res: ServerResponse, fault: TransportFault, answers: FaultAnswers, stopping?: AbortSignal): Promise<boolean> {
  switch (fault.kind) {
    case 'too-many':
      answer(res, 429, answers.tooManyRequests, { 'retry-after': String(fault.retryAfterSeconds) });
      return true;
    case 'status':
      answer(res, fault.status, answers.unavailable);
      return true;
    case 'slow':
      try {
        await delay(fault.delayMs, undefined, stopping ? { signal: stopping } : {});
      } catch {
        return true; // the server stopped
      }
      return clientLeft(res);
    case 'none':
      return false;
  }
}

/** Starts a 200 answer and breaks the connection halfway through the body, as a flaky gateway does. */
export function sendCutMidBody(res: ServerResponse, contentType: string, bytes: Buffer): void {
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length) });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
}
