import { dec, type Decimal } from '../../../src/aggregation/index.js';
import { firstVietnamese, type EmulatedApplication } from '../emulator/application.js';
import { provinceCodeOn } from '../emulator/area-codes.js';
import { reformDate } from '../emulator/places.js';

/** A province version: its code and whether it is the legacy (before 2025-07-01) or the current one. */
export interface ProvinceVersion {
  readonly code: string;
  readonly version: 'legacy' | 'current';
}

const versionOn = (day: string): ProvinceVersion['version'] => (day < reformDate ? 'legacy' : 'current');

/** Emulated applications the connector should count (a generated Vietnamese applicant; malformed records excluded). */
function counted(apps: readonly EmulatedApplication[]) {
  return apps.flatMap((app) => {
    const vn = firstVietnamese(app);
    return vn?.area !== undefined && app.filingDate !== undefined ? [{ app, area: vn.area, filingDate: app.filingDate }] : [];
  });
}

/** What the warehouse should hold, counted by hand from the emulator's data: applications by filing year. */
export function expectedApplications(apps: readonly EmulatedApplication[], province: ProvinceVersion, year: string): number {
  return counted(apps).filter(
    (c) => c.filingDate.startsWith(year) && provinceCodeOn(c.area, c.filingDate) === province.code && versionOn(c.filingDate) === province.version,
  ).length;
}

/** Grants by grant year, the province as of the grant date. */
export function expectedGrants(apps: readonly EmulatedApplication[], province: ProvinceVersion, year: string): number {
  return counted(apps).filter((c) => {
    const day = c.app.status === 'GRANTED' ? c.app.grant?.date : undefined;
    return day?.startsWith(year) === true && provinceCodeOn(c.area, day) === province.code && versionOn(day) === province.version;
  }).length;
}

/** Applications of the current An Giang's whole area (legacy An Giang 89 + Kiên Giang 91) filed in a year. */
export function expectedAnGiangArea(apps: readonly EmulatedApplication[], year: string): number {
  return counted(apps).filter((c) => c.filingDate.startsWith(year) && (c.area === 'AN_GIANG' || c.area === 'KIEN_GIANG')).length;
}

/** (this year / last year − 1) × 100. */
export function growth(current: number, previous: number): Decimal {
  return dec(current).dividedBy(previous).minus(1).times(100);
}

/** Applications with a Vietnamese applicant: the sum of every PATENT_APPLICATIONS observation. */
export function expectedTotalApplications(apps: readonly EmulatedApplication[]): number {
  return counted(apps).length;
}
