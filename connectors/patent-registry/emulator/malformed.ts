import type { EmulatedApplication } from './application.js';

/** What each malformed record is, so tests can find its rejection. */
export const malformedCases = {
  missingFilingDate: '1-2024-09001',
  impossibleFilingDate: '1-2024-09002',
  addressNamesNoProvince: '1-2024-09003',
  grantedWithoutGrant: '2-2025-09004',
  badNumber: '1-24-123',
} as const;

export const unresolvableAddress = '1 Main Street, Springfield';

/** Malformed records among good ones: missing fields, a bad date, an address naming no province, bad numbers. */
export function malformedApplications(firstId: number, lastModified: number): EmulatedApplication[] {
  const base = (id: number): EmulatedApplication => ({
    id,
    kind: 'PATENT',
    title: 'Bản ghi lỗi',
    applicants: [{ name: 'Công ty TNHH Thử nghiệm', address: 'phường Long Xuyên, tỉnh An Giang', country: 'VN' }],
    ipc: ['A01G 25/02'],
    status: 'PUBLISHED',
    lastModified: lastModified + (id - firstId) * 1000,
  });
  return [
    { ...base(firstId), number: malformedCases.missingFilingDate },
    { ...base(firstId + 1), number: malformedCases.impossibleFilingDate, filingDate: '2024-02-30' },
    {
      ...base(firstId + 2),
      number: malformedCases.addressNamesNoProvince,
      filingDate: '2024-04-02',
      applicants: [{ name: 'Lê Hoàng Nam', address: unresolvableAddress, country: 'VN' }],
    },
    { ...base(firstId + 3), number: malformedCases.grantedWithoutGrant, kind: 'UTILITY_SOLUTION', filingDate: '2025-01-10', status: 'GRANTED' },
    { ...base(firstId + 4), number: malformedCases.badNumber, filingDate: '2024-05-05' },
    { ...base(firstId + 5), filingDate: '2024-06-06' }, // no ApplicationNumber at all
  ];
}
