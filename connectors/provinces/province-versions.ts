import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/config/project-root.js';
import { addDays } from '../../src/dates.js';

/** The reform that replaced the 63 provinces by 34 (the survivors kept their codes). */
export const reformDay = '2025-07-01';
export const lastLegacyDay = '2025-06-30';

/** One version of a province, as config/provinces.csv lists it: codes are reused (91 is Kiên Giang, then An Giang). */
export interface ProvinceVersion {
  readonly code: string;
  readonly name: string;
  /** YYYY-MM-DD; null when valid since before the reference begins. */
  readonly validFrom: string | null;
  /** YYYY-MM-DD; null when still valid. */
  readonly validTo: string | null;
  /** For a version that ended: the code of the province it became (part of). */
  readonly successorCode?: string;
}

export const provincesFile = join(projectRoot, 'config', 'provinces.csv');

/**
 * The provinces of the reference file that ships with the code (the one the warehouse loads). Read synchronously:
 * connection configs are checked against it by zod, which does not wait.
 */
export function readProvinceVersions(file = provincesFile): readonly ProvinceVersion[] {
  const lines = readFileSync(file, 'utf8').replace(/^\ufeff/, '').split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
  return lines.map((line) => {
    const [code = '', name = '', validFrom = '', validTo = '', successor = ''] = line.split(',').map((c) => c.trim());
    return { code, name, validFrom: validFrom || null, validTo: validTo || null, ...(successor !== '' ? { successorCode: successor } : {}) };
  });
}

let cached: readonly ProvinceVersion[] | undefined;

/** The reference file's provinces, read once per process. */
export const provinceVersions = (): readonly ProvinceVersion[] => (cached ??= readProvinceVersions());

export const validOn = (v: ProvinceVersion, day: string): boolean => (v.validFrom === null || v.validFrom <= day) && (v.validTo === null || day <= v.validTo);

/** Codes of the provinces valid today (the 34 since the reform). */
export function currentCodes(versions: readonly ProvinceVersion[] = provinceVersions()): Set<string> {
  return new Set(versions.filter((v) => v.validTo === null).map((v) => v.code));
}

/**
 * The code of the province valid today that a version is or became part of, following its successions (89 An Giang
 * and 91 Kiên Giang -> 91 An Giang); undefined when the chain breaks off.
 */
export function currentCodeOf(version: ProvinceVersion, versions: readonly ProvinceVersion[] = provinceVersions()): string | undefined {
  let v: ProvinceVersion | undefined = version;
  for (let step = 0; v !== undefined && step < versions.length; step++) {
    if (v.validTo === null) return v.code;
    const successor: string | undefined = v.successorCode;
    if (successor === undefined) return undefined;
    const next = addDays(v.validTo, 1);
    v = versions.find((w) => w.code === successor && validOn(w, next));
  }
  return undefined;
}
