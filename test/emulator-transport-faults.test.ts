import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { sendCutMidBody, serveTransportFault, type FaultAnswers } from '../src/connector-sdk/emulator/fault-answers.js';
import { LocalServer } from '../src/connector-sdk/emulator/local-server.js';
import { nextTransportFault, takeReset, type TransportFault, type TransportFaults } from '../src/connector-sdk/emulator/transport-faults.js';
import { waitFor } from './support/worker-process.js';

const answers: FaultAnswers = {
  tooManyRequests: { contentType: 'application/xml; charset=utf-8', body: '<Error><Code>TOO_MANY_REQUESTS</Code></Error>' },
  unavailable: { contentType: 'application/json; charset=utf-8', body: '{"error":"gateway"}' },
};
const page = Buffer.from(JSON.stringify({ content: Array.from({ length: 200 }, (_, i) => ({ id: i, ten: 'Sở Tư pháp' })) }), 'utf8');

/** The smallest emulator on the shared model: every request meets the next fault, then gets `page` (or a cut of it). */
class FaultyEmulator {
  faults: TransportFaults = {};
  readonly met: TransportFault['kind'][] = [];
  answered = 0;
  /** Requests whose handling has ended, answered or not. */
  settled = 0;
  readonly server = new LocalServer((_req, res) => this.handle(res));

  private async handle(res: ServerResponse): Promise<void> {
    try {
      await this.answer(res);
    } finally {
      this.settled++;
    }
  }

  private async answer(res: ServerResponse): Promise<void> {
    const fault = nextTransportFault(this.faults);
    this.met.push(fault.kind);
    if (await serveTransportFault(res, fault, answers, this.server.stopping)) return;
    this.answered++;
    if (takeReset(this.faults)) sendCutMidBody(res, 'application/json', page);
    else res.writeHead(200, { 'content-type': 'application/json', 'content-length': page.length }).end(page);
  }
}

describe('the emulators\' shared transport faults', () => {
  const emulator = new FaultyEmulator();
  afterEach(async () => {
    await emulator.server.stop();
    emulator.faults = {};
    emulator.met.length = 0;
    emulator.answered = 0;
    emulator.settled = 0;
  });

  it('answers 429 with Retry-After, then the 5xx burst in order, in the source\'s format, each fault once', async () => {
    const url = await emulator.server.start();
    emulator.faults = { tooManyRequests: { count: 1, retryAfterSeconds: 7 }, serverErrors: [500, 502, 503] };
    const answered = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(url);
      answered.push({ status: r.status, retryAfter: r.headers.get('retry-after'), type: r.headers.get('content-type'), body: await r.text() });
    }
    expect(answered.map((a) => a.status)).toEqual([429, 500, 502, 503, 200]);
    expect(answered[0]).toMatchObject({ retryAfter: '7', type: answers.tooManyRequests.contentType, body: answers.tooManyRequests.body });
    expect(answered[3]).toMatchObject({ retryAfter: null, type: answers.unavailable.contentType, body: answers.unavailable.body });
    expect(answered[4]?.body).toBe(page.toString('utf8'));
    expect(emulator.faults).toEqual({ tooManyRequests: { count: 0, retryAfterSeconds: 7 }, serverErrors: [] });
  });

  it('holds a slow answer for its delay; a client that gave up meanwhile gets nothing more', async () => {
    const url = await emulator.server.start();
    emulator.faults = { slow: { count: 2, delayMs: 400 } };
    const started = Date.now();
    expect((await fetch(url)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    await expect(fetch(url, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await waitFor('the abandoned request handled', () => Promise.resolve(emulator.settled === 2), 10_000);
    expect(emulator.met).toEqual(['slow', 'slow']);
    expect(emulator.answered).toBe(1); // the request whose client left was not answered (nor did it use up a later fault)
    expect((await fetch(url)).status).toBe(200);
  });

  it('cuts the next answer mid-body: the status and length arrive, half of the bytes, then a reset', async () => {
    const url = await emulator.server.start();
    emulator.faults = { resetMidBody: 1 };
    const cut = await fetch(url);
    expect([cut.status, cut.headers.get('content-length')]).toEqual([200, String(page.length)]);
    await expect(cut.arrayBuffer()).rejects.toThrow();
    expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(page);
  });

  it('stops at once, ending an answer held on purpose, and starts again', async () => {
    const url = await emulator.server.start();
    emulator.faults = { slow: { count: 1, delayMs: 30_000 } };
    const held = fetch(url).catch((error: unknown) => error);
    await waitFor('the request held', () => Promise.resolve(emulator.met.length === 1), 10_000);
    // A stop that waited for the held answer would see it answered (30 s later): the request fails instead.
    await emulator.server.stop();
    expect(await held).toBeInstanceOf(Error);
    await new Promise((resolve) => setImmediate(resolve));
    expect([emulator.settled, emulator.answered]).toEqual([1, 0]); // the held request ended with the server, unanswered
    const again = await emulator.server.start();
    expect((await fetch(again)).status).toBe(200);
  });
});
