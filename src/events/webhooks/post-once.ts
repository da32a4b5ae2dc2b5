import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { GuardedAgents } from '../../boundary/egress.js';

/** What a receiver answered: its status, headers, and the start of its body (for the server log only). */
export interface PostAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly excerpt: string;
}

const EXCERPT_CHARS = 300;

/**
 * One POST through the egress policy's agents, without following redirects; `signal` bounds all of it (connect,
 * send, the answer's headers and the start of its body). The body of a non-2xx answer is read up to a few hundred
 * characters, then the response is dropped.
 */
export function postOnce(url: URL, init: { readonly headers: Readonly<Record<string, string>>; readonly body: string; readonly agents: GuardedAgents; readonly signal: AbortSignal }): Promise<PostAnswer> {
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  return new Promise<PostAnswer>((resolve, reject) => {
    const request = send(url, { method: 'POST', headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) }, agent: secure ? init.agents.https : init.agents.http, signal: init.signal }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        response.resume();
        resolve({ status, headers: response.headers, excerpt: '' });
        return;
      }
      let text = '';
      response.setEncoding('utf8');
      const done = () => {
        response.destroy();
        resolve({ status, headers: response.headers, excerpt: text.slice(0, EXCERPT_CHARS).replace(/\s+/g, ' ').trim() });
      };
      response.on('data', (chunk: string) => {
        text += chunk;
        if (text.length >= EXCERPT_CHARS) done();
      });
      response.on('end', done);
      // A body cut short still leaves the status: the answer is what counts.
      response.on('error', done);
    });
    request.on('error', reject);
    request.end(init.body);
  });
}
