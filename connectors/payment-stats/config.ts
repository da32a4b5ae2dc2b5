import { z } from 'zod';
import { retryConfigSchema } from '../../src/connector-sdk/http/index.js';
import { provincesOption } from '../provinces/provinces-option.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM');

export const configSchema = z.object({
  /** Root of the service, e.g. https://lgsp.angiang.gov.vn/nhnn (the contract's paths are appended). */
  baseUrl: z.url(),
  /** First month to load (YYYY-MM); earlier files are ignored. */
  fromMonth: month.optional(),
  /**
   * Current provinces whose rows the connection loads (the contract has no such parameter: each file lists every
   * province, and rows of other provinces are dropped after download). Legacy provinces count for the province
   * they became part of (91 covers 89 An Giang and 91 Kiên Giang before 2025-07). Left out: every row.
   */
  provinces: provincesOption.optional(),
  /** A response slower than this (body included) is retried. */
  timeoutMs: z.number().int().positive().default(30_000),
  /** Downloads of one file whose bytes do not match the index's sha256 before the sync gives up (transiently). */
  checksumAttempts: z.number().int().min(1).max(10).default(3),
  /** The HTTP client's retries of 429, 5xx, timeouts and resets (its defaults when left out). */
  retry: retryConfigSchema.optional(),
});

export type PaymentStatsConfig = z.infer<typeof configSchema>;
