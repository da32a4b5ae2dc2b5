import { z } from 'zod';
import type { NormaliseResult, SourceRecord } from '../../src/connector-sdk/types.js';
import { endsOn, parsePeriod } from '../../src/periods/period.js';
import { classifyChannel } from './channels.js';
import { channels } from './contract.js';
import { provinceCode } from './province-code.js';
import { parseTransactionCount } from './transaction-count.js';

const rowSchema = z.object({
  kind: z.literal('row'),
  ky: z.string(),
  maTinh: z.string(),
  tenTinh: z.string(),
  kyBaoCao: z.string(),
  kenh: z.string(),
  soLuongGiaoDich: z.string(),
  missingCells: z.literal(true).optional(),
  duplicateOfLine: z.number().int().optional(),
});
const fileSchema = z.object({ kind: z.literal('file'), code: z.string(), reason: z.string() });
const dataSchema = z.discriminatedUnion('kind', [rowSchema, fileSchema]);

const reject = (code: string, reason: string): NormaliseResult => ({ rejected: { code, reason } });

/** `Kỳ báo cáo` MM/YYYY (a one-digit month is read too) as YYYY-MM. */
export function reportMonth(text: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const month = Number(m[1]);
  return month >= 1 && month <= 12 ? `${m[2] ?? ''}-${String(month).padStart(2, '0')}` : undefined;
}

/** One row -> its count as NONCASH_TXN_COUNT or CASH_WITHDRAWAL_COUNT of the province in the month, or why not. */
export function normalisePaymentRecord(record: SourceRecord): NormaliseResult {
  const data = dataSchema.parse(record.data);
  if (data.kind === 'file') return reject(data.code, data.reason);
  if (data.duplicateOfLine !== undefined) return reject('DUPLICATE_ROW', `the file has this province and channel already on line ${data.duplicateOfLine}: neither is guessed to be the right one, the first is kept`);
  if (data.missingCells) return reject('MISSING_FIELD', 'the row has fewer cells than the header');
  const month = reportMonth(data.kyBaoCao);
  if (month === undefined) return reject('PERIOD_INVALID', `Kỳ báo cáo "${data.kyBaoCao}" is not MM/YYYY`);
  if (month !== data.ky) return reject('PERIOD_MISMATCH', `Kỳ báo cáo ${data.kyBaoCao} is not the month ${data.ky} the index publishes this file for`);
  const channel = classifyChannel(data.kenh);
  if (channel.kind === 'total') return { observations: [] };
  if (channel.kind === 'unknown') return reject('UNKNOWN_CHANNEL', `Kênh thanh toán "${data.kenh}" is not one of the contract's channels (${channels.join(', ')}); the row is not counted`);
  const count = parseTransactionCount(data.soLuongGiaoDich);
  if (!count.ok) return reject(count.code, `Số lượng giao dịch: ${count.reason}`);
  const code = provinceCode(data.maTinh);
  if (!/^\d{2}$/.test(code)) return reject('UNIT_NOT_FOUND', `Mã tỉnh "${data.maTinh}" is not a two-digit province code`);
  const asOf = endsOn(parsePeriod(month));
  return { observations: [{ indicator: channel.indicator, unit: { code, level: 'province', asOf }, period: month, value: count.value }] };
}
