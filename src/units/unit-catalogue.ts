import type { NameKeys } from './names.js';
import type { UnitLevel } from '../warehouse/schema.js';

/** One version of a unit, as the in-memory resolver holds it. */
export interface CatalogueUnit {
  readonly id: number;
  readonly code: string;
  readonly level: UnitLevel;
  readonly name: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly parentId: number | null;
  /** Legacy communes only: the district they lay in (districts were abolished on 2025-07-01). */
  readonly districtName: string | null;
}

export type NameOrigin = 'official' | 'english' | 'alias';

export interface CatalogueName extends NameKeys {
  readonly unitId: number;
  readonly origin: NameOrigin;
  /** A steward's alias holds only on these days (inclusive; null: open). */
  readonly during?: { readonly from: string | null; readonly to: string | null };
}

const holdsOn = (n: CatalogueName, day: string | undefined): boolean =>
  n.during === undefined || day === undefined || ((n.during.from === null || n.during.from <= day) && (n.during.to === null || day <= n.during.to));

export interface CatalogueLink {
  readonly predecessorId: number;
  readonly successorId: number;
  readonly divided: boolean;
}

export interface NameHit {
  readonly unit: CatalogueUnit;
  /** 0: the exact key matched, 1: only the key without diacritics. */
  readonly tier: 0 | 1;
  readonly origin: NameOrigin;
}

/** Where a unit went by a day: the units valid then, and whether the way there divided it. */
export interface Successors {
  readonly units: readonly CatalogueUnit[];
  readonly divided: boolean;
}

export const validOn = (u: CatalogueUnit, day: string): boolean => (u.validFrom === null || u.validFrom <= day) && (u.validTo === null || day <= u.validTo);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The units, their names and their successions, held in memory so that connectors (from the reference files) and
 * the engine (from the warehouse) resolve places with the same code, synchronously.
 */
export class UnitCatalogue {
  private readonly units = new Map<number, CatalogueUnit>();
  private readonly exact = new Map<string, CatalogueName[]>();
  private readonly ascii = new Map<string, CatalogueName[]>();
  private readonly codes = new Map<string, CatalogueUnit[]>();
  private readonly forward = new Map<number, CatalogueLink[]>();

  constructor(units: readonly CatalogueUnit[], names: readonly CatalogueName[], links: readonly CatalogueLink[]) {
    for (const u of units) {
      this.units.set(u.id, u);
      push(this.codes, u.code, u);
    }
    for (const n of names) {
      if (!this.units.has(n.unitId) || n.exactKey === '') continue;
      push(this.exact, n.exactKey, n);
      push(this.ascii, n.asciiKey, n);
    }
    for (const l of links) push(this.forward, l.predecessorId, l);
  }

  /** True when communes are loaded (without the commune files the catalogue holds the country and provinces). */
  get hasCommunes(): boolean {
    for (const u of this.units.values()) if (u.level === 'commune') return true;
    return false;
  }

  unit(id: number): CatalogueUnit | undefined {
    return this.units.get(id);
  }

  byCode(code: string): readonly CatalogueUnit[] {
    return this.codes.get(code) ?? [];
  }

  /**
   * Units of `level` with the exact key, else with the key without diacritics; best origin per unit. With `day`,
   * stewards' aliases count only on the days they hold.
   */
  byName(keys: NameKeys, level: UnitLevel | null, day?: string): NameHit[] {
    const pick = (names: readonly CatalogueName[] | undefined, tier: 0 | 1): NameHit[] => {
      const best = new Map<number, NameHit>();
      for (const n of names ?? []) {
        const unit = this.units.get(n.unitId);
        if (!unit || (level !== null && unit.level !== level) || !holdsOn(n, day)) continue;
        const seen = best.get(unit.id);
        if (!seen || (seen.origin === 'alias' && n.origin !== 'alias')) best.set(unit.id, { unit, tier, origin: n.origin });
      }
      return [...best.values()];
    };
    const exact = pick(this.exact.get(keys.exactKey), 0);
    return exact.length > 0 ? exact : pick(this.ascii.get(keys.asciiKey), 1);
  }

  /** The units valid on `day` that `unit` became, through intermediate versions; divided if any step was. */
  successorsOn(unit: CatalogueUnit, day: string): Successors {
    const found = new Map<number, CatalogueUnit>();
    let divided = false;
    const seen = new Set<number>([unit.id]);
    let frontier = [unit.id];
    for (let depth = 0; depth < 5 && frontier.length > 0; depth++) {
      const next: number[] = [];
      for (const id of frontier) {
        for (const link of this.forward.get(id) ?? []) {
          divided ||= link.divided;
          if (seen.has(link.successorId)) continue;
          seen.add(link.successorId);
          const successor = this.units.get(link.successorId);
          if (!successor) continue;
          if (validOn(successor, day)) found.set(successor.id, successor);
          else next.push(successor.id);
        }
      }
      frontier = next;
    }
    return { units: [...found.values()].sort((a, b) => a.code.localeCompare(b.code)), divided };
  }

  /** The province a unit lies in (itself for a province), or undefined. */
  provinceOf(unit: CatalogueUnit): CatalogueUnit | undefined {
    if (unit.level === 'province') return unit;
    const parent = unit.parentId === null ? undefined : this.units.get(unit.parentId);
    return parent?.level === 'province' ? parent : undefined;
  }
}
