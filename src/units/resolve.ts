import { requireIsoDate } from '../dates.js';
import { UnitResolutionError } from '../errors.js';
import type { Db } from '../warehouse/database.js';
import type { UnitLevel } from '../warehouse/schema.js';
import { cleanName, foldDiacritics, normaliseName, type NameKeys } from './names.js';
import {
  linkedOn, publicUnit, relatedProvinceIds, unitsByCode, unitsByName, type NameHit, type ResolvedUnit, type UnitVersion,
} from './unit-query.js';

export type { ResolvedUnit } from './unit-query.js';

export type MatchedBy = 'code' | 'exact' | 'ascii' | 'alias' | 'succession';

/** 'succession': the text named a unit merged into this one before the day (flagged in provenance and counted). */
export type Resolution = 'direct' | 'succession';

export type ResolveResult =
  | {
      readonly ok: true;
      readonly unit: ResolvedUnit;
      readonly matchedBy: MatchedBy;
      readonly resolution: Resolution;
      /** For a succession: the legacy version the text named. */
      readonly via?: ResolvedUnit;
    }
  | { readonly ok: false; readonly code: 'UNIT_NOT_FOUND' | 'UNIT_AMBIGUOUS' | 'UNIT_DIVIDED'; readonly reason: string; readonly candidates: ResolvedUnit[] };

export interface ResolveOptions {
  /** YYYY-MM-DD: only unit versions valid on this day qualify. */
  readonly asOf: string;
  readonly level?: UnitLevel;
  /** Province code or name (resolved as of the same day) the unit must lie in. */
  readonly within?: string;
}


const notFound = (reason: string, candidates: readonly UnitVersion[] = []): ResolveResult =>
  ({ ok: false, code: 'UNIT_NOT_FOUND', reason, candidates: candidates.map(publicUnit) });

/** "91 Tỉnh An Giang", "00097 Phường Hồng Hà (Thành phố Hà Nội)". */
export function unitLabel(u: ResolvedUnit): string {
  if (u.level !== 'commune' || u.parentName === null) return `${u.code} ${u.name}`;
  return `${u.code} ${u.name} (${u.districtName ? `${u.districtName}, ` : ''}${u.parentName})`;
}

function listLabels(units: readonly ResolvedUnit[], max = 8): string {
  const shown = units.slice(0, max).map(unitLabel).join(', ');
  return units.length > max ? `${shown} and ${units.length - max} more` : shown;
}

interface Scope {
  readonly asOf: string;
  /** The level asked for, or the one the prefix names ("Xã", "Tỉnh"). */
  readonly level: UnitLevel | null;
  readonly within: UnitVersion | null;
}

const inside = (u: UnitVersion, province: UnitVersion | null) => province === null || u.parentId === province.id || u.id === province.id;

/** A commune's prefix is part of its name: "Phường Hồng Hà" is another unit than "Xã Hồng Hà". Folded; null if none. */
function communePrefix(name: string): string | null {
  const prefix = normaliseName(name).prefix;
  const folded = prefix === null ? null : foldDiacritics(prefix);
  return folded !== null && communePrefixes.has(folded) ? folded : null;
}

const communePrefixes = new Set(['xa', 'phuong', 'thi tran', 'dac khu']);

const samePrefix = (u: UnitVersion, prefix: string | null) => prefix === null || u.level !== 'commune' || communePrefix(u.name) === prefix;

const validOnDay = (u: UnitVersion, day: string) => (u.validFrom === null || u.validFrom <= day) && (u.validTo === null || day <= u.validTo);

interface Match {
  readonly unit: UnitVersion;
  /** 0: exact key, 1: ascii key. */
  readonly tier: number;
  readonly matchedBy: MatchedBy;
}

/** Best match of each unit: exact before ascii; official or English before alias. */
function byUnit(hits: readonly NameHit[], keys: NameKeys): Match[] {
  const best = new Map<number, Match>();
  for (const h of hits) {
    const tier = h.exactKey === keys.exactKey ? 0 : 1;
    const matchedBy: MatchedBy = h.origin === 'alias' ? 'alias' : tier === 0 ? 'exact' : 'ascii';
    const seen = best.get(h.unit.id);
    if (!seen || tier < seen.tier || (tier === seen.tier && seen.matchedBy === 'alias')) best.set(h.unit.id, { unit: h.unit, tier, matchedBy });
  }
  return [...best.values()];
}

const levelRank: Record<UnitLevel, number> = { province: 0, commune: 1, country: 2 };

/** Province before commune when the level is open ("Lào Cai" is the province, "Phường Lào Cai" the ward). */
function pick(matches: readonly Match[], scope: Scope, text: string): ResolveResult | null {
  const levels: UnitLevel[] = scope.level ? [scope.level] : ['province', 'commune', 'country'];  // as levelRank
  for (const level of levels) {
    for (const tier of [0, 1]) {
      const found = matches.filter((m) => m.unit.level === level && m.tier === tier);
      const [first] = found;
      if (!first) continue;
      if (found.length === 1) return { ok: true, unit: publicUnit(first.unit), matchedBy: first.matchedBy, resolution: 'direct' };
      const where = scope.within ? ` in ${unitLabel(scope.within)}` : '';
      return {
        ok: false,
        code: 'UNIT_AMBIGUOUS',
        reason: `'${text}' names ${found.length} ${level}s${where} on ${scope.asOf}: ${listLabels(found.map((m) => m.unit))}. Say which: give the province (within) or the code.`,
        candidates: found.map((m) => publicUnit(m.unit)),
      };
    }
  }
  return null;
}

/** How an explanation names what was asked: "'Kiên Giang' named province 91", "code 89 was province 89 Tỉnh An Giang". */
interface Subject {
  was(v: UnitVersion): string;
  is(v: UnitVersion): string;
}

const unitText = (v: UnitVersion) => (v.level === 'commune' ? `commune ${unitLabel(v)}` : `${v.level} ${v.code}`);

function nameSubject(text: string): Subject {
  return { was: (v) => `'${text}' named ${unitText(v)}`, is: (v) => `'${text}' names ${unitText(v)}` };
}

function codeSubject(code: string): Subject {
  return { was: (v) => `code ${code} was ${v.level} ${unitLabel(v)}`, is: (v) => `code ${code} is ${v.level} ${unitLabel(v)}` };
}

/** Why a name or code that matches nothing on `asOf` does match at other dates, in the succession's terms. */
async function explainOtherDates(db: Db, subject: Subject, versions: readonly UnitVersion[], asOf: string): Promise<string> {
  const parts: string[] = [];
  for (const v of versions.slice(0, 3)) {
    if (v.validTo !== null && v.validTo < asOf) {
      const next = await linkedOn(db, v.id, asOf, 'forward');
      const now = next.map((l) => publicUnit(l.unit));
      const fate =
        now.length === 0 ? `no successor is recorded on ${asOf}`
        : now.length === 1 ? `on ${asOf} it is part of ${listLabels(now)}`
        : `on ${asOf} its area is divided among ${listLabels(now)}`;
      parts.push(`${subject.was(v)} until ${v.validTo}; ${fate}`);
    } else if (v.validFrom !== null && v.validFrom > asOf) {
      const before = (await linkedOn(db, v.id, asOf, 'backward')).map((l) => publicUnit(l.unit));
      const origin = before.length === 0 ? 'no predecessor is recorded' : `its area belonged to ${listLabels(before)}`;
      parts.push(`${subject.is(v)} only from ${v.validFrom}; on ${asOf} ${origin}`);
    }
  }
  if (versions.length > 3) parts.push(`and ${versions.length - 3} more versions at other dates`);
  return parts.join('; ');
}

async function resolveCode(db: Db, code: string, scope: Scope): Promise<ResolveResult> {
  const level: UnitLevel | null = code.length === 2 ? 'province' : code.length === 5 ? 'commune' : null;
  if (level === null) return notFound(`'${code}' is not a unit code: a province code has 2 digits (e.g. 01), a commune code 5 (e.g. 00004)`);
  if (scope.level !== null && scope.level !== level) return notFound(`'${code}' is a ${level} code, not a ${scope.level} code`);
  const [unit] = await unitsByCode(db, code, { asOf: scope.asOf, level });
  if (unit) {
    if (inside(unit, scope.within)) return { ok: true, unit: publicUnit(unit), matchedBy: 'code', resolution: 'direct' };
    return notFound(`${unitLabel(unit)} lies in ${unit.parentCode ?? '?'} ${unit.parentName ?? ''}, not in ${unitLabel(scope.within ?? unit)} on ${scope.asOf}`, [unit]);
  }
  const other = await unitsByCode(db, code, { asOf: null, level });
  if (other.length > 0) return notFound(await explainOtherDates(db, codeSubject(code), other, scope.asOf), other);
  return notFound(`no ${level} has code ${code} on ${scope.asOf}, nor at any other date`);
}

async function resolveName(db: Db, text: string, scope: Scope, explicitLevel: boolean): Promise<ResolveResult> {
  const name = normaliseName(text);
  if (name.exactKey === '') return notFound('the name is empty');
  const district = name.levelHint === 'district' && !explicitLevel;
  const hinted: UnitLevel | null = scope.level ?? (name.levelHint === 'province' || name.levelHint === 'commune' ? name.levelHint : null);
  const attempts: { keys: NameKeys; level: UnitLevel | null; prefix: string | null }[] = [];
  if (!district) attempts.push({ keys: name, level: hinted, prefix: communePrefix(text) });
  // "Tinh Bien" typed without diacritics may be the commune Tịnh Biên rather than "Tỉnh Biên".
  if (name.unprefixed.exactKey !== name.exactKey) attempts.push({ keys: name.unprefixed, level: scope.level, prefix: null });

  const otherPrefix: UnitVersion[] = [];
  for (const { keys, level, prefix } of attempts) {
    const hits = await unitsByName(db, keys.exactKey, keys.asciiKey, { asOf: scope.asOf, level });
    const matches = byUnit(hits, keys).filter((m) => inside(m.unit, scope.within));
    otherPrefix.push(...matches.filter((m) => !samePrefix(m.unit, prefix)).map((m) => m.unit));
    const result = pick(matches.filter((m) => samePrefix(m.unit, prefix)), { ...scope, level }, text);
    if (result) return result;
  }
  if (district) {
    return notFound(`'${text}' names a district ("${name.prefix ?? ''}"): districts are not units here (they were abolished on 2025-07-01); name its province or commune`);
  }
  const clean = cleanName(text);
  const held = [...new Map(otherPrefix.map((u) => [u.id, u])).values()];
  const heldBy = held.length === 0 ? '' : `; on ${scope.asOf} the name is held by ${listLabels(held.map(publicUnit))}, another unit (its prefix differs)`;

  const related = scope.within ? await relatedProvinceIds(db, scope.within.id) : null;
  for (const { keys, level, prefix } of attempts) {
    const hits = await unitsByName(db, keys.exactKey, keys.asciiKey, { asOf: null, level, aliasDay: scope.asOf });
    const relevant = byUnit(hits, keys).filter(
      (m) => samePrefix(m.unit, prefix) && !validOnDay(m.unit, scope.asOf) && (related === null || related.has(m.unit.parentId ?? -1) || related.has(m.unit.id)),
    );
    const tier = Math.min(...relevant.map((m) => m.tier));
    const versions = relevant
      .filter((m) => m.tier === tier)
      .map((m) => m.unit)
      .sort((a, b) => levelRank[a.level] - levelRank[b.level] || a.code.localeCompare(b.code));
    if (versions.length === 0) continue;
    const successor = await succession(db, versions, scope, held.length > 0);
    if (successor) return successor;
    const explained = `${await explainOtherDates(db, nameSubject(clean), versions, scope.asOf)}${heldBy}`;
    const divided = await dividedSuccessors(db, versions, scope.asOf);
    if (divided.length > 0) return { ok: false, code: 'UNIT_DIVIDED', reason: `${explained}: name the commune valid on ${scope.asOf}, or give its code`, candidates: divided.map(publicUnit) };
    return notFound(explained, [...versions, ...held]);
  }
  const where = scope.within ? ` in ${unitLabel(scope.within)}` : '';
  return notFound(
    `no ${scope.level ?? hinted ?? 'unit'} named '${clean}'${where} on ${scope.asOf}, nor at any other date (looked up "${name.exactKey}", then "${name.asciiKey}" without diacritics)${heldBy}`,
    held,
  );
}

/**
 * A name of units merged before the day (all of the best-ranked level ended before it) resolves to their one
 * successor, flagged: documents dated after the reform keep legacy names and stay valid. Not when a unit of another
 * prefix holds the name on the day, nor when the legacy unit was divided.
 */
async function succession(db: Db, versions: readonly UnitVersion[], scope: Scope, nameHeld: boolean): Promise<ResolveResult | null> {
  const [first] = versions;
  if (!first || nameHeld) return null;
  const named = versions.filter((v) => v.level === first.level);
  if (named.some((v) => v.validTo === null || v.validTo >= scope.asOf)) return null;
  const links = (await Promise.all(named.map((v) => linkedOn(db, v.id, scope.asOf, 'forward')))).flat();
  const units = [...new Map(links.map((l) => [l.unit.id, l.unit])).values()].filter((u) => inside(u, scope.within));
  const [only] = units;
  if (!only || units.length > 1 || links.some((l) => l.divided)) return null;
  return { ok: true, unit: publicUnit(only), matchedBy: 'succession', resolution: 'succession', via: publicUnit(first) };
}

/** The units a divided legacy version's area went to on the day. */
async function dividedSuccessors(db: Db, versions: readonly UnitVersion[], day: string): Promise<UnitVersion[]> {
  const out: UnitVersion[] = [];
  for (const v of versions.filter((x) => x.validTo !== null && x.validTo < day)) {
    const links = await linkedOn(db, v.id, day, 'forward');
    if (links.some((l) => l.divided)) out.push(...links.map((l) => l.unit));
  }
  return out;
}

/**
 * Resolves free text (a code, a name with or without prefix and diacritics, an alias) to the one unit version
 * valid on `asOf`. Never guesses: several candidates give UNIT_AMBIGUOUS. A name of a unit merged before `asOf`
 * resolves to its one successor (resolution 'succession'); a divided one gives UNIT_DIVIDED with the units it went
 * to; a name valid only later, or a legacy code, gives UNIT_NOT_FOUND with where it came from or went.
 */
export async function resolveUnit(db: Db, text: string, options: ResolveOptions): Promise<ResolveResult> {
  requireIsoDate(options.asOf);
  let within: UnitVersion | null = null;
  if (options.within !== undefined) {
    const w = await resolveUnit(db, options.within, { asOf: options.asOf, level: 'province' });
    if (!w.ok) return { ...w, reason: `within '${options.within}': ${w.reason}` };
    within = { ...w.unit, parentId: null };
  }
  const scope: Scope = { asOf: options.asOf, level: options.level ?? null, within };
  const trimmed = cleanName(text);
  if (/^[0-9]+$/.test(trimmed)) return resolveCode(db, trimmed, scope);
  return resolveName(db, trimmed, scope, options.level !== undefined);
}

/** Like resolveUnit, but the unit or a UnitResolutionError carrying the explanation. */
export async function requireUnit(db: Db, text: string, options: ResolveOptions): Promise<ResolvedUnit> {
  const result = await resolveUnit(db, text, options);
  if (!result.ok) throw new UnitResolutionError(result.code, result.reason);
  return result.unit;
}
