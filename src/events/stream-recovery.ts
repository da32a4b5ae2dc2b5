import { sql } from 'kysely';
import type { Db } from '../warehouse/database.js';
import { streamResetEvent } from './outbox-events.js';
import { readStreamMarker, type StreamMarker } from './stream-marker.js';
import { compareStreamIds } from './stream-ids.js';
import type { StreamState } from './stream-state.js';

/** A loss the relay noticed, and what it did about it. */
export interface StreamLoss {
  readonly stream: string;
  /** Events the stream held that it lost: the newest the relay had appended, at most what the stream held. */
  readonly lostEvents: number;
  /** The last entry id of the lost stream: positions up to it are gone. */
  readonly lostThroughId: string;
  /** Events put back in the outbox's queue, to be published again in outbox order with their ids. */
  readonly republishedEvents: number;
  readonly firstRepublishedEventId: string | null;
  readonly lastRepublishedEventId: string | null;
  /** Lost events the outbox no longer held (pruned past LGSP_OUTBOX_RETENTION_HOURS): a stream.reset event says so. */
  readonly missingEvents: number;
}

/**
 * Whether the stream lost entries the relay had appended: Redis counts every entry ever added to a stream, and
 * trimming never lowers the count, but a new stream (after a restart without persistence, a flush, a failover to
 * an empty replica, the key deleted) starts again at 0. Unknowable before Redis 7 (no count): false.
 */
export function streamLost(marker: StreamMarker | null, now: StreamState): boolean {
  return marker !== null && now.entriesAdded !== null && now.entriesAdded < marker.entriesAdded;
}

interface RequeuedRow {
  seq: number;
  events: number;
  first_event_id: string;
  last_event_id: string;
}

/**
 * After a loss: puts the published outbox rows holding the lost events back in the relay's queue (the newest
 * rows in publication order, `published_at` then `seq`, covering as many events as were lost; whole rows, so a
 * partly kept stream may get some again, with the same ids), appends a `vn.lgsp.stream.reset` event to the
 * outbox when pruning took some of them, and moves the marker onto the stream as it is now. One transaction,
 * with the marker locked: the relay publishes the rows again in outbox order, and a crash at any point
 * leaves either all of it to do again or nothing. Null when the marker shows no loss (already handled).
 */
export async function requeueLostEvents(db: Db, stream: string, now: StreamState): Promise<StreamLoss | null> {
  return db.transaction().execute(async (trx) => {
    const marker = await readStreamMarker(trx, stream, { forUpdate: true });
    if (marker === null || !streamLost(marker, now)) return null;
    const lostEvents = Math.min(marker.entriesAdded - (now.entriesAdded ?? 0), marker.length);
    const { rows } = await sql<RequeuedRow>`
      with published as (
        select seq, coalesce(cardinality(revision_ids), 1) as n,
               sum(coalesce(cardinality(revision_ids), 1)) over (order by published_at desc, seq desc) as through
        from outbox_event where published_at is not null)
      update outbox_event e set published_at = null
      from published p
      where p.seq = e.seq and p.through - p.n < ${lostEvents}
      returning e.seq, p.n as events,
        case when e.revision_ids is null then 'event-' || e.seq else 'revision-' || (select min(r) from unnest(e.revision_ids) r) end as first_event_id,
        case when e.revision_ids is null then 'event-' || e.seq else 'revision-' || (select max(r) from unnest(e.revision_ids) r) end as last_event_id`.execute(trx);
    rows.sort((a, b) => a.seq - b.seq);
    const republishedEvents = rows.reduce((sum, r) => sum + r.events, 0);
    const lostThroughId = marker.lostThroughId !== null && compareStreamIds(marker.lostThroughId, marker.lastEntryId) > 0 ? marker.lostThroughId : marker.lastEntryId;
    const loss: StreamLoss = {
      stream,
      lostEvents,
      lostThroughId,
      republishedEvents,
      firstRepublishedEventId: rows[0]?.first_event_id ?? null,
      lastRepublishedEventId: rows[rows.length - 1]?.last_event_id ?? null,
      missingEvents: Math.max(0, lostEvents - republishedEvents),
    };
    if (loss.missingEvents > 0) {
      await sql`insert into outbox_event (type, subject, data) values (${streamResetEvent}, ${`stream/${stream}`}, ${JSON.stringify(resetEventData(loss))}::jsonb)`.execute(trx);
    }
    await sql`
      update event_stream_marker
      set entries_added = ${now.entriesAdded ?? 0}, last_entry_id = ${now.lastId}, length = ${now.length},
          resets = resets + 1, republished_events = republished_events + ${republishedEvents},
          lost_through_id = ${lostThroughId}, reset_at = now(), updated_at = now()
      where stream_key = ${stream}`.execute(trx);
    return loss;
  });
}

/** The data of a `vn.lgsp.stream.reset` event: what range was lost, what was republished, what to do. */
function resetEventData(loss: StreamLoss): Record<string, unknown> {
  return {
    stream: loss.stream,
    lost: { events: loss.lostEvents, throughEntryId: loss.lostThroughId },
    republished: { events: loss.republishedEvents, firstEventId: loss.firstRepublishedEventId, lastEventId: loss.lastRepublishedEventId },
    missingEvents: loss.missingEvents,
    detail: `The event stream lost ${loss.lostEvents} events; ${loss.republishedEvents} were published again (same event ids, before this event), `
      + `the ${loss.missingEvents} older ones had left the outbox and are gone: re-read what you follow (GET /v1/observations).`,
  };
}
