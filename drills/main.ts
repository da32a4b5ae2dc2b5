// npm run drills [-- --records 120000 --page-size 1000 --source-outage-seconds 180 --stall-seconds 60 --only worker-sigkill,...]
// Runs every fault drill full size against private PostgreSQL and Redis servers, prints a verdict per drill and
// writes docs/reliability.md (after each drill, so an interrupted run keeps what it measured).
import { parseArgs } from 'node:util';
import { allDrills } from './all-drills.js';
import { fullSize, type DrillSize } from './drill-size.js';
import { startDrillServices } from './drill-services.js';
import { writeReliabilityReport } from './report.js';
import { baselineDrill, runDrill } from './run-drill.js';
import { verdictLine, type DrillVerdict } from './verdict.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string' },
    'page-size': { type: 'string' },
    'source-outage-seconds': { type: 'string' },
    'stall-seconds': { type: 'string' },
    only: { type: 'string' },
  },
});

function whole(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} expects a positive whole number, got "${text}"`);
  return n;
}

const size: DrillSize = {
  records: whole('records', values.records, fullSize.records),
  pageSize: whole('page-size', values['page-size'], fullSize.pageSize),
  sourceOutageSeconds: whole('source-outage-seconds', values['source-outage-seconds'], fullSize.sourceOutageSeconds),
  stallSeconds: whole('stall-seconds', values['stall-seconds'], fullSize.stallSeconds),
};
const only = values.only?.split(',').map((id) => id.trim());
const unknown = only?.filter((id) => !allDrills.some((d) => d.id === id)) ?? [];
if (unknown.length > 0) throw new Error(`--only names no drill: ${unknown.join(', ')} (drills: ${allDrills.map((d) => d.id).join(', ')})`);
const drills = only ? only.map((id) => allDrills.find((d) => d.id === id)).filter((d) => d !== undefined) : allDrills;

const startedAt = new Date();
process.stdout.write(`fault drills: ${size.records.toLocaleString('en')} records in pages of ${size.pageSize.toLocaleString('en')}\n`);
const services = await startDrillServices(size);
let failed = false;
try {
  const baseline = await runDrill(services, baselineDrill, null);
  process.stdout.write(`${verdictLine(baseline.verdict)}\n`);
  // A baseline whose stream fails (events out of order) is reported, and the drills are still held against its
  // warehouse; one whose run failed leaves nothing to hold them against.
  if (!baseline.fingerprint || !baseline.runSucceeded) throw new Error(`the undisturbed run failed, so no drill can be judged: ${verdictLine(baseline.verdict)}`);
  const verdicts: DrillVerdict[] = [];
  for (const drill of drills) {
    const { verdict } = await runDrill(services, drill, baseline.fingerprint);
    verdicts.push(verdict);
    process.stdout.write(`${verdictLine(verdict)}\n`);
    if (!verdict.passed) failed = true;
    writeReliabilityReport(size, baseline.verdict, verdicts, startedAt);
  }
  process.stdout.write('results written to docs/reliability.md\n');
} finally {
  await services.close();
}
process.exit(failed ? 1 : 0);
