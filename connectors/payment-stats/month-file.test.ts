import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { Json, SourceRecord } from '../../src/connector-sdk/types.js';
import { parseMonthFile } from './month-file.js';
import { normalisePaymentRecord, reportMonth } from './normalise.js';
import { monthPage } from './records.js';
import { latestVersions, pendingMonths, readIndex, type IndexEntry } from './source-index.js';

const header = 'Mã tỉnh;Tên tỉnh;Kỳ báo cáo;Kênh thanh toán;Số lượng giao dịch;Giá trị giao dịch (triệu đồng)';
const file = (...lines: string[]) => Buffer.from(`\ufeff${[header, ...lines].join('\r\n')}\r\n`, 'utf8');
const entry: IndexEntry = { ky: '2025-03', tep: 'ttkdtm_2025_03_v2.csv', phienBan: 2, sha256: 'a'.repeat(64) };
const logger = createLogger('silent');

function normalised(bytes: Buffer) {
  const page = monthPage(entry, parseMonthFile(bytes), { '2025-02': 1 }, logger);
  return { page, results: page.records.map((r: SourceRecord) => [r.key, normalisePaymentRecord(r)] as const) };
}

describe('month files', () => {
  it('reads the contract example: BOM, ";", CRLF, Vietnamese numbers; Tổng cộng is not a record', () => {
    const { page, results } = normalised(file('91;Tỉnh An Giang;03/2025;Mobile Banking;12.345.678;45.678.901,25', '91;Tỉnh An Giang;03/2025;Rút tiền mặt tại ATM;1.234.567;3.456.789,5', '91;Tỉnh An Giang;03/2025;Tổng cộng;13.580.245;49.135.690,75'));
    expect(page.cursor).toEqual({ '2025-02': 1, '2025-03': 2 });
    expect(page.completeScopes).toEqual(['2025-03']);
    expect(results).toEqual([
      ['2025-03|91|Mobile Banking', { observations: [{ indicator: 'NONCASH_TXN_COUNT', unit: { code: '91', level: 'province', asOf: '2025-03-31' }, period: '2025-03', value: 12345678 }] }],
      ['2025-03|91|Rút tiền mặt tại ATM', { observations: [{ indicator: 'CASH_WITHDRAWAL_COUNT', unit: { code: '91', level: 'province', asOf: '2025-03-31' }, period: '2025-03', value: 1234567 }] }],
    ]);
    expect(page.records[1]?.location).toEqual({ file: entry.tep, line: 3, phienBan: 2 });
  });

  it('reads NFD text, extra spaces, LF line ends, no BOM and quoted cells as the same rows', () => {
    const text = `${header}\n 91 ;"Tỉnh  An Giang";3/2025;${' Ví điện tử '.normalize('NFD')};"1.000";"1,5"\n\n`;
    const { results } = normalised(Buffer.from(text, 'utf8'));
    expect(results).toEqual([['2025-03|91|Ví điện tử', { observations: [expect.objectContaining({ indicator: 'NONCASH_TXN_COUNT', value: 1000 }) as unknown] }]]);
  });

  it('refuses a file whose header is not the contract’s, as one rejected record that withdraws nothing', () => {
    const page = monthPage(entry, parseMonthFile(Buffer.from('\ufeffMa tinh;Ten tinh;Ky;Kenh;So luong;Gia tri\r\n91;An Giang;03/2025;POS;1;1\r\n')), {}, logger);
    expect(page.completeScopes).toBeUndefined();
    expect(page.records).toHaveLength(1);
    expect(normalisePaymentRecord(page.records[0] as SourceRecord)).toMatchObject({ rejected: { code: 'HEADER_MISMATCH' } });
    expect(parseMonthFile(Buffer.from([0xef, 0xbb, 0xbf, 0xff, 0xfe]))).toMatchObject({ ok: false, code: 'FILE_NOT_UTF8' });
  });

  it('rejects rows of another month, unknown channels, bad counts, short rows and duplicates, keeping the first', () => {
    const { results } = normalised(
      file('91;X;02/2025;POS;1;1', '91;X;03/2025;Thẻ tín dụng;1;1', '91;X;03/2025;QR code;1,5;1', '91;X;03/2025;Mobile Banking', '40;X;03/2025;POS;5;1', '40;X;03/2025;pos;6;1', 'AG;X;03/2025;Ví điện tử;1;1'),
    );
    expect(results.map(([key, r]) => [key, 'rejected' in r ? r.rejected.code : 'ok'])).toEqual([
      ['2025-03|91|POS', 'PERIOD_MISMATCH'],
      ['2025-03|91|Thẻ tín dụng', 'UNKNOWN_CHANNEL'],
      ['2025-03|91|QR code', 'NOT_AN_INTEGER'],
      ['2025-03|91|Mobile Banking', 'MISSING_FIELD'],
      ['2025-03|40|POS', 'ok'],
      ['2025-03|40|POS|dòng 7', 'DUPLICATE_ROW'],
      ['2025-03|AG|Ví điện tử', 'UNIT_NOT_FOUND'],
    ]);
  });

  it('reads Kỳ báo cáo as MM/YYYY only', () => {
    expect([reportMonth('03/2025'), reportMonth(' 3/2025 '), reportMonth('13/2025'), reportMonth('2025-03'), reportMonth('03/25')]).toEqual(['2025-03', '2025-03', undefined, undefined, undefined]);
  });
});

describe('the index', () => {
  const raw: Json = [
    { ky: '2025-03', tep: 'a_v1.csv', phienBan: 1, ngayCongBo: '2025-04-20', sha256: 'A'.repeat(64), extra: 'kept out' },
    { ky: '2025-03', tep: 'a_v2.csv', phienBan: 2, sha256: 'b'.repeat(64) },
    { ky: '2025-02', tep: 'b_v1.csv', phienBan: 1, sha256: 'c'.repeat(64) },
    { ky: '2025-04', tep: '../etc/passwd', phienBan: 1, sha256: 'd'.repeat(64) },
    { ky: '2025-13', tep: 'x.csv', phienBan: 1, sha256: 'e'.repeat(64) },
  ];

  it('keeps the highest version of each month, skips entries that do not fit, and picks what is new', () => {
    const latest = latestVersions(readIndex(raw, logger));
    expect(latest.map((e) => `${e.ky} v${e.phienBan} ${e.tep}`)).toEqual(['2025-02 v1 b_v1.csv', '2025-03 v2 a_v2.csv']);
    expect(pendingMonths(latest, { '2025-02': 1, '2025-03': 1 }, {}).map((e) => e.ky)).toEqual(['2025-03']);
    expect(pendingMonths(latest, { '2025-03': 2 }, {}).map((e) => e.ky)).toEqual(['2025-02']);
    expect(pendingMonths(latest, {}, { from: '2025-03' }).map((e) => e.ky)).toEqual(['2025-03']);
    expect(pendingMonths(latest, {}, { to: '2025-02' }).map((e) => e.ky)).toEqual(['2025-02']);
  });
});
