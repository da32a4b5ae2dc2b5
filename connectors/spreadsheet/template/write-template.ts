import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { columns, headers, sheetName } from './layout.js';

/** A row of the sheet, in the template's column order: Mã chỉ tiêu, Mã đơn vị hành chính, Kỳ, Giá trị, Trạng thái, Nguồn. */
export type TemplateRow = readonly [indicator: ExcelJS.CellValue, unit: ExcelJS.CellValue, period: ExcelJS.CellValue, value: ExcelJS.CellValue, status: ExcelJS.CellValue, source?: ExcelJS.CellValue];

export const exampleRows: readonly TemplateRow[] = [
  ['RD_PERSONNEL', '91', '2025', 1234, 'Sơ bộ', 'Sở Khoa học và Công nghệ'],
  ['HDI', '91', '2024', '0,712', 'Chính thức', 'Cục Thống kê tỉnh'],
];

/** The template: sheet `Số liệu`, the header row, and `rows` (two examples unless told otherwise). Codes are text cells. */
export function templateWorkbook(rows: readonly TemplateRow[] = exampleRows): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: headers[c], key: c, width: c === 'source' ? 32 : c === 'unit' ? 22 : 16 }));
  sheet.getRow(1).font = { bold: true };
  // Codes as text: typed into a number cell, "01" would lose its zero.
  sheet.getColumn(2).numFmt = '@';
  sheet.getColumn(3).numFmt = '@';
  for (const r of rows) sheet.addRow([...r]);
  return workbook;
}

export async function templateBytes(rows?: readonly TemplateRow[]): Promise<Buffer> {
  return Buffer.from(await templateWorkbook(rows).xlsx.writeBuffer());
}

export async function writeTemplate(path: string, rows?: readonly TemplateRow[]): Promise<void> {
  await templateWorkbook(rows).xlsx.writeFile(path);
}

// `npx tsx connectors/spreadsheet/template/write-template.ts mau-so-lieu.xlsx`
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? 'mau-so-lieu.xlsx';
  await writeTemplate(out);
  process.stdout.write(`wrote the template to ${out}\n`);
}
