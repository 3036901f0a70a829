import type { Disclosure } from '#schemas/sharing/disclosures';
import { newWorkbook } from '../../shared/spreadsheet-workbook';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const COLUMNS: { header: string; value: (row: Disclosure) => string | number }[] = [
  { header: 'Disclosed at (UTC)', value: (row) => row.disclosedAt },
  { header: 'Kind', value: (row) => row.kind },
  { header: 'Id', value: (row) => row.id },
  { header: 'Recipient', value: (row) => row.recipient },
  { header: 'Study Instance UID', value: (row) => row.studyInstanceUid },
  { header: 'Series', value: (row) => row.seriesInstanceUids?.join(' ') ?? 'whole study' },
  { header: 'Scope', value: (row) => row.scope },
  { header: 'De-identified', value: (row) => (row.deidentified ? 'yes' : 'no') },
  { header: 'Purpose', value: (row) => row.purpose ?? '' },
  { header: 'Disclosed by (user id)', value: (row) => row.disclosedBy },
  { header: 'Ends at (UTC)', value: (row) => row.endsAt },
  { header: 'Revoked at (UTC)', value: (row) => row.revokedAt ?? '' },
  { header: 'Sessions opened', value: (row) => row.uses },
];

/** Leading = + - @ would make a spreadsheet read text as a formula; such text is quoted. */
const neutralize = (value: string | number) =>
  typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

/** The accounting of disclosures as a workbook: one row per disclosure, values as text, never formulas. */
export async function disclosuresWorkbook(patientId: string, rows: readonly Disclosure[]): Promise<Buffer> {
  const workbook = await newWorkbook();
  workbook.creator = 'PACScribe';
  const sheet = workbook.addWorksheet('Disclosures', { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.addRow([`Accounting of disclosures for patient ${neutralize(patientId)}`]);
  sheet.addRow(COLUMNS.map((column) => column.header)).font = { bold: true };
  for (const row of rows) sheet.addRow(COLUMNS.map((column) => neutralize(column.value(row))));
  sheet.columns.forEach((column) => {
    column.width = 24;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
