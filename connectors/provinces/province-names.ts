import { today } from '../../src/dates.js';
import { namesCountry, resolvePlace } from '../../src/units/place-resolver.js';
import { referenceCatalogue, sharedReferenceCatalogue, type ReferenceFiles } from '../../src/units/reference-catalogue.js';
import type { CatalogueUnit, UnitCatalogue } from '../../src/units/unit-catalogue.js';
import { inProvince, nowhere, unknownPlace, type RecordPlace } from './record-place.js';

export type ProvinceNameFiles = ReferenceFiles;

/** The day after every version ended: where a province version rolls up to today. */
const rollUpDay = '9999-12-31';

/**
 * Province names for connectors, so that they can tell which province a record is about before the engine resolves
 * it: to key a workbook's rows by the unit they mean, and to keep a connection's records to its provinces. A thin
 * user of the one place resolver (src/units/place-resolver.ts) over the reference files that ship with the code:
 * the engine resolves with the same code over the same provinces, so the two cannot disagree.
 */
export class ProvinceNames {
  private constructor(private readonly catalogue: UnitCatalogue) {}

  static async load(files?: ProvinceNameFiles): Promise<ProvinceNames> {
    return new ProvinceNames(files === undefined ? await sharedReferenceCatalogue() : await referenceCatalogue(files));
  }

  /**
   * The code of the one province `name` names on `day` (a province merged before the day: its successor), or
   * undefined for a commune, a district, an unknown or ambiguous name.
   */
  codeOn(name: string, day: string): string | undefined {
    const r = resolvePlace(this.catalogue, name, { asOf: day, level: 'province' });
    return r.ok ? r.unit.code : undefined;
  }

  /** Where a unit written by name goes: the current province it rolls up to; nowhere for the country; else unknown. */
  placeOfName(name: string, day: string | undefined): RecordPlace {
    if (namesCountry(this.catalogue, name)) return nowhere;
    return this.placeOfAddress(name, day);
  }

  /**
   * The current province an address rolls up to, read as the engine reads it, as of `day` (today without one); unknown
   * when it names no province or an ambiguous one: the record is kept, and the engine rejects it with the reason.
   */
  placeOfAddress(address: string, day: string | undefined): RecordPlace {
    const r = resolvePlace(this.catalogue, address, { asOf: day ?? today(), level: 'province' });
    if (!r.ok) return unknownPlace;
    const current = this.currentOf(r.unit);
    return current === undefined ? unknownPlace : inProvince(current.code);
  }

  private currentOf(unit: CatalogueUnit): CatalogueUnit | undefined {
    if (unit.validTo === null) return unit;
    const next = this.catalogue.successorsOn(unit, rollUpDay).units;
    return next.length === 1 ? next[0] : undefined;
  }
}
