import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Insertable } from 'kysely';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { projectRoot } from '../config/project-root.js';
import { ReferenceDataError } from '../errors.js';
import type { Db } from '../warehouse/database.js';
import { aggregationRules, type IndicatorTable } from '../warehouse/schema.js';
import { upsertRows, type UpsertCounts } from '../warehouse/upsert.js';

const code = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case code such as DVC_ONLINE_RATE');
const rule = z.enum(aggregationRules);

const derivationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ratio'), numerator: z.array(code).min(1), denominator: z.array(code).min(1), factor: z.number().positive() }).strict(),
  z.object({ kind: z.literal('growth'), of: code, factor: z.number().positive() }).strict(),
]);

const indicatorSchema = z
  .object({
    code,
    name_vi: z.string().min(1),
    name_en: z.string().min(1),
    measure_unit: z.string().min(1),
    // Optional so older catalogues still load: they round to 2 places, the column's default.
    decimals: z.number().int().min(0).max(6).optional(),
    direction: z.enum(['higher_is_better', 'lower_is_better']).default('higher_is_better'),
    aggregation: z.object({ units: rule, periods: rule }).strict(),
    weight: code.optional(),
    derivation: derivationSchema.optional(),
    description: z.string().optional(),
  })
  .strict();

export const catalogueSchema = z.object({ indicators: z.array(indicatorSchema).min(1) }).strict();
export type IndicatorDefinition = z.infer<typeof indicatorSchema>;

export const defaultCataloguePath = join(projectRoot, 'config', 'indicators.yaml');

/** Cross-checks a schema-valid catalogue: unique codes, known inputs, rules that fit the derivation. */
function checkConsistency(defs: IndicatorDefinition[], file: string): void {
  const problems: string[] = [];
  const codes = new Set<string>();
  for (const d of defs) {
    if (codes.has(d.code)) problems.push(`${d.code}: defined twice`);
    codes.add(d.code);
  }
  for (const d of defs) {
    const inputs = d.derivation ? (d.derivation.kind === 'ratio' ? [...d.derivation.numerator, ...d.derivation.denominator] : [d.derivation.of]) : [];
    for (const input of [...inputs, ...(d.weight ? [d.weight] : [])]) {
      if (!codes.has(input)) problems.push(`${d.code}: refers to unknown indicator ${input}`);
    }
    const usesRatio = d.aggregation.units === 'ratio' || d.aggregation.periods === 'ratio';
    if (usesRatio !== (d.derivation !== undefined)) problems.push(`${d.code}: aggregation "ratio" and a derivation go together`);
    const weighted = d.aggregation.units === 'weighted_mean' || d.aggregation.periods === 'weighted_mean';
    if (weighted !== (d.weight !== undefined)) problems.push(`${d.code}: aggregation "weighted_mean" needs a weight, and a weight needs it`);
  }
  if (problems.length > 0) throw new ReferenceDataError(`${file}: the catalogue is inconsistent:\n  ${problems.join('\n  ')}`);
}

/** Reads and validates the catalogue file; any problem throws, naming the file and the field. */
export async function readIndicatorCatalogue(file = defaultCataloguePath): Promise<IndicatorDefinition[]> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new ReferenceDataError(`${file}: cannot read the indicator catalogue: ${(cause as Error).message}`, { cause });
  }
  const parsed = catalogueSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ReferenceDataError(`${file}: the indicator catalogue is invalid:\n  ${issues.join('\n  ')}`);
  }
  checkConsistency(parsed.data.indicators, file);
  return parsed.data.indicators;
}

/** Places a catalogue without `decimals` rounds to (the column's default). */
export const defaultDecimals = 2;

export function toIndicatorRow(d: IndicatorDefinition): Insertable<IndicatorTable> {
  const der = d.derivation;
  return {
    code: d.code,
    name_vi: d.name_vi,
    name_en: d.name_en,
    measure_unit: d.measure_unit,
    direction: d.direction,
    unit_aggregation: d.aggregation.units,
    period_aggregation: d.aggregation.periods,
    weight_indicator: d.weight ?? null,
    derivation: der?.kind ?? null,
    numerator: der ? (der.kind === 'ratio' ? der.numerator : [der.of]) : null,
    denominator: der?.kind === 'ratio' ? der.denominator : null,
    factor: der ? String(der.factor) : null,
    description: d.description ?? null,
    decimals: d.decimals ?? defaultDecimals,
  };
}

const indicatorColumns = [
  'name_vi', 'name_en', 'measure_unit', 'direction', 'unit_aggregation', 'period_aggregation',
  'weight_indicator', 'derivation', 'numerator', 'denominator', 'factor', 'description', 'decimals',
] as const satisfies readonly (keyof IndicatorTable)[];

/** Inserts or updates the catalogue; unchanged indicators are not touched. */
export async function loadIndicatorCatalogue(db: Db, defs: IndicatorDefinition[]): Promise<UpsertCounts> {
  const rows = defs.map(toIndicatorRow);
  // One statement: weights refer to rows of the same batch, and PostgreSQL checks foreign keys at its end.
  return upsertRows(db, 'indicator', rows, ['code'], indicatorColumns, rows.length);
}
