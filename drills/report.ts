import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/config/project-root.js';
import type { DrillSize } from './drill-size.js';
import type { DrillVerdict } from './verdict.js';

const file = join(projectRoot, 'docs', 'reliability.md');

const seconds = (s: number | null) => (s === null ? '—' : `${s.toFixed(1)} s`);

function row(v: DrillVerdict): string {
  const stream = v.stream ? `${v.stream.missing.toLocaleString('en')} / ${v.stream.duplicates.toLocaleString('en')} / ${v.stream.outOfOrder.toLocaleString('en')}` : '—';
  const acrossKinds = v.stream && v.stream.outOfOrderAcrossKinds > 0 ? [`${v.stream.outOfOrderAcrossKinds.toLocaleString('en')} events came after a later event of another kind with the same subject (an observation's revision and the computed value of the same indicator, unit and period)`] : [];
  const why = [...(v.passed ? [] : v.failures), ...v.notes, ...acrossKinds].join('; ');
  return `| ${v.drill} | ${v.fault} | ${v.passed ? 'PASS' : '**FAIL**'} | ${seconds(v.runRecoverySeconds)} | ${seconds(v.streamRecoverySeconds)} | ${stream} | ${why.replaceAll('|', '\\|')} |`;
}

/** Writes docs/reliability.md: what was run, on what, and each drill's verdict (a failure with its reason). */
export function writeReliabilityReport(size: DrillSize, baseline: DrillVerdict, verdicts: readonly DrillVerdict[], startedAt: Date): void {
  const cpu = cpus();
  const events = baseline.stream?.outboxEvents ?? 0;
  const text = `# Reliability: fault drills

Written by \`npm run drills\` (drills/). Re-run to refresh; \`npm test\` runs a short variant of every drill
(test/fault-drills.test.ts) without writing here.

_Run ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}._

**What runs.** A private PostgreSQL and, per drill, a private Redis (own ports, data in a temporary folder); the
sync worker and the outbox relay as real processes (workers/*.ts), restarted like a supervisor would (after 1 s)
when they exit by themselves. A synthetic sync of **${size.records.toLocaleString('en')} records** in pages of
${size.pageSize.toLocaleString('en')} from the test source (test/support/test-source.ts), each record a change of
an existing province-month, so about two events per record (${events.toLocaleString('en')} in the undisturbed run).
Mid-sync faults strike once the run has committed a third of the records.

**What is compared.** Each drill's warehouse against the undisturbed run (count and md5 of observation,
observation_revision values, indicator_value, raw_record and source_record, without ids or timestamps); the Redis
Stream against the outbox (events missing, duplicates, events out of order: an observation's revisions, or a
computed value's changes, reaching the stream in another order than the outbox holds them). A drill passes
when the run succeeded, the warehouse is identical, no event is missing or out of order, and no process exited by
itself. Duplicates are allowed (delivery is at least once, with stable ids) but counted. A run or stream that makes
no progress for ${size.stallSeconds} s after the fault is over is stuck. Recovery is timed from the end of the fault
(server back, process restarted, source healthy) to the run finishing and to the stream holding every event.

The undisturbed run took ${seconds(baseline.runRecoverySeconds)} (stream caught up ${seconds(baseline.streamRecoverySeconds)}).

| drill | fault | verdict | run finished after the fault | stream caught up after the fault | missing / duplicates / out of order | failures and notes |
|---|---|---|---|---|---|---|
${[baseline, ...verdicts].map(row).join('\n')}
`;
  writeFileSync(file, text);
}
