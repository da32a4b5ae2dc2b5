import { installedConnectors } from '../connector-sdk/installed.js';
import type { CliContext } from '../cli/context.js';
import { renderTable } from '../cli/table.js';
import { printLoadSummary } from '../cli/commands/reference.js';
import { formatDuration } from '../cli/format-run.js';
import { followRuns } from '../cli/runs-progress.js';
import { startOutboxRelay, type RunningRelay } from '../events/run-relay.js';
import { watchDependencies } from '../process/dependency-watch.js';
import { checkRedis } from '../process/service-checks.js';
import { createSyncQueue, requestSync } from '../queue/sync-queue.js';
import { createSyncWorker } from '../queue/sync-worker.js';
import { loadReferenceData } from '../reference/load-reference.js';
import { upsertConnection } from '../warehouse/connections.js';
import { migrateToLatest } from '../warehouse/migrate.js';
import type { SyncRun } from '../warehouse/sync-runs.js';
import { durationMs } from '../operations/runs.js';
import { demoConfig } from './boundary.js';
import { startDemoApi } from './demo-api.js';
import { retireEarlierDemoConnections } from './earlier-connections.js';
import { demoProvinces } from './provinces.js';
import { resolution57Overview } from './resolution57-table.js';
import { startDemoSources } from './sources.js';

const n = (x: number) => x.toLocaleString('en');

function runRow(run: SyncRun): string[] {
  return [run.connection_id, run.status, n(run.records_fetched), n(run.records_rejected), n(run.observations_inserted), n(run.observations_updated), formatDuration(durationMs(run))];
}

/**
 * The main job, end to end on this machine: migrate, load the reference data, start the bundled emulators and a
 * sync worker, connect each source once per province, sync 2024-01 to now, and show each province's Resolution 57
 * indicators against its targets.
 */
export async function runDemo(hostCtx: CliContext, options: { readonly stayUp: boolean; readonly logFile: string }): Promise<number> {
  const ctx: CliContext = { ...hostCtx, config: demoConfig(hostCtx.config) };
  ctx.print(`lgsp-connect demo: the pipeline end to end on this machine. Full log: ${options.logFile}`);
  ctx.print('\n== 1. Warehouse schema and reference data');
  const applied = await migrateToLatest(ctx.db);
  ctx.print(applied.length > 0 ? `  schema: applied ${applied.join(', ')}` : '  schema: up to date');
  printLoadSummary(ctx, await loadReferenceData(ctx.db, { adminUnitsDir: ctx.config.adminUnitsDir, logger: ctx.logger }));

  await checkRedis(ctx.config.redisUrl);
  ctx.print('\n== 2. Source emulators, a sync worker, the outbox relay and the API');
  const sources = await startDemoSources(ctx.config.boundary);
  const outages = watchDependencies({ db: ctx.db, redisUrl: ctx.config.redisUrl, logger: ctx.logger, whileDown: 'the demo waits for it', giveUpMs: 0, onGiveUp: () => undefined });
  const api = await startDemoApi({ ...ctx, outages });
  const relay: RunningRelay = await startOutboxRelay({ ...ctx, outages });
  for (const s of sources) Object.assign(process.env, s.secrets);
  const connections = demoProvinces.flatMap((p) => sources.map((s) => s.connectionFor(p)));
  const connectors = await installedConnectors(ctx.config.connectorModules);
  // The emulators listen on loopback: the demo's own worker may reach it; the configuration's default does not.
  const boundary = { ...ctx.config.boundary, egressAllow: [...ctx.config.boundary.egressAllow, '127.0.0.1/32'] };
  const worker = createSyncWorker({ db: ctx.db, logger: ctx.logger, connectors, boundary }, { queue: ctx.config.queue, ...ctx.config.worker, concurrency: connections.length, outages });
  const queue = createSyncQueue(ctx.config.queue);
  try {
    for (const s of sources) ctx.print(`  ${s.connectorId.padEnd(16)} ${s.endpoint}`);
    ctx.print(`  relay            change events to the Redis Stream ${ctx.config.events.stream}`);
    ctx.print(`  API              ${api.url} (docs ${api.url}/docs), read key: ${api.readKey}`);

    ctx.print(`\n== 3. One connection per source and province (${demoProvinces.map((p) => `${p.name} ${p.code}`).join(', ')}), synced from 2024-01`);
    for (const id of await retireEarlierDemoConnections(ctx.db)) ctx.print(`  removed ${id}: an earlier demo's connection for both provinces (its figures come from the per-province connections now)`);
    const runIds: number[] = [];
    for (const connection of connections) {
      await upsertConnection(ctx.db, connection);
      const { run } = await requestSync(ctx.db, queue, { connectionId: connection.id, mode: 'incremental' });
      runIds.push(run.id);
    }
    const finished = await followRuns(ctx.db, runIds);
    ctx.print(renderTable(['connection', 'status', 'records', 'rejected', 'new', 'changed', 'time'], finished.map(runRow)));
    const failed = finished.filter((r) => r.status !== 'succeeded');
    await relay.drained();
    const published = relay.published();
    ctx.print(published > 0
      ? `  ${published.toLocaleString('en')} change events published to the Redis Stream ${ctx.config.events.stream}`
      : `  the change events go to the Redis Stream ${ctx.config.events.stream} through the relay already running (\`npm run relay\`)`);

    ctx.print('\n== 4. Resolution 57: latest value by province, against each 2030 target by document');
    const overview = await resolution57Overview(ctx.db, demoProvinces);
    ctx.print(renderTable(overview.headers, overview.rows));
    for (const p of overview.withoutTargets) ctx.print(`  ${p.name}: its plan sets no numeric 2030 target (Nghệ An's Action Plan 328-KH/TU), so only values are shown.`);
    ctx.print('  Documents that disagree (An Giang\'s 02-CTr/TU and its plan under Resolution 03/NQ-CP) are shown side by side.');
    if (failed.length > 0) {
      ctx.print(`\n${failed.length} sync(s) did not succeed: see \`lgsp runs show <run>\`.`);
      return 1;
    }
    ctx.print('\n== 5. Next');
    ctx.print('  `lgsp runs list`, `lgsp rejected list`, `lgsp catalogue`, `lgsp query DVC_ONLINE_RATE --unit 91 --period 2025`.');
    ctx.print(`  The API: curl -H 'Authorization: Bearer ${api.readKey}' '${api.url}/v1/progress?unit=91'`);
    ctx.print(`  The change events (Server-Sent Events, from the start of the stream): curl -N -H 'Authorization: Bearer ${api.readKey}' '${api.url}/v1/events/stream?lastEventId=0&indicator=DVC_ONLINE_RATE'`);
    if (options.stayUp) {
      ctx.print(`\nThe API and the emulators stay up at ${api.url} until you press Ctrl-C.`);
      await untilInterrupted();
    } else ctx.print('  To keep the API up after the demo: `npm run demo -- --stay-up`, or `npm run lgsp -- serve` with a key from `npm run lgsp -- apikey create --scopes read`.');
    return 0;
  } finally {
    await relay.stop();
    outages.stop();
    await api.stop();
    await worker.shutdown();
    await queue.close();
    await Promise.all(sources.map((s) => s.stop()));
  }
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => { resolve(); });
    process.once('SIGTERM', () => { resolve(); });
  });
}
