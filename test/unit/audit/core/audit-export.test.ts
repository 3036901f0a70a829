import ExcelJS from 'exceljs';
import type { ChainedAuditRecord } from '../../../../functions/audit/core/archive';
import { auditEventsToCsv, auditEventsToXlsx } from '../../../../functions/audit/core/audit-export';
import { chainRecord } from '../../../../functions/audit/core/hash-chain';
import { auditRecordFixture } from '../../../support/audit-records';

const records: ChainedAuditRecord[] = [
  chainRecord(
    auditRecordFixture({
      event: 'user-access-changed',
      actor: { kind: 'customer', userId: 'u1', role: 'administrator' },
      source: { ip: '203.0.113.7', userAgent: '=HYPERLINK("http://evil.example","click")' },
      requestId: 'req-1',
      route: 'PATCH /v1/users/{userId}',
      objects: [{ type: 'user', id: 'u2' }],
      reason: '+1 "quoted", with comma\nand newline',
    }),
    0,
    null,
  ),
];

describe('audit downloads', () => {
  it('CSV has one header and one row per event, with formula-looking cells neutralized', () => {
    const csv = auditEventsToCsv(records);

    const [header] = csv.split('\r\n');
    expect(header).toMatch(/^eventTime,seq,event,eventIdCode,/);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv).toContain(`"'+1 ""quoted"", with comma\nand newline"`);
    expect(csv).toContain('DCM 110113');
  });

  it('XLSX opens as a workbook with the same rows, values as text and never as formulas', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await auditEventsToXlsx(records)) as never);

    const sheet = workbook.worksheets[0];
    expect(sheet?.rowCount).toBe(2);
    const userAgent = sheet?.getRow(2).getCell(13).value;
    expect(userAgent).toBe('=HYPERLINK("http://evil.example","click")');
    expect(typeof userAgent).toBe('string');
    expect(sheet?.getRow(2).getCell(2).value).toBe(1);
  });
});
