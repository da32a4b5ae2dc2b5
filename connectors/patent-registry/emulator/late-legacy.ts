import type { EmulatedApplication } from './application.js';

/**
 * Applications filed after the 2025-07-01 reform whose address still names a merged-away province, as real filings
 * do for months after it: the applicant's letterhead was not reprinted. Each counts for the successor (Kiên Giang →
 * An Giang 91), resolved through succession. Filed only (no grant), so each gives exactly one contribution.
 */
export const lateLegacyCases = [
  { number: '1-2025-09101', filingDate: '2025-09-10', address: 'TP Rạch Giá - Kiên Giang' },
  { number: '2-2025-09102', filingDate: '2025-11-03', address: 'Số 10 Trần Phú, phường Vĩnh Thanh, thành phố Rạch Giá, tỉnh Kiên Giang' },
  { number: '1-2026-09103', filingDate: '2026-02-17', address: 'khu pho 1, thi tran Duong Dong, huyen Phu Quoc, tinh Kien Giang' },
] as const;

/** The late legacy-address applications, ids from `firstId`, modified on their filing day (before the registry's today). */
export function lateLegacyApplications(firstId: number): EmulatedApplication[] {
  return lateLegacyCases.map((c, i) => ({
    id: firstId + i,
    number: c.number,
    kind: c.number.startsWith('1-') ? 'PATENT' : 'UTILITY_SOLUTION',
    filingDate: c.filingDate,
    title: 'Quy trình sản xuất nước mắm truyền thống',
    applicants: [{ name: 'Công ty TNHH Nước mắm Phú Quốc Khải Hoàn', address: c.address, country: 'VN', area: 'KIEN_GIANG' }],
    ipc: ['A23L 27/50'],
    status: 'FILED',
    lastModified: Date.parse(`${c.filingDate}T09:00:00Z`),
  }));
}
