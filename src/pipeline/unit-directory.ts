import type { UnitReference } from '../connector-sdk/types.js';
import { isIsoDate } from '../dates.js';
import { databaseCatalogue } from '../units/database-catalogue.js';
import { resolvePlace, type Resolution } from '../units/place-resolver.js';
import { resolveUnit } from '../units/resolve.js';
import type { UnitCatalogue } from '../units/unit-catalogue.js';
import type { Db } from '../warehouse/database.js';
import type { UnitLevel } from '../warehouse/schema.js';

interface Version {
  readonly id: number;
  readonly level: UnitLevel;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export type UnitLookup =
  | { readonly unitId: number; readonly resolution: Resolution }
  | { readonly code: 'UNIT_NOT_FOUND' | 'UNIT_AMBIGUOUS' | 'UNIT_DIVIDED' | 'DATE_INVALID'; readonly reason: string };

/**
 * Resolves normalisers' unit references for one sync. Codes are answered from all unit versions held in memory
 * (a few thousand rows: one query per run instead of one per record); addresses by the place resolver connectors
 * use too (src/units/place-resolver.ts), over the warehouse's units; names through resolveUnit, cached. Both follow
 * a legacy name to its successor and say so (`resolution`).
 */
export class UnitDirectory {
  private readonly names = new Map<string, UnitLookup>();

  private constructor(
    private readonly db: Db,
    private readonly byCode: ReadonlyMap<string, readonly Version[]>,
    private readonly byId: ReadonlyMap<number, Version>,
    private readonly successors: ReadonlyMap<number, readonly number[]>,
    private readonly catalogue: UnitCatalogue,
  ) {}

  static async load(db: Db): Promise<UnitDirectory> {
    const [rows, links, catalogue] = await Promise.all([
      db.selectFrom('admin_unit').select(['id', 'code', 'level', 'valid_from', 'valid_to']).execute(),
      db.selectFrom('admin_unit_succession').select(['predecessor_id', 'successor_id']).execute(),
      databaseCatalogue(db),
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
    return new UnitDirectory(db, byCode, byId, successors, catalogue);
  }

  async lookup(ref: UnitReference): Promise<UnitLookup> {
    if (ref.writtenOn === undefined || ref.writtenOn === ref.asOf) return this.lookupOn(ref);
    if (!isIsoDate(ref.writtenOn)) return { code: 'DATE_INVALID', reason: `unit written-on date "${ref.writtenOn}" is not a date (YYYY-MM-DD)` };
    const named = await this.lookupOn({ ...ref, asOf: ref.writtenOn });
    if (!('unitId' in named)) return named;
    const became = this.successorOn(named.unitId, ref.asOf);
    // The unit named when it was written is followed to the day by design (a grant after a filing): flagged only
    // when the name was already a legacy one when written.
    return 'unitId' in became ? { ...became, resolution: named.resolution } : became;
  }

  /** The unit a unit became by `day`, following undivided successions (91 Kiên Giang -> 91 An Giang). */
  private successorOn(unitId: number, day: string): UnitLookup {
    const seen = new Set<number>();
    for (let id: number | undefined = unitId; id !== undefined && !seen.has(id); ) {
      seen.add(id);
      const v = this.byId.get(id);
      if (v && (v.validFrom === null || v.validFrom <= day) && (v.validTo === null || day <= v.validTo)) return { unitId: id, resolution: 'direct' };
      const next: readonly number[] = this.successors.get(id) ?? [];
      if (next.length > 1) return { code: 'UNIT_DIVIDED', reason: `the unit named was divided before ${day}: its successors cannot be told apart; give the unit valid on ${day}` };
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
    if (only && !second) return { unitId: only.id, resolution: 'direct' };
    if (second) return { code: 'UNIT_AMBIGUOUS', reason: `code ${code} names several units on ${day}: give the level` };
    if (versions.length > 0) {
      const spans = versions.map((v) => `${v.validFrom ?? '…'} to ${v.validTo ?? 'now'}`).join(', ');
      return { code: 'UNIT_NOT_FOUND', reason: `${inferred ?? 'unit'} code ${code} is not valid on ${day} (valid ${spans}); legacy codes belong to periods before 2025-07-01` };
    }
    return { code: 'UNIT_NOT_FOUND', reason: `no ${inferred ?? 'unit'} has code ${code}; check the code against \`lgsp units resolve ${code}\`` };
  }

  /** The province or commune an address names on `day`, as connectors read it (src/units/place-resolver.ts). */
  private byAddress(address: string, day: string, level: UnitLevel): UnitLookup {
    if (level === 'country') return { code: 'UNIT_NOT_FOUND', reason: 'an address is read for its province or commune, not the country: give the unit code VN instead' };
    const r = resolvePlace(this.catalogue, address, { asOf: day, level });
    return r.ok ? { unitId: r.unit.id, resolution: r.resolution } : { code: r.code, reason: r.reason };
  }

  private async byName(name: string, day: string, level: UnitLevel | undefined): Promise<UnitLookup> {
    const key = `${name}|${level ?? ''}|${day}`;
    const known = this.names.get(key);
    if (known) return known;
    const r = await resolveUnit(this.db, name, { asOf: day, ...(level ? { level } : {}) });
    const result: UnitLookup = r.ok ? { unitId: r.unit.id, resolution: r.resolution } : { code: r.code, reason: r.reason };
    this.names.set(key, result);
    return result;
  }
}
