import { InvalidArgumentError } from 'commander';
import type { ConnectorRegistry } from '../connector-sdk/registry.js';
import { installedConnectors } from '../connector-sdk/installed.js';
import { checkRedis } from '../process/service-checks.js';
import { createSyncQueue, syncQueueName, type SyncQueue } from '../queue/sync-queue.js';
import * as lookups from '../operations/lookups.js';
import { monthPattern } from '../operations/syncs.js';
import type { Connection } from '../warehouse/connections.js';
import type { SyncRun } from '../warehouse/sync-runs.js';
import { withContext, type CliContext } from './context.js';
import { runCommand } from './run-command.js';

/** The house wrapper for the operator commands: warehouse context, errors to stderr with their exit code. */
export async function runOperatorCommand(body: (ctx: CliContext) => Promise<number>): Promise<void> {
  await runCommand(() => withContext(body));
}

/** Writes a note for the person at the terminal (stderr: stdout stays the command's result). */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Opens the sync queue for the duration of `fn` and closes it (and its Redis connections) afterwards, so the
 * process can exit. Redis is proved reachable first: an unreachable Redis is exit 69 with how to start it.
 */
export async function withSyncQueue<T>(ctx: CliContext, fn: (queue: SyncQueue) => Promise<T>): Promise<T> {
  await checkRedis(ctx.config.queue.redisUrl);
  const queue = createSyncQueue(ctx.config.queue);
  queue.on('error', (error) => {
    ctx.logger.warn({ err: error.message, queue: syncQueueName }, 'sync queue connection error');
  });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}

/** The connectors this process can load (built-ins plus LGSP_CONNECTOR_MODULES). */
export async function loadConnectors(ctx: CliContext): Promise<ConnectorRegistry> {
  return installedConnectors(ctx.config.connectorModules);
}

export async function requireConnection(ctx: CliContext, id: string): Promise<Connection> {
  return lookups.requireConnection(ctx.db, id);
}

export async function requireRun(ctx: CliContext, id: number): Promise<SyncRun> {
  return lookups.requireRun(ctx.db, id);
}

/** A commander parser for run ids, limits and minutes. */
export function positiveInt(what: string): (text: string) => number {
  return (text) => {
    if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(Number(text))) throw new InvalidArgumentError(`expected ${what}: a whole number from 1, e.g. 12`);
    return Number(text);
  };
}

/** A commander parser for backfill bounds. */
export function parseMonth(text: string): string {
  if (!monthPattern.test(text)) throw new InvalidArgumentError('expected a month YYYY-MM, e.g. 2025-01');
  return text;
}
