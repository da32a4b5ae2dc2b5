/**
 * Why a record was rejected (the `code` of a rejected record): a second family, about one input row, not about a
 * command. A rejection has no exit code of its own: a run with rejected rows exits 3 and loads the rest. Connectors
 * may add codes of their own; these are the ones this project's connectors and engine use.
 */
export interface RejectionReason {
  readonly meaning: string;
  /** What the data steward does about it. */
  readonly steward: string;
}

const fixRow = 'Correct the row at the source (or the workbook) and sync or upload again; `lgsp rejected reprocess` retries it after an engine fix.';

export const rejectionReasons = {
  MISSING_FIELD: { meaning: 'A field the record needs is empty or absent.', steward: fixRow },
  NOT_AN_OBJECT: { meaning: 'The source sent something other than a JSON object as a record.', steward: 'Tell the source operator: their feed is malformed.' },
  NOT_A_NUMBER: { meaning: 'A value is text or another type where a number is expected.', steward: fixRow },
  VALUE_NOT_A_NUMBER: { meaning: 'A workbook value is not a number in the Vietnamese format (`1.234,5`).', steward: fixRow },
  NOT_A_COUNT: { meaning: 'A value is not a non-negative whole number (the scaffold\'s placeholder normaliser).', steward: fixRow },
  NOT_AN_INTEGER: { meaning: 'A count has decimals.', steward: fixRow },
  NEGATIVE_COUNT: { meaning: 'A count is negative.', steward: fixRow },
  PERIOD_INVALID: { meaning: 'The period is not a year, quarter or month (`2024-13`).', steward: fixRow },
  DATE_INVALID: { meaning: 'A date is not a calendar date written YYYY-MM-DD.', steward: fixRow },
  SCOPE_INVALID: { meaning: 'The record lacks the scope (such as the snapshot month) it was fetched for.', steward: 'Sync again; if it recurs, report it with the run id.' },
  STATUS_INVALID: { meaning: 'Trạng thái is not Chính thức, Sơ bộ or Ước tính.', steward: fixRow },
  UNKNOWN_INDICATOR: { meaning: 'The indicator code is not in the catalogue.', steward: 'Use a code from `lgsp catalogue`, or have the catalogue extended, then reprocess.' },
  UNKNOWN_LEVEL: { meaning: 'A service level is not one the connector knows (TOAN_TRINH, MOT_PHAN, KHAC).', steward: 'Tell the source operator, or have the connector extended.' },
  UNIT_CODE_INVALID: { meaning: 'A unit code is neither a 2-digit province nor a 5-digit commune code.', steward: fixRow },
  UNIT_NOT_FOUND: { meaning: 'No administrative unit has this code or name on the period\'s last day.', steward: 'Check it with `lgsp units resolve`; a legacy name may need an alias (`lgsp units alias add`), then reprocess.' },
  UNIT_AMBIGUOUS: { meaning: 'The name or code fits several units.', steward: 'Give the unit code, or add an alias that says which unit is meant, then reprocess.' },
  UNIT_DIVIDED: { meaning: 'The unit was divided before the period: its successors cannot be told apart.', steward: 'Report the figure for the units valid in the period.' },
  APPLICATION_NUMBER_INVALID: { meaning: 'A patent application number is not in the registry\'s format.', steward: 'Tell the source operator.' },
  CELL_ERROR: { meaning: 'A workbook cell shows an error (`#N/A`, `#DIV/0!`).', steward: fixRow },
  FORMULA_NOT_COMPUTED: { meaning: 'A workbook formula has no saved result.', steward: 'Open the workbook in Excel, save it, and upload it again.' },
  DUPLICATE_ROW: { meaning: 'An earlier row has the same indicator, unit and period (the first is loaded).', steward: 'Keep one row per figure and upload again.' },
  FILE_EMPTY: { meaning: 'A source file has no header row.', steward: 'Ask the publisher to republish the file.' },
  FILE_UNREADABLE: { meaning: 'A file in the inbox is not a readable workbook.', steward: 'Save it as "Excel Workbook (*.xlsx)" from the template and upload it again.' },
  SHEET_NOT_FOUND: { meaning: 'The workbook has no sheet named "Số liệu".', steward: 'Rename the data sheet, or start from the template.' },
  HEADER_MISMATCH: { meaning: 'The header row is not the template\'s (or the file\'s format changed).', steward: 'Use the template\'s header row; for a source file, have the connector updated.' },
  WORKBOOK_LIMIT_EXCEEDED: { meaning: 'A workbook in the inbox is over a workbook limit of the host.', steward: 'Split the workbook, or have the host operator raise the LGSP_WORKBOOK_* limit.' },
} as const satisfies Record<string, RejectionReason>;

export type RejectionCode = keyof typeof rejectionReasons;
