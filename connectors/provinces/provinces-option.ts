import { z } from 'zod';
import { currentCodeOf, currentCodes, provinceVersions } from './province-versions.js';

/** Why a code is not one a connection can cover: a legacy province names what it became part of. */
function notCurrent(code: string): string {
  const legacy = provinceVersions().find((v) => v.code === code && v.validTo !== null);
  const became = legacy === undefined ? undefined : currentCodeOf(legacy);
  if (legacy === undefined || became === undefined) return `no province has code ${code}: give a two-digit GSO code of a current province ("91", "40")`;
  return `${code} ${legacy.name} is a legacy province, part of ${became} since ${legacy.validTo ?? ''}: give ${became} (its legacy provinces are covered with it)`;
}

/**
 * A connection's `provinces`: the current provinces (codes valid since 2025-07-01) whose records it loads. Records
 * of the legacy provinces and communes that became part of them are covered too (91 covers legacy 89 and 91).
 */
export const provincesOption = z
  .array(z.string().trim().regex(/^\d{2}$/, 'expected a two-digit GSO province code, e.g. "91"'))
  .min(1, 'list at least one province, or leave provinces out to load every province')
  .superRefine((codes, ctx) => {
    const current = currentCodes();
    codes.forEach((code, index) => {
      if (/^\d{2}$/.test(code) && !current.has(code)) ctx.addIssue({ code: 'custom', message: notCurrent(code), path: [index] });
    });
  })
  .transform((codes) => [...new Set(codes)]);
