import cliProgress from 'cli-progress';
import { isTerminal } from '../operations/runs.js';
import type { Db } from '../warehouse/database.js';
import { getRun, type SyncRun } from '../warehouse/sync-runs.js';

/**
 * Follows several runs to their end. On a terminal a progress bar shows how many have ended, the records fetched
 * so far, their rate and the time left (cli-progress); elsewhere nothing is drawn and the caller prints the result.
 */
export async function followRuns(db: Db, runIds: readonly number[], options: { readonly pollMs?: number; readonly drawOn?: NodeJS.WriteStream } = {}): Promise<SyncRun[]> {
  const stream = options.drawOn ?? process.stderr;
  const bar = stream.isTTY
    ? new cliProgress.SingleBar({
        stream,
        format: '  syncing {bar} {value}/{total} runs ended · {records} records · {rate} records/s · {eta_formatted} left',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      }, cliProgress.Presets.shades_classic)
    : null;
  const started = Date.now();
  bar?.start(runIds.length, 0, { records: '0', rate: '0' });
  try {
    for (;;) {
      const runs = (await Promise.all(runIds.map((id) => getRun(db, id)))).filter((r): r is SyncRun => r !== undefined);
      const ended = runs.filter((r) => isTerminal(r.status));
      const records = runs.reduce((sum, r) => sum + r.records_fetched, 0);
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar?.update(ended.length, { records: records.toLocaleString('en'), rate: Math.round(records / seconds).toLocaleString('en') });
      if (ended.length === runIds.length) return runs;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
  } finally {
    bar?.stop();
  }
}
