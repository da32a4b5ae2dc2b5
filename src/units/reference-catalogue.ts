import { addDays } from '../dates.js';
import { defaultAliasesFile } from '../reference/admin-units/aliases.js';
import { readCsv } from '../reference/admin-units/csv.js';
import { nameRows, type UnitName } from '../reference/admin-units/name-index.js';
import { defaultProvincesFile } from '../reference/admin-units/provinces.js';
import { cleanName } from './names.js';
import { UnitCatalogue, validOn, type CatalogueLink, type CatalogueUnit } from './unit-catalogue.js';

export interface ReferenceFiles {
  readonly provinces: string;
  readonly aliases: string;
}

const countryId = 1;
const country: CatalogueUnit = { id: countryId, code: 'VN', level: 'country', name: 'Việt Nam', validFrom: null, validTo: null, parentId: null, districtName: null };

/**
 * The country and the provinces (legacy and current) of the reference files that ship with the code, with the names
 * the warehouse indexes for them (same keys: src/reference/admin-units/name-index.ts): what connectors resolve
 * places with before the engine, which holds the same provinces, has the last word. No commune files needed.
 */
export async function referenceCatalogue(files: ReferenceFiles = { provinces: defaultProvincesFile, aliases: defaultAliasesFile }): Promise<UnitCatalogue> {
  const provinces = await readCsv(files.provinces, ['code', 'name', 'valid_from', 'valid_to', 'successor_code'] as const);
  // Rows the reference loader reports as problems are skipped: they name no province in the warehouse either.
  const rows = provinces.rows.map((r) => r.values).filter((v) => /^\d{2}$/.test(v.code) && cleanName(v.name) !== '');
  const units: CatalogueUnit[] = [country, ...rows.map((v, i) => ({
    id: i + 2, code: v.code, level: 'province' as const, name: cleanName(v.name),
    validFrom: v.valid_from || null, validTo: v.valid_to || null, parentId: countryId, districtName: null,
  }))];
  const links: CatalogueLink[] = [];
  rows.forEach((v, i) => {
    if (v.successor_code === '' || v.valid_to === '') return;
    const day = addDays(v.valid_to, 1);
    const successor = units.find((u) => u.level === 'province' && u.code === v.successor_code && validOn(u, day));
    if (successor) links.push({ predecessorId: i + 2, successorId: successor.id, divided: false });
  });
  const names: UnitName[] = [
    ...units.map((u) => ({ unitId: u.id, name: u.name, origin: 'official' as const })),
    { unitId: countryId, name: 'Viet Nam', origin: 'english' },
  ];
  const aliases = await readCsv(files.aliases, ['alias', 'level', 'code', 'note'] as const);
  for (const { values: a } of aliases.rows) {
    // An alias names every version of its code: 79 is Ho Chi Minh City before and after the reform.
    for (const u of units) if (u.level === a.level && u.code === a.code) names.push({ unitId: u.id, name: a.alias, origin: 'alias' });
  }
  const indexed = nameRows(names).map((r) => ({ unitId: r.unit_id, exactKey: r.exact_key, asciiKey: r.ascii_key, origin: r.origin }));
  return new UnitCatalogue(units, indexed, links);
}

let cached: Promise<UnitCatalogue> | undefined;

/** The reference catalogue of the default files, read once per process. */
export const sharedReferenceCatalogue = (): Promise<UnitCatalogue> => (cached ??= referenceCatalogue());
