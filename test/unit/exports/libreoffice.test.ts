import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import type { CellValue, ExportDataset } from '../../../functions/exports/core/ports';
import { xlsxStream } from '../../../functions/exports/core/spreadsheets';

/**
 * The archive's XLSX files opened by a second, independent spreadsheet program: LibreOffice Calc, headless,
 * converts the workbook to CSV. What it reads back is what a customer's spreadsheet will show.
 */

function sofficePath(): string {
  for (const name of ['soffice', 'libreoffice']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error(
    'LibreOffice not found (soffice): install it with `apt-get install -y --no-install-recommends libreoffice-calc-nogui` (.ci/run does this)',
  );
}

const studyDate = new Date(Date.UTC(2026, 2, 14, 9, 30, 5));
const rows: Record<string, CellValue>[] = [
  { patientName: 'Müller^Zoë', studyDate, instances: 120, current: true, note: '=1+1' },
  { patientName: '山田^太郎', studyDate: null, instances: 7, current: false, note: 'plain, with comma' },
];
const dataset: ExportDataset = {
  name: 'studies',
  title: 'Studies',
  description: 'Two studies.',
  columns: [
    { key: 'patientName', header: 'Patient name', kind: 'text' },
    { key: 'studyDate', header: 'Study date (UTC)', kind: 'datetime' },
    { key: 'instances', header: 'Instances', kind: 'number' },
    { key: 'current', header: 'Current', kind: 'boolean' },
    { key: 'note', header: 'Note', kind: 'text' },
  ],
  rows: async function* () {
    yield* rows;
  },
};

describe('LibreOffice Calc reads the exported XLSX', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'pacscribe-lo-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('[PP-15] converts it to CSV with the same rows, the date as a date and non-ASCII names intact', async () => {
    const soffice = sofficePath();
    const parts: Buffer[] = [];
    for await (const chunk of xlsxStream(dataset, 'org-1')) parts.push(Buffer.from(chunk));
    const xlsx = Buffer.concat(parts);
    const xlsxFile = join(workDir, 'studies.xlsx');
    writeFileSync(xlsxFile, xlsx);

    // exceljs agrees the cell is a date, so the CSV below shows LibreOffice's rendering of a date cell.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as never);
    expect(workbook.worksheets[0]?.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.Date);

    // Own profile: a shared or first-run profile makes soffice wait for a lock or a dialog.
    const profile = pathToFileURL(join(workDir, 'profile')).href;
    execFileSync(
      soffice,
      [
        `-env:UserInstallation=${profile}`,
        '--headless',
        '--norestore',
        // 44 = comma, 34 = double quote, 76 = UTF-8, 1 = start at row 1.
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76,1',
        '--outdir',
        workDir,
        xlsxFile,
      ],
      { timeout: 120_000, stdio: 'pipe' },
    );
    const csv = readFileSync(join(workDir, 'studies.csv'), 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.split(/\r?\n/).filter((line) => line !== '');

    // Calc quotes text cells and leaves numbers, dates and booleans bare: the unquoted, formatted date
    // shows it read a date cell, not text that looks like one.
    expect(lines).toEqual([
      '"Patient name","Study date (UTC)","Instances","Current","Note"',
      `"Müller^Zoë",2026-03-14 09:30:05,120,TRUE,"'=1+1"`,
      '"山田^太郎",,7,FALSE,"plain, with comma"',
    ]);
  }, 150_000);
});
