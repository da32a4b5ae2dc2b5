// Webhooks: subscriptions to the change events, delivered signed, in order per subscription, at least once.
// What other modules use; the dispatcher's parts live in the files beside this one.
export { verifyWebhookSignature, webhookSignatureProblem, signWebhook, signatureHeaders, standardWebhooksSecret, signatureHeader, eventIdHeader, type VerifyOptions } from './signature.js';
export { webhookFailureCounts, type WebhookFailureCount } from './failure-counts.js';
export { webhookEventTypes, matchesFilter, type WebhookFilter } from './filter.js';
export { startWebhookDispatcher } from './run-dispatcher.js';
