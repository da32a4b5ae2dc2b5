import { defaultAliasesFile } from '../../src/reference/admin-units/aliases.js';
import { readCsv } from '../../src/reference/admin-units/csv.js';
import { defaultProvincesFile } from '../../src/reference/admin-units/provinces.js';
import { nameKeys, normaliseName, type NameKeys } from '../../src/units/names.js';

/** One name of one province version: official (config/provinces.csv) or an alias (config/unit-aliases.csv). */
interface ProvinceName extends NameKeys {
  readonly code: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface ProvinceNameFiles {
  readonly provinces: string;
  readonly aliases: string;
}

const provinceHeader = ['code', 'name', 'valid_from', 'valid_to', 'successor_code'] as const;
const aliasHeader = ['alias', 'level', 'code', 'note'] as const;
const provinceCode = /^\d{2}$/;

const validOn = (n: ProvinceName, day: string) => (n.validFrom === null || n.validFrom <= day) && (n.validTo === null || day <= n.validTo);

/**
 * Province names as of a day, from the reference that ships with the code, so that a workbook's rows can be keyed
 * by the unit they mean ("Tỉnh An Giang" in 2025 is 91) before the engine resolves them. Matched as the engine's
 * resolver matches provinces (exact key, then without diacritics; aliases such as TP.HCM); a name that may be a
 * commune or names no or several provinces has no code here, and the engine has the last word either way.
 */
export class ProvinceNames {
  private constructor(private readonly names: readonly ProvinceName[]) {}

  static async load(files: ProvinceNameFiles = { provinces: defaultProvincesFile, aliases: defaultAliasesFile }): Promise<ProvinceNames> {
    // Rows the reference loader reports as problems are skipped here: they name no province in the warehouse either.
    const rows = (await readCsv(files.provinces, provinceHeader)).rows.map((r) => r.values).filter((v) => provinceCode.test(v.code));
    const version = (v: (typeof rows)[number]) => ({ code: v.code, validFrom: v.valid_from || null, validTo: v.valid_to || null });
    const official = rows.map((v) => ({ ...version(v), ...nameKeys(v.name) }));
    // An alias names every version of its code: 79 is Ho Chi Minh City before and after the reform.
    const aliases = (await readCsv(files.aliases, aliasHeader)).rows
      .map((r) => r.values)
      .filter((a) => a.level === 'province')
      .flatMap((a) => rows.filter((v) => v.code === a.code).map((v) => ({ ...version(v), ...nameKeys(a.alias) })));
    return new ProvinceNames([...official, ...aliases].filter((n) => n.exactKey !== ''));
  }

  /** The code of the one province `name` names on `day`, or undefined. */
  codeOn(name: string, day: string): string | undefined {
    const written = normaliseName(name);
    if (written.exactKey === '' || written.levelHint === 'commune' || written.levelHint === 'district') return undefined;
    const valid = this.names.filter((n) => validOn(n, day));
    for (const key of ['exactKey', 'asciiKey'] as const) {
      const codes = new Set(valid.filter((n) => n[key] === written[key]).map((n) => n.code));
      if (codes.size > 0) return codes.size === 1 ? [...codes][0] : undefined;
    }
    return undefined;
  }
}
