import { z } from 'zod';
import { provincesOption } from '../provinces/provinces-option.js';
import { monthPattern } from './months.js';

/** A connection's settings (stored in connection.config); the client secret is a secret, never here. */
export const configSchema = z.object({
  /** Root of the portal's API as the LGSP gateway publishes it (the token endpoint is `{baseUrl}/oauth2/token`). */
  baseUrl: z.url(),
  clientId: z.string().min(1),
  /** Rows per request; the portal accepts up to 500. */
  pageSize: z.number().int().min(1).max(500).default(100),
  /** First month of the dossier report to read (YYYY-MM). Earlier months are never asked for. */
  fromMonth: z.string().regex(monthPattern, 'expected a month YYYY-MM').default('2024-01'),
  /**
   * Current provinces whose rows the connection loads (the contract has no such parameter: rows of other provinces
   * are dropped after fetching). Legacy provinces and communes count for the province they became part of.
   * Left out: every row the portal serves.
   */
  provinces: provincesOption.optional(),
  /** A response slower than this is retried. The gateway is slow at month ends: keep it generous. */
  timeoutMs: z.number().int().positive().default(30_000),
});

export type DvcPortalConfig = z.infer<typeof configSchema>;

/** The secret names the connection must reference. */
export const secretNames = ['client_secret'] as const;
