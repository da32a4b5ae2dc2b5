import { addressParts, readings, windows, type AddressWindow } from './address-parts.js';
import { foldDiacritics, normaliseName, type NameKeys } from './names.js';
import { validOn, type CatalogueUnit, type NameHit, type UnitCatalogue } from './unit-catalogue.js';

/** How a place was reached: the unit its name named on the day, or the successor of a unit merged before it. */
export type Resolution = 'direct' | 'succession';

export type PlaceRejectionCode = 'UNIT_NOT_FOUND' | 'UNIT_AMBIGUOUS' | 'UNIT_DIVIDED';

export type PlaceResult =
  | {
      readonly ok: true;
      readonly unit: CatalogueUnit;
      readonly resolution: Resolution;
      /** The version the text named: the unit itself, or (succession) the legacy one it became part of. */
      readonly named: CatalogueUnit;
      /** The part of the text that named it. */
      readonly part: string;
    }
  | { readonly ok: false; readonly code: PlaceRejectionCode; readonly reason: string; readonly candidates: readonly CatalogueUnit[] };

export interface PlaceQuery {
  /** YYYY-MM-DD: the day the text was written (a filing date, a period's last day). */
  readonly asOf: string;
  /** The level of the unit wanted: the province an address lies in, or its commune. */
  readonly level: 'province' | 'commune';
}

/** What one part says at one level. */
type PartMatch =
  | { readonly kind: 'none' }
  | { readonly kind: 'country' }
  | { readonly kind: 'found'; readonly unit: CatalogueUnit; readonly named: CatalogueUnit; readonly resolution: Resolution }
  | { readonly kind: 'ambiguous' | 'divided'; readonly candidates: readonly CatalogueUnit[]; readonly named: readonly CatalogueUnit[] };

const none: PartMatch = { kind: 'none' };
const communePrefixes = new Set(['xa', 'phuong', 'thi tran', 'dac khu']);

/** "Xã", "Phường", "Thị trấn", "Đặc khu" (folded) when the text starts with one; null otherwise. */
export function communePrefixOf(text: string): string | null {
  const prefix = normaliseName(text).prefix;
  const folded = prefix === null ? null : foldDiacritics(prefix);
  return folded !== null && communePrefixes.has(folded) ? folded : null;
}

export function unitText(u: CatalogueUnit): string {
  return `${u.code} ${u.name}${u.validTo !== null ? ` (until ${u.validTo})` : u.validFrom !== null ? ` (from ${u.validFrom})` : ''}`;
}

const listText = (units: readonly CatalogueUnit[]) => units.map(unitText).join(', ');

/** The versions hits name on `day`: valid ones directly, else legacy ones through their successions. */
function onDay(catalogue: UnitCatalogue, hits: readonly NameHit[], day: string): PartMatch {
  const valid = hits.filter((h) => validOn(h.unit, day)).map((h) => h.unit);
  const [only] = valid;
  if (only && valid.length === 1) return { kind: 'found', unit: only, named: only, resolution: 'direct' };
  if (valid.length > 1) return { kind: 'ambiguous', candidates: valid, named: valid };
  const legacy = hits.filter((h) => h.unit.validTo !== null && h.unit.validTo < day).map((h) => h.unit);
  if (legacy.length === 0) return none;
  const successors = new Map<number, CatalogueUnit>();
  let divided = false;
  for (const u of legacy) {
    const s = catalogue.successorsOn(u, day);
    divided ||= s.divided;
    for (const v of s.units) successors.set(v.id, v);
  }
  const found = [...successors.values()];
  const [successor] = found;
  const [named] = legacy;
  if (divided) return { kind: 'divided', candidates: found, named: legacy };
  if (successor && named && found.length === 1) return { kind: 'found', unit: successor, named, resolution: 'succession' };
  return found.length === 0 ? none : { kind: 'ambiguous', candidates: found, named: legacy };
}

function provinceIn(catalogue: UnitCatalogue, text: string, day: string, joined: boolean): PartMatch {
  for (const reading of readings(text, joined)) {
    const name = normaliseName(reading);
    if (name.exactKey === '' || name.levelHint === 'commune' || name.levelHint === 'district') continue;
    const variants: NameKeys[] = name.unprefixed.exactKey === name.exactKey ? [name] : [name, name.unprefixed];
    for (const keys of variants) {
      if (catalogue.byName(keys, 'country', day).length > 0) return { kind: 'country' };
      const match = onDay(catalogue, catalogue.byName(keys, 'province', day), day);
      if (match.kind !== 'none') return match;
    }
  }
  return none;
}

/** True when the text is the country's name ("Việt Nam", "Vietnam", "VN"): a national figure, no province. */
export function namesCountry(catalogue: UnitCatalogue, text: string): boolean {
  const name = normaliseName(text);
  return name.exactKey !== '' && catalogue.byName(name, 'country').length > 0;
}

/** The province valid on `day` a unit lies in or became part of; undefined when it cannot be told. */
function provinceOnDay(catalogue: UnitCatalogue, unit: CatalogueUnit, day: string): CatalogueUnit | undefined {
  const province = catalogue.provinceOf(unit);
  if (!province) return undefined;
  if (validOn(province, day)) return province;
  const next = catalogue.successorsOn(province, day).units;
  return next.length === 1 ? next[0] : undefined;
}

/**
 * An abbreviation naming several provinces ("QN": Quảng Ninh, Quảng Nam, Quảng Ngãi) is settled by the rest of the
 * address: the communes it names (any date) and the provinces they lie in. Needs the communes loaded.
 */
function settle(catalogue: UnitCatalogue, candidates: readonly CatalogueUnit[], parts: readonly string[], day: string): CatalogueUnit | undefined {
  const ids = new Set(candidates.map((c) => c.id));
  const seen = new Set<number>();
  for (const part of parts) {
    const keys = normaliseName(part);
    if (keys.exactKey === '' || keys.levelHint === 'district') continue;
    const prefix = communePrefixOf(part);
    for (const hit of catalogue.byName(keys, 'commune', day)) {
      if (prefix !== null && communePrefixOf(hit.unit.name) !== prefix) continue;
      const province = provinceOnDay(catalogue, hit.unit, day);
      if (province && ids.has(province.id)) seen.add(province.id);
    }
  }
  const [only] = seen;
  return seen.size === 1 && only !== undefined ? catalogue.unit(only) : undefined;
}

/** The province versions whose communes may be meant: the province and the legacy ones that became part of it. */
function family(catalogue: UnitCatalogue, province: CatalogueUnit, day: string): (u: CatalogueUnit) => boolean {
  return (u) => {
    const p = catalogue.provinceOf(u);
    return p !== undefined && provinceOnDay(catalogue, p, day)?.id === province.id;
  };
}

function communeIn(catalogue: UnitCatalogue, text: string, day: string, inside: (u: CatalogueUnit) => boolean): PartMatch {
  const name = normaliseName(text);
  if (name.exactKey === '' || name.levelHint === 'district' || name.levelHint === 'province') return none;
  const prefix = communePrefixOf(text);
  const hits = catalogue.byName(name, 'commune', day).filter((h) => inside(h.unit) && (prefix === null || communePrefixOf(h.unit.name) === prefix));
  return onDay(catalogue, hits, day);
}

function rejection(code: PlaceRejectionCode, reason: string, candidates: readonly CatalogueUnit[] = []): PlaceResult {
  return { ok: false, code, reason, candidates };
}

function fromMatch(match: PartMatch & { kind: 'ambiguous' | 'divided' }, part: string, level: string, day: string): PlaceResult {
  if (match.kind === 'divided') {
    return rejection('UNIT_DIVIDED', `'${part}' named ${listText(match.named)}, divided before ${day} among ${listText(match.candidates)}: the ${level} cannot be told; give the ${level} valid on ${day} or its code`, match.candidates);
  }
  return rejection('UNIT_AMBIGUOUS', `'${part}' names ${match.candidates.length} ${level}s on ${day}: ${listText(match.candidates)}; write the ${level}'s full name, or a commune of it in the address`, match.candidates);
}

/**
 * A code is a system's identifier, not a name people keep writing: it means the unit holding it on the day (91 is
 * Kiên Giang in 2024 and An Giang in 2026), and a legacy code after the reform belongs to earlier periods.
 */
function byCode(catalogue: UnitCatalogue, code: string, day: string): PlaceResult {
  const versions = catalogue.byCode(code);
  const unit = versions.find((u) => validOn(u, day));
  if (unit) return { ok: true, unit, named: unit, resolution: 'direct', part: code };
  const fates = versions.map((v) => {
    const next = catalogue.successorsOn(v, day).units;
    return `${unitText(v)}${next.length > 0 ? `, part of ${listText(next)} on ${day}` : ''}`;
  });
  const known = fates.length > 0 ? `code ${code} was ${fates.join('; ')}` : `no unit has code ${code}`;
  return rejection('UNIT_NOT_FOUND', `${known}: codes are read as of the day (${day}); give the code valid then, or the unit's name`);
}

interface ProvinceFound {
  readonly result: PlaceResult;
  readonly window: AddressWindow | null;
}

function findProvince(catalogue: UnitCatalogue, address: string, parts: readonly string[], day: string): ProvinceFound {
  for (const w of windows(parts)) {
    const match = provinceIn(catalogue, w.text, day, w.start !== w.end);
    if (match.kind === 'none' || match.kind === 'country') continue;
    if (match.kind === 'found') return { result: { ok: true, unit: match.unit, named: match.named, resolution: match.resolution, part: w.text }, window: w };
    const settled = match.kind === 'ambiguous' ? settle(catalogue, match.candidates, parts.filter((_, i) => i < w.start || i > w.end), day) : undefined;
    if (settled) return { result: { ok: true, unit: settled, named: settled, resolution: 'direct', part: w.text }, window: w };
    return { result: fromMatch(match, w.text, 'province', day), window: w };
  }
  const hint = catalogue.hasCommunes ? '' : ' (the communes are not loaded: only province names are read)';
  return {
    result: rejection('UNIT_NOT_FOUND', `no province is named in the address "${address}" on ${day}${hint}; check its spelling with \`lgsp units resolve "<name>" --as-of ${day}\`, or correct it at the source`),
    window: null,
  };
}

/**
 * The one resolver of places written by people, used by connectors and by the engine, always as of a day: a name or
 * an address (house number, street, hamlet, commune, district, province, country, in any order of separators),
 * read from the end. A name valid on the day wins (reused names and codes are decided by the day: "An Giang" in 2024
 * is 89, in 2026 the merged 91); a name of a unit merged before the day resolves to its successor, flagged
 * `succession`; a commune divided since is rejected with the communes it went to.
 */
export function resolvePlace(catalogue: UnitCatalogue, address: string, query: PlaceQuery): PlaceResult {
  const code = address.trim();
  if (/^(\d{2}|\d{5})$/.test(code)) return byCode(catalogue, code, query.asOf);
  const parts = addressParts(address);
  if (parts.length === 0) return rejection('UNIT_NOT_FOUND', 'the address is empty: nothing names a unit; fill it in at the source');
  const province = findProvince(catalogue, address, parts, query.asOf);
  if (query.level === 'province') return province.result;
  if (!catalogue.hasCommunes) return rejection('UNIT_NOT_FOUND', `communes are not loaded: load them with \`lgsp reference load\` (LGSP_ADMIN_UNITS_DIR) to resolve "${address}" to a commune`);
  const inside = province.result.ok ? family(catalogue, province.result.unit, query.asOf) : () => true;
  const end = province.window?.start ?? parts.length;
  for (let i = end - 1; i >= 0; i--) {
    const part = parts[i] ?? '';
    const match = communeIn(catalogue, part, query.asOf, inside);
    if (match.kind === 'found') return { ok: true, unit: match.unit, named: match.named, resolution: match.resolution, part };
    if (match.kind === 'ambiguous' || match.kind === 'divided') return fromMatch(match, part, 'commune', query.asOf);
  }
  const where = province.result.ok ? ` in ${unitText(province.result.unit)}` : '';
  return rejection('UNIT_NOT_FOUND', `no commune${where} is named in the address "${address}" on ${query.asOf}; check its spelling with \`lgsp units resolve "<name>" --as-of ${query.asOf} --level commune\``);
}
