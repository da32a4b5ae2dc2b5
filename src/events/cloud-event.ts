import type { OutboxEvent } from './outbox-events.js';

/** A CloudEvents 1.0 event in structured JSON mode: what every subscriber receives. */
export interface CloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * The CloudEvent of an outbox event. `id` is the outbox event's, stable across redeliveries, so a consumer drops
 * duplicates by it; `source` names this installation.
 */
export function toCloudEvent(event: OutboxEvent, source: string): CloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source,
    type: event.type,
    subject: event.subject,
    time: event.time,
    datacontenttype: 'application/json',
    dataschema: `urn:lgsp-connect:schema:${event.type}`,
    data: event.data,
  };
}
