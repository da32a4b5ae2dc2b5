import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { readBody } from './request-body.js';

/** A delivery the receiver accepted as authentic (whatever it then answered). */
export interface ReceivedDelivery {
  readonly eventId: string;
  readonly subscriptionId: string;
  readonly body: string;
  /** The deprecated X-Lgsp-Signature. */
  readonly signature: string;
  /** The signing headers as received (`webhook-*`, `x-lgsp-*`): what a forged or replayed request resends. */
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  /** performance.now() at arrival. */
  readonly at: number;
  /** How many times this event id has arrived, this one included. */
  readonly attempt: number;
}

/**
 * A webhook receiver as a subscriber would write one: raw body, signature verified before anything else, with the
 * Standard Webhooks library (tests check the deprecated X-Lgsp-Signature themselves).
 */
export interface WebhookReceiver {
  readonly url: string;
  /** Verified deliveries, in arrival order (failed attempts included). */
  readonly received: ReceivedDelivery[];
  /** Requests refused for their signature: `standard: <the library's reason>`. */
  readonly rejected: string[];
  /** The subscription's secret: set once the subscription is created. */
  secret: string;
  /** The answer: an HTTP status, or 'hang' (never answers). Default 200. */
  respond: (delivery: ReceivedDelivery) => number | 'hang';
  /** How long it takes to answer, in milliseconds. Default 0. */
  delayMs: number;
  /** The most requests it was answering at once. */
  readonly maxInFlight: number;
  /** Event ids delivered with a 2xx answer, in order. */
  acceptedIds(): string[];
  /** POSTs to the receiver itself (a forged or replayed request); resolves with its status. */
  post(body: string, headers: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

const header = (request: IncomingMessage, name: string) => {
  const v = request.headers[name];
  return typeof v === 'string' ? v : '';
};

/** Why the Standard Webhooks library refuses a delivery, or null when it verifies. */
export function standardWebhooksProblem(secret: string, body: string, headers: Readonly<Record<string, string>>): string | null {
  try {
    new Webhook(secret).verify(body, headers, { jsonParse: false });
    return null;
  } catch (error) {
    return `standard: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const accepted: string[] = [];
  const seen = new Map<string, number>();
  let inFlight = 0;
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    rejected: [],
    secret: '',
    respond: () => 200,
    delayMs: 0,
    maxInFlight: 0,
    acceptedIds: () => [...accepted],
    post: async (body, headers) => (await fetch(receiver.url, { method: 'POST', body, headers })).status,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const signature = header(request, 'x-lgsp-signature');
    const headers = Object.fromEntries(Object.keys(request.headers).filter((name) => /^(webhook|x-lgsp)-/.test(name)).map((name) => [name, header(request, name)]));
    const problem = standardWebhooksProblem(receiver.secret, body, headers);
    if (problem !== null) {
      receiver.rejected.push(problem);
      response.writeHead(401).end('bad signature');
      return;
    }
    const eventId = header(request, 'webhook-id');
    const attempt = (seen.get(eventId) ?? 0) + 1;
    seen.set(eventId, attempt);
    const delivery: ReceivedDelivery = {
      eventId, subscriptionId: header(request, 'x-lgsp-subscription-id'), body, signature, headers, contentType: header(request, 'content-type'), at: performance.now(), attempt,
    };
    receiver.received.push(delivery);
    const answer = receiver.respond(delivery);
    if (answer === 'hang') return;
    inFlight++;
    (receiver as { maxInFlight: number }).maxInFlight = Math.max(receiver.maxInFlight, inFlight);
    if (receiver.delayMs > 0) await new Promise((r) => setTimeout(r, receiver.delayMs));
    inFlight--;
    if (answer >= 200 && answer < 300) accepted.push(eventId);
    response.writeHead(answer).end(answer >= 400 ? 'receiver failure' : 'ok');
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => { resolve(); }));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/lgsp`;
  return receiver;
}
