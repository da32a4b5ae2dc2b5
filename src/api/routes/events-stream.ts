import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { z } from 'zod';
import { EventStreamHub, type EventSink } from '../../events/event-stream-hub.js';
import { filterValues } from '../../events/stream-events.js';
import { streamGapAfter, streamGapEvent, type StreamGap } from '../../events/stream-gap.js';
import { normaliseStreamId } from '../../events/stream-ids.js';
import { observationChangedEvent, observationRemovedEvent, streamResetEvent } from '../../events/outbox-events.js';
import { readStreamMarker } from '../../events/stream-marker.js';
import { ApiProblem, problemResponses } from '../problem.js';
import type { ApiRoutes } from './index.js';

/** A comment line every so often keeps proxies and load balancers from closing an idle stream. */
export const heartbeatMs = 15_000;
/** How soon a browser's EventSource reconnects after the connection drops. */
const retryMs = 1_000;

const filterList = z.union([z.string(), z.array(z.string())]).optional();

const description = `Server-Sent Events (\`text/event-stream\`) of every change the warehouse publishes: the CloudEvents of the Redis Stream the outbox relay writes (LGSP_EVENTS_STREAM), as they are committed.

Each message is
\`\`\`
id: <Redis Stream entry id, e.g. 1718000000000-0>
event: <CloudEvent type, e.g. ${observationChangedEvent}>
data: <the CloudEvent, JSON on one line>
\`\`\`
A browser's \`EventSource\` dispatches each message under its type: listen with \`addEventListener('${observationChangedEvent}', …)\` (\`onmessage\` only sees untyped messages).

**Filters** (each optional, repeat the parameter or separate values with commas; any value of a list matches, all lists must): \`type\` (CloudEvent type, e.g. \`${observationChangedEvent}\`, \`${observationRemovedEvent}\`, \`vn.lgsp.aggregate.changed.v1\`, \`vn.lgsp.sync.completed.v1\`), \`indicator\` (indicator code: \`data.indicator\`), \`unit\` (administrative unit code: \`data.unit.code\`, e.g. \`91\`). Events without an indicator or unit (sync events) never match those two filters.

**Resuming**: send the id of the last message received in the \`Last-Event-ID\` header (an \`EventSource\` does so by itself when it reconnects) or the \`lastEventId\` query parameter (the header wins): the stream continues with the entries after it, in order, with no gap and no duplicate while the stream holds them. \`0\` replays the whole stream. Without either, the stream starts from now.

**Gaps**: a client resuming from a position the stream no longer holds first gets a \`${streamGapEvent}\` message (no \`id\`) whose data says so: \`{"after", "firstAvailable", "reason", "detail"}\`. \`reason\` is \`trimmed\` when the position is older than the oldest entry (the stream is capped at LGSP_EVENTS_STREAM_MAXLEN entries), \`reset\` when the stream lost its entries (Redis restarted without persistence, flushed, failed over): the relay publishes what the outbox still holds again, with the same CloudEvent ids and new entry ids, so the messages that follow repeat events already received (drop them by \`id\` in the data), and a \`${streamResetEvent}\` event says which older ones are gone. Either way, re-read the state it cares about (\`GET /v1/observations\`), then go on with the messages that follow.

**Keep-alive**: a comment line (\`: keep-alive\`) every ${heartbeatMs / 1000} s; the first lines are a \`retry: ${retryMs}\` hint and a \`: connected\` comment, sent at once. A client that falls far behind (megabytes unsent) is disconnected and resumes with its Last-Event-ID.`;

/** The name of the tail reader's Redis connection (`CLIENT LIST`). */
export function eventTailConnectionName(stream: string): string {
  return `lgsp-event-tail:${stream.replace(/\s/g, '_')}`;
}

/** An SSE response as the hub's sink: writes go straight to the socket (no compression, no buffering). */
function responseSink(res: ServerResponse): EventSink {
  return {
    write: (chunk) => (res.writableEnded || res.destroyed ? true : res.write(chunk)),
    drain: () =>
      new Promise<void>((resolve) => {
        if (res.destroyed || res.writableEnded || !res.writableNeedDrain) {
          resolve();
          return;
        }
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      }),
    get buffered() {
      return res.writableLength;
    },
    end: () => { if (!res.writableEnded) res.end(); },
  };
}

function gapDetail(gap: StreamGap): string {
  const why = gap.reason === 'trimmed'
    ? `The stream no longer holds the entries between ${gap.after} and ${gap.firstAvailable ?? 'now'}: it keeps LGSP_EVENTS_STREAM_MAXLEN entries and trims the oldest, so events you missed may be gone.`
    : `The stream lost its entries (Redis lost its data) after ${gap.after}: what the outbox still held is published again with the same event ids (drop the ones you have), and a ${streamResetEvent} event names any that are gone.`;
  return `${why} Re-read what you follow (GET /v1/observations) to catch up; the messages that follow go on from there.`;
}

/** `GET /v1/events/stream`: the change events as Server-Sent Events, filtered, resumable. */
export const eventsStreamRoutes: ApiRoutes = async (app, { deps }) => {
  const hub = new EventStreamHub({
    key: deps.config.events.stream,
    redis: deps.redis,
    // The tail blocks in XREAD: a connection of its own, which waits through Redis outages instead of failing.
    // Named, so `CLIENT LIST` tells what the blocked connection is.
    openBlockingConnection: () => deps.redis.duplicate({ maxRetriesPerRequest: null, connectionName: eventTailConnectionName(deps.config.events.stream) }),
    logger: deps.logger.child({ component: 'event-stream' }),
  });
  // Open streams would keep the server from closing: end them first (clients reconnect elsewhere with their
  // Last-Event-ID), then close the tail's connection.
  app.addHook('preClose', async () => { await hub.close(); });
  app.addHook('onClose', async () => { await hub.close(); });

  app.get('/v1/events/stream', {
    config: { scope: 'read' },
    schema: {
      tags: ['events'],
      summary: 'Subscribe to the change events (Server-Sent Events, text/event-stream), filtered by type, indicator and unit, resumable with Last-Event-ID',
      description,
      security: [{ apiKey: [] }],
      querystring: z.object({
        type: filterList.describe('CloudEvent types to receive (repeat or comma-separate)'),
        indicator: filterList.describe('Indicator codes to receive (repeat or comma-separate)'),
        unit: filterList.describe('Administrative unit codes to receive, e.g. 91 (repeat or comma-separate)'),
        lastEventId: z.string().optional().describe('Resume after this stream entry id (the `id` of the last message received); the Last-Event-ID header wins'),
      }),
      headers: z.looseObject({
        'last-event-id': z.string().optional().describe('Resume after this stream entry id (sent by EventSource when it reconnects)'),
      }),
      response: {
        200: {
          description: 'The event stream: `id`, `event` and `data` lines per CloudEvent, and keep-alive comments',
          content: { 'text/event-stream': { schema: z.string().describe('Server-Sent Events') } },
        },
        ...problemResponses(400, 401, 403, 429, 503),
      },
    },
  }, async (request, reply) => {
    const resumeFrom = request.headers['last-event-id'] ?? request.query.lastEventId;
    let after: string | null = null;
    if (resumeFrom !== undefined && resumeFrom.trim() !== '') {
      after = normaliseStreamId(resumeFrom);
      if (after === null) {
        throw new ApiProblem('VALIDATION_FAILED', `Last-Event-ID "${resumeFrom}" is no event id: send the \`id\` of the last message received (such as 1718000000000-0), or 0 for the whole stream.`, [{ field: 'Last-Event-ID', message: 'expected a stream entry id such as 1718000000000-0' }]);
      }
    }
    const filter = { types: filterValues(request.query.type), indicators: filterValues(request.query.indicator), units: filterValues(request.query.unit) };

    const res = reply.raw;
    const sink = responseSink(res);
    let subscription;
    let gap: StreamGap | null = null;
    try {
      if (after !== null) {
        const marker = await readStreamMarker(deps.db, deps.config.events.stream);
        gap = await streamGapAfter(deps.redis, deps.config.events.stream, after, marker?.lostThroughId ?? null);
      }
      subscription = await hub.subscribe({ after, filter, sink });
    } catch (error) {
      request.log.warn({ err: (error as Error).message }, 'could not open the event stream');
      throw new ApiProblem('SERVICE_UNAVAILABLE', 'The event stream cannot be read right now (Redis or PostgreSQL unreachable, or the server is shutting down); retry shortly.');
    }
    // From here the response is ours: Fastify neither serialises nor ends it. The headers go out before any
    // message: the hub writes only from I/O callbacks, after this synchronous block.
    reply.hijack();
    if (res.destroyed) {
      // The client left while the subscription opened.
      subscription.unsubscribe();
      return;
    }
    res.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies: pass each message on at once.
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write(`retry: ${retryMs}\n: connected\n\n`);
    if (gap !== null) {
      request.log.info({ ...gap }, 'a client resumed from a position the event stream no longer holds: told of the gap');
      res.write(`event: ${streamGapEvent}\ndata: ${JSON.stringify({ ...gap, detail: gapDetail(gap) })}\n\n`);
    }
    const heartbeat = setInterval(() => { sink.write(': keep-alive\n\n'); }, heartbeatMs);
    res.on('close', () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    });
  });
};
