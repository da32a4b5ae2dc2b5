import { z } from 'zod';
import { provincesOption } from '../provinces/provinces-option.js';

/** The kinds of industrial-property application the indicators count: patents (sáng chế) and utility solutions (giải pháp hữu ích). */
export const applicationKinds = ['PATENT', 'UTILITY_SOLUTION'] as const;

/** Connection config of `patent-registry`. Reading is public: no secrets. */
export const configSchema = z.object({
  /** Root of the IP Vietnam publish API, e.g. https://lgsp.example.gov.vn/ipvietnam (the path /api/v1/applications is appended). */
  baseUrl: z.url(),
  /** Sent as `kind=`; other kinds are not counted by the indicators anyway. */
  kinds: z.array(z.enum(applicationKinds)).min(1).default([...applicationKinds]),
  /** Sent as `limit=`: applications per page. */
  pageSize: z.number().int().min(1).max(1000).default(200),
  /** The source allows about 5 requests per second and answers 429 above. */
  requestsPerSecond: z.number().positive().max(50).default(5),
  /**
   * Current provinces whose applications the connection loads. The search has no province parameter: applications
   * are dropped after fetching unless their first Vietnamese applicant's address names one of these provinces (or
   * a legacy province that became part of one). Left out: every application.
   */
  provinces: provincesOption.optional(),
  /** A page (headers and body) slower than this is retried. */
  timeoutMs: z.number().int().positive().default(30_000),
});

export type PatentRegistryConfig = z.infer<typeof configSchema>;
