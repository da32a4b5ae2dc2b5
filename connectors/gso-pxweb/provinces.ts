import { provincesFile, readProvinceVersions } from '../provinces/province-versions.js';

export { lastLegacyDay, reformDay } from '../provinces/province-versions.js';

/** A province as a GSO table lists it: one of the 63 legacy provinces or of the 34 current ones. */
export interface ProvinceVersion {
  readonly code: string;
  readonly name: string;
  readonly vintage: 'legacy' | 'current';
  /** For a legacy province: the code of the current province it became part of. */
  readonly successorCode?: string;
}

/** The provinces of the repository's reference file (the one the warehouse loads), by vintage. */
export function readProvinces(file = provincesFile): readonly ProvinceVersion[] {
  return readProvinceVersions(file).map((v) => ({
    code: v.code,
    name: v.name,
    vintage: v.validTo === null ? 'current' : 'legacy',
    ...(v.successorCode !== undefined ? { successorCode: v.successorCode } : {}),
  }));
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

/** Every province code of a vintage: what a table is asked for when the connection covers every province. */
export function codesOfVintage(vintage: ProvinceVersion['vintage'], provinces: readonly ProvinceVersion[] = reference()): Set<string> {
  return new Set(provinces.filter((p) => p.vintage === vintage).map((p) => p.code));
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
