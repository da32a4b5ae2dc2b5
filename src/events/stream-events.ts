/**
 * The change events as the Redis Stream holds them (what `appendToStream` wrote), read back for subscribers:
 * parsed once per entry, filtered per subscriber, rendered once as a Server-Sent Events message.
 */

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

export function matchesFilter(event: StreamEvent, filter: EventFilter): boolean {
  if (filter.types !== null && !filter.types.has(event.type)) return false;
  if (filter.indicators !== null && (event.indicator === null || !filter.indicators.has(event.indicator))) return false;
  if (filter.units !== null && (event.unit === null || !filter.units.has(event.unit))) return false;
  return true;
}

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The SSE message of an event: `data` is one line (JSON never holds a raw line break, but split to be safe). */
export function sseFrame(streamId: string, type: string, json: string): string {
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
  let cloudEvent: Record<string, unknown> | null;
  try {
    cloudEvent = asRecord(JSON.parse(json));
  } catch {
    return null;
  }
  if (cloudEvent === null) return null;
  const type = typeof cloudEvent.type === 'string' ? cloudEvent.type : field(fields, 'type');
  if (type === undefined || type === '' || /[\r\n]/.test(type)) return null;
  const data = asRecord(cloudEvent.data);
  const indicator = typeof data?.indicator === 'string' ? data.indicator : null;
  const unitCode = asRecord(data?.unit)?.code;
  const unit = typeof unitCode === 'string' ? unitCode : null;
  return { streamId, type, indicator, unit, frame: sseFrame(streamId, type, json) };
}
