import type { UnitReference } from '../connector-sdk/types.js';
import { isIsoDate } from '../dates.js';
import { resolveUnit } from '../units/resolve.js';
import type { Db } from '../warehouse/database.js';
import type { UnitLevel } from '../warehouse/schema.js';

interface Version {
  readonly id: number;
  readonly level: UnitLevel;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export type UnitLookup = { readonly unitId: number } | { readonly code: 'UNIT_NOT_FOUND' | 'UNIT_AMBIGUOUS' | 'DATE_INVALID'; readonly reason: string };

/**
 * Resolves normalisers' unit references for one sync. Codes are answered from all unit versions held in memory
 * (a few thousand rows: one query per run instead of one per record); names go through the resolver, cached.
 */
export class UnitDirectory {
  private readonly names = new Map<string, UnitLookup>();

  private constructor(
    private readonly db: Db,
    private readonly byCode: ReadonlyMap<string, readonly Version[]>,
    private readonly byId: ReadonlyMap<number, Version>,
    private readonly successors: ReadonlyMap<number, readonly number[]>,
  ) {}

  static async load(db: Db): Promise<UnitDirectory> {
    const [rows, links] = await Promise.all([
      db.selectFrom('admin_unit').select(['id', 'code', 'level', 'valid_from', 'valid_to']).execute(),
      db.selectFrom('admin_unit_succession').select(['predecessor_id', 'successor_id']).execute(),
    ]);
    const byCode = new Map<string, Version[]>();
    const byId = new Map<number, Version>();
    for (const r of rows) {
      const v = { id: r.id, level: r.level, validFrom: r.valid_from, validTo: r.valid_to };
      byCode.set(r.code, [...(byCode.get(r.code) ?? []), v]);
      byId.set(r.id, v);
    }
    const successors = new Map<number, number[]>();
    for (const l of links) successors.set(l.predecessor_id, [...(successors.get(l.predecessor_id) ?? []), l.successor_id]);
    return new UnitDirectory(db, byCode, byId, successors);
  }

  async lookup(ref: UnitReference): Promise<UnitLookup> {
    if (ref.writtenOn === undefined || ref.writtenOn === ref.asOf) return this.lookupOn(ref);
    if (!isIsoDate(ref.writtenOn)) return { code: 'DATE_INVALID', reason: `unit written-on date "${ref.writtenOn}" is not a date (YYYY-MM-DD)` };
    const named = await this.lookupOn({ ...ref, asOf: ref.writtenOn });
    if (!('unitId' in named)) return named;
    return this.successorOn(named.unitId, ref.asOf);
  }

  /** The unit a unit became by `day`, following undivided successions (91 Kiên Giang -> 91 An Giang). */
  private successorOn(unitId: number, day: string): UnitLookup {
    const seen = new Set<number>();
    for (let id: number | undefined = unitId; id !== undefined && !seen.has(id); ) {
      seen.add(id);
      const v = this.byId.get(id);
      if (v && (v.validFrom === null || v.validFrom <= day) && (v.validTo === null || day <= v.validTo)) return { unitId: id };
      const next: readonly number[] = this.successors.get(id) ?? [];
      if (next.length > 1) return { code: 'UNIT_AMBIGUOUS', reason: `the unit named was divided before ${day}: its successors cannot be told apart` };
      id = next[0];
    }
    return { code: 'UNIT_NOT_FOUND', reason: `the unit named has no successor valid on ${day}` };
  }

  private async lookupOn(ref: UnitReference): Promise<UnitLookup> {
    if (!isIsoDate(ref.asOf)) return { code: 'DATE_INVALID', reason: `unit as-of date "${ref.asOf}" is not a date (YYYY-MM-DD)` };
    if (ref.code !== undefined) return this.byCodeOn(ref.code.trim(), ref.asOf, ref.level);
    if (ref.name !== undefined) return this.byName(ref.name, ref.asOf, ref.level);
    if (ref.address !== undefined) return this.byAddress(ref.address, ref.asOf, ref.level ?? 'province');
    return { code: 'UNIT_NOT_FOUND', reason: 'the record names no administrative unit (neither code, name nor address)' };
  }

  private byCodeOn(code: string, day: string, level: UnitLevel | undefined): UnitLookup {
    const inferred = level ?? (code.length === 2 ? 'province' : code.length === 5 ? 'commune' : undefined);
    const versions = (this.byCode.get(code) ?? []).filter((v) => inferred === undefined || v.level === inferred);
    const valid = versions.filter((v) => (v.validFrom === null || v.validFrom <= day) && (v.validTo === null || day <= v.validTo));
    const [only, second] = valid;
    if (only && !second) return { unitId: only.id };
    if (second) return { code: 'UNIT_AMBIGUOUS', reason: `code ${code} names several units on ${day}: give the level` };
    if (versions.length > 0) {
      const spans = versions.map((v) => `${v.validFrom ?? '…'} to ${v.validTo ?? 'now'}`).join(', ');
      return { code: 'UNIT_NOT_FOUND', reason: `${inferred ?? 'unit'} code ${code} is not valid on ${day} (valid ${spans}); legacy codes belong to periods before 2025-07-01` };
    }
    return { code: 'UNIT_NOT_FOUND', reason: `no ${inferred ?? 'unit'} has code ${code}; check the code against \`lgsp units resolve ${code}\`` };
  }

  /**
   * The last part of the address that names a unit of `level` on `day`: addresses end with the province
   * ("…, tỉnh An Giang", "…, TP.HCM"), sometimes followed by the country, which is skipped.
   */
  private async byAddress(address: string, day: string, level: UnitLevel): Promise<UnitLookup> {
    const parts = address.split(/[,;\n]/).map((p) => p.trim()).filter((p) => p !== '');
    for (const part of parts.reverse()) {
      const found = await this.byName(part, day, level);
      if ('unitId' in found) return found;
    }
    return { code: 'UNIT_NOT_FOUND', reason: `no ${level} is named in the address "${address}" on ${day}; check its spelling with \`lgsp units resolve "<name>" --as-of ${day}\`` };
  }

  private async byName(name: string, day: string, level: UnitLevel | undefined): Promise<UnitLookup> {
    const key = `${name}|${level ?? ''}|${day}`;
    const known = this.names.get(key);
    if (known) return known;
    const r = await resolveUnit(this.db, name, { asOf: day, ...(level ? { level } : {}) });
    const result: UnitLookup = r.ok ? { unitId: r.unit.id } : { code: r.code, reason: r.reason };
    this.names.set(key, result);
    return result;
  }
}
