import type { Workbook } from 'exceljs';

/**
 * A new exceljs in-memory workbook, its module loaded on first use (from the vendor layer in Lambda,
 * infra/shared/vendor-layer-packages.ts), so a function that answers mostly JSON or CSV does not pay for
 * it at init. It is exceljs's own module, not the package entry (exceljs 4.4.0 has no exports map): the
 * entry also loads its readers and streaming writer (unzipper, bluebird, archiver…). The class is the one
 * the entry exports, unchanged. (The exports task's streaming writer: exports/core/spreadsheets.ts.)
 */
export async function newWorkbook(): Promise<Workbook> {
  const { default: Workbook } = await import('exceljs/lib/doc/workbook.js');
  return new Workbook();
}
