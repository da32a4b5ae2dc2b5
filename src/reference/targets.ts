import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Insertable } from 'kysely';
import { isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { projectRoot } from '../config/project-root.js';
import { ReferenceDataError } from '../errors.js';
import type { Db } from '../warehouse/database.js';
import { targetComparisons, type TargetTable } from '../warehouse/schema.js';
import { upsertRows, type UpsertCounts } from '../warehouse/upsert.js';
import type { LoadProblem } from './problems.js';

const isoDate = z.iso.date();

const documentSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'expected a lower-case slug such as an-giang-02-ctr-tu'),
    title: z.string().min(1),
    number: z.string().optional(),
    issued_on: z.union([isoDate, z.date().transform((d) => d.toISOString().slice(0, 10))]).optional(),
    issuer: z.string().min(1),
    seeds: z.array(z.string()).default([]),
  })
  .strict();

const targetSchema = z
  .object({
    document: z.string(),
    unit: z.string().regex(/^\d{2}$/, 'expected a two-digit province code'),
    year: z.number().int().min(2000).max(2100),
    indicator: z.string(),
    comparison: z.enum(targetComparisons),
    value: z.number(),
    value_max: z.number().optional(),
    basis: z.enum(['point', 'every_year', 'annual_average']).default('point'),
    note: z.string().optional(),
  })
  .strict()
  .refine((t) => (t.comparison === 'range') === (t.value_max !== undefined), {
    message: 'value_max is required for comparison "range" and only for it',
  });

export type TargetDocument = z.infer<typeof documentSchema>;
export type TargetDefinition = z.infer<typeof targetSchema>;

export const defaultTargetsPath = join(projectRoot, 'config', 'targets.yaml');

export interface TargetsFile {
  readonly documents: TargetDocument[];
  /** Valid targets with the line they start on. */
  readonly targets: { target: TargetDefinition; line: number }[];
  readonly problems: LoadProblem[];
}

function lineOf(node: Node | null | undefined, counter: LineCounter): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 0 : counter.linePos(offset).line;
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
}

/** Reads the targets file: a broken document list stops the load; a bad target row is reported with its line. */
export async function readTargets(file = defaultTargetsPath): Promise<TargetsFile> {
  const counter = new LineCounter();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ReferenceDataError(`${file}: cannot read the targets file: ${(cause as Error).message}`, { cause });
  }
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) throw new ReferenceDataError(`${file}: not valid YAML: ${doc.errors[0]?.message ?? ''}`);

  const data = doc.toJS() as { documents?: unknown; targets?: unknown[] } | null;
  const documents = z.array(documentSchema).safeParse(data?.documents);
  if (!documents.success) throw new ReferenceDataError(`${file}: documents: ${issuesText(documents.error)}`);

  const targetsNode = doc.get('targets', true);
  if (!isSeq(targetsNode)) throw new ReferenceDataError(`${file}: expected a list under "targets"`);
  const documentIds = new Set(documents.data.map((d) => d.id));
  const problems: LoadProblem[] = [];
  const targets: TargetsFile['targets'] = [];
  for (const [index, item] of targetsNode.items.entries()) {
    const line = lineOf(item as Node, counter);
    const parsed = targetSchema.safeParse(data?.targets?.[index]);
    if (!parsed.success) {
      problems.push({ file, line, reason: issuesText(parsed.error) });
    } else if (!documentIds.has(parsed.data.document)) {
      problems.push({ file, line, reason: `document "${parsed.data.document}" is not listed under documents` });
    } else {
      targets.push({ target: parsed.data, line });
    }
  }
  return { documents: documents.data, targets, problems };
}

export interface TargetsLoadReport {
  readonly documents: UpsertCounts;
  readonly targets: UpsertCounts & { removed: number };
  readonly problems: LoadProblem[];
}

/**
 * Loads documents and targets. Each target's province is the one valid on 1 January of its year, so
 * `91` for 2030 is the merged An Giang. Targets of a listed document that the file no longer has are removed,
 * unless some row of the file could not be used (it may be the one that was meant).
 */
export async function loadTargets(db: Db, file: TargetsFile, path = defaultTargetsPath): Promise<TargetsLoadReport> {
  const problems = [...file.problems];
  const indicators = new Set((await db.selectFrom('indicator').select('code').execute()).map((r) => r.code));
  const rows: Insertable<TargetTable>[] = [];
  for (const { target: t, line } of file.targets) {
    if (!indicators.has(t.indicator)) {
      problems.push({ file: path, line, reason: `unknown indicator ${t.indicator}; see config/indicators.yaml` });
      continue;
    }
    const unit = await db
      .selectFrom('admin_unit')
      .select('id')
      .where('level', '=', 'province')
      .where('code', '=', t.unit)
      .where(sql<boolean>`validity @> ${`${t.year}-01-01`}::date`)
      .executeTakeFirst();
    if (!unit) {
      problems.push({ file: path, line, reason: `no province ${t.unit} exists on ${t.year}-01-01; load the administrative units first` });
      continue;
    }
    rows.push({
      document_id: t.document,
      indicator_code: t.indicator,
      unit_id: unit.id,
      year: t.year,
      comparison: t.comparison,
      value: String(t.value),
      value_max: t.value_max === undefined ? null : String(t.value_max),
      basis: t.basis,
      note: t.note ?? null,
    });
  }
  return db.transaction().execute(async (trx) => {
    const documents = await upsertRows(
      trx,
      'target_document',
      file.documents.map((d) => ({ id: d.id, title: d.title, number: d.number ?? null, issued_on: d.issued_on ?? null, issuer: d.issuer, seeds: d.seeds })),
      ['id'],
      ['title', 'number', 'issued_on', 'issuer', 'seeds'],
    );
    const targets = await upsertRows(trx, 'target', rows, ['document_id', 'indicator_code', 'unit_id', 'year'], ['comparison', 'value', 'value_max', 'basis', 'note']);
    // Removing what the file dropped is safe only when every row of it was understood.
    const removed =
      problems.length > 0
        ? 0
        : Number(
            (
              await sql`
                delete from target
                where document_id = any(${file.documents.map((d) => d.id)}::text[])
                  and (document_id, indicator_code, unit_id, year) not in (
                    select * from unnest(${rows.map((r) => r.document_id)}::text[], ${rows.map((r) => r.indicator_code)}::text[],
                                         ${rows.map((r) => r.unit_id)}::bigint[], ${rows.map((r) => r.year)}::int[]))`.execute(trx)
            ).numAffectedRows ?? 0,
          );
    return { documents, targets: { ...targets, removed }, problems };
  });
}
