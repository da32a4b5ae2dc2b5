import { z } from 'zod';

/**
 * A JSON-stat 2.0 dataset reader (https://json-stat.org/full/): what the format allows, not one server's habits.
 * `category.index` as an object {code: position} or an array of codes (or absent for a single category named by
 * `label`); `value` and `status` as arrays, sparse objects {"position": ...}, and `status` also as one string for
 * every cell. Cells come in row-major order (the last dimension of `id` varies fastest).
 */

const categorySchema = z.object({
  index: z.union([z.array(z.string()), z.record(z.string(), z.number().int().min(0))]).optional(),
  label: z.record(z.string(), z.string()).optional(),
});
const dimensionSchema = z.object({ label: z.string().optional(), category: categorySchema });
const cellValue = z.union([z.number(), z.string(), z.null()]);
const cellStatus = z.union([z.string(), z.null()]);

export const datasetSchema = z.object({
  version: z.string().optional(),
  class: z.string().optional(),
  label: z.string().optional(),
  id: z.array(z.string()).min(1),
  size: z.array(z.number().int().min(0)).min(1),
  dimension: z.record(z.string(), dimensionSchema),
  value: z.union([z.array(cellValue), z.record(z.string(), cellValue)]),
  status: z.union([z.string(), z.array(cellStatus), z.record(z.string(), cellStatus)]).optional(),
  role: z.record(z.string(), z.array(z.string())).optional(),
});
export type JsonStatDataset = z.infer<typeof datasetSchema>;

export interface Category {
  readonly code: string;
  readonly label: string;
}

export interface Dimension {
  readonly id: string;
  readonly label: string;
  /** In position order. */
  readonly categories: readonly Category[];
}

export interface Cell {
  /** Row-major position in the cube. */
  readonly position: number;
  /** The category code of each dimension, by dimension id. */
  readonly codes: Readonly<Record<string, string>>;
  /** As sent: a number, text (a malformed cell or a symbol such as ".."), or null when absent. */
  readonly value: number | string | null;
  readonly status: string | null;
}

export interface JsonStatCube {
  readonly label: string | undefined;
  readonly dimensions: readonly Dimension[];
  readonly roles: Readonly<Record<string, readonly string[]>>;
  readonly cells: readonly Cell[];
}

export class JsonStatError extends Error {
  override readonly name = 'JsonStatError';
}

function categoriesOf(id: string, category: z.infer<typeof categorySchema>, size: number): Category[] {
  const labels = category.label ?? {};
  let codes: (string | undefined)[];
  if (Array.isArray(category.index)) codes = [...category.index];
  else if (category.index) {
    codes = [];
    for (const [code, position] of Object.entries(category.index)) {
      if (codes[position] !== undefined) throw new JsonStatError(`dimension "${id}": two categories at position ${position}`);
      codes[position] = code;
    }
  } else codes = Object.keys(labels);
  const present = Array.from(codes, (c) => c).filter((c): c is string => c !== undefined);
  if (present.length !== size || codes.length !== size) throw new JsonStatError(`dimension "${id}" has ${present.length} categories at positions 0..${codes.length - 1}: size says ${size}`);
  return present.map((code) => ({ code, label: labels[code] ?? code }));
}

/** The entry at `position` of an array or sparse object; undefined when absent. */
function at<T>(source: readonly T[] | Readonly<Record<string, T>> | undefined, position: number): T | undefined {
  if (source === undefined) return undefined;
  if (Array.isArray(source)) return (source as readonly T[])[position];
  return (source as Readonly<Record<string, T>>)[String(position)];
}

/** Reads a dataset (throws JsonStatError or a ZodError when it is not one). */
export function readJsonStat(body: unknown): JsonStatCube {
  const ds = datasetSchema.parse(body);
  if (ds.class !== undefined && ds.class !== 'dataset') throw new JsonStatError(`expected a JSON-stat dataset, got class "${ds.class}"`);
  if (ds.id.length !== ds.size.length) throw new JsonStatError(`id lists ${ds.id.length} dimensions but size ${ds.size.length}`);
  const dimensions = ds.id.map((id, i) => {
    const d = ds.dimension[id];
    if (!d) throw new JsonStatError(`dimension "${id}" is listed in id but not described`);
    return { id, label: d.label ?? id, categories: categoriesOf(id, d.category, ds.size[i] ?? 0) };
  });
  const total = ds.size.reduce((a, b) => a * b, 1);
  if (Array.isArray(ds.value) && ds.value.length !== total) throw new JsonStatError(`value has ${ds.value.length} entries, the cube ${total} cells`);
  const status = ds.status;
  const cells: Cell[] = [];
  for (let position = 0; position < total; position++) {
    const codes: Record<string, string> = {};
    let rest = position;
    for (let d = dimensions.length - 1; d >= 0; d--) {
      const dim = dimensions[d];
      const size = ds.size[d] ?? 1;
      if (dim) codes[dim.id] = dim.categories[rest % size]?.code ?? '';
      rest = Math.floor(rest / size);
    }
    const flag = typeof status === 'string' ? status : at(status, position);
    cells.push({ position, codes, value: at(ds.value, position) ?? null, status: flag ?? null });
  }
  return { label: ds.label, dimensions, roles: ds.role ?? {}, cells };
}
