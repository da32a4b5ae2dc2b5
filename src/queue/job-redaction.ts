/**
 * What the queue dashboard may show of a sync job: which connection and which run, never anything else a job
 * could carry (connection config, secrets, payloads), whatever a producer put in it.
 */

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A job's data reduced to its connection id and run id (when they are what they should be). */
export function redactSyncJobData(data: unknown): { connectionId?: string; runId?: number } {
  const d = record(data);
  if (d === null) return {};
  return {
    ...(typeof d.connectionId === 'string' ? { connectionId: d.connectionId } : {}),
    ...(typeof d.runId === 'number' && Number.isSafeInteger(d.runId) ? { runId: d.runId } : {}),
  };
}

/** A job's progress: the run, the stream and the counters (numbers); nothing else. */
export function redactSyncJobProgress(progress: unknown): unknown {
  if (typeof progress === 'number') return progress;
  const p = record(progress);
  if (p === null) return 0;
  return Object.fromEntries(Object.entries(p).filter(([key, value]) => typeof value === 'number' || (key === 'stream' && typeof value === 'string')));
}

/** A job's result: the run, its status and the note the worker wrote. */
export function redactSyncJobResult(result: unknown): unknown {
  const r = record(result);
  if (r === null) return null;
  return {
    ...(typeof r.runId === 'number' ? { runId: r.runId } : {}),
    ...(typeof r.status === 'string' ? { status: r.status } : {}),
    ...(typeof r.note === 'string' ? { note: r.note } : {}),
  };
}
