// exceljs's own modules, typed as the package's exports they are (functions/shared/spreadsheet-workbook.ts, functions/exports/core/spreadsheets.ts).
declare module 'exceljs/lib/doc/workbook.js' {
  import type { Workbook } from 'exceljs';

  const WorkbookClass: typeof Workbook;
  export default WorkbookClass;
}
declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  import type { stream } from 'exceljs';

  const WorkbookWriterClass: typeof stream.xlsx.WorkbookWriter;
  export default WorkbookWriterClass;
}
