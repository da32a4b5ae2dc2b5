/**
 * The change events as the Redis Stream holds them (what `appendToStream` wrote), read back for subscribers:
 * keyed for filtering from the entry's fields, filtered per subscriber, rendered once as a Server-Sent Events message.
 */
import { aggregateChangedEvent, aggregateRemovedEvent } from '../warehouse/indicator-values.js';
import { syncCompletedEvent, syncFailedEvent } from '../warehouse/sync-runs.js';
import { observationChangedEvent, observationRemovedEvent, streamResetEvent } from './outbox-events.js';

/** What a filter looks at in an event. Events about no indicator or unit (sync runs) have null there. */
export interface EventKey {
  readonly type: string;
  /** `data.indicator`, e.g. DVC_DOSSIERS_NEW. */
  readonly indicator: string | null;
  /** `data.unit.code`, e.g. 91. */
  readonly unit: string | null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The filter's view of a CloudEvent: its type, and `data.indicator` and `data.unit.code` when it has them. */
export function eventKeyOf(event: { readonly type: string; readonly data?: unknown }): EventKey {
  const data = asRecord(event.data);
  const unitCode = asRecord(data?.unit)?.code;
  return {
    type: event.type,
    indicator: typeof data?.indicator === 'string' ? data.indicator : null,
    unit: typeof unitCode === 'string' ? unitCode : null,
  };
}

/** Types whose subject is `<indicator>/<unit code>/<period>` (codes and periods hold no slash). */
const subjectKeyedTypes: ReadonlySet<string> = new Set([observationChangedEvent, observationRemovedEvent, aggregateChangedEvent, aggregateRemovedEvent]);
const unkeyedTypes: ReadonlySet<string> = new Set([syncCompletedEvent, syncFailedEvent, streamResetEvent]);

/** The fields of a stream entry that matter here, as the relay writes them. */
export interface StreamFields {
  readonly type?: string | undefined;
  readonly subject?: string | undefined;
  /** The CloudEvent, structured JSON. */
  readonly event?: string | undefined;
}

/**
 * An entry's key, read from its `type` and `subject` fields when the relay wrote them, so a subscriber that wants
 * one indicator among thousands of events parses none of the others. Otherwise (an entry written by something
 * else) from the CloudEvent itself. Null when the entry holds no CloudEvent.
 */
export function entryKeyOf(fields: StreamFields): EventKey | null {
  const { type, subject } = fields;
  if (type !== undefined && subject !== undefined) {
    if (unkeyedTypes.has(type)) return { type, indicator: null, unit: null };
    if (subjectKeyedTypes.has(type)) {
      const [indicator, unit, period, extra] = subject.split('/');
      if (indicator && unit && period && extra === undefined) return { type, indicator, unit };
    }
  }
  if (fields.event === undefined) return null;
  let cloudEvent: Record<string, unknown> | null;
  try {
    cloudEvent = asRecord(JSON.parse(fields.event));
  } catch {
    return null;
  }
  if (cloudEvent === null) return null;
  const eventType = typeof cloudEvent.type === 'string' ? cloudEvent.type : type;
  return eventType === undefined || eventType === '' ? null : eventKeyOf({ type: eventType, data: cloudEvent.data });
}

/** One stream entry, ready to filter and to send. */
export interface StreamEvent {
  /** The Redis Stream entry id: the SSE `id`, and the position a client resumes from. */
  readonly streamId: string;
  /** The CloudEvent type (the SSE `event`). */
  readonly type: string;
  /** `data.indicator` of the CloudEvent, when it has one (observation and aggregate events). */
  readonly indicator: string | null;
  /** `data.unit.code` of the CloudEvent, when it has one. */
  readonly unit: string | null;
  /** The whole SSE message: `id:`, `event:`, `data:` (the CloudEvent JSON) and the blank line. */
  readonly frame: string;
}

/** What a subscriber wants; within a list any value matches, across lists all must (null: no condition). */
export interface EventFilter {
  readonly types: ReadonlySet<string> | null;
  readonly indicators: ReadonlySet<string> | null;
  readonly units: ReadonlySet<string> | null;
}

export const noFilter: EventFilter = { types: null, indicators: null, units: null };

/** A filter list from query parameters: repeated (`type=a&type=b`) or comma-separated (`type=a,b`). */
export function filterValues(value: string | readonly string[] | undefined): ReadonlySet<string> | null {
  if (value === undefined) return null;
  const values = (typeof value === 'string' ? [value] : value).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return values.length === 0 ? null : new Set(values);
}

/** A stream.reset event passes every filter: whoever follows any part of the stream must hear of lost events. */
export function matchesFilter(event: StreamEvent, filter: EventFilter): boolean {
  if (event.type === streamResetEvent) return true;
  if (filter.types !== null && !filter.types.has(event.type)) return false;
  if (filter.indicators !== null && (event.indicator === null || !filter.indicators.has(event.indicator))) return false;
  if (filter.units !== null && (event.unit === null || !filter.units.has(event.unit))) return false;
  return true;
}

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** The SSE message of an event: `data` is one line (JSON never holds a raw line break, but split to be safe). */
export function sseFrame(streamId: string, type: string, json: string): string {
  if (!/[\r\n]/.test(json)) return `id: ${streamId}\nevent: ${type}\ndata: ${json}\n\n`;
  const data = json.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
  return `id: ${streamId}\nevent: ${type}\n${data}\n`;
}

/**
 * A stream entry (`[id, [field, value, ...]]`) as an event; null when it holds no CloudEvent (written by
 * something else): such entries are skipped, but still advance a subscriber's position.
 */
export function parseStreamEntry(streamId: string, fields: readonly string[]): StreamEvent | null {
  const json = field(fields, 'event');
  if (json === undefined) return null;
  const key = entryKeyOf({ type: field(fields, 'type'), subject: field(fields, 'subject'), event: json });
  if (key === null || /[\r\n]/.test(key.type)) return null;
  return { streamId, type: key.type, indicator: key.indicator, unit: key.unit, frame: sseFrame(streamId, key.type, json) };
}
