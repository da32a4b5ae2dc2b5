import { z } from 'zod';
import type { Db } from '../warehouse/database.js';
import type { SyncQueue } from './sync-queue.js';

/** A connection's schedule: a cron expression in a time zone, or every N minutes. */
export const scheduleSchema = z.union([
  z.object({ cron: z.string().min(9, 'expected a cron expression such as "0 2 * * *"'), tz: z.string().default('Asia/Ho_Chi_Minh') }).strict(),
  z.object({ everyMinutes: z.number().int().min(1, 'expected at least 1 minute') }).strict(),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

const schedulerPrefix = 'schedule:';
export const schedulerId = (connectionId: string) => `${schedulerPrefix}${connectionId}`;

export function describeSchedule(s: Schedule): string {
  return 'cron' in s ? `cron "${s.cron}" (${s.tz})` : `every ${s.everyMinutes} min`;
}

export interface ReconcileReport {
  readonly upserted: string[];
  readonly removed: string[];
  readonly invalid: { connectionId: string; reason: string }[];
}

/**
 * Makes the queue's job schedulers match the database: one per connection with a valid schedule that is not
 * paused; none for the others. Idempotent; run at scheduler start-up and whenever a schedule changes.
 */
export async function reconcileSchedules(db: Db, queue: SyncQueue): Promise<ReconcileReport> {
  const connections = await db.selectFrom('connection').select(['id', 'schedule', 'paused']).execute();
  const wanted = new Map<string, Schedule>();
  const invalid: ReconcileReport['invalid'] = [];
  for (const c of connections) {
    if (c.schedule === null || c.paused) continue;
    const parsed = scheduleSchema.safeParse(c.schedule);
    if (parsed.success) wanted.set(c.id, parsed.data);
    else invalid.push({ connectionId: c.id, reason: parsed.error.issues.map((i) => i.message).join('; ') });
  }
  const upserted: string[] = [];
  for (const [connectionId, s] of wanted) {
    const repeat = 'cron' in s ? { pattern: s.cron, tz: s.tz } : { every: s.everyMinutes * 60_000 };
    await queue.upsertJobScheduler(schedulerId(connectionId), repeat, { name: 'scheduled-sync', data: { connectionId } });
    upserted.push(connectionId);
  }
  const removed: string[] = [];
  for (const s of await queue.getJobSchedulers()) {
    const id = s.key.startsWith(schedulerPrefix) ? s.key : (s.id ?? '');
    const connectionId = id.slice(schedulerPrefix.length);
    if (id.startsWith(schedulerPrefix) && !wanted.has(connectionId)) {
      await queue.removeJobScheduler(id);
      removed.push(connectionId);
    }
  }
  return { upserted, removed, invalid };
}
