import ExcelJS from 'exceljs';
import type { TemplateRow } from './template/write-template.js';

/** A workbook as a department might send it: header cells in NFD, another case and extra spaces, a title row above. */
export async function departmentWorkbook(rows: readonly TemplateRow[], options: { trailingEmptyRows?: number } = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Hướng dẫn').getCell('A1').value = 'Điền số liệu vào sheet Số liệu';
  const sheet = workbook.addWorksheet('SỐ LIỆU'.normalize('NFD'));
  sheet.addRow(['Số liệu chỉ tiêu KHCN, ĐMST năm 2025']);
  sheet.addRow(['  MÃ CHỈ TIÊU', 'mã  đơn vị hành chính ', 'Kỳ', 'GIÁ TRỊ', 'Trạng Thái', 'Nguồn'].map((h) => h.normalize('NFD')));
  for (const r of rows) sheet.addRow([...r]);
  for (let i = 0; i < (options.trailingEmptyRows ?? 0); i++) {
    const row = sheet.addRow(['', null, '  ']);
    row.getCell(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFF00' } };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
