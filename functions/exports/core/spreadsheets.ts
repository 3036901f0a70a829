import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { CellValue, DatasetColumn, ExportDataset } from './ports';

/**
 * The two spreadsheet encodings of one dataset. Both pull rows from the dataset as they are written, so a
 * dataset read page by page (an organization's audit log) never sits in memory whole.
 *
 * Conventions shared by both, chosen so Excel, LibreOffice and scripts read the same values:
 * - times are UTC; XLSX holds real date cells, CSV holds `YYYY-MM-DD HH:MM:SS`;
 * - booleans are TRUE/FALSE (XLSX boolean cells; in CSV the words Excel and LibreOffice read as booleans);
 * - an empty value (null) is an empty cell;
 * - text starting with = + - @ TAB or CR gets a leading `'` (OWASP CSV injection), in XLSX too: exceljs
 *   never writes strings as formulas, but a sheet saved again as CSV from Excel would be re-read as one.
 */

const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/** Text a spreadsheet would evaluate as a formula, made inert. */
export function neutralizeFormula(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

/** `2026-12-04 15:34:37` in UTC: sortable, unambiguous, and parsed as a date by Excel and LibreOffice. */
export function formatUtcDateTime(date: Date): string {
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Excel's limit is 31 characters, and it refuses `[]:*?/\` in sheet names. */
function worksheetName(title: string): string {
  const cleaned = title.replace(/[[\]:*?/\\]/g, ' ').trim();
  return (cleaned || 'Sheet1').slice(0, 31);
}

// ---------------------------------------------------------------------------------------------- CSV

const UTF8_BOM = '\uFEFF';
const CRLF = '\r\n';
/** Rows are gathered into chunks of about this size: one write per row would be slow, one per file unbounded. */
const CSV_CHUNK_CHARS = 64 * 1024;

function csvField(value: CellValue | undefined, column: DatasetColumn): string {
  return csvQuote(csvText(value, column));
}

function csvQuote(text: string): string {
  // RFC 4180: a field holding a quote, comma, CR or LF is quoted, inner quotes doubled.
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvText(value: CellValue | undefined, column: DatasetColumn): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return formatUtcDateTime(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // A number we wrote is never a formula, even negative; only text is neutralized.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (column.kind === 'datetime') {
    const parsed = new Date(value);
    if (value !== '' && !Number.isNaN(parsed.getTime())) return formatUtcDateTime(parsed);
  }
  return neutralizeFormula(value);
}

function csvLine(cells: readonly string[]): string {
  return cells.join(',') + CRLF;
}

/** UTF-8 CSV with a byte-order mark (so Excel opens non-ASCII names correctly), RFC 4180 quoting, CRLF. */
export async function* csvStream(dataset: ExportDataset, orgId: string): AsyncIterable<Uint8Array> {
  const encoder = new TextEncoder();
  let pending =
    UTF8_BOM + csvLine(dataset.columns.map((column) => csvQuote(neutralizeFormula(column.header))));
  for await (const row of dataset.rows(orgId)) {
    pending += csvLine(dataset.columns.map((column) => csvField(row[column.key], column)));
    if (pending.length >= CSV_CHUNK_CHARS) {
      yield encoder.encode(pending);
      pending = '';
    }
  }
  yield encoder.encode(pending);
}

// --------------------------------------------------------------------------------------------- XLSX

const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
/** Rows between pauses that let the zip deflate catch up and the reader drain what is written. */
const XLSX_ROWS_BETWEEN_PAUSES = 500;

function xlsxValue(value: CellValue | undefined, column: DatasetColumn): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (column.kind === 'datetime') {
    const parsed = new Date(value);
    if (value !== '' && !Number.isNaN(parsed.getTime())) return parsed;
  }
  return xlsxText(neutralizeFormula(value));
}

/** Excel's limit on one cell's text; longer text makes Excel report the file as damaged. */
export const XLSX_MAX_CELL_CHARS = 32_767;
const XLSX_CUT_NOTE = ' [… cut at Excel’s cell limit; the CSV file has the whole text]';

function xlsxText(text: string): string {
  return text.length <= XLSX_MAX_CELL_CHARS
    ? text
    : text.slice(0, XLSX_MAX_CELL_CHARS - XLSX_CUT_NOTE.length) + XLSX_CUT_NOTE;
}

function columnWidth(column: DatasetColumn): number {
  if (column.kind === 'datetime') return 20;
  if (column.kind === 'text') return Math.max(16, Math.min(40, column.header.length + 4));
  return Math.max(10, column.header.length + 2);
}

/**
 * One worksheet named after the dataset's title: a bold, frozen header row, then one committed row per
 * dataset row. Uses exceljs's streaming writer without shared strings, so memory stays bounded by the
 * reader's pace rather than the row count.
 */
export async function* xlsxStream(dataset: ExportDataset, orgId: string): AsyncIterable<Uint8Array> {
  const output = new PassThrough();
  let stopped = false;
  // The streaming writer's own module, from the vendor layer on first use: the package entry would add its
  // readers (functions/shared/spreadsheet-workbook.ts).
  const { default: WorkbookWriter } = await import('exceljs/lib/stream/xlsx/workbook-writer.js');
  const workbook = new WorkbookWriter({
    stream: output,
    useSharedStrings: false,
    useStyles: true,
  });
  workbook.creator = 'PACScribe';

  const writing = (async () => {
    const sheet = workbook.addWorksheet(worksheetName(dataset.title), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = dataset.columns.map((column) => ({
      header: column.header,
      key: column.key,
      width: columnWidth(column),
    }));
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.commit();

    let written = 0;
    for await (const row of dataset.rows(orgId)) {
      if (stopped) return;
      const sheetRow = sheet.addRow(dataset.columns.map((column) => xlsxValue(row[column.key], column)));
      // Without a date format the cell holds the right serial number but shows as a plain number.
      sheetRow.eachCell((cell) => {
        if (cell.value instanceof Date) cell.numFmt = DATETIME_FORMAT;
      });
      sheetRow.commit();
      written += 1;
      if (written % XLSX_ROWS_BETWEEN_PAUSES === 0) await pauseForReader(output);
    }
    sheet.commit();
    await workbook.commit();
  })();
  writing.catch((error: unknown) =>
    output.destroy(error instanceof Error ? error : new Error(String(error))),
  );

  try {
    for await (const chunk of output) yield chunk as Uint8Array;
    await writing;
  } finally {
    // The reader stopped early (or failed): stop pulling rows and release the stream.
    stopped = true;
    output.destroy();
  }
}

/** Let queued deflate work run, and wait while the reader has not taken what is already written. */
async function pauseForReader(output: PassThrough): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  while (output.writableNeedDrain && !output.destroyed) {
    await Promise.race([once(output, 'drain'), once(output, 'close')]);
  }
}
