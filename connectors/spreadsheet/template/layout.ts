/** The template's sheet and columns (sources.md, section 5): what stewards fill in and the connector reads. */
export const sheetName = 'Số liệu';

export const columns = ['indicator', 'unit', 'period', 'value', 'status', 'source'] as const;
export type Column = (typeof columns)[number];

/** The header of each column as the template writes it. */
export const headers: Readonly<Record<Column, string>> = {
  indicator: 'Mã chỉ tiêu',
  unit: 'Mã đơn vị hành chính',
  period: 'Kỳ',
  value: 'Giá trị',
  status: 'Trạng thái',
  source: 'Nguồn',
};

/** `Nguồn` may be left out; the others must be in the header row. */
export const requiredColumns: readonly Column[] = ['indicator', 'unit', 'period', 'value', 'status'];
