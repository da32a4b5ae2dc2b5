import type { Json } from '../../src/connector-sdk/types.js';
import { child, children, text } from './json-node.js';

export interface Applicant {
  readonly name: string | undefined;
  readonly address: string | undefined;
  /** Upper case, as sent: `VN` for a Vietnamese applicant. */
  readonly country: string | undefined;
}

/** The application's applicants, in the order the register lists them. */
export function applicantsOf(application: Json): Applicant[] {
  return children(child(application, 'Applicants'), 'Applicant').map((a) => ({
    name: text(child(a, 'Name')),
    address: text(child(a, 'Address')),
    country: text(child(a, 'Country'))?.toUpperCase(),
  }));
}

/** The applicant whose address decides the province (the contract: the first with Country VN), if any. */
export const firstVietnamese = (applicants: readonly Applicant[]): Applicant | undefined => applicants.find((a) => a.country === 'VN');
