import { sql } from 'kysely';
import { loadReferenceData } from '../../src/reference/load-reference.js';
import type { Db } from '../../src/warehouse/database.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { applyObservationChanges } from '../../src/warehouse/observations.js';
import { testClient } from './test-source.js';

/** Catalogue, targets and the 97 provinces (no commune files: fast, and enough for province-level sources). */
export async function loadProvinceReference(db: Db): Promise<void> {
  await loadReferenceData(db, { adminUnitsDir: null });
}

export const testSecretEnv = { LGSP_SECRET_TEST_CLIENT: testClient.secret };

export async function addTestConnection(db: Db, id: string, baseUrl: string, extra: Record<string, unknown> = {}): Promise<void> {
  await insertConnection(db, {
    id,
    connectorId: 'test-dossiers',
    name: `test source ${id}`,
    config: { baseUrl, clientId: testClient.id, pageSize: 25, ...extra },
    secretRefs: { client_secret: { env: 'LGSP_SECRET_TEST_CLIENT' } },
  });
}

/** A digest of every observation's key, value and status: equal digests, equal warehouses. */
export async function observationChecksum(db: Db): Promise<{ count: number; digest: string }> {
  const r = await sql<{ count: number; digest: string | null }>`
    select count(*)::int as count,
           md5(string_agg(o.indicator_code || '|' || u.code || '|' || u.level || '|' || coalesce(u.valid_to::text, '') || '|' || o.period_code || '|' || o.value::text || '|' || o.status, ',' order by o.indicator_code, u.code, u.level, u.valid_to, o.period_code)) as digest
    from observation o join admin_unit u on u.id = o.unit_id`.execute(db);
  const row = r.rows[0];
  return { count: row?.count ?? 0, digest: row?.digest ?? '' };
}

/** The same digest over the materialised (rolled-up and derived) values. */
export async function indicatorValueChecksum(db: Db): Promise<{ count: number; digest: string }> {
  const r = await sql<{ count: number; digest: string | null }>`
    select count(*)::int as count,
           md5(string_agg(v.indicator_code || '|' || u.code || '|' || u.level || '|' || coalesce(u.valid_to::text, '') || '|' || v.period_code || '|' || v.value::text, ',' order by v.indicator_code, u.code, u.level, u.valid_to, v.period_code)) as digest
    from indicator_value v join admin_unit u on u.id = v.unit_id`.execute(db);
  const row = r.rows[0];
  return { count: row?.count ?? 0, digest: row?.digest ?? '' };
}

export async function tableCount(db: Db, table: 'outbox_event' | 'observation_revision' | 'rejected_record' | 'raw_record' | 'observation'): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** The stored value of an observation of a province (unit version valid on `asOf`). */
export async function provinceValue(db: Db, indicator: string, code: string, period: string, asOf: string): Promise<string | undefined> {
  const r = await sql<{ value: string }>`
    select o.value::text as value from observation o join admin_unit u on u.id = o.unit_id
    where o.indicator_code = ${indicator} and u.code = ${code} and u.level = 'province' and u.validity @> ${asOf}::date and o.period_code = ${period}`.execute(db);
  return r.rows[0]?.value;
}

/**
 * One page's worth of observation changes without a source: DVC_DOSSIERS_NEW of 2025-08 for `units` set to
 * `values` (connection `src`, stream `reports`), through the real observation stage: one outbox row per call.
 */
export async function writeDossierPage(db: Db, runId: number, unitIds: readonly number[], values: readonly number[]) {
  await sql`delete from observation_contribution`.execute(db);
  await sql`
    insert into observation_contribution (connection_id, stream, source_key, indicator_code, unit_id, period_code, value, status, raw_record_id, sync_run_id)
    select 'src', 'reports', 'k' || u, 'DVC_DOSSIERS_NEW', u, '2025-08', v, 'final', 1, ${runId}
    from unnest(${unitIds}::bigint[], ${values}::numeric[]) as x(u, v)`.execute(db);
  return applyObservationChanges(db, { connectionId: 'src', stream: 'reports', runId }, unitIds.map((unitId) => ({ indicator: 'DVC_DOSSIERS_NEW', unitId, period: '2025-08' })));
}

/** Empties everything syncs write (connections too), keeping the reference data: a clean warehouse per test. */
export async function resetWarehouse(db: Db): Promise<void> {
  await sql`truncate observation, observation_revision, outbox_event, observation_contribution, source_record, rejected_record, raw_record, sync_state, sync_run_stream, indicator_value, indicator_value_dirty, indicator_value_revision, sync_run, connection cascade`.execute(db);
}
