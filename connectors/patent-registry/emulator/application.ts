import type { Area } from './places.js';

export type ApplicationStatus = 'FILED' | 'PUBLISHED' | 'GRANTED' | 'REFUSED' | 'WITHDRAWN';
export type ApplicationKind = 'PATENT' | 'UTILITY_SOLUTION';

export interface EmulatedApplicant {
  readonly name: string;
  readonly address: string;
  readonly country: string;
  /** Not served: the area a Vietnamese applicant's address names (what the test expects the engine to find). */
  readonly area?: Area;
}

/**
 * One application as the emulated registry holds it. Text fields are served as they are, so malformed records
 * (no number, a bad date) are expressed by leaving a field out or giving it a bad value.
 */
export interface EmulatedApplication {
  /** Internal identity for ordering and paging (malformed records may have no number). */
  readonly id: number;
  number?: string;
  kind: ApplicationKind;
  filingDate?: string;
  title: string;
  applicants: EmulatedApplicant[];
  ipc: string[];
  status: ApplicationStatus;
  grant?: { readonly number: string; readonly date: string };
  /** Milliseconds since the epoch; every change bumps it. */
  lastModified: number;
  /** Elements the contract does not name (another implementation's extras), served verbatim inside <Application>. */
  extraXml?: string;
}

/** Order of the results: LastModified, then the internal id. */
export function compareByModification(a: EmulatedApplication, b: EmulatedApplication): number {
  return a.lastModified - b.lastModified || a.id - b.id;
}

/** The Vietnamese applicant that decides the province (the first with Country VN), if any. */
export function firstVietnamese(app: EmulatedApplication): EmulatedApplicant | undefined {
  return app.applicants.find((a) => a.country === 'VN');
}
