// npm run bench:reference
// Loading the administrative units (country, 63 + 34 provinces, current and legacy communes, their successions
// and names) into an empty warehouse, then again unchanged: what `lgsp reference load` costs.
import { loadConfig } from '../../src/config/env.js';
import { loadAdminUnits } from '../../src/reference/admin-units/index.js';
import { createBenchDatabase } from './bench-database.js';
import { writeBenchmarkSection } from './report.js';

const config = loadConfig();
const bench = await createBenchDatabase(config.databaseUrl, `lgsp_bench_reference_${process.pid}`);
try {
  const timed = async () => {
    const started = performance.now();
    const report = await loadAdminUnits(bench.db, { dir: config.adminUnitsDir });
    return { report, seconds: (performance.now() - started) / 1000 };
  };
  const first = await timed();
  const again = await timed();
  const units = first.report.counts.admin_unit.inserted;
  const body = [
    `The administrative units of \`${config.adminUnitsDir}\` (${units.toLocaleString('en')} units with their successions and names):`,
    '',
    '| load | seconds | units inserted | units unchanged |',
    '|---|---|---|---|',
    `| into an empty warehouse | ${first.seconds.toFixed(1)} | ${units.toLocaleString('en')} | 0 |`,
    `| again, unchanged | ${again.seconds.toFixed(1)} | ${again.report.counts.admin_unit.inserted} | ${again.report.counts.admin_unit.unchanged.toLocaleString('en')} |`,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  await writeBenchmarkSection('Reference data (`npm run bench:reference`)', body);
} finally {
  await bench.drop();
}
