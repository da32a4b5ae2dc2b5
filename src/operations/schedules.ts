import { defaultRepeatStrategy } from 'bullmq';
import { sql, type RawBuilder } from 'kysely';
import { ConflictError } from '../errors.js';
import { reconcileSchedules, scheduleSchema, schedulerId, type ReconcileReport, type Schedule } from '../queue/schedules.js';
import type { SyncQueue } from '../queue/sync-queue.js';
import type { Connection } from '../warehouse/connections.js';
import type { Db } from '../warehouse/database.js';
import { InvalidInputError, type FieldIssue } from './input-error.js';
import { requireConnection } from './lookups.js';

export const defaultTimeZone = 'Asia/Ho_Chi_Minh';

/** A schedule as asked for: a cron expression (with a time zone, default Asia/Ho_Chi_Minh) or every N minutes. */
export interface ScheduleInput {
  readonly cron?: string | undefined;
  readonly tz?: string | undefined;
  readonly everyMinutes?: number | undefined;
}

/** How an interface names a schedule's inputs in messages: the CLI its flags, the API its body fields. */
export interface ScheduleSpelling {
  readonly cron: string;
  readonly tz: string;
  readonly everyMinutes: string;
}

export const scheduleFieldNames: ScheduleSpelling = { cron: 'cron', tz: 'tz', everyMinutes: 'everyMinutes' };

function scheduleError(message: string, field: string): InvalidInputError {
  return new InvalidInputError('SCHEDULE_INVALID', message, [{ field, message }]);
}

/**
 * Proves a schedule will fire: a known IANA time zone and a cron expression BullMQ's own parser accepts
 * (5 fields, or 6 with seconds). Returns when it fires next.
 */
export function validateSchedule(s: Schedule, now: number = Date.now()): Date {
  if ('everyMinutes' in s) return new Date(now + s.everyMinutes * 60_000);
  try {
    new Intl.DateTimeFormat('en', { timeZone: s.tz });
  } catch {
    throw scheduleError(`time zone "${s.tz}" is not known: use an IANA name such as ${defaultTimeZone} or UTC.`, 'tz');
  }
  const fields = s.cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    throw scheduleError(`cron expression "${s.cron}" has ${fields} field(s): write minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every day.`, 'cron');
  }
  let next: number | undefined;
  try {
    next = defaultRepeatStrategy(now, { pattern: s.cron, tz: s.tz });
  } catch (cause) {
    throw scheduleError(`cron expression "${s.cron}" is not valid (${(cause as Error).message}): write minute hour day-of-month month day-of-week, e.g. "0 2 * * *".`, 'cron');
  }
  if (next === undefined) throw scheduleError(`cron expression "${s.cron}" never fires: choose one that does, e.g. "0 2 * * *".`, 'cron');
  return new Date(next);
}

/**
 * The schedule asked for, checked: cron (and tz) or every N minutes, never both; a cron expression that fires, in a
 * known time zone. Throws InvalidInputError (SCHEDULE_INVALID) naming the field at fault.
 */
export function checkSchedule(input: ScheduleInput, spelling: ScheduleSpelling = scheduleFieldNames): Schedule {
  const hasCron = input.cron !== undefined;
  const hasEvery = input.everyMinutes !== undefined;
  if (hasCron === hasEvery) {
    throw scheduleError(`give either ${spelling.cron} [${spelling.tz}] or ${spelling.everyMinutes}, not both and not neither.`, hasCron ? 'everyMinutes' : 'cron');
  }
  if (hasEvery && input.tz !== undefined) {
    throw scheduleError(`${spelling.tz} applies to ${spelling.cron} only: an ${spelling.everyMinutes} schedule counts minutes from when it is set.`, 'tz');
  }
  const candidate = hasEvery ? { everyMinutes: input.everyMinutes } : { cron: (input.cron ?? '').trim(), tz: (input.tz ?? defaultTimeZone).trim() };
  const parsed = scheduleSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues: FieldIssue[] = parsed.error.issues.map((i) => ({ field: i.path.join('.') || (hasEvery ? 'everyMinutes' : 'cron'), message: i.message }));
    throw new InvalidInputError('SCHEDULE_INVALID', `${issues.map((i) => i.message).join('; ')}.`, issues);
  }
  validateSchedule(parsed.data);
  return parsed.data;
}

/** The stored schedule of a connection, or null when it has none (or one that is no longer valid). */
export function storedSchedule(c: Pick<Connection, 'schedule'>): { schedule: Schedule | null; invalid?: string } {
  if (c.schedule === null) return { schedule: null };
  const parsed = scheduleSchema.safeParse(c.schedule);
  return parsed.success ? { schedule: parsed.data } : { schedule: null, invalid: parsed.error.issues.map((i) => i.message).join('; ') };
}

/** A connection's BullMQ job scheduler: when it fires next. */
export interface SchedulerState {
  readonly id: string;
  /** When the scheduler fires next (ISO, UTC). */
  readonly next: string | null;
  /** The same in the schedule's time zone, for cron schedules: "2026-11-23 02:00 Asia/Ho_Chi_Minh". */
  readonly nextLocal?: string;
}

function localTime(ms: number, tz: string): string {
  const text = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
  return `${text} ${tz}`;
}

export interface AppliedSchedules {
  /** This connection's scheduler, if it has one now. */
  readonly scheduler: SchedulerState | null;
  /** Connections whose stored schedule is invalid (they have no scheduler until it is fixed). */
  readonly invalid: ReconcileReport['invalid'];
}

/**
 * Brings BullMQ's job schedulers in line with the database right away (the scheduler process does it too, but
 * only every minute) and returns this connection's scheduler, if it has one now.
 */
export async function applySchedules(db: Db, queue: SyncQueue, connectionId: string): Promise<AppliedSchedules> {
  const report = await reconcileSchedules(db, queue);
  const scheduler = await queue.getJobScheduler(schedulerId(connectionId));
  if (!scheduler) return { scheduler: null, invalid: report.invalid };
  const next = scheduler.next;
  return {
    scheduler: {
      id: schedulerId(connectionId),
      next: next === undefined ? null : new Date(next).toISOString(),
      ...(next !== undefined && scheduler.pattern !== undefined && scheduler.tz !== undefined ? { nextLocal: localTime(next, scheduler.tz) } : {}),
    },
    invalid: report.invalid,
  };
}

type ScheduleRow = Pick<Connection, 'id' | 'schedule' | 'paused'>;

/** A connection's schedule after a change: stored, and as BullMQ has it. */
export interface ScheduleState extends AppliedSchedules {
  readonly connection: ScheduleRow;
  /** Whether the connection was paused before the change. */
  readonly wasPaused: boolean;
}

async function updateConnection(db: Db, statement: RawBuilder<ScheduleRow>): Promise<ScheduleRow> {
  const [row] = (await statement.execute(db)).rows;
  if (!row) throw new Error('the connection disappeared during the update');
  return row;
}

/** Sets the connection's schedule (keeping it paused if it was) and registers it with BullMQ at once. */
export async function setSchedule(db: Db, queue: SyncQueue, connectionId: string, input: ScheduleInput, spelling?: ScheduleSpelling): Promise<ScheduleState> {
  const schedule = checkSchedule(input, spelling);
  const before = await requireConnection(db, connectionId);
  const connection = await updateConnection(db, sql<ScheduleRow>`update connection set schedule = ${JSON.stringify(schedule)}::jsonb, updated_at = now() where id = ${connectionId} returning id, schedule, paused`);
  return { connection, wasPaused: before.paused, ...(await applySchedules(db, queue, connectionId)) };
}

/**
 * Pauses or resumes the connection's schedule, in the database and in BullMQ at once. Resuming a connection without
 * a schedule is refused (ConflictError). Manual syncs still work on a paused connection.
 */
export async function setSchedulePaused(db: Db, queue: SyncQueue, connectionId: string, paused: boolean): Promise<ScheduleState> {
  const before = await requireConnection(db, connectionId);
  if (!paused && before.schedule === null) {
    throw new ConflictError(
      'SCHEDULE_MISSING',
      `connection ${connectionId} has no schedule to resume: set one with \`lgsp schedule set ${connectionId} --cron "0 2 * * *"\` or \`--every 60\` (PUT /v1/connections/${connectionId}/schedule).`,
    );
  }
  const connection = await updateConnection(db, sql<ScheduleRow>`update connection set paused = ${paused}, updated_at = now() where id = ${connectionId} returning id, schedule, paused`);
  return { connection, wasPaused: before.paused, ...(await applySchedules(db, queue, connectionId)) };
}
