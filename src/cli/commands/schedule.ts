import type { Command } from 'commander';
import {
  checkSchedule, defaultTimeZone, setSchedule, setSchedulePaused, storedSchedule,
  type AppliedSchedules, type ScheduleInput, type ScheduleSpelling, type SchedulerState,
} from '../../operations/schedules.js';
import { describeSchedule, type Schedule } from '../../queue/schedules.js';
import type { Connection } from '../../warehouse/connections.js';
import { ExitCode, type CliContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { note, positiveInt, requireConnection, runOperatorCommand, withSyncQueue } from '../operator.js';

/** The schedule flags, as the messages of the shared schedule checks name them. */
export const scheduleFlags: ScheduleSpelling = { cron: '--cron "<expr>"', tz: '--tz <zone>', everyMinutes: '--every <minutes>' };

/** `--schedule` of `connections add`: "cron=0 2 * * *,tz=Asia/Ho_Chi_Minh" (tz optional) or "every=60" (minutes). */
export function parseScheduleSpec(text: string): ScheduleInput {
  const spec = text.trim();
  const every = /^every=(\d+)$/.exec(spec);
  if (every) return { everyMinutes: Number(every[1]) };
  const cron = /^cron=(.+?)(?:,\s*tz=([^,]+))?$/.exec(spec);
  if (cron) return { cron: (cron[1] ?? '').trim(), tz: (cron[2] ?? defaultTimeZone).trim() };
  throw new UsageError('SCHEDULE_INVALID', `--schedule "${text}" is not a schedule: write "cron=0 2 * * *,tz=${defaultTimeZone}" (tz optional, default ${defaultTimeZone}) or "every=60" (minutes).`);
}

export function scheduleText(c: Pick<Connection, 'schedule' | 'paused'>): string {
  const { schedule, invalid } = storedSchedule(c);
  if (invalid !== undefined) return `invalid (${invalid})`;
  if (schedule === null) return c.paused ? '- (paused)' : '-';
  return describeSchedule(schedule);
}

/** Warns about connections whose stored schedule is invalid (they have no scheduler until fixed). */
export function noteInvalidSchedules(invalid: AppliedSchedules['invalid']): void {
  for (const bad of invalid) note(`warning: connection ${bad.connectionId} has an invalid schedule (${bad.reason}); fix it with \`lgsp schedule set ${bad.connectionId}\``);
}

export function schedulerText(s: SchedulerState | null, paused: boolean): string {
  if (s) return `next sync at ${s.nextLocal !== undefined ? `${s.nextLocal} (${s.next ?? '?'})` : (s.next ?? 'an unknown time')}`;
  return paused ? 'paused: no sync is scheduled until `lgsp schedule resume`' : 'no sync is scheduled';
}

interface SetFlags {
  cron?: string;
  tz?: string;
  every?: number;
  json?: boolean;
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
  const input: ScheduleInput = { cron: flags.cron, tz: flags.tz, everyMinutes: flags.every };
  const schedule: Schedule = checkSchedule(input, scheduleFlags); // before Redis is needed: bad usage is exit 2 whatever Redis does
  await requireConnection(ctx, connectionId);
  return withSyncQueue(ctx, async (queue) => {
    const state = await setSchedule(ctx.db, queue, connectionId, input, scheduleFlags);
    noteInvalidSchedules(state.invalid);
    const c = state.connection;
    output(ctx, flags.json, c, state.scheduler, `connection ${connectionId}: schedule ${describeSchedule(schedule)}${c.paused ? ' (paused)' : ''}`);
    return ExitCode.ok;
  });
}

/** Pauses or resumes the connection's schedule. Manual `lgsp sync` still works on a paused connection. */
export async function runSchedulePause(ctx: CliContext, connectionId: string, paused: boolean, flags: { json?: boolean }): Promise<number> {
  await requireConnection(ctx, connectionId);
  return withSyncQueue(ctx, async (queue) => {
    const state = await setSchedulePaused(ctx.db, queue, connectionId, paused);
    noteInvalidSchedules(state.invalid);
    const c = state.connection;
    const what = state.wasPaused === paused ? `was already ${paused ? 'paused' : 'active'}` : paused ? 'paused' : 'resumed';
    const current = storedSchedule(c).schedule;
    output(ctx, flags.json, c, state.scheduler, `connection ${connectionId} ${what} (${current ? `schedule ${describeSchedule(current)}` : 'no schedule set yet'})`);
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
