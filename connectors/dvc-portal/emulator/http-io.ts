import type { IncomingMessage, ServerResponse } from 'node:http';

export const jsonType = 'application/json; charset=utf-8';

export const jsonBody = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.destroyed) return; // the client gave up (timeout) while we were slow
  const body = jsonBody(value);
  res.writeHead(status, { 'content-type': jsonType, 'content-length': String(body.length), ...headers }).end(body);
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')); });
    req.on('error', reject);
  });
}
