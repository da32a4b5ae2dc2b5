// The webhook dispatcher: delivers the change events of the Redis Stream (LGSP_EVENTS_STREAM) to the webhook
// subscriptions, in stream order per subject, at least once, signed; retries with backoff, then dead letters. One
// dispatcher delivers at a time (an advisory lock); more instances stand by and take over when it ends.
import { startWebhookDispatcher } from '../src/events/webhooks/run-dispatcher.js';
import { runProcess } from '../src/process/main.js';

await runProcess('webhook-dispatcher', startWebhookDispatcher, { whileDown: 'deliveries wait and resume from the unacknowledged events once it is back' });
