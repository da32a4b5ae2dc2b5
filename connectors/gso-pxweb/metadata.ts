import { z } from 'zod';

/** One variable of a PX-Web v1 table (GET {base}/api/v1/{lang}/{database}/{table}); extra fields are ignored. */
export const variableSchema = z
  .object({
    code: z.string(),
    text: z.string().default(''),
    values: z.array(z.string()),
    valueTexts: z.array(z.string()).optional(),
    time: z.boolean().optional(),
    elimination: z.boolean().optional(),
  })
  .refine((v) => v.valueTexts === undefined || v.valueTexts.length === v.values.length, 'valueTexts must pair with values');
export type Variable = z.infer<typeof variableSchema>;

export const metadataSchema = z.object({ title: z.string().default(''), variables: z.array(variableSchema).min(1) });
export type TableMetadata = z.infer<typeof metadataSchema>;

export const tablePath = (database: string, table: string): string => `/api/v1/vi/${encodeURIComponent(database)}/${encodeURIComponent(table)}`;

/** The text of a variable's value, or the code when the table gives none. */
export const valueText = (v: Variable, code: string): string => v.valueTexts?.[v.values.indexOf(code)] ?? code;

export interface PxQuery {
  readonly query: readonly { readonly code: string; readonly selection: { readonly filter: 'item'; readonly values: readonly string[] } }[];
  readonly response: { readonly format: 'json-stat2' };
}
