import { SourceError } from '../../src/errors.js';
import type { TableConfig } from './config.js';
import { valueText, type PxQuery, type TableMetadata, type Variable } from './metadata.js';
import { codesOfVintage, codesToQuery, legacyOnlyCodes, vintageByName } from './provinces.js';
import { fold, provinceCodeOf, sameText, yearOf } from './text.js';

/** What to ask a table for, worked out from its metadata and the configuration. */
export interface TablePlan {
  readonly province: Variable;
  readonly time: Variable;
  readonly content: { readonly variable: Variable; readonly value: string } | undefined;
  /**
   * Province codes as the metadata lists them: of the configured provinces and the legacy ones merged into them, or
   * of every province when none are configured (never a total such as "00 Cả nước").
   */
  readonly provinces: readonly string[];
  /** Time values as the metadata lists them, inside the configured years. */
  readonly years: readonly string[];
  readonly codes: 'legacy' | 'current';
  readonly query: PxQuery;
}

const unusable = (table: string, reason: string): SourceError =>
  new SourceError('SOURCE_TABLE_UNUSABLE', `GSO table ${table}: ${reason}. Check the table's configuration (provinceDimension, timeDimension, contentFilter).`, { permanent: true });

const byName = (variables: readonly Variable[], name: string): Variable | undefined => variables.find((v) => sameText(v.code, name)) ?? variables.find((v) => sameText(v.text, name));

function findTime(m: TableMetadata, t: TableConfig): Variable {
  const found = t.timeDimension !== undefined ? byName(m.variables, t.timeDimension) : (m.variables.find((v) => v.time === true) ?? m.variables.find((v) => /^(năm|year|thời gian|time)/.test(fold(v.text || v.code))));
  if (!found) throw unusable(t.table, t.timeDimension !== undefined ? `no variable "${t.timeDimension}"` : 'no time variable (time: true)');
  return found;
}

/** Share of a variable's values that are two-digit province codes. */
const provinceLike = (v: Variable): number => v.values.filter((c) => provinceCodeOf(c) !== undefined).length / Math.max(1, v.values.length);

function findProvince(m: TableMetadata, t: TableConfig, time: Variable): Variable {
  if (t.provinceDimension !== undefined) {
    const named = byName(m.variables, t.provinceDimension);
    if (!named) throw unusable(t.table, `no variable "${t.provinceDimension}"`);
    return named;
  }
  const candidates = m.variables.filter((v) => v !== time && provinceLike(v) >= 0.5).sort((a, b) => b.values.length - a.values.length);
  const found = candidates.find((v) => /tỉnh|thành phố|địa phương|province/.test(fold(v.text))) ?? candidates[0];
  if (!found) throw unusable(t.table, 'no variable whose values are province codes');
  return found;
}

function findContent(m: TableMetadata, t: TableConfig): TablePlan['content'] {
  const f = t.contentFilter;
  if (!f) return undefined;
  const variable = byName(m.variables, f.dimension);
  if (!variable) throw unusable(t.table, `no variable "${f.dimension}" for contentFilter`);
  const value = variable.values.find((c) => sameText(c, f.value)) ?? variable.values.find((c) => sameText(valueText(variable, c), f.value));
  if (value === undefined) throw unusable(t.table, `variable "${variable.code}" has no value "${f.value}"`);
  return { variable, value };
}

export function planTable(m: TableMetadata, t: TableConfig, provinces: readonly string[] | undefined, years: { from: number; to: number }): TablePlan {
  const time = findTime(m, t);
  const province = findProvince(m, t, time);
  const content = findContent(m, t);
  const legacyOnly = legacyOnlyCodes();
  const listed = province.values.flatMap((c) => {
    const code = provinceCodeOf(c);
    return code === undefined ? [] : [{ listed: c, code, vintage: legacyOnly.has(code) ? 'legacy' : vintageByName(code, valueText(province, c)) }];
  });
  // Legacy when a code only legacy provinces had is listed, or a reused code bears its legacy name.
  const codes = t.codes ?? (listed.some((p) => p.vintage === 'legacy') ? 'legacy' : 'current');
  const wanted = provinces === undefined ? codesOfVintage(codes) : codes === 'legacy' ? codesToQuery(provinces) : new Set(provinces);
  const chosen = listed.filter((p) => wanted.has(p.code)).map((p) => p.listed);
  const chosenYears = time.values.filter((c) => {
    const y = yearOf(c);
    return y !== undefined && y >= years.from && y <= years.to;
  });
  const selection = (code: string, values: readonly string[]) => ({ code, selection: { filter: 'item' as const, values } });
  const query: PxQuery = {
    query: [selection(province.code, chosen), selection(time.code, chosenYears), ...(content ? [selection(content.variable.code, [content.value])] : [])],
    response: { format: 'json-stat2' },
  };
  return { province, time, content, provinces: chosen, years: chosenYears, codes, query };
}
