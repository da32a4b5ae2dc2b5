import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTemplate, type TemplateRow } from '../template/write-template.js';

const source = 'Sở Khoa học và Công nghệ (dữ liệu minh hoạ)';

/**
 * What a department would upload for the figures no system publishes, for An Giang (91) and Nghệ An (40) in
 * 2025: illustrative values of realistic size, with Vietnamese number text and statuses as stewards write them.
 */
export const departmentRows: readonly TemplateRow[] = [
  ['RD_PERSONNEL', '91', '2025', '3.650', 'Sơ bộ', source],
  ['RD_PERSONNEL', '40', '2025', '2.980', 'Sơ bộ', source],
  ['PII_RANK', '91', '2025', 27, 'Chính thức', source],
  ['PII_RANK', '40', '2025', 21, 'Chính thức', source],
  ['HDI', '91', '2025', '0,704', 'Ước tính', source],
  ['HDI', '40', '2025', '0,721', 'Ước tính', source],
  ['STI_BUDGET_SHARE', '91', '2025', '2,1', 'Chính thức', source],
  ['STI_BUDGET_SHARE', '40', '2025', '2,6', 'Chính thức', source],
  ['INNOVATIVE_ENTERPRISE_SHARE', '91', '2025', '18,5', 'Sơ bộ', source],
  ['INNOVATIVE_ENTERPRISE_SHARE', '40', '2025', '22,3', 'Sơ bộ', source],
  ['TFP_CONTRIBUTION', '91', '2025', '41,2', 'Ước tính', source],
  ['TFP_CONTRIBUTION', '40', '2025', '44', 'Ước tính', source],
  ['RD_SPENDING_GRDP_SHARE', '91', '2025', '0,42', 'Sơ bộ', source],
  ['RD_SPENDING_GRDP_SHARE', '40', '2025', '0,55', 'Sơ bộ', source],
  ['SMART_CITIES', '91', '2025', 1, 'Chính thức', source],
  ['SMART_CITIES', '40', '2025', 1, 'Chính thức', source],
];

/** Puts the department's workbook in an inbox folder, as `lgsp upload` would. Returns the file's path. */
export async function writeDepartmentWorkbook(inbox: string): Promise<string> {
  await mkdir(inbox, { recursive: true });
  const path = join(inbox, 'so-khcn-2025.xlsx');
  await writeTemplate(path, departmentRows);
  return path;
}
