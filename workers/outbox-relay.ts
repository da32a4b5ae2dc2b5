// The outbox relay: publishes the change events committed with the warehouse's changes to the Redis Stream
// (LGSP_EVENTS_STREAM) as CloudEvents, in order, at least once. Woken by PostgreSQL NOTIFY at each commit, with a
// poll as a safety net. One relay publishes at a time (an advisory lock); more instances wait as standbys.
import { startOutboxRelay } from '../src/events/run-relay.js';
import { runProcess } from '../src/process/main.js';

await runProcess('outbox-relay', startOutboxRelay, { whileDown: 'publishing waits and resumes from the outbox once it is back; nothing is lost' });
