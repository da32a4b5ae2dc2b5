import { constants } from 'node:fs';
import { copyFile, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { leftOutCount, rowsLeftOut, type LeftOutRows } from '../../../connectors/spreadsheet/left-out-rows.js';
import { parseWorkbook } from '../../../connectors/spreadsheet/workbook.js';
import { ensureInbox } from '../../boundary/inbox.js';
import { fileTooLarge, inspectZip } from '../../boundary/zip-limits.js';
import type { WorkbookLimits } from '../../config/env.js';
import { executeRun } from '../../pipeline/run-sync.js';
import type { Connection } from '../../warehouse/connections.js';
import { createRun, getRun, recordRunError, type SyncRun } from '../../warehouse/sync-runs.js';
import { ExitCode, type CliContext } from '../context.js';
import { countsOf } from '../../operations/runs.js';
import { describeRunFailure, formatCounts } from '../format-run.js';
import { ConflictError, UsageError } from '../../errors.js';
import { loadConnectors, note, requireConnection, runOperatorCommand } from '../operator.js';
import { renderTable } from '../table.js';

interface UploadFlags {
  json?: boolean;
}

/** A row the run refused: where it is in which workbook, and why. */
interface RejectedRow {
  readonly file: string | null;
  readonly row: number | null;
  readonly code: string;
  readonly reason: string;
}

const spreadsheetConnector = 'spreadsheet';

/** The workbook to upload: a readable .xlsx file within the host's workbook limits (checked before anything is written). */
async function requireWorkbook(path: string, limits: WorkbookLimits): Promise<string> {
  const full = resolve(path);
  if (!/\.xlsx$/i.test(full)) throw new UsageError('UPLOAD_NOT_XLSX', `${path} is not an Excel workbook (.xlsx): save it as "Excel Workbook (*.xlsx)" from the template and upload that.`);
  let bytes: Buffer;
  try {
    const info = await stat(full);
    if (!info.isFile()) throw new UsageError('UPLOAD_FILE_NOT_FOUND', `${path} is a folder, not a workbook.`);
    // Its size first: a huge file is refused without being read.
    if (info.size > limits.maxBytes) throw fileTooLarge(info.size, limits);
    bytes = await readFile(full);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError('UPLOAD_FILE_NOT_FOUND', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): give the path of the workbook to upload.`);
  }
  await inspectZip(bytes, limits);
  // A readable zip that is not a workbook (a .docx renamed) is bad input, refused here (exit 2): the run would load
  // nothing and reject the file as one row.
  const parsed = await parseWorkbook(bytes, limits);
  if (!parsed.ok && parsed.code === 'FILE_UNREADABLE') throw new UsageError('WORKBOOK_UNREADABLE', `${path}: ${parsed.reason}`);
  return full;
}

/** The connection's inbox name, from its config: a folder under the host's inbox root. */
function inboxOf(connection: Connection): string {
  if (connection.connector_id !== spreadsheetConnector) {
    throw new UsageError('UPLOAD_NOT_A_SPREADSHEET_CONNECTION', `connection ${connection.id} uses connector ${connection.connector_id}; workbooks are uploaded to a connection of connector ${spreadsheetConnector}.`);
  }
  const config = connection.config as { inbox?: unknown } | null;
  if (typeof config?.inbox !== 'string' || config.inbox.trim() === '') {
    throw new UsageError('CONNECTION_CONFIG_INVALID', `connection ${connection.id} has no inbox folder in its config: set {"inbox": "<folder under the inbox root>"}.`);
  }
  return config.inbox.trim();
}

/** Copies the workbook into the inbox under its own name (replacing an earlier upload of that name) atomically. */
async function placeInInbox(source: string, inbox: string): Promise<string> {
  const name = basename(source);
  const target = join(inbox, name);
  if (resolve(target) === source) return name;
  const partial = join(inbox, `.${name}.${process.pid}.part`);
  // Never written through a link left at the partial's name: removed first (the link, not its target), then created anew.
  await rm(partial, { force: true });
  await copyFile(source, partial, constants.COPYFILE_EXCL);
  await rename(partial, target);
  return name;
}

/** Runs an incremental sync of the connection in this process, recording a failure on the run like a worker does. */
async function syncNow(ctx: CliContext, connectionId: string): Promise<SyncRun> {
  const { run, joined } = await createRun(ctx.db, { connectionId, mode: 'incremental' });
  if (joined) {
    throw new ConflictError('SYNC_ALREADY_ACTIVE', `connection ${connectionId} already has run ${run.id} ${run.status}; the workbook is in the inbox and that run or the next sync loads it. Follow it with \`lgsp runs show ${run.id} --wait\`.`);
  }
  const connectors = await loadConnectors(ctx);
  try {
    return await executeRun({ db: ctx.db, logger: ctx.logger, connectors, boundary: ctx.config.boundary }, run.id, { signal: new AbortController().signal });
  } catch (error) {
    await recordRunError(ctx.db, run.id, error, true);
    return (await getRun(ctx.db, run.id)) ?? run;
  }
}

async function rejectedRows(ctx: CliContext, runId: number): Promise<RejectedRow[]> {
  const rows = await ctx.db.selectFrom('rejected_record').select(['code', 'reason', 'location']).where('sync_run_id', '=', runId).orderBy('id').execute();
  return rows.map((r) => {
    const location = r.location as { file?: unknown; row?: unknown } | null;
    return { file: typeof location?.file === 'string' ? location.file : null, row: typeof location?.row === 'number' ? location.row : null, code: r.code, reason: r.reason };
  });
}

/** "40: 12 rows, 96: 1 row; 2 national rows" */
function describeLeftOut(rows: LeftOutRows): string {
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const provinces = Object.entries(rows.byProvince).sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code}: ${plural(n, 'row')}`);
  return [...provinces, ...(rows.national > 0 ? [plural(rows.national, 'national row')] : [])].join(', ');
}

function printReport(ctx: CliContext, file: string, run: SyncRun, rejected: readonly RejectedRow[], leftOut: LeftOutRows): void {
  const loaded = run.records_fetched - run.records_rejected;
  // The inbox cursor holds each file's hash: unchanged, the run found these bytes already processed.
  const sameBytes = JSON.stringify(run.cursor_before) === JSON.stringify(run.cursor_after);
  if (sameBytes) ctx.print(`${file}: the inbox already had these exact bytes; nothing new to load (run ${run.id}).`);
  else ctx.print(`${file}: ${loaded} row(s) loaded, ${run.records_rejected} rejected (run ${run.id}); observations ${run.observations_inserted} inserted, ${run.observations_updated} updated, ${run.observations_removed} removed, ${run.observations_unchanged} unchanged.`);
  if (leftOutCount(leftOut) > 0) {
    ctx.print(`${leftOutCount(leftOut)} row(s) not for this connection, which loads ${leftOut.covered.length === 1 ? 'province' : 'provinces'} ${leftOut.covered.join(', ')} only (${describeLeftOut(leftOut)}): left to the connections of their provinces, neither loaded nor rejected. Upload the workbook to those connections too (\`lgsp connections list\`).`);
  }
  if (rejected.length > 0) {
    ctx.print(renderTable(['file', 'row', 'code', 'reason'], rejected.map((r) => [r.file ?? '-', r.row === null ? '-' : String(r.row), r.code, r.reason])));
    ctx.print('Fix these rows in the workbook and upload it again under the same name: it replaces this upload.');
  }
}

export async function runUpload(ctx: CliContext, connectionId: string, path: string, flags: UploadFlags): Promise<number> {
  const limits = ctx.config.boundary.workbook;
  const source = await requireWorkbook(path, limits);
  const connection = await requireConnection(ctx, connectionId);
  const inbox = await ensureInbox(inboxOf(connection), ctx.config.boundary.inboxRoot);
  const file = await placeInInbox(source, inbox);
  const run = await syncNow(ctx, connectionId);
  const rejected = await rejectedRows(ctx, run.id);
  const leftOut = await rowsLeftOut(source, connection.config, limits);
  const code = run.status !== 'succeeded' ? ExitCode.failure : rejected.length > 0 ? ExitCode.partial : ExitCode.ok;
  if (flags.json === true) {
    ctx.print(JSON.stringify({ file, inbox, runId: run.id, status: run.status, rowsLoaded: run.records_fetched - run.records_rejected, rowsRejected: run.records_rejected, rowsLeftOut: leftOut, counts: countsOf(run), rejected }, null, 2));
  } else if (run.status === 'succeeded') {
    printReport(ctx, file, run, rejected, leftOut);
  }
  if (run.status !== 'succeeded') for (const line of describeRunFailure(run)) note(line);
  else ctx.logger.debug({ counts: formatCounts(countsOf(run)) }, 'upload synced');
  return code;
}

export function registerUploadCommand(program: Command): void {
  program
    .command('upload')
    .description('put a workbook into a spreadsheet connection\'s inbox (under LGSP_INBOX_ROOT) and load it now: exit 0 all rows loaded, 3 some rejected, 1 failed, 2 bad file (unreadable, over the workbook limits) or connection')
    .argument('<connection>', 'connection id (of connector spreadsheet)')
    .argument('<file>', 'the workbook (.xlsx) filled in from the template')
    .option('--json', 'machine-readable report')
    .action(async (connection: string, file: string, flags: UploadFlags) => {
      await runOperatorCommand((ctx) => runUpload(ctx, connection, file, flags));
    });
}
