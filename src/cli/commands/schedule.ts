import { defaultRepeatStrategy } from 'bullmq';
import type { Command } from 'commander';
import { sql, type RawBuilder } from 'kysely';
import { describeSchedule, reconcileSchedules, scheduleSchema, schedulerId, type Schedule } from '../../queue/schedules.js';
import type { SyncQueue } from '../../queue/sync-queue.js';
import type { Connection } from '../../warehouse/connections.js';
import { ExitCode, type CliContext } from '../context.js';
import { ConflictError, note, positiveInt, requireConnection, runOperatorCommand, UsageError, withSyncQueue } from '../operator.js';

export const defaultTimeZone = 'Asia/Ho_Chi_Minh';

function scheduleError(message: string): UsageError {
  return new UsageError('SCHEDULE_INVALID', message);
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
    throw scheduleError(`time zone "${s.tz}" is not known: use an IANA name such as ${defaultTimeZone} or UTC.`);
  }
  const fields = s.cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    throw scheduleError(`cron expression "${s.cron}" has ${fields} field(s): write minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every day.`);
  }
  let next: number | undefined;
  try {
    next = defaultRepeatStrategy(now, { pattern: s.cron, tz: s.tz });
  } catch (cause) {
    throw scheduleError(`cron expression "${s.cron}" is not valid (${(cause as Error).message}): write minute hour day-of-month month day-of-week, e.g. "0 2 * * *".`);
  }
  if (next === undefined) throw scheduleError(`cron expression "${s.cron}" never fires: choose one that does, e.g. "0 2 * * *".`);
  return new Date(next);
}

function checked(candidate: unknown): Schedule {
  const parsed = scheduleSchema.safeParse(candidate);
  if (!parsed.success) throw scheduleError(`${parsed.error.issues.map((i) => i.message).join('; ')}.`);
  validateSchedule(parsed.data);
  return parsed.data;
}

/** `--schedule` of `connections add`: "cron=0 2 * * *,tz=Asia/Ho_Chi_Minh" (tz optional) or "every=60" (minutes). */
export function parseScheduleSpec(text: string): Schedule {
  const spec = text.trim();
  const every = /^every=(\d+)$/.exec(spec);
  if (every) return checked({ everyMinutes: Number(every[1]) });
  const cron = /^cron=(.+?)(?:,\s*tz=([^,]+))?$/.exec(spec);
  if (cron) return checked({ cron: (cron[1] ?? '').trim(), tz: (cron[2] ?? defaultTimeZone).trim() });
  throw scheduleError(`--schedule "${text}" is not a schedule: write "cron=0 2 * * *,tz=${defaultTimeZone}" (tz optional, default ${defaultTimeZone}) or "every=60" (minutes).`);
}

/** The stored schedule of a connection, or null when it has none (or one that is no longer valid). */
export function storedSchedule(c: Pick<Connection, 'schedule'>): { schedule: Schedule | null; invalid?: string } {
  if (c.schedule === null) return { schedule: null };
  const parsed = scheduleSchema.safeParse(c.schedule);
  return parsed.success ? { schedule: parsed.data } : { schedule: null, invalid: parsed.error.issues.map((i) => i.message).join('; ') };
}

export function scheduleText(c: Pick<Connection, 'schedule' | 'paused'>): string {
  const { schedule, invalid } = storedSchedule(c);
  if (invalid !== undefined) return `invalid (${invalid})`;
  if (schedule === null) return c.paused ? '- (paused)' : '-';
  return describeSchedule(schedule);
}

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

/**
 * Brings BullMQ's job schedulers in line with the database right away (the scheduler process does it too, but
 * only every minute) and returns this connection's scheduler, if it has one now.
 */
export async function applySchedules(ctx: CliContext, queue: SyncQueue, connectionId: string): Promise<SchedulerState | null> {
  const report = await reconcileSchedules(ctx.db, queue);
  for (const bad of report.invalid) note(`warning: connection ${bad.connectionId} has an invalid schedule (${bad.reason}); fix it with \`lgsp schedule set ${bad.connectionId}\``);
  const scheduler = await queue.getJobScheduler(schedulerId(connectionId));
  if (!scheduler) return null;
  const next = scheduler.next;
  return {
    id: schedulerId(connectionId),
    next: next === undefined ? null : new Date(next).toISOString(),
    ...(next !== undefined && scheduler.pattern !== undefined && scheduler.tz !== undefined ? { nextLocal: localTime(next, scheduler.tz) } : {}),
  };
}

export function schedulerText(s: SchedulerState | null, paused: boolean): string {
  if (s) return `next sync at ${s.nextLocal !== undefined ? `${s.nextLocal} (${s.next ?? '?'})` : (s.next ?? 'an unknown time')}`;
  return paused ? 'paused: no sync is scheduled until `lgsp schedule resume`' : 'no sync is scheduled';
}

type ScheduleRow = Pick<Connection, 'id' | 'schedule' | 'paused'>;

async function updateConnection(ctx: CliContext, statement: RawBuilder<ScheduleRow>): Promise<ScheduleRow> {
  const [row] = (await statement.execute(ctx.db)).rows;
  if (!row) throw new Error('the connection disappeared during the update');
  return row;
}

interface SetFlags {
  cron?: string;
  tz?: string;
  every?: number;
  json?: boolean;
}

function scheduleFromFlags(flags: SetFlags): Schedule {
  if ((flags.cron === undefined) === (flags.every === undefined)) {
    throw new UsageError('SCHEDULE_INVALID', 'give either --cron "<expr>" [--tz <zone>] or --every <minutes>, not both and not neither.');
  }
  if (flags.every !== undefined) {
    if (flags.tz !== undefined) throw scheduleError('--tz applies to --cron only: an --every schedule counts minutes from when it is set.');
    return checked({ everyMinutes: flags.every });
  }
  return checked({ cron: (flags.cron ?? '').trim(), tz: flags.tz ?? defaultTimeZone });
}

function output(ctx: CliContext, json: boolean | undefined, c: Pick<Connection, 'id' | 'schedule' | 'paused'>, scheduler: SchedulerState | null, headline: string): void {
  if (json === true) {
    ctx.print(JSON.stringify({ connection: c.id, schedule: storedSchedule(c).schedule, paused: c.paused, scheduler }, null, 2));
    return;
  }
  ctx.print(`${headline}; ${schedulerText(scheduler, c.paused)}`);
}

/** Sets the connection's schedule (keeping it paused if it was) and registers it with BullMQ at once. */
export async function runScheduleSet(ctx: CliContext, connectionId: string, flags: SetFlags): Promise<number> {
  const schedule = scheduleFromFlags(flags);
  await requireConnection(ctx, connectionId);
  return withSyncQueue(ctx, async (queue) => {
    const c = await updateConnection(ctx, sql<ScheduleRow>`update connection set schedule = ${JSON.stringify(schedule)}::jsonb, updated_at = now() where id = ${connectionId} returning id, schedule, paused`);
    const scheduler = await applySchedules(ctx, queue, connectionId);
    output(ctx, flags.json, c, scheduler, `connection ${connectionId}: schedule ${describeSchedule(schedule)}${c.paused ? ' (paused)' : ''}`);
    return ExitCode.ok;
  });
}

/** Pauses or resumes the connection's schedule. Manual `lgsp sync` still works on a paused connection. */
export async function runSchedulePause(ctx: CliContext, connectionId: string, paused: boolean, flags: { json?: boolean }): Promise<number> {
  const before = await requireConnection(ctx, connectionId);
  if (!paused && before.schedule === null) {
    throw new ConflictError('SCHEDULE_MISSING', `connection ${connectionId} has no schedule to resume: set one with \`lgsp schedule set ${connectionId} --cron "0 2 * * *"\` or \`--every 60\`.`);
  }
  return withSyncQueue(ctx, async (queue) => {
    const c = await updateConnection(ctx, sql<ScheduleRow>`update connection set paused = ${paused}, updated_at = now() where id = ${connectionId} returning id, schedule, paused`);
    const scheduler = await applySchedules(ctx, queue, connectionId);
    const what = before.paused === paused ? `was already ${paused ? 'paused' : 'active'}` : paused ? 'paused' : 'resumed';
    const current = storedSchedule(c).schedule;
    output(ctx, flags.json, c, scheduler, `connection ${connectionId} ${what} (${current ? `schedule ${describeSchedule(current)}` : 'no schedule set yet'})`);
    return ExitCode.ok;
  });
}

export function registerScheduleCommands(program: Command): void {
  const schedule = program
    .command('schedule')
    .description("a connection's sync schedule (a BullMQ job scheduler, updated at once)");
  schedule
    .command('set')
    .description('sync the connection on a cron schedule in a time zone, or every N minutes')
    .argument('<connection>', 'connection id')
    .option('--cron <expr>', 'cron expression, e.g. "0 2 * * *" (02:00 every day)')
    .option('--tz <zone>', `time zone of --cron (default ${defaultTimeZone})`)
    .option('--every <minutes>', 'every N minutes', positiveInt('minutes'))
    .option('--json', 'machine-readable result')
    .action(async (connection: string, flags: SetFlags) => {
      await runOperatorCommand((ctx) => runScheduleSet(ctx, connection, flags));
    });
  schedule
    .command('pause')
    .description('stop scheduled syncs of the connection (manual `lgsp sync` still works)')
    .argument('<connection>', 'connection id')
    .option('--json', 'machine-readable result')
    .action(async (connection: string, flags: { json?: boolean }) => {
      await runOperatorCommand((ctx) => runSchedulePause(ctx, connection, true, flags));
    });
  schedule
    .command('resume')
    .description('start scheduled syncs of the connection again')
    .argument('<connection>', 'connection id')
    .option('--json', 'machine-readable result')
    .action(async (connection: string, flags: { json?: boolean }) => {
      await runOperatorCommand((ctx) => runSchedulePause(ctx, connection, false, flags));
    });
}
