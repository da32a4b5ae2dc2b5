import type { EmulatedTable } from './dataset.js';

/** How an instance writes its answers: every form JSON-stat 2.0 allows, so clients are proven against all. */
export interface RenderShape {
  /** `sparse`: value as {"position": v}, holes left out. */
  valueForm?: 'array' | 'sparse';
  /** `array`: category.index as a list of codes. */
  indexForm?: 'object' | 'array';
  /** `labels`: the flags as GSO writes them in Vietnamese ("Sơ bộ") in an array. */
  statusForm?: 'object' | 'labels';
  /** Cells served as text instead of their number. */
  malformed?: readonly { readonly table: string; readonly province: string; readonly year: number; readonly text: string }[];
}

interface PxVariable {
  readonly code: string;
  readonly text: string;
  readonly values: readonly string[];
  readonly valueTexts: readonly string[];
  readonly time?: true;
  readonly elimination?: boolean;
}

export const yearVariable = 'Năm';

export function variablesOf(t: EmulatedTable): PxVariable[] {
  const province: PxVariable = { code: t.provinceVariable.code, text: t.provinceVariable.text, values: t.provinces.map((p) => p.code), valueTexts: t.provinces.map((p) => p.name), elimination: false };
  const time: PxVariable = { code: yearVariable, text: yearVariable, values: t.years.map(String), valueTexts: t.years.map(String), time: true, elimination: false };
  const content: PxVariable[] = t.content ? [{ code: t.content.code, text: t.content.text, values: t.content.values.map((v) => v.code), valueTexts: t.content.values.map((v) => v.text), elimination: false }] : [];
  return [province, ...content, time];
}

export const metadataOf = (t: EmulatedTable) => ({ title: t.title, variables: variablesOf(t) });

/** The selected values of each variable (all of it when the query leaves it out), or why the query is refused. */
export function select(t: EmulatedTable, body: unknown): Map<string, string[]> | string {
  if (typeof body !== 'object' || body === null) return 'the body is not a query';
  const { query, response } = body as { query?: unknown; response?: { format?: unknown } };
  if (response?.format !== 'json-stat2') return `response.format must be json-stat2 (got ${JSON.stringify(response?.format)})`;
  if (!Array.isArray(query)) return 'query must be a list';
  const chosen = new Map(variablesOf(t).map((v) => [v.code, [...v.values]]));
  for (const item of query as unknown[]) {
    const { code, selection } = (item ?? {}) as { code?: unknown; selection?: { filter?: unknown; values?: unknown } };
    const variable = variablesOf(t).find((v) => v.code === code);
    if (!variable) return `no variable ${JSON.stringify(code)}`;
    if (selection?.filter !== 'item' || !Array.isArray(selection.values)) return `variable ${variable.code}: only filter "item" with values is supported`;
    const values = selection.values as unknown[];
    const unknown = values.filter((v) => typeof v !== 'string' || !variable.values.includes(v));
    if (unknown.length > 0) return `variable ${variable.code} has no value ${JSON.stringify(unknown[0])}`;
    chosen.set(variable.code, variable.values.filter((v) => values.includes(v)));
  }
  return chosen;
}

const statusLabel = (flag: string): string => (flag === 'p' ? 'Sơ bộ' : flag === 'e' ? 'Ước tính' : flag);

/** The JSON-stat 2.0 dataset of a selection, in row-major order (the time variable last). */
export function renderJsonStat(t: EmulatedTable, chosen: ReadonlyMap<string, readonly string[]>, shape: RenderShape): Record<string, unknown> {
  const variables = variablesOf(t);
  const ids = variables.map((v) => v.code);
  const sizes = variables.map((v) => chosen.get(v.code)?.length ?? 0);
  const dimension = Object.fromEntries(
    variables.map((v) => {
      const codes = chosen.get(v.code) ?? [];
      const index = shape.indexForm === 'array' ? codes : Object.fromEntries(codes.map((c, i) => [c, i]));
      const label = Object.fromEntries(codes.map((c) => [c, v.valueTexts[v.values.indexOf(c)] ?? c]));
      return [v.code, { label: v.text, category: { index, label } }];
    }),
  );
  const values: (number | string | null)[] = [];
  const flags: (string | null)[] = [];
  const walk = (d: number, picked: readonly string[]): void => {
    const v = variables[d];
    if (!v) {
      const province = picked[0] ?? '';
      const year = Number(picked[picked.length - 1]);
      const factor = t.content && picked.length === 3 ? (t.content.values.find((c) => c.code === picked[1])?.factor ?? 1) : 1;
      const figure = t.figure(province, year);
      const bad = shape.malformed?.find((m) => m.table === t.table && m.province === province && m.year === year);
      values.push(bad ? bad.text : figure === null ? null : factor === 1 ? figure : Math.round(figure * factor));
      flags.push(figure === null ? '..' : t.flag(year));
      return;
    }
    for (const c of chosen.get(v.code) ?? []) walk(d + 1, [...picked, c]);
  };
  walk(0, []);
  const sparse = <T>(list: readonly (T | null)[]): Record<string, T> => Object.fromEntries(list.flatMap((x, i) => (x === null ? [] : [[String(i), x]])));
  return {
    version: '2.0', class: 'dataset', label: t.title, source: 'Tổng cục Thống kê', updated: `${t.updated}T00:00:00Z`,
    id: ids, size: sizes, dimension,
    value: shape.valueForm === 'sparse' ? sparse(values) : values,
    status: shape.statusForm === 'labels' ? flags.map((f) => (f === null ? null : statusLabel(f))) : sparse(flags),
    role: { time: [yearVariable], geo: [t.provinceVariable.code] },
    extension: { px: { tableid: t.table.replace(/\.px$/, ''), decimals: t.unit === '%' ? 2 : 0, contents: t.unit } },
  };
}
