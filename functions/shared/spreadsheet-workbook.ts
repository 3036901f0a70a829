import WorkbookClass from 'exceljs/lib/doc/workbook.js';

/**
 * exceljs's in-memory workbook, imported from its own module (exceljs 4.4.0 has no exports map): the
 * package's entry also loads its readers and streaming writer (unzipper, bluebird, archiver…), ~600 KB a
 * function that only writes a small workbook would carry, enough to push its bundle over 1 MB. The class
 * is the one the entry exports, unchanged. (The exports task's streaming writer: exports/core/spreadsheets.ts.)
 */
export const Workbook = WorkbookClass;
