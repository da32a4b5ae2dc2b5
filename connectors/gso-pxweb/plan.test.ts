import { describe, expect, it } from 'vitest';
import { tableSchema } from './config.js';
import type { TableMetadata } from './metadata.js';
import { cellValue } from './normalise.js';
import { planTable } from './plan.js';

const meta = (provinces: [string, string][], extra: TableMetadata['variables'] = []): TableMetadata => ({
  title: 't',
  variables: [
    { code: 'ContentsCode', text: 'Chỉ tiêu', values: ['GRDP_HH', 'GRDP_SS'], valueTexts: ['Giá hiện hành', 'Giá so sánh 2010'] },
    { code: 'Dia_phuong', text: 'Địa phương', values: provinces.map((p) => p[0]), valueTexts: provinces.map((p) => p[1]) },
    { code: 'Nam', text: 'Năm', values: ['2019', '2023', '2024', '2025'], valueTexts: ['2019', '2023', '2024', '2025'], time: true },
    ...extra,
  ],
});
const table = (extra: object = {}) => tableSchema.parse({ table: 'X.px', indicator: 'GRDP', ...extra });

describe('planning a query from PX-Web metadata', () => {
  it('finds the province and time variables, the content by its text, and queries legacy codes merged into the configured ones', () => {
    const plan = planTable(meta([['00', 'Cả nước'], ['40', 'Nghệ An'], ['89', 'An Giang'], ['91', 'Kiên Giang'], ['93', 'Hậu Giang']]), table({ contentFilter: { dimension: 'Chỉ tiêu', value: 'giá  hiện hành' } }), ['91', '40'], { from: 2020, to: 2024 });
    expect([plan.province.code, plan.time.code, plan.codes, plan.content?.value]).toEqual(['Dia_phuong', 'Nam', 'legacy', 'GRDP_HH']);
    expect(plan.query.query).toEqual([
      { code: 'Dia_phuong', selection: { filter: 'item', values: ['40', '89', '91'] } },
      { code: 'Nam', selection: { filter: 'item', values: ['2023', '2024'] } },
      { code: 'ContentsCode', selection: { filter: 'item', values: ['GRDP_HH'] } },
    ]);
  });

  it('tells legacy from current codes by the names when every code is a reused one', () => {
    expect(planTable(meta([['91', 'Tỉnh Kiên Giang'], ['40', 'Nghệ An']]), table(), ['91'], { from: 2024, to: 2025 }).codes).toBe('legacy');
    const current = planTable(meta([['91', 'An Giang'], ['40', 'Nghệ An']]), table(), ['91'], { from: 2024, to: 2025 });
    expect([current.codes, current.provinces]).toEqual(['current', ['91']]);
    expect(planTable(meta([['91', 'An Giang']]), table({ codes: 'legacy' }), ['91'], { from: 2024, to: 2025 }).codes).toBe('legacy');
  });

  it('says which configured variable is missing', () => {
    expect(() => planTable(meta([['91', 'An Giang']]), table({ provinceDimension: 'Tỉnh' }), ['91'], { from: 2024, to: 2024 })).toThrow(/GSO table X.px: no variable "Tỉnh"/);
    expect(() => planTable(meta([['91', 'An Giang']]), table({ contentFilter: { dimension: 'Chỉ tiêu', value: 'USD' } }), ['91'], { from: 2024, to: 2024 })).toThrow(/has no value "USD"/);
  });
});

describe('cell values', () => {
  it('keeps exact decimals, skips PX symbols for no figure, and refuses text', () => {
    expect(cellValue(6.23)).toEqual({ ok: true, text: '6.23' });
    expect(cellValue(' 1908352 ')).toEqual({ ok: true, text: '1908352' });
    expect(cellValue(null)).toBeUndefined();
    expect(cellValue('..')).toBeUndefined();
    expect(cellValue('…')).toBeUndefined();
    expect(cellValue('1,9 triệu')).toEqual({ ok: false, reason: '"1,9 triệu" is text, not a number' });
  });
});
