import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/config/project-root.js';

/** The reform that replaced the 63 provinces by 34 (codes of the survivors reused). */
export const reformDay = '2025-07-01';
export const lastLegacyDay = '2025-06-30';

export interface ProvinceVersion {
  readonly code: string;
  readonly name: string;
  readonly vintage: 'legacy' | 'current';
  /** For a legacy province: the code of the current province it became part of. */
  readonly successorCode?: string;
}

export const provincesFile = join(projectRoot, 'config', 'provinces.csv');

/** The provinces of the repository's reference file (the one the warehouse loads), read once. */
export function readProvinces(file = provincesFile): readonly ProvinceVersion[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
  return lines.map((line) => {
    const [code = '', name = '', validFrom = '', , successor = ''] = line.split(',').map((c) => c.trim());
    const vintage = validFrom >= reformDay ? 'current' : 'legacy';
    return { code, name, vintage, ...(successor !== '' ? { successorCode: successor } : {}) };
  });
}

let cached: readonly ProvinceVersion[] | undefined;
const reference = (): readonly ProvinceVersion[] => (cached ??= readProvinces());

/** Codes to look for in a table: the configured (current) codes and every legacy code merged into them. */
export function codesToQuery(configured: readonly string[], provinces: readonly ProvinceVersion[] = reference()): Set<string> {
  const wanted = new Set(configured);
  for (const p of provinces) if (p.vintage === 'legacy' && p.successorCode !== undefined && wanted.has(p.successorCode)) wanted.add(p.code);
  for (const code of configured) wanted.add(code);
  return wanted;
}

/** Codes only the legacy provinces had (89 An Giang, 93 Hậu Giang ...): a table listing one uses legacy codes. */
export function legacyOnlyCodes(provinces: readonly ProvinceVersion[] = reference()): Set<string> {
  const current = new Set(provinces.filter((p) => p.vintage === 'current').map((p) => p.code));
  return new Set(provinces.filter((p) => p.vintage === 'legacy' && !current.has(p.code)).map((p) => p.code));
}

const bareName = (name: string): string =>
  name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi').replace(/^(tỉnh|thành phố|tp\.?)\s*/, '');

/** 'legacy' when a code is listed with the name its legacy province had and not its current one (91 "Kiên Giang"). */
export function vintageByName(code: string, text: string, provinces: readonly ProvinceVersion[] = reference()): 'legacy' | 'current' | undefined {
  const name = bareName(text);
  const legacy = provinces.find((p) => p.vintage === 'legacy' && p.code === code);
  const current = provinces.find((p) => p.vintage === 'current' && p.code === code);
  if (legacy && current && bareName(legacy.name) !== bareName(current.name)) {
    if (name === bareName(legacy.name)) return 'legacy';
    if (name === bareName(current.name)) return 'current';
  }
  return undefined;
}
