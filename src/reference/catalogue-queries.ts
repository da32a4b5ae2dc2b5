import type { Db } from '../warehouse/database.js';
import type { Indicator } from '../warehouse/schema.js';

export async function listIndicators(db: Db): Promise<Indicator[]> {
  return db.selectFrom('indicator').selectAll().orderBy('code').execute();
}

export interface TargetView {
  unitCode: string;
  unitName: string;
  indicatorCode: string;
  year: number;
  comparison: string;
  value: string;
  valueMax: string | null;
  basis: string;
  note: string | null;
  document: { id: string; title: string; number: string | null; issuedOn: string | null; issuer: string };
}

/** Targets with their province and document, grouped by province, then indicator, then document. */
export async function listTargets(db: Db): Promise<TargetView[]> {
  const rows = await db
    .selectFrom('target as t')
    .innerJoin('admin_unit as u', 'u.id', 't.unit_id')
    .innerJoin('target_document as d', 'd.id', 't.document_id')
    .select([
      'u.code as unitCode', 'u.name as unitName', 't.indicator_code as indicatorCode', 't.year', 't.comparison', 't.value',
      't.value_max as valueMax', 't.basis', 't.note', 'd.id as documentId', 'd.title', 'd.number', 'd.issued_on as issuedOn', 'd.issuer',
    ])
    .orderBy('u.code').orderBy('t.indicator_code').orderBy('t.year').orderBy('d.id')
    .execute();
  return rows.map(({ documentId, title, number, issuedOn, issuer, ...t }) => ({
    ...t,
    document: { id: documentId, title, number, issuedOn, issuer },
  }));
}

const comparisonText: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', top: 'top' };

/** "> 80", ">= 3 every year", "top 30", "16..18 per year on average". */
export function describeTarget(t: Pick<TargetView, 'comparison' | 'value' | 'valueMax' | 'basis'>): string {
  const core = t.comparison === 'range' ? `${t.value}..${t.valueMax ?? ''}` : `${comparisonText[t.comparison] ?? t.comparison} ${t.value}`;
  const basis = t.basis === 'every_year' ? ' every year' : t.basis === 'annual_average' ? ' per year on average' : '';
  return core + basis;
}
