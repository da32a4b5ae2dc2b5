import { z } from 'zod';
import { retryConfigSchema } from '../../src/connector-sdk/http/index.js';
import { provincesOption } from '../provinces/provinces-option.js';

export const indicators = ['POPULATION', 'GRDP', 'DIGITAL_ECONOMY_SHARE'] as const;
export type GsoIndicator = (typeof indicators)[number];

const year = z.number().int().min(1900).max(2100);

export const tableSchema = z
  .object({
    /** The PX file, e.g. "V02.01.px" (sources.md, section 4). */
    table: z.string().trim().min(1),
    /** Overrides the connection's database for this table. */
    database: z.string().trim().min(1).optional(),
    indicator: z.enum(indicators),
    /** Code (or text) of the province variable; found from the values when left out. */
    provinceDimension: z.string().trim().min(1).optional(),
    /** Code (or text) of the year variable; the `time: true` variable when left out. */
    timeDimension: z.string().trim().min(1).optional(),
    /** Picks one value of an extra variable (e.g. "Chỉ tiêu" = "Giá hiện hành"), by code or text. */
    contentFilter: z.object({ dimension: z.string().trim().min(1), value: z.string().trim().min(1) }).strict().optional(),
    /** Which province codes the table uses; by default legacy when it lists a code that no current province has. */
    codes: z.enum(['legacy', 'current']).optional(),
    /** Multiplies every value (e.g. 1000 for a table in "Nghìn người"). */
    multiplier: z.number().positive().default(1),
  })
  .strict();
export type TableConfig = z.infer<typeof tableSchema>;

export const configSchema = z
  .object({
    /** Root of the PX-Web service (the API's /api/v1/vi/... paths are appended). */
    baseUrl: z.url(),
    /** The PX-Web database, e.g. "DanSo". */
    database: z.string().trim().min(1),
    tables: z.array(tableSchema).min(1).max(100, 'at most 100 tables per connection: split them over several connections'),
    /**
     * Current province codes to ask the tables for (the query's province selection); the legacy provinces merged
     * into them are asked for in older tables. Left out: every province a table lists.
     */
    provinces: provincesOption.optional(),
    years: z.object({ from: year, to: year }).strict().refine((y) => y.from <= y.to, 'years.from must not be after years.to'),
    timeoutMs: z.number().int().positive().default(30_000),
    retry: retryConfigSchema.optional(),
  })
  .strict();

export type GsoPxwebConfig = z.infer<typeof configSchema>;
