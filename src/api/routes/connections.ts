import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { installedConnectors } from '../../connector-sdk/installed.js';
import {
  addConnection, checkConnection, checkNewConnection, connectionDetail, connectionToJson, deleteConnection, listConnectionsWithLastRun,
} from '../../operations/connections.js';
import { runToJson } from '../../operations/runs.js';
import { setSchedule, setSchedulePaused, storedSchedule, type AppliedSchedules, type ScheduleState } from '../../operations/schedules.js';
import {
  addedConnectionSchema, checkResultSchema, connectionDetailSchema, connectionIdParam, connectionSchema, newConnectionSchema, removalSchema,
  scheduleRequestSchema, scheduleStateSchema, tags, withFieldsIn,
} from '../operations-schemas.js';
import { problemResponses } from '../problem.js';
import { security } from '../schemas.js';
import type { ApiRoutes } from './index.js';

const params = z.object({ id: connectionIdParam });

function warnInvalidSchedules(log: FastifyBaseLogger, invalid: AppliedSchedules['invalid']): void {
  for (const bad of invalid) log.warn({ connectionId: bad.connectionId, reason: bad.reason }, 'connection has an invalid schedule: it has no job scheduler until fixed');
}

function scheduleStateView(state: ScheduleState) {
  return { connection: state.connection.id, schedule: storedSchedule(state.connection).schedule, paused: state.connection.paused, scheduler: state.scheduler };
}

/**
 * Connections and their schedules, as `lgsp connections` and `lgsp schedule` do them (the same operations, the same
 * rules): list, show, add (checked against the connector's schema, secrets only referenced), remove, check, and
 * the schedule, applied to BullMQ's job schedulers at once. There is no update: as in the CLI, a connection's
 * settings change by removing and adding it again; its schedule changes with PUT .../schedule.
 */
export const connectionRoutes: ApiRoutes = async (app, { deps }) => {
  const { db, syncQueue: queue } = deps;
  const connectors = await installedConnectors(deps.config.connectorModules);

  app.get('/v1/connections', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'Every connection with its schedule and last run',
      response: { 200: z.object({ items: z.array(connectionSchema) }), ...problemResponses(401, 403) },
    },
  }, async () => {
    const connections = await listConnectionsWithLastRun(db);
    return { items: connections.map(({ connection, lastRun }) => ({ ...connectionToJson(connection), lastRun: lastRun === null ? null : runToJson(lastRun) })) };
  });

  app.get('/v1/connections/:id', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'A connection: config, secret references (never values), schedule, newest runs, stream cursors',
      params,
      response: { 200: connectionDetailSchema, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { connection, runs, cursors } = await connectionDetail(db, request.params.id);
    return {
      ...connectionToJson(connection),
      runs: runs.map((r) => runToJson(r)),
      cursors: cursors.map((c) => ({ ...c, updatedAt: c.updatedAt.toISOString() })),
    };
  });

  app.post('/v1/connections', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'Add a connection: config checked against the connector\'s schema, secrets only referenced',
      description: 'As `lgsp connections add`. A config that does not fit the connector, a missing or unknown secret, a secret given as a value, '
        + 'an unknown connector or a schedule that never fires is a 400 naming each field at fault; an id in use is a 409. '
        + 'With a schedule, the BullMQ job scheduler is registered at once. `POST /v1/connections/{id}/check` then proves the source answers.',
      body: newConnectionSchema,
      response: { 201: addedConnectionSchema, ...problemResponses(400, 401, 403, 409) },
    },
  }, async (request, reply) => {
    const body = request.body;
    const checked = await withFieldsIn('body', () => checkNewConnection(db, connectors, {
      id: body.id, connector: body.connector, name: body.name, config: body.config, secretRefs: body.secretRefs, schedule: body.schedule ?? null,
    }, deps.config.boundary));
    const added = await addConnection(db, checked, queue);
    warnInvalidSchedules(request.log, added.invalid);
    return reply.code(201).send({ ...connectionToJson(added.connection), scheduler: added.scheduler });
  });

  app.delete('/v1/connections/:id', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'Remove a connection and its schedule',
      description: 'As `lgsp connections remove`: refused (409 CONNECTION_BUSY) while a run is queued or running; refused (409 CONNECTION_HAS_DATA) '
        + 'when its observations are in the warehouse, unless `force=true`: they then stay, detached from the connection. '
        + 'Its runs, raw and rejected records and cursors are deleted.',
      params,
      querystring: z.object({
        force: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('Also when its observations are in the warehouse (they stay, detached)'),
      }),
      response: { 200: removalSchema, ...problemResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const { invalid, ...removal } = await deleteConnection(db, queue, request.params.id, { force: request.query.force });
    warnInvalidSchedules(request.log, invalid);
    return removal;
  });

  app.post('/v1/connections/:id/check', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'Run the connector\'s check with the connection\'s config and secrets',
      description: 'As `lgsp connections check`. The check runs in the API process, so its secrets are read from the API\'s environment (or files); '
        + 'the workers need them too. A failing check is a 200 with ok false, the reason and its causes.',
      params,
      response: { 200: checkResultSchema, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => checkConnection(db, connectors, request.params.id, deps.logger, deps.config.boundary));

  app.put('/v1/connections/:id/schedule', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'Set the connection\'s schedule: a cron expression in a time zone, or every N minutes',
      description: 'As `lgsp schedule set`: applied to the BullMQ job scheduler at once; a paused connection stays paused.',
      params,
      body: scheduleRequestSchema,
      response: { 200: scheduleStateSchema, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const state = await withFieldsIn('body', () => setSchedule(db, queue, request.params.id, request.body));
    warnInvalidSchedules(request.log, state.invalid);
    return scheduleStateView(state);
  });

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/v1/connections/:id/schedule/${action}`, {
      config: { scope: 'operate' },
      schema: {
        tags, security,
        summary: paused
          ? 'Pause the connection\'s scheduled syncs (manual syncs still work)'
          : 'Resume the connection\'s scheduled syncs',
        description: `As \`lgsp schedule ${action}\`: applied to the BullMQ job scheduler at once.${paused ? '' : ' A connection without a schedule is a 409 SCHEDULE_MISSING.'}`,
        params,
        response: { 200: scheduleStateSchema, ...problemResponses(...(paused ? [400, 401, 403, 404] : [400, 401, 403, 404, 409])) },
      },
    }, async (request) => {
      const state = await setSchedulePaused(db, queue, request.params.id, paused);
      warnInvalidSchedules(request.log, state.invalid);
      return scheduleStateView(state);
    });
  }
};
