import type { BoundaryConfig } from '../config/env.js';
import type { ConnectorRegistry } from '../connector-sdk/registry.js';
import { resolveSecrets, secretRefsSchema } from '../connector-sdk/secrets.js';
import type { ConnectorContext, ConnectorDefinition, Json, StreamDefinition } from '../connector-sdk/types.js';
import { loadIndicatorRules, type ContributorTree } from '../aggregation/index.js';
import { NotFoundError } from '../errors.js';
import { CoalescingTask } from '../process/coalescing-task.js';
import { childLogger, type Logger } from '../logger.js';
import { findConnection, type Connection } from '../warehouse/connections.js';
import type { Db } from '../warehouse/database.js';
import { readCursor, readRunProgress, writeCursor } from '../warehouse/sync-state.js';
import { finishRun, getRun, startRun, sumCounts, zeroCounts, type RunCounts, type SyncRun } from '../warehouse/sync-runs.js';
import { ConnectionConfigError, SyncInterruptedError } from './errors.js';
import { preparePage, processPage, type PageContext } from './process-page.js';
import { readAhead } from './read-ahead.js';
import { replayRun } from './replay.js';
import { reprocessRun } from './reprocess.js';
import { indicatorDependencies, type IndicatorDependencies } from './dependents.js';
import { refreshIndicatorValues } from './refresh-values.js';
import { UnitDirectory } from './unit-directory.js';
import { UnitGraph } from './unit-graph.js';

const refreshEveryPages = 50;

export interface SyncDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly connectors: ConnectorRegistry;
  /** What connections may reach on this host: from the configuration (AppConfig.boundary). */
  readonly boundary: BoundaryConfig;
  /** Where secret values are read from (the process environment unless given). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface PageProgress {
  readonly runId: number;
  readonly stream: string;
  readonly page: RunCounts;
  readonly total: RunCounts;
}

export interface SyncControl {
  /** Aborted on shutdown: the current page finishes, then the run stops (to resume later). */
  readonly signal: AbortSignal;
  readonly onPage?: (progress: PageProgress) => void | Promise<void>;
}

/** The connector's context for a connection: config checked against the connector's schema, secrets resolved. */
export function connectorContext(connector: ConnectorDefinition, connection: Connection, logger: Logger, boundary: BoundaryConfig, env?: NodeJS.ProcessEnv): ConnectorContext<unknown> {
  const parsed = connector.configSchema.safeParse(connection.config);
  if (!parsed.success) {
    throw new ConnectionConfigError(connection.id, parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; '));
  }
  const refs = secretRefsSchema.safeParse(connection.secret_refs);
  if (!refs.success) throw new ConnectionConfigError(connection.id, `secret references: ${refs.error.issues.map((i) => i.message).join('; ')}`);
  return {
    connectionId: connection.id,
    config: parsed.data,
    secrets: resolveSecrets(connection.id, connector.secrets, refs.data, boundary, env),
    logger: childLogger(logger, { connectionId: connection.id, connector: connector.id }),
    boundary,
  };
}

async function loadRunContext(deps: SyncDeps, runId: number) {
  const run = await getRun(deps.db, runId);
  if (!run) throw new NotFoundError('Sync run', String(runId), 'Run `lgsp runs list` to see the runs.');
  const connection = await findConnection(deps.db, run.connection_id);
  if (!connection) throw new NotFoundError('Connection', run.connection_id, 'Run `lgsp connections list`.');
  const connector = deps.connectors.get(connection.connector_id);
  const logger = deps.logger.child({ runId, connectionId: connection.id });
  const ctx = connectorContext(connector, connection, logger, deps.boundary, deps.env);
  const catalogue = await loadIndicatorRules(deps.db);
  const indicators = new Set(catalogue.keys());
  const [units, graph] = await Promise.all([UnitDirectory.load(deps.db), UnitGraph.load(deps.db)]);
  return { run, connection, connector, ctx, logger, catalogue, indicators, units, graph, dependencies: indicatorDependencies(catalogue) };
}

/**
 * Executes a queued or interrupted run to its end: every stream, page by page, each page committed with its cursor.
 * A run already finished is returned as it is (a job delivered twice does nothing twice).
 */
export async function executeRun(deps: SyncDeps, runId: number, control: SyncControl): Promise<SyncRun> {
  const before = await getRun(deps.db, runId);
  if (before && (before.status === 'succeeded' || before.status === 'failed' || before.status === 'cancelled')) return before;
  const { run, connection, connector, ctx, logger, catalogue, indicators, units, graph, dependencies } = await loadRunContext(deps, runId);
  const trees = new Map<number, ContributorTree>();
  const refresh = () => refreshIndicatorValues(deps.db, { runId, logger, catalogue, graph, trees });
  if (run.mode === 'replay') {
    const replayed = await replayRun({ db: deps.db, logger, connector, run, indicators, units, graph, dependencies, signal: control.signal, ...(control.onPage ? { onPage: control.onPage } : {}) });
    await refresh();
    return replayed;
  }
  if (run.mode === 'reprocess') {
    const reprocessed = await reprocessRun({ db: deps.db, logger, connector, run, indicators, units, graph, dependencies, signal: control.signal, ...(control.onPage ? { onPage: control.onPage } : {}) });
    await refresh();
    return reprocessed;
  }

  const cursors: Record<string, Json> = {};
  for (const s of connector.streams) cursors[s.name] = await readCursor(deps.db, connection.id, s.name);
  await startRun(deps.db, runId, cursors);
  logger.info({ mode: run.mode, params: run.params }, 'sync started');

  let total = zeroCounts();
  // Rolled-up values are refreshed alongside the pages, on a connection of their own.
  const background = new CoalescingTask(refresh);
  try {
    for (const stream of connector.streams) {
      let pages = 0;
      const cursor = await syncStream(deps, { run, stream, ctx, logger, indicators, units, graph, dependencies }, control, async (page) => {
        total = sumCounts(total, page);
        // Large syncs refresh rolled-up values alongside the pages, not after each page: a province-year would be
        // recomputed once per page otherwise. Small syncs get them at the end of the stream, moments later.
        if (++pages % refreshEveryPages === 0) background.request();
        await control.onPage?.({ runId, stream: stream.name, page, total });
      });
      cursors[stream.name] = cursor;
      await background.settle();
      await refresh();
    }
  } catch (error) {
    // The marks are durable: a refresh cut short by the failure is redone by the next one. Only wait for it.
    await background.settle().catch((e: unknown) => { logger.warn({ err: e }, 'background refresh failed'); });
    throw error;
  }
  const finished = await finishRun(deps.db, runId, cursors);
  logger.info({ ...total }, 'sync finished');
  return finished;
}

interface StreamRun {
  readonly run: SyncRun;
  readonly stream: StreamDefinition<unknown>;
  readonly ctx: ConnectorContext<unknown>;
  readonly logger: Logger;
  readonly indicators: ReadonlySet<string>;
  readonly units: UnitDirectory;
  readonly dependencies: IndicatorDependencies;
  readonly graph: UnitGraph;
}

/** One stream of a run, resumed from the run's own progress if it was interrupted. Returns the final cursor. */
async function syncStream(deps: SyncDeps, s: StreamRun, control: SyncControl, onPage: (c: RunCounts) => void | Promise<void>): Promise<Json> {
  const { run, stream } = s;
  const ref = { connectionId: run.connection_id, stream: stream.name, runId: run.id };
  const progress = await readRunProgress(deps.db, run.id, stream.name);
  if (progress?.done) return progress.cursor;
  const mode = run.mode === 'replay' || run.mode === 'reprocess' ? 'incremental' : run.mode;
  const start = progress ? progress.cursor : mode === 'incremental' ? await readCursor(deps.db, run.connection_id, stream.name) : null;
  const params = run.params as { from?: string; to?: string };
  const pageCtx: PageContext<unknown> = {
    db: deps.db, ref, stream, indicators: s.indicators, units: s.units, dependencies: s.dependencies, graph: s.graph, advanceConnectionCursor: mode !== 'backfill', logger: s.logger,
  };

  let cursor: Json = start;
  const pages = stream.read(s.ctx, {
    cursor: start, mode, signal: control.signal,
    ...(params.from !== undefined ? { from: params.from } : {}),
    ...(params.to !== undefined ? { to: params.to } : {}),
  });
  try {
    for await (const prepared of readAhead(pages, preparePage)) {
      const counts = await processPage(pageCtx, prepared);
      cursor = prepared.page.cursor;
      s.logger.debug({ stream: stream.name, ...counts }, 'page committed');
      await onPage(counts);
      if (control.signal.aborted) throw new SyncInterruptedError(run.id);
    }
  } catch (error) {
    // A shutdown aborts the source's request too: that is an interruption, not a failure.
    if (control.signal.aborted && !(error instanceof SyncInterruptedError)) throw new SyncInterruptedError(run.id);
    throw error;
  }
  await writeCursor(deps.db, ref, cursor, { done: true, advanceConnection: mode !== 'backfill' });
  return cursor;
}
