import { installedConnectors } from '../connector-sdk/installed.js';
import type { CliContext } from '../cli/context.js';
import { renderTable } from '../cli/table.js';
import { printLoadReport } from '../cli/commands/reference.js';
import { printCatalogue } from '../cli/commands/catalogue.js';
import { startOutboxRelay, type RunningRelay } from '../events/run-relay.js';
import { watchDependencies } from '../process/dependency-watch.js';
import { checkRedis } from '../process/service-checks.js';
import { createSyncQueue, requestSync } from '../queue/sync-queue.js';
import { createSyncWorker } from '../queue/sync-worker.js';
import { loadReferenceData } from '../reference/load-reference.js';
import { upsertConnection } from '../warehouse/connections.js';
import { migrateToLatest } from '../warehouse/migrate.js';
import { getRun, type SyncRun } from '../warehouse/sync-runs.js';
import { demoConfig } from './boundary.js';
import { startDemoApi } from './demo-api.js';
import { retireEarlierDemoConnections } from './earlier-connections.js';
import { demoProvinces } from './provinces.js';
import { resolution57Rows } from './resolution57-table.js';
import { startDemoSources } from './sources.js';

function runLine(run: SyncRun): string {
  const n = (x: number) => x.toLocaleString('en');
  return `${run.connection_id.padEnd(22)} ${run.status.padEnd(9)} records ${n(run.records_fetched)} (rejected ${n(run.records_rejected)}), observations +${n(run.observations_inserted)} ~${n(run.observations_updated)}`;
}

/**
 * The main job, end to end on this machine: migrate, load the reference data, start the bundled emulators and a
 * sync worker, connect each source once per province, sync 2024-01 to now, and show each province's Resolution 57
 * indicators against its targets.
 */
export async function runDemo(hostCtx: CliContext, options: { stayUp: boolean }): Promise<number> {
  const ctx: CliContext = { ...hostCtx, config: demoConfig(hostCtx.config) };
  ctx.print('== 1. Warehouse schema and reference data');
  const applied = await migrateToLatest(ctx.db);
  ctx.print(applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date');
  printLoadReport(ctx, await loadReferenceData(ctx.db, { adminUnitsDir: ctx.config.adminUnitsDir, logger: ctx.logger }));

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
    const runs: number[] = [];
    for (const connection of connections) {
      await upsertConnection(ctx.db, connection);
      const { run, joined } = await requestSync(ctx.db, queue, { connectionId: connection.id, mode: 'incremental' });
      runs.push(run.id);
      ctx.print(`  ${connection.id}: run ${run.id}${joined ? ' (already active: following it)' : ''}`);
    }
    const finished = await followRuns(ctx, runs);
    const failed = finished.filter((r) => r.status !== 'succeeded');
    await relay.drained();
    const published = relay.published();
    ctx.print(published > 0
      ? `  ${published.toLocaleString('en')} change events published to the Redis Stream ${ctx.config.events.stream}`
      : `  the change events go to the Redis Stream ${ctx.config.events.stream} through the relay already running (\`npm run relay\`)`);

    ctx.print('\n== 4. Resolution 57 indicators by province (latest value, 2030 targets by document)');
    for (const { code, name } of demoProvinces) {
      ctx.print(`\n${code} ${name}`);
      ctx.print(renderTable(['indicator', 'latest value', 'target', 'document', 'status'], await resolution57Rows(ctx.db, code)));
    }
    ctx.print('\nNghệ An\'s Action Plan 328-KH/TU sets no numeric 2030 target; An Giang\'s two documents disagree and both are shown.');
    ctx.print('\n== 5. The catalogue');
    await printCatalogue(ctx, false);
    if (failed.length > 0) {
      ctx.print(`\n${failed.length} sync(s) did not succeed: see \`lgsp runs show <run>\`.`);
      return 1;
    }
    ctx.print('\nNext: `lgsp runs list`, `lgsp rejected list`, `lgsp query DVC_ONLINE_RATE --unit 91 --period 2025`.');
    ctx.print(`The API: curl -H 'Authorization: Bearer ${api.readKey}' '${api.url}/v1/progress?unit=91'`);
    ctx.print(`The change events (Server-Sent Events, from the start of the stream): curl -N -H 'Authorization: Bearer ${api.readKey}' '${api.url}/v1/events/stream?lastEventId=0&indicator=DVC_ONLINE_RATE'`);
    if (options.stayUp) {
      ctx.print(`\nThe API and the emulators stay up at ${api.url} until you press Ctrl-C.`);
      await untilInterrupted();
    } else ctx.print('To keep the API up after the demo: `npm run demo -- --stay-up`, or `npm run lgsp -- serve` with a key from `npm run lgsp -- apikey create --scopes read`.');
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

/** Polls the runs until each has ended, printing a line whenever a run's counters move. */
async function followRuns(ctx: CliContext, runIds: readonly number[]): Promise<SyncRun[]> {
  const last = new Map<number, string>();
  for (;;) {
    const runs = await Promise.all(runIds.map((id) => getRun(ctx.db, id)));
    for (const r of runs) {
      if (!r) continue;
      const line = runLine(r);
      if (last.get(r.id) !== line) ctx.print(`  ${line}`);
      last.set(r.id, line);
    }
    const done = runs.filter((r): r is SyncRun => r !== undefined && (r.status === 'succeeded' || r.status === 'failed'));
    if (done.length === runIds.length) return done;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
