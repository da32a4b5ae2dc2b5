import type { Command } from 'commander';
import { egressPolicy } from '../../boundary/egress.js';
import { NotFoundError } from '../../errors.js';
import { listDeadLetters, redeliverDeadLetter } from '../../events/webhooks/dead-letters.js';
import { getWebhookSubscriptionSummary, listWebhookSubscriptions, type WebhookSubscriptionSummary } from '../../events/webhooks/subscriptions.js';
import { ExitCode } from '../context.js';
import { formatTime } from '../format-run.js';
import { note, positiveInt, runOperatorCommand } from '../operator.js';
import { renderTable } from '../table.js';

/** A subscription's filter in a few words: "all events", or each non-empty list. */
function describeFilter(s: WebhookSubscriptionSummary): string {
  const parts = [
    s.eventTypes.length > 0 ? `types ${s.eventTypes.join(',')}` : null,
    s.indicators.length > 0 ? `indicators ${s.indicators.join(',')}` : null,
    s.units.length > 0 ? `units ${s.units.join(',')}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? 'all events' : parts.join('; ');
}

/**
 * `lgsp webhooks`: what operators do with webhooks (subscriptions themselves are made by the apps that receive
 * them, over the API): see the subscriptions and their failures, list the dead letters, redeliver one.
 */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('webhook subscriptions and their dead letters (subscribe over the API: POST /v1/webhooks)');
  webhooks
    .command('list')
    .description('the subscriptions: receiver, filter, failed attempts, dead letters waiting (never the secret)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await runOperatorCommand(async (ctx) => {
        const subscriptions = await listWebhookSubscriptions(ctx.db);
        if (flags.json === true) ctx.print(JSON.stringify(subscriptions, null, 2));
        else if (subscriptions.length === 0) ctx.print('no webhook subscriptions: apps subscribe with POST /v1/webhooks (an operate key)');
        else {
          ctx.print(renderTable(['id', 'url', 'filter', 'failed attempts', 'last failure', 'dead letters'], subscriptions.map((s) => [
            s.id, s.url, describeFilter(s), String(s.failedAttempts), s.lastFailure === null ? '-' : `${formatTime(s.lastFailureAt)} ${s.lastFailure}`, String(s.deadLetters),
          ])));
        }
        return ExitCode.ok;
      });
    });
  webhooks
    .command('dead-letters')
    .description('events given up on after their last attempt, newest first')
    .option('--subscription <id>', 'only this subscription\'s')
    .option('--pending', 'only those not redelivered yet')
    .option('--limit <n>', 'at most this many', positiveInt('a number of dead letters'), 100)
    .option('--json', 'print JSON (with each CloudEvent)')
    .action(async (flags: { subscription?: string; pending?: boolean; limit: number; json?: boolean }) => {
      await runOperatorCommand(async (ctx) => {
        if (flags.subscription !== undefined && !(await getWebhookSubscriptionSummary(ctx.db, flags.subscription))) {
          throw new NotFoundError('Webhook subscription', flags.subscription, 'Run `lgsp webhooks list` to see the subscriptions.');
        }
        const letters = await listDeadLetters(ctx.db, { subscriptionId: flags.subscription, pending: flags.pending === true ? true : undefined, limit: flags.limit });
        if (flags.json === true) ctx.print(JSON.stringify(letters, null, 2));
        else if (letters.length === 0) ctx.print('no dead letters');
        else {
          ctx.print(renderTable(['id', 'subscription', 'event', 'subject', 'attempts', 'last error', 'failed', 'redelivered'], letters.map((d) => [
            String(d.id), d.subscriptionId, d.eventId, d.subject, String(d.attempts), d.lastError ?? '-', formatTime(d.failedAt), formatTime(d.redeliveredAt),
          ])));
          const pending = letters.filter((d) => d.redeliveredAt === null);
          if (pending.length > 0) note(`once the receiver works again, redeliver each with \`lgsp webhooks redeliver <id>\` (e.g. ${pending[0]?.id ?? ''})`);
        }
        return ExitCode.ok;
      });
    });
  webhooks
    .command('redeliver')
    .description('deliver a dead letter once, now (the same body and event id, signed afresh); on success it is marked redelivered')
    .argument('<id>', 'the dead letter (`lgsp webhooks dead-letters`)', positiveInt('a dead letter id, e.g. 12'))
    .action(async (deadLetterId: number) => {
      await runOperatorCommand(async (ctx) => {
        const outcome = await redeliverDeadLetter(ctx.db, deadLetterId, { timeoutMs: ctx.config.webhooks.timeoutMs, egress: egressPolicy(ctx.config.boundary) });
        if (!outcome) throw new NotFoundError('Dead letter', String(deadLetterId), 'Run `lgsp webhooks dead-letters` to see them.');
        const { deadLetter, result } = outcome;
        if (!result.ok) {
          // The detail (a receiver's body excerpt, a refusal) is shown here: this is the host's own shell, as its log is.
          note(`not delivered: ${result.error ?? 'failed'}${result.detail === null ? '' : ` (${result.detail})`}. Dead letter ${deadLetterId} stays pending (${deadLetter.attempts} attempts now): fix the receiver, then run this again.`);
          return ExitCode.failure;
        }
        ctx.print(`dead letter ${deadLetterId} (event ${deadLetter.eventId}) delivered to subscription ${deadLetter.subscriptionId}: HTTP ${result.status ?? '?'} in ${result.ms} ms`);
        return ExitCode.ok;
      });
    });
}
