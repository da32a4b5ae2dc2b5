import { addDays } from '../../../src/dates.js';
import type { ApplicationKind, ApplicationStatus, EmulatedApplicant, EmulatedApplication } from './application.js';
import { areas, areaWeights, foreignApplicants, ipcCodes, reformDate, titles, type Area } from './places.js';
import { Random } from './random.js';

export interface GenerateOptions {
  readonly seed: number;
  readonly count: number;
  /** The registry's "today" (YYYY-MM-DD): nothing is filed, granted or modified after it. */
  readonly today: string;
}

const firstFiling = '2023-01-01';
const dayMs = 86_400_000;
const msOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

function vietnameseApplicant(rnd: Random, area: Area, filingDate: string): EmulatedApplicant {
  const spec = areas[area];
  let address = rnd.pick(filingDate < reformDate ? spec.legacy : spec.current);
  if (rnd.next() < 0.2) address = address.normalize('NFD');
  if (rnd.next() < 0.1) address = ` ${address.replace(', ', ',  ')} `;
  return { name: rnd.pick(spec.applicants), address, country: 'VN', area };
}

function applicantsFor(rnd: Random, filingDate: string): EmulatedApplicant[] {
  const scenario = rnd.next();
  const vn = () => vietnameseApplicant(rnd, rnd.weighted(areaWeights), filingDate);
  const foreign = (): EmulatedApplicant => ({ ...rnd.pick(foreignApplicants) });
  if (scenario < 0.1) return [foreign()]; // foreign-only: counted nowhere
  if (scenario < 0.2) return [foreign(), vn()]; // a Vietnamese co-applicant second: it decides the province
  if (scenario < 0.3) return [vn(), vn()]; // the first decides
  return [vn()];
}

interface Outcome {
  readonly status: ApplicationStatus;
  readonly grantDate?: string;
}

function outcomeFor(rnd: Random, filingDate: string, today: string, applicants: readonly EmulatedApplicant[]): Outcome {
  const ageDays = (msOf(today) - msOf(filingDate)) / dayMs;
  if (ageDays < 180) return { status: 'FILED' };
  const r = rnd.next();
  if (r < 0.1) return { status: 'REFUSED' };
  if (r < 0.2) return { status: 'WITHDRAWN' };
  if (r < 0.5) {
    const grantDate = addDays(filingDate, rnd.int(300, 900));
    // A legacy Kiên Giang address names no province after the reform, so the engine cannot place a grant dated
    // after it (see README "Known traps"): the generated registry grants those applications before the reform only.
    const legacyKienGiang = applicants.find((a) => a.country === 'VN')?.area === 'KIEN_GIANG' && filingDate < reformDate;
    if (grantDate < today && !(legacyKienGiang && grantDate >= reformDate)) return { status: 'GRANTED', grantDate };
  }
  return { status: 'PUBLISHED' };
}

function extraElements(rnd: Random, filingDate: string): string | undefined {
  const r = rnd.next();
  if (r < 0.15) return `<Priority><Country>JP</Country><Number>2022-${rnd.int(100000, 999999)}</Number><Date>${addDays(filingDate, -rnd.int(30, 360))}</Date></Priority>`;
  if (r < 0.3) return `<Abstract lang="vi">Giải pháp đề xuất giúp giảm chi phí và tăng hiệu quả.</Abstract><Representative code="${rnd.int(10, 99)}">Công ty Luật TNHH Phạm và Liên danh</Representative>`;
  return undefined;
}

/** A registry of `count` applications filed 2023 to `today`, with statuses as they stand on `today`. */
export function generateApplications(options: GenerateOptions): EmulatedApplication[] {
  const rnd = new Random(options.seed);
  const span = (msOf(options.today) - msOf(firstFiling)) / dayMs;
  const sequences = new Map<string, number>();
  const apps: EmulatedApplication[] = [];
  for (let id = 1; id <= options.count; id++) {
    const filingDate = addDays(firstFiling, rnd.int(0, span - 1));
    const kind: ApplicationKind = rnd.next() < 0.7 ? 'PATENT' : 'UTILITY_SOLUTION';
    const year = filingDate.slice(0, 4);
    const seq = (sequences.get(year) ?? rnd.int(100, 900)) + rnd.int(1, 40);
    sequences.set(year, seq);
    const applicants = applicantsFor(rnd, filingDate);
    const outcome = outcomeFor(rnd, filingDate, options.today, applicants);
    const lastEvent = outcome.grantDate ?? addDays(filingDate, rnd.int(0, 20));
    const modified = msOf(lastEvent) + rnd.int(1, 23 * 3600) * 1000;
    const lastModified = modified < msOf(options.today) ? modified : msOf(options.today) - rnd.int(1, 12 * 3600) * 1000;
    const extraXml = extraElements(rnd, filingDate);
    apps.push({
      id,
      number: `${kind === 'PATENT' ? 1 : 2}-${year}-${String(seq).padStart(5, '0')}`,
      kind,
      filingDate,
      title: rnd.pick(titles),
      applicants,
      ipc: rnd.next() < 0.3 ? [rnd.pick(ipcCodes), rnd.pick(ipcCodes)] : [rnd.pick(ipcCodes)],
      status: outcome.status,
      ...(outcome.grantDate !== undefined ? { grant: { number: `${kind === 'PATENT' ? 1 : 2}-00${rnd.int(10000, 99999)}`, date: outcome.grantDate } } : {}),
      lastModified,
      ...(extraXml !== undefined ? { extraXml } : {}),
    });
  }
  return apps;
}

