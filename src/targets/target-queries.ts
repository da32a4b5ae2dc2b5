import type { Db } from '../warehouse/database.js';
import type { TargetComparison } from '../warehouse/schema.js';

export interface TargetDocumentRef {
  readonly id: string;
  readonly title: string;
  readonly number: string | null;
  readonly issuedOn: string | null;
  readonly issuer: string;
}

/** A target with its province and document (both An Giang documents are kept: each target names its own). */
export interface TargetRecord {
  readonly id: number;
  readonly indicator: string;
  readonly unit: { readonly id: number; readonly code: string; readonly name: string; readonly validFrom: string | null; readonly validTo: string | null };
  readonly year: number;
  readonly comparison: TargetComparison;
  readonly value: string;
  readonly valueMax: string | null;
  readonly basis: 'point' | 'every_year' | 'annual_average';
  readonly note: string | null;
  readonly document: TargetDocumentRef;
}

export interface TargetFilter {
  readonly unitId?: number;
  readonly indicator?: string;
  readonly documentId?: string;
  readonly year?: number;
}

/** Targets matching the filter, by province, indicator, year and document. */
export async function findTargets(db: Db, filter: TargetFilter = {}): Promise<TargetRecord[]> {
  let q = db
    .selectFrom('target as t')
    .innerJoin('admin_unit as u', 'u.id', 't.unit_id')
    .innerJoin('target_document as d', 'd.id', 't.document_id')
    .select([
      't.id', 't.indicator_code', 't.year', 't.comparison', 't.value', 't.value_max', 't.basis', 't.note',
      'u.id as unit_id', 'u.code as unit_code', 'u.name as unit_name', 'u.valid_from', 'u.valid_to',
      'd.id as document_id', 'd.title', 'd.number', 'd.issued_on', 'd.issuer',
    ]);
  if (filter.unitId !== undefined) q = q.where('t.unit_id', '=', filter.unitId);
  if (filter.indicator !== undefined) q = q.where('t.indicator_code', '=', filter.indicator);
  if (filter.documentId !== undefined) q = q.where('t.document_id', '=', filter.documentId);
  if (filter.year !== undefined) q = q.where('t.year', '=', filter.year);
  const rows = await q.orderBy('u.code').orderBy('t.indicator_code').orderBy('t.year').orderBy('d.id').execute();
  return rows.map((r) => ({
    id: r.id,
    indicator: r.indicator_code,
    unit: { id: r.unit_id, code: r.unit_code, name: r.unit_name, validFrom: r.valid_from, validTo: r.valid_to },
    year: r.year,
    comparison: r.comparison,
    value: r.value,
    valueMax: r.value_max,
    basis: r.basis,
    note: r.note,
    document: { id: r.document_id, title: r.title, number: r.number, issuedOn: r.issued_on, issuer: r.issuer },
  }));
}

export async function targetDocumentExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('target_document').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}
