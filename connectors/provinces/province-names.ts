import { defaultAliasesFile } from '../../src/reference/admin-units/aliases.js';
import { readCsv } from '../../src/reference/admin-units/csv.js';
import { nameKeys, normaliseName, type NameKeys } from '../../src/units/names.js';
import { currentCodeOf, provincesFile, readProvinceVersions, validOn, type ProvinceVersion } from './province-versions.js';
import { inProvince, nowhere, unknownPlace, type RecordPlace } from './record-place.js';

/** One name of one province version: official (config/provinces.csv) or an alias (config/unit-aliases.csv). */
interface ProvinceName extends NameKeys {
  readonly version: ProvinceVersion;
  /** The province valid today that this version is or became part of. */
  readonly current: string | undefined;
}

export interface ProvinceNameFiles {
  readonly provinces: string;
  readonly aliases: string;
}

const aliasHeader = ['alias', 'level', 'code', 'note'] as const;
const provinceCode = /^\d{2}$/;
/** The country's own name (the warehouse's built-in country unit); its other names are aliases of level country. */
const countryName = 'Việt Nam';

type Accept = (n: ProvinceName) => boolean;
const anyDay: Accept = () => true;
const onDay = (day: string): Accept => (n) => validOn(n.version, day);

/** The one current province the names roll up to, if they agree. */
function placeOfNames(names: readonly ProvinceName[]): RecordPlace {
  const current = new Set(names.map((n) => n.current));
  const [only] = current;
  return current.size === 1 && only !== undefined ? inProvince(only) : unknownPlace;
}

const distinctVersions = (names: readonly ProvinceName[]): number => new Set(names.map((n) => n.version)).size;

/**
 * Province names, from the reference that ships with the code, so that connectors can tell which province a record
 * is about before the engine resolves it: to key a workbook's rows by the unit they mean, and to keep a connection's
 * records to its provinces. Matched as the engine's resolver matches provinces (exact key, then without diacritics;
 * aliases such as TP.HCM); the engine has the last word on every record kept.
 */
export class ProvinceNames {
  private constructor(
    private readonly names: readonly ProvinceName[],
    private readonly countryNames: readonly NameKeys[],
  ) {}

  static async load(files: ProvinceNameFiles = { provinces: provincesFile, aliases: defaultAliasesFile }): Promise<ProvinceNames> {
    // Rows the reference loader reports as problems are skipped here: they name no province in the warehouse either.
    const versions = readProvinceVersions(files.provinces).filter((v) => provinceCode.test(v.code));
    const named = (version: ProvinceVersion, name: string): ProvinceName => ({ version, current: currentCodeOf(version, versions), ...nameKeys(name) });
    const aliases = (await readCsv(files.aliases, aliasHeader)).rows.map((r) => r.values);
    // An alias names every version of its code: 79 is Ho Chi Minh City before and after the reform.
    const provinceAliases = aliases.filter((a) => a.level === 'province').flatMap((a) => versions.filter((v) => v.code === a.code).map((v) => named(v, a.alias)));
    const countryNames = [countryName, ...aliases.filter((a) => a.level === 'country').map((a) => a.alias)].map(nameKeys);
    return new ProvinceNames([...versions.map((v) => named(v, v.name)), ...provinceAliases].filter((n) => n.exactKey !== ''), countryNames);
  }

  /** The code of the one province `name` names on `day`, or undefined. */
  codeOn(name: string, day: string): string | undefined {
    const written = normaliseName(name);
    if (written.exactKey === '' || written.levelHint === 'commune' || written.levelHint === 'district') return undefined;
    const codes = new Set(this.matching(written, onDay(day)).map((n) => n.version.code));
    const [only] = codes;
    return codes.size === 1 ? only : undefined;
  }

  /**
   * Where a unit written by name goes: the current province it rolls up to; nowhere for the country ("Việt Nam",
   * "VN"); unknown for a commune, a district or a name the reference does not hold. A province name not valid on
   * the day ("Tỉnh Kiên Giang" in 2026), or without a day, is placed by what it became: the engine rejects the
   * record there.
   */
  placeOfName(name: string, day: string | undefined): RecordPlace {
    const written = normaliseName(name);
    if (written.exactKey === '') return unknownPlace;
    if (this.countryNames.some((c) => c.exactKey === written.exactKey || c.asciiKey === written.asciiKey)) return nowhere;
    if (written.levelHint === 'commune' || written.levelHint === 'district') return unknownPlace;
    const named = day === undefined ? [] : this.matching(written, onDay(day));
    return placeOfNames(named.length > 0 ? named : this.matching(written, anyDay));
  }

  /**
   * The province an address names, read as the engine reads it for a province: its comma-separated parts from the
   * end, the first naming exactly one province on `day` (a part naming none or several is passed over), prefix or
   * not ("xã An Giang" counts as An Giang). When no part does (a legacy name after the reform, no usable day), the
   * last part whose provinces all rolled up to one current province places it: the engine rejects it there.
   */
  placeOfAddress(address: string, day: string | undefined): RecordPlace {
    const parts = address.split(/[,;\n]/).map((p) => p.trim()).filter((p) => p !== '').reverse();
    if (day !== undefined) {
      for (const part of parts) {
        const named = this.inPart(part, onDay(day));
        if (distinctVersions(named) === 1) return placeOfNames(named);
      }
    }
    for (const part of parts) {
      const place = placeOfNames(this.inPart(part, anyDay));
      if (place.kind === 'province') return place;
    }
    return unknownPlace;
  }

  /** Names an address part matches, with its prefix removed and then (when nothing matched) kept. */
  private inPart(part: string, accept: Accept): ProvinceName[] {
    const written = normaliseName(part);
    if (written.exactKey === '') return [];
    const named = this.matching(written, accept);
    return named.length > 0 || written.unprefixed.exactKey === written.exactKey ? named : this.matching(written.unprefixed, accept);
  }

  /** Accepted names with the same exact key, else with the same key without diacritics. */
  private matching(keys: NameKeys, accept: Accept): ProvinceName[] {
    const accepted = this.names.filter(accept);
    const exact = accepted.filter((n) => n.exactKey === keys.exactKey);
    return exact.length > 0 ? exact : accepted.filter((n) => n.asciiKey === keys.asciiKey);
  }
}
