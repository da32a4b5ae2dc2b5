import { z } from 'zod';
import type { Json } from '../../src/connector-sdk/types.js';

/**
 * The paging envelope both endpoints answer with. Items stay raw JSON: each one is validated on its own by the
 * normaliser, so one bad row is rejected with a reason instead of failing the page. Extra fields are ignored.
 */
const envelopeSchema = z.object({
  content: z.array(z.json()),
  page: z.number().int().nonnegative(),
  totalPages: z.number().int().nonnegative(),
});

export interface PortalPage {
  readonly content: readonly Json[];
  readonly page: number;
  readonly totalPages: number;
}

export function parseEnvelope(body: unknown): PortalPage {
  const parsed = envelopeSchema.parse(body);
  return { content: parsed.content, page: parsed.page, totalPages: parsed.totalPages };
}

/** True when the page just read is the last one (an empty page is the end too). */
export function isLastPage(page: PortalPage, requested: number): boolean {
  return page.content.length === 0 || requested + 1 >= page.totalPages;
}

/** A plain object's fields, or undefined for anything else (arrays, null, text). */
export function asObject(value: Json | undefined): Readonly<Record<string, Json>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** Text as the contract allows it: any Unicode normalisation, surrounding spaces. */
export function cleanText(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value.normalize('NFC').trim().replace(/\s+/g, ' ') : undefined;
}
