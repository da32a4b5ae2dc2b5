import { z } from 'zod';
import type { RetryOptions } from './types.js';

/**
 * A connection's `retry` setting, for connectors that let stewards tune the client's retries (a gateway slow to
 * recover, a strict rate limit). Each field overrides the client's default (`defaultRetryOptions`); unknown fields
 * are refused so a misspelt one is reported instead of silently ignored.
 */
export const retryConfigSchema = z
  .object({
    retries: z.number().int().min(0).max(20).optional(),
    baseDelayMs: z.number().int().positive().optional(),
    maxDelayMs: z.number().int().positive().optional(),
  })
  .strict();

export type RetryConfig = z.infer<typeof retryConfigSchema>;

/** The client's retry options from a connection's `retry`: only the fields it sets, so the others keep their defaults. */
export function retryOptions(config: RetryConfig | undefined): Partial<RetryOptions> {
  const r = config ?? {};
  return {
    ...(r.retries !== undefined ? { retries: r.retries } : {}),
    ...(r.baseDelayMs !== undefined ? { baseDelayMs: r.baseDelayMs } : {}),
    ...(r.maxDelayMs !== undefined ? { maxDelayMs: r.maxDelayMs } : {}),
  };
}
