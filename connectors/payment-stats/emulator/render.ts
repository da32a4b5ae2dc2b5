import { csvHeader, totalChannel } from '../contract.js';
import { formatVietnameseNumber } from '../../../src/numbers/vietnamese-number.js';
import type { ChannelFigure } from './dataset.js';

export interface RenderOptions {
  /** The header row (the contract's unless a fault replaces it). */
  readonly header?: readonly string[];
  /** Lines appended as written (malformed rows). */
  readonly extraLines?: readonly (readonly string[])[];
  /**
   * Write some names as the contract allows them to arrive: NFD, doubled and trailing spaces (province 40's rows),
   * so a client that compares bytes instead of text fails here, not in production.
   */
  readonly messyText?: boolean;
}

const bom = '\ufeff';

/** `MM/YYYY` of a month `YYYY-MM`. */
export const reportPeriod = (ky: string): string => `${ky.slice(5)}/${ky.slice(0, 4)}`;

/** A month file exactly per the contract: UTF-8 with BOM, `;`, CRLF, Vietnamese numbers, a Tổng cộng row per province. */
export function renderMonthFile(ky: string, figures: readonly ChannelFigure[], options: RenderOptions = {}): Buffer {
  const lines: string[][] = [[...(options.header ?? csvHeader)]];
  const provinces = [...new Set(figures.map((f) => f.maTinh))];
  for (const code of provinces) {
    const own = figures.filter((f) => f.maTinh === code);
    const messy = options.messyText === true && code === '40';
    const name = (text: string) => (messy ? ` ${text.normalize('NFD').replace(' ', '  ')} ` : text);
    const tenTinh = own[0]?.tenTinh ?? '';
    for (const f of own) lines.push([f.maTinh, name(f.tenTinh), reportPeriod(ky), name(f.kenh), formatVietnameseNumber(f.soLuong), formatVietnameseNumber(f.giaTriPhanTram / 100, 2)]);
    const count = own.reduce((s, f) => s + f.soLuong, 0);
    const value = own.reduce((s, f) => s + f.giaTriPhanTram, 0);
    lines.push([code, name(tenTinh), reportPeriod(ky), name(totalChannel), formatVietnameseNumber(count), formatVietnameseNumber(value / 100, 2)]);
  }
  for (const extra of options.extraLines ?? []) lines.push([...extra]);
  return Buffer.from(bom + lines.map((l) => l.join(';')).join('\r\n') + '\r\n', 'utf8');
}
