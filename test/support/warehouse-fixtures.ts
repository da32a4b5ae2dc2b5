import { sql } from 'kysely';
import { loadReferenceData } from '../../src/reference/load-reference.js';
import type { Db } from '../../src/warehouse/database.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { testClient } from './test-source.js';

/** Catalogue, targets and the 97 provinces (no commune files: fast, and enough for province-level sources). */
export async function loadProvinceReference(db: Db): Promise<void> {
  await loadReferenceData(db, { adminUnitsDir: null });
}

export const testSecretEnv = { LGSP_TEST_CLIENT_SECRET: testClient.secret };

export async function addTestConnection(db: Db, id: string, baseUrl: string, extra: Record<string, unknown> = {}): Promise<void> {
  await insertConnection(db, {
    id,
    connectorId: 'test-dossiers',
    name: `test source ${id}`,
    config: { baseUrl, clientId: testClient.id, pageSize: 25, ...extra },
    secretRefs: { client_secret: { env: 'LGSP_TEST_CLIENT_SECRET' } },
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
