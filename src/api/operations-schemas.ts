import { z } from 'zod';
import { secretRefSchema } from '../connector-sdk/secrets.js';
import { connectionIdPattern } from '../operations/connections.js';
import { InvalidInputError, issuesUnder } from '../operations/input-error.js';
import { countKeys } from '../operations/runs.js';
import { monthPattern } from '../operations/syncs.js';
import type { SyncMode, SyncStatus } from '../warehouse/schema.js';
import { ApiProblem } from './problem.js';

/** Schemas and helpers the operations routes (connections, schedules, syncs, runs, rejected records) share. */

export const tags = ['operations'];

export const syncModes = ['incremental', 'full_refresh', 'backfill', 'replay', 'reprocess'] as const satisfies readonly SyncMode[];
export const syncStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const satisfies readonly SyncStatus[];

/**
 * Runs an operation; input it refuses (InvalidInputError) becomes a 400 problem naming each field under where the
 * input came from (`body` + `config.baseUrl` -> `body.config.baseUrl`), like schema validation does.
 */
export async function withFieldsIn<T>(where: 'body' | 'querystring' | 'params', operation: () => T | Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof InvalidInputError) throw new ApiProblem(error.code, error.message, issuesUnder(where, error.issues));
    throw error;
  }
}

export const connectionIdParam = z
  .string()
  .regex(connectionIdPattern, 'expected a connection id: lowercase letters, digits and dashes, e.g. dvc-an-giang')
  .max(200)
  .describe('Connection id');

export const runIdParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('Run id');

const month = z.string().regex(monthPattern, 'expected a month YYYY-MM, e.g. 2025-01');

// ---------------------------------------------------------------------------------------------------------------
// schedules

export const scheduleSchema = z
  .union([
    z.object({ cron: z.string().describe('Cron expression: minute hour day-of-month month day-of-week (or 6 fields with seconds)'), tz: z.string().describe('IANA time zone of the cron expression') }),
    z.object({ everyMinutes: z.number().int().describe('Every N minutes from when it was set') }),
  ])
  .meta({ id: 'Schedule', description: 'A cron expression in a time zone, or every N minutes' });

export const scheduleRequestSchema = z
  .strictObject({
    cron: z.string().min(1).max(200).optional().describe('Cron expression, e.g. "0 2 * * *" (02:00 every day); give this or everyMinutes'),
    tz: z.string().min(1).max(100).optional().describe('IANA time zone of `cron`; default Asia/Ho_Chi_Minh'),
    everyMinutes: z.number().int().min(1).max(527_040).optional().describe('Every N minutes instead of a cron expression'),
  })
  .meta({ id: 'ScheduleRequest', description: 'Either `cron` (with `tz`) or `everyMinutes`, as `lgsp schedule set --cron/--tz | --every`' });

export const schedulerSchema = z
  .object({
    id: z.string().describe('The BullMQ job scheduler'),
    next: z.string().nullable().describe('When it fires next (ISO 8601, UTC)'),
    nextLocal: z.string().optional().describe('The same in the schedule\'s time zone, for cron schedules'),
  })
  .meta({ id: 'JobScheduler', description: 'The connection\'s BullMQ job scheduler; absent (null) without a schedule or while paused' });

export const scheduleStateSchema = z
  .object({
    connection: z.string(),
    schedule: scheduleSchema.nullable(),
    paused: z.boolean(),
    scheduler: schedulerSchema.nullable(),
  })
  .meta({ id: 'ScheduleState' });

// ---------------------------------------------------------------------------------------------------------------
// runs

const countsSchema = z
  .object(Object.fromEntries(countKeys.map((k) => [k, z.number().int()])) as Record<(typeof countKeys)[number], z.ZodNumber>)
  .meta({ id: 'RunCounts', description: 'What the run did so far: records fetched, landed, unchanged and rejected; observations inserted, updated, removed and unchanged; events written; units_via_succession: contributions whose unit was named by one merged before their date, loaded into its successor' });

export const runErrorSchema = z
  .object({
    code: z.string().describe('Stable code, e.g. SOURCE_AUTH_FAILED, SOURCE_UNAVAILABLE, SECRET_MISSING'),
    message: z.string(),
    permanent: z.boolean().optional().describe('Permanent errors fail the run at once; the others are retried with backoff'),
    causes: z.array(z.string()).readonly().describe('The cause chain, outermost first (admin keys only)'),
    origin: z.enum(['source', 'engine', 'internal']).optional().describe('source: the message is built from what the source answered, and only admin keys read it'),
    statusClass: z.string().optional().describe('The class of the HTTP status that decided it: 4xx, 5xx'),
  })
  .meta({ id: 'RunError', description: 'Keys without admin scope get the code, the status class and what to do, never the source\'s own answer' });

export const runSchema = z
  .object({
    id: z.number().int(),
    connectionId: z.string(),
    mode: z.enum(syncModes),
    status: z.enum(syncStatuses),
    params: z.record(z.string(), z.unknown()).describe('Backfill bounds (from, to), scheduled: true for scheduled runs'),
    replayOf: z.number().int().nullable().describe('The run a replay re-normalises'),
    jobId: z.string().nullable(),
    queuedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().int().nullable().describe('How long it took (so far, while it runs); null before it starts'),
    counts: countsSchema,
    cursorBefore: z.unknown().describe('Each stream\'s cursor when the run started'),
    cursorAfter: z.unknown().describe('Each stream\'s cursor when the run succeeded'),
    error: runErrorSchema.nullable().describe('Why the run (or its last attempt, while retried) failed'),
  })
  .meta({ id: 'SyncRun' });

export const startedRunSchema = z
  .object({
    joined: z.boolean().describe('true: the connection already had this run queued or running, and the request joined it'),
    run: runSchema,
    workers: z.number().int().describe('Sync workers consuming the queue now; 0: the run stays queued until one starts (`npm run worker`)'),
  })
  .meta({ id: 'StartedRun' });

// ---------------------------------------------------------------------------------------------------------------
// connections

const connectionFields = {
  id: z.string(),
  connector: z.string().describe('The connector id'),
  name: z.string(),
  config: z.record(z.string(), z.unknown()).describe('Settings, as the connector\'s schema takes them'),
  secretRefs: z.record(z.string(), z.unknown()).describe('Secret name -> where the workers read it: {"env": "LGSP_SECRET_…"} or {"file": "<name in the secrets folder>"}; never the value'),
  schedule: scheduleSchema.nullable(),
  scheduleInvalid: z.string().optional().describe('Why the stored schedule is no longer valid (it then has no scheduler)'),
  paused: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const connectionSchema = z.object({ ...connectionFields, lastRun: runSchema.nullable() }).meta({ id: 'ConnectionSummary' });

export const cursorSchema = z
  .object({
    stream: z.string(),
    cursor: z.unknown().describe('Where the next incremental sync of the stream starts'),
    runId: z.number().int().nullable().describe('The run that moved it last'),
    updatedAt: z.string(),
  })
  .meta({ id: 'StreamCursor' });

export const connectionDetailSchema = z
  .object({ ...connectionFields, runs: z.array(runSchema).describe('The newest runs (5)'), cursors: z.array(cursorSchema) })
  .meta({ id: 'Connection' });

export const addedConnectionSchema = z.object({ ...connectionFields, scheduler: schedulerSchema.nullable() }).meta({ id: 'ConnectionAdded' });

const secretRefRequest = z.union(secretRefSchema.options, {
  error: 'expected a reference, {"env": "LGSP_SECRET_…"} or {"file": "<name in the secrets folder>"}, never the secret itself',
});

export const newConnectionSchema = z
  .strictObject({
    id: connectionIdParam,
    connector: z.string().min(1).max(200).describe('An installed connector id (an unknown one is refused with the list)'),
    name: z.string().min(1).max(200).describe('A name for people'),
    config: z.record(z.string(), z.unknown()).default({}).describe('Settings, checked against the connector\'s own schema: each field at fault is named'),
    secretRefs: z.record(z.string(), secretRefRequest).default({}).describe('Where each secret the connector needs lives: an environment variable the host publishes to connections, {"env": "LGSP_SECRET_…"} (LGSP_SECRET_ENV_PREFIX), or a file directly in the host\'s secrets folder (LGSP_SECRETS_DIR), {"file": "dvc-client-secret"}; anything else is a 400 SECRET_REF_INVALID. Values are never taken'),
    schedule: scheduleRequestSchema.optional(),
  })
  .meta({ id: 'NewConnection' });

export const checkResultSchema = z
  .object({
    connection: z.string(),
    connector: z.string(),
    ok: z.boolean().describe('Whether the source answered and accepted the credentials'),
    message: z.string().describe('What the check found, or why it failed'),
    code: z.string().optional().describe('Why it failed: CHECK_FAILED, SOURCE_AUTH_FAILED, SOURCE_UNAVAILABLE, SECRET_MISSING ...'),
    causes: z.array(z.string()).readonly().optional().describe('The cause chain (admin keys only)'),
    statusClass: z.string().optional().describe('The class of the HTTP status that decided a failure: 4xx, 5xx'),
  })
  .meta({ id: 'ConnectionCheck' });

export const removalSchema = z
  .object({
    connection: z.string(),
    deleted: z.object({ runs: z.number().int(), rawRecords: z.number().int(), rejectedRecords: z.number().int(), cursors: z.number().int() }),
    detached: z.record(z.string(), z.number().int()).describe('Warehouse rows kept, detached from the connection: table -> rows'),
    scheduler: schedulerSchema.nullable(),
  })
  .meta({ id: 'ConnectionRemoval' });

export const syncRequestSchema = z
  .strictObject({
    mode: z.enum(['incremental', 'full_refresh']).default('incremental').describe('incremental: from the stored cursors; full_refresh: everything, changing only what differs'),
    from: month.optional().describe('Backfill from this month (inclusive); leaves the incremental cursor alone'),
    to: month.optional().describe('Backfill up to this month (inclusive)'),
  })
  .meta({ id: 'SyncRequest' });

// ---------------------------------------------------------------------------------------------------------------
// rejected records

export const rejectedSchema = z
  .object({
    id: z.number().int(),
    connectionId: z.string(),
    runId: z.number().int().nullable(),
    stream: z.string().nullable(),
    rawRecordId: z.number().int().nullable(),
    code: z.string().describe('Why, as a code: NEGATIVE_COUNT, UNIT_NOT_FOUND, PERIOD_INVALID ...'),
    reason: z.string().describe('Why, for people'),
    location: z.record(z.string(), z.unknown()).describe('Where the record sits in the source (key, file, sheet, row ...)'),
    payload: z.unknown().describe('The record as the source gave it'),
    createdAt: z.string(),
    resolvedAt: z.string().nullable().describe('When a reprocess normalised it without error'),
    resolvedByRunId: z.number().int().nullable().describe('The reprocess run that resolved it'),
  })
  .meta({ id: 'RejectedRecord' });

export const rejectionGroupSchema = z
  .object({
    code: z.string(),
    reason: z.string(),
    count: z.number().int().describe('Rejected records with this code and reason'),
    connections: z.array(z.string()).describe('The connections they came from'),
    newestId: z.number().int().describe('The newest of them'),
  })
  .meta({ id: 'RejectionGroup' });

export const reprocessRequestSchema = z
  .strictObject({
    connection: connectionIdParam.optional().describe('Only rejected records of this connection'),
    code: z.string().min(1).max(100).regex(/^[A-Za-z0-9_]+$/, 'expected a rejection code, e.g. UNIT_NOT_FOUND').optional().describe('Only with this code (any case)'),
    ids: z.array(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)).min(1).max(10_000).optional().describe('Only these rejected records'),
  })
  .meta({ id: 'ReprocessRequest', description: 'Which open rejected records to normalise again; none given: every open one' });

export const startedReprocessSchema = z
  .object({
    runs: z.array(startedRunSchema).describe('One run per connection with open rejected records matching the request'),
  })
  .meta({ id: 'StartedReprocess' });
