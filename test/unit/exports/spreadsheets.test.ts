import ExcelJS from 'exceljs';
import type { CellValue, DatasetColumn, ExportDataset } from '../../../functions/exports/core/ports';
import { csvStream, XLSX_MAX_CELL_CHARS, xlsxStream } from '../../../functions/exports/core/spreadsheets';

const columns: DatasetColumn[] = [
  { key: 'name', header: 'Patient name', kind: 'text' },
  { key: 'born', header: 'Uploaded (UTC)', kind: 'datetime' },
  { key: 'count', header: 'Instances', kind: 'number' },
  { key: 'current', header: 'Current', kind: 'boolean' },
  { key: 'note', header: 'Note', kind: 'text' },
];

type Row = Record<string, CellValue>;

function datasetOf(rows: () => AsyncIterable<Row>): ExportDataset {
  return { name: 'patients', title: 'Patients', description: 'Test rows.', columns, rows };
}

function fixedDataset(rows: Row[]): ExportDataset {
  return datasetOf(async function* () {
    yield* rows;
  });
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as never);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no worksheet');
  return sheet;
}

const uploaded = new Date(Date.UTC(2026, 11, 4, 15, 34, 37));
const sampleRows: Row[] = [
  { name: 'Müller^Zoë', born: uploaded, count: 42, current: true, note: 'plain' },
  { name: '山田^太郎', born: null, count: -3, current: false, note: '=HYPERLINK("http://evil.example","x")' },
  { name: 'Doe, "Jo"', born: '2025-01-02T03:04:05Z', count: 0, current: null, note: 'two\r\nlines' },
  { name: '+1', born: null, count: null, current: null, note: '@SUM(A1)' },
  { name: '-2', born: null, count: null, current: null, note: '\tcmd' },
];

describe('CSV encoding of a dataset', () => {
  let csv: Buffer;
  beforeAll(async () => {
    csv = await collect(csvStream(fixedDataset(sampleRows), 'org-1'));
  });

  it('[PP-15] starts with a UTF-8 byte-order mark so Excel reads non-ASCII names', () => {
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('Müller^Zoë');
    expect(csv.toString('utf8')).toContain('山田^太郎');
  });

  it('[PP-15] ends every line with CRLF and writes the header first', () => {
    const text = csv.toString('utf8').slice(1);
    expect(text.startsWith('Patient name,Uploaded (UTC),Instances,Current,Note\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('[PP-15] quotes fields with quotes, commas and line breaks (RFC 4180)', () => {
    const text = csv.toString('utf8');
    expect(text).toContain('"Doe, ""Jo"""');
    expect(text).toContain('"two\r\nlines"');
  });

  it('[PP-15] writes dates as UTC YYYY-MM-DD HH:MM:SS, numbers and booleans plainly', () => {
    const text = csv.toString('utf8');
    expect(text).toContain('Müller^Zoë,2026-12-04 15:34:37,42,TRUE,plain\r\n');
    expect(text).toContain(',2025-01-02 03:04:05,0,,');
    expect(text).toContain('山田^太郎,,-3,FALSE,');
  });

  it('neutralizes cells that start with = + - @ or TAB, so a spreadsheet never evaluates them', () => {
    const text = csv.toString('utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(text).toContain("'+1,,,,'@SUM(A1)\r\n");
    expect(text).toContain("'-2,,,,'\tcmd\r\n");
  });
});

describe('XLSX encoding of a dataset', () => {
  let sheet: ExcelJS.Worksheet;
  beforeAll(async () => {
    sheet = await readWorkbook(await collect(xlsxStream(fixedDataset(sampleRows), 'org-1')));
  });

  it('[PP-15] has one worksheet named after the title with a bold, frozen header row', () => {
    expect(sheet.name).toBe('Patients');
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      'Patient name',
      'Uploaded (UTC)',
      'Instances',
      'Current',
      'Note',
    ]);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.rowCount).toBe(1 + sampleRows.length);
  });

  it('[PP-15] writes datetimes as date cells with a date format, numbers as numbers, booleans as booleans', () => {
    const born = sheet.getRow(2).getCell(2);
    expect(born.type).toBe(ExcelJS.ValueType.Date);
    expect(born.value).toEqual(uploaded);
    expect(born.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.getRow(4).getCell(2).value).toEqual(new Date('2025-01-02T03:04:05Z'));
    expect(sheet.getRow(2).getCell(3).type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getRow(3).getCell(3).value).toBe(-3);
    expect(sheet.getRow(2).getCell(4).value).toBe(true);
    expect(sheet.getRow(3).getCell(4).value).toBe(false);
  });

  it('[PP-15] keeps non-ASCII names intact', () => {
    expect(sheet.getRow(2).getCell(1).value).toBe('Müller^Zoë');
    expect(sheet.getRow(3).getCell(1).value).toBe('山田^太郎');
  });

  it('stores formula-looking text as neutralized text, never as a formula', () => {
    const note = sheet.getRow(3).getCell(5);
    expect(note.type).toBe(ExcelJS.ValueType.String);
    expect(note.value).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(sheet.getRow(5).getCell(1).value).toBe("'+1");
    expect(sheet.getRow(6).getCell(1).value).toBe("'-2");
  });
});

describe('text longer than an Excel cell holds', () => {
  it('is cut with a note in XLSX and kept whole in CSV', async () => {
    const long = 'x'.repeat(XLSX_MAX_CELL_CHARS + 10);
    const dataset = fixedDataset([{ name: 'A', born: null, count: null, current: null, note: long }]);
    const sheet = await readWorkbook(await collect(xlsxStream(dataset, 'org-1')));
    const note = String(sheet.getRow(2).getCell(5).value);
    expect(note).toHaveLength(XLSX_MAX_CELL_CHARS);
    expect(note).toMatch(/the CSV file has the whole text\]$/);
    expect((await collect(csvStream(dataset, 'org-1'))).toString('utf8')).toContain(long);
  });
});

describe('lazy consumption of a paged row source', () => {
  const total = 50_000;

  function countingDataset(): { dataset: ExportDataset; pulled: () => number } {
    let pulled = 0;
    const dataset = datasetOf(async function* () {
      for (let i = 0; i < total; i += 1) {
        pulled += 1;
        yield { name: `Patient^${i}`, born: uploaded, count: i, current: i % 2 === 0, note: `row ${i}` };
      }
    });
    return { dataset, pulled: () => pulled };
  }

  it.each([
    ['CSV', csvStream],
    ['XLSX', xlsxStream],
  ])('%s pulls rows as it writes, not all before the first bytes', async (_kind, encode) => {
    const { dataset, pulled } = countingDataset();
    const pulledAtChunk: number[] = [];
    for await (const _chunk of encode(dataset, 'org-1')) pulledAtChunk.push(pulled());

    expect(pulled()).toBe(total);
    expect(pulledAtChunk.length).toBeGreaterThan(2);
    // The first bytes leave before most rows were read, and rows keep being read between chunks.
    expect(pulledAtChunk[0]).toBeLessThan(total / 2);
    expect(new Set(pulledAtChunk).size).toBeGreaterThan(2);
  });

  it.each([
    ['CSV', csvStream],
    ['XLSX', xlsxStream],
  ])('%s stops pulling rows when the reader stops early', async (_kind, encode) => {
    const { dataset, pulled } = countingDataset();
    for await (const _chunk of encode(dataset, 'org-1')) break;
    const atStop = pulled();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(atStop).toBeLessThan(total);
    // At most the row being written when the reader left is pulled afterwards.
    expect(pulled() - atStop).toBeLessThanOrEqual(1);
  });
});
