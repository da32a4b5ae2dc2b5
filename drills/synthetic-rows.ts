import type { TestRow } from '../test/support/test-source.js';

/**
 * `count` rows of the test source over the legacy provinces' months of 2015-2024. Rows are ordered agency by
 * agency (agency 1 of every province-month, then agency 2...), so each page changes province-months that earlier
 * pages already wrote: nearly every record makes an observation revision and an event, as a busy source does,
 * and the relay meets a backlog of about two events per record.
 */
export function syntheticRows(count: number, provinceCodes: readonly string[]): TestRow[] {
  const months = Array.from({ length: 120 }, (_, i) => `${2015 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  const unitMonths = provinceCodes.length * months.length;
  const rows: TestRow[] = [];
  let time = Date.parse('2025-01-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const agency = Math.floor(i / unitMonths) + 1;
    const unitMonth = i % unitMonths;
    const unit = provinceCodes[unitMonth % provinceCodes.length] ?? '';
    const month = months[Math.floor(unitMonth / provinceCodes.length)] ?? '';
    const seed = (unitMonth * 31 + agency * 13) % 97;
    time += 1000;
    rows.push({ id: `${unit}-${month}-${agency}`, month, unit, dossiers: 100 + seed, online: 40 + (seed % 50), postal: seed % 3, updatedAt: new Date(time).toISOString() });
  }
  return rows;
}
