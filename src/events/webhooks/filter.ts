import { aggregateChangedEvent, aggregateRemovedEvent } from '../../warehouse/indicator-values.js';
import { syncCompletedEvent, syncFailedEvent } from '../../warehouse/sync-runs.js';
import { observationChangedEvent, observationRemovedEvent, streamResetEvent } from '../outbox-events.js';
import type { EventKey } from '../stream-events.js';

/** The event types a subscription may name (what the outbox publishes). */
export const webhookEventTypes = [
  observationChangedEvent, observationRemovedEvent, aggregateChangedEvent, aggregateRemovedEvent, syncCompletedEvent, syncFailedEvent, streamResetEvent,
] as const;

/** What a subscription wants: each list empty means every value. */
export interface WebhookFilter {
  readonly eventTypes: readonly string[];
  /** Indicator codes, e.g. DVC_DOSSIERS_NEW. */
  readonly indicators: readonly string[];
  /** Administrative unit codes as events carry them (`data.unit.code`), e.g. 91; exact, not their communes. */
  readonly units: readonly string[];
}

const allows = (list: readonly string[], value: string | null) => list.length === 0 || (value !== null && list.includes(value));

/**
 * Whether a subscription wants an event: every non-empty list must contain the event's value. A stream.reset
 * event is wanted by all: it says events the subscription may have wanted are gone.
 */
export function matchesFilter(filter: WebhookFilter, key: EventKey): boolean {
  return key.type === streamResetEvent || allows(filter.eventTypes, key.type) && allows(filter.indicators, key.indicator) && allows(filter.units, key.unit);
}
