import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { createSyncQueue, type QueueConnection, type SyncQueue } from '../../src/queue/sync-queue.js';
import { createSyncWorker, type SyncWorker } from '../../src/queue/sync-worker.js';
import type { Db } from '../../src/warehouse/database.js';
import type { CliResult } from './run-cli.js';
import { makeTestConnector } from './test-connector.js';
import { testSecretEnv } from './warehouse-fixtures.js';
import { testBoundary } from './boundary.js';
import { testRedisUrlWithDatabase } from './redis-url.js';

/**
 * The queue keys of the operator-CLI tests: a prefix of their own (and a Redis database other than the default),
 * so their jobs, schedulers and workers meet no other test's. The CLI gets them as REDIS_URL and LGSP_QUEUE_PREFIX.
 */
export const cliQueue = { redisUrl: testRedisUrlWithDatabase(12), prefix: `lgsp-cli-test-${process.pid}` };
export const cliQueueEnv = { REDIS_URL: cliQueue.redisUrl, LGSP_QUEUE_PREFIX: cliQueue.prefix };

/** The sync queue under that prefix, emptied (jobs and job schedulers) for a fresh start. */
export async function freshQueue(): Promise<SyncQueue> {
  const queue = createSyncQueue(cliQueue);
  await queue.obliterate({ force: true });
  return queue;
}

/**
 * A sync worker inside the test process, over the test connector, with the test secret in its environment; on the
 * CLI tests' queue unless given another (the API tests' own).
 */
export function startInProcessWorker(db: Db, queue: QueueConnection = cliQueue): SyncWorker {
  return createSyncWorker(
    { db, logger: createLogger('silent'), connectors: new ConnectorRegistry([makeTestConnector(1)]), boundary: testBoundary(), env: { ...process.env, ...testSecretEnv } },
    { queue, concurrency: 1, lockDurationMs: 30_000, stalledIntervalMs: 15_000 },
  );
}

/** The JSON lines of a piped `--wait`. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Like runCli, with a callback on each chunk of stdout (to act while a `--wait` is following a run). */
export function runCliStreaming(args: string[], env: Record<string, string>, onStdout: (all: string, child: ChildProcess) => void = () => undefined): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(tsx, ['src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr });
    });
  });
}
