import type { Json, NormaliseResult, ObservationDraft, Rejection, SourceRecord } from '../../src/connector-sdk/types.js';
import { applicantsOf, firstVietnamese } from './applicants.js';
import { applicationKinds } from './config.js';
import { dateField } from './dates.js';
import { child, text } from './json-node.js';
import { applicationNumberPattern } from './record-key.js';

const reject = (code: string, reason: string): { rejected: Rejection } => ({ rejected: { code, reason } });

/** The kind as sent, else as the number's first digit says (1 patent, 2 utility solution). */
function kindOf(application: Json, number: string): string {
  return text(child(application, 'Kind'))?.toUpperCase() ?? (number.startsWith('1-') ? 'PATENT' : 'UTILITY_SOLUTION');
}

/**
 * One application -> PATENT_APPLICATIONS = 1 in its filing year for the province of its first Vietnamese applicant
 * (the engine resolves the address as of the filing date), and when granted PATENT_GRANTS = 1 in the grant year
 * (the same address resolved as of the grant date). Foreign-only applications count nowhere. Refused and withdrawn
 * applications were still filed.
 */
export function normaliseApplication(record: SourceRecord): NormaliseResult {
  const application = record.data;
  const number = text(child(application, 'ApplicationNumber'));
  if (number === undefined) return reject('MISSING_FIELD', 'ApplicationNumber is missing: the application cannot be identified');
  if (!applicationNumberPattern.test(number)) {
    return reject('APPLICATION_NUMBER_INVALID', `ApplicationNumber "${number}" is not 1-YYYY-NNNNN (patent) or 2-YYYY-NNNNN (utility solution)`);
  }
  const filingText = text(child(application, 'FilingDate'));
  const filing = dateField(filingText);
  if (!filing.ok) {
    return filing.problem === 'missing'
      ? reject('MISSING_FIELD', `${number}: FilingDate is missing: the application cannot be counted in a year`)
      : reject('DATE_INVALID', `${number}: FilingDate "${filingText ?? ''}" is not a date (YYYY-MM-DD)`);
  }
  const status = text(child(application, 'Status'))?.toUpperCase();
  const grant = child(application, 'Grant');
  const grantText = text(child(grant, 'Date'));
  const granted = status === 'GRANTED';
  const grantDate = granted ? dateField(grantText) : undefined;
  if (grantDate && !grantDate.ok) {
    return grantDate.problem === 'missing'
      ? reject('MISSING_FIELD', `${number}: Status is GRANTED but Grant/Date is missing: the grant cannot be counted in a year`)
      : reject('DATE_INVALID', `${number}: Grant/Date "${grantText ?? ''}" is not a date (YYYY-MM-DD)`);
  }
  if (grantDate?.ok && grantDate.date < filing.date) {
    return reject('DATE_INVALID', `${number}: Grant/Date ${grantDate.date} is before FilingDate ${filing.date}`);
  }

  const kind = kindOf(application, number);
  if (!(applicationKinds as readonly string[]).includes(kind)) return { observations: [] };
  const all = applicantsOf(application);
  if (all.length === 0) return reject('MISSING_FIELD', `${number}: no Applicants/Applicant: the applicant's province cannot be known`);
  const vietnamese = firstVietnamese(all);
  if (!vietnamese) return { observations: [] };
  if (vietnamese.address === undefined) {
    return reject('MISSING_FIELD', `${number}: the first Vietnamese applicant (${vietnamese.name ?? 'no name'}) has no Address: the province cannot be known`);
  }

  const observations: ObservationDraft[] = [
    { indicator: 'PATENT_APPLICATIONS', unit: { address: vietnamese.address, level: 'province', asOf: filing.date }, period: filing.date.slice(0, 4), value: 1 },
  ];
  if (grantDate?.ok) {
    observations.push({ indicator: 'PATENT_GRANTS', unit: { address: vietnamese.address, level: 'province', writtenOn: filing.date, asOf: grantDate.date }, period: grantDate.date.slice(0, 4), value: 1 });
  }
  return { observations };
}
