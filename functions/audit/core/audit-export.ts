import { newWorkbook } from '../../shared/spreadsheet-workbook';
import type { ChainedAuditRecord } from './archive';

/** Spreadsheet columns: one row per audit event, readable in Excel and by scripts. */
const COLUMNS: { header: string; value: (record: ChainedAuditRecord) => string | number }[] = [
  { header: 'eventTime', value: (r) => r.eventTime },
  { header: 'seq', value: (r) => r.seq },
  { header: 'event', value: (r) => r.event },
  { header: 'eventIdCode', value: (r) => `${r.eventId.system} ${r.eventId.code}` },
  { header: 'eventIdMeaning', value: (r) => r.eventId.meaning },
  { header: 'eventType', value: (r) => (r.eventType ? `${r.eventType.code} ${r.eventType.meaning}` : '') },
  { header: 'action', value: (r) => r.action },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'actorKind', value: (r) => r.actor.kind },
  { header: 'actorUserId', value: (r) => r.actor.userId ?? '' },
  { header: 'actorRole', value: (r) => r.actor.role ?? '' },
  { header: 'sourceIp', value: (r) => r.source.ip ?? '' },
  { header: 'userAgent', value: (r) => r.source.userAgent ?? '' },
  { header: 'route', value: (r) => r.route },
  { header: 'httpStatus', value: (r) => r.httpStatus },
  { header: 'objects', value: (r) => r.objects.map((o) => `${o.type}:${o.id}`).join(' ') },
  { header: 'reason', value: (r) => r.reason ?? '' },
  { header: 'requestId', value: (r) => r.requestId },
  { header: 'recordId', value: (r) => r.recordId },
  { header: 'chain', value: (r) => r.chain },
  { header: 'hash', value: (r) => r.hash },
];

/** A leading = + - @ (or tab/CR) would make a spreadsheet evaluate the cell; quote it as text instead. */
function neutralize(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function auditEventsToCsv(records: readonly ChainedAuditRecord[]): string {
  const lines = [COLUMNS.map((column) => column.header).join(',')];
  for (const record of records)
    lines.push(COLUMNS.map((column) => neutralize(column.value(record))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export async function auditEventsToXlsx(records: readonly ChainedAuditRecord[]): Promise<Buffer> {
  const workbook = await newWorkbook();
  workbook.creator = 'PACScribe';
  const sheet = workbook.addWorksheet('Audit events', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((column) => ({ header: column.header, key: column.header, width: 22 }));
  sheet.getRow(1).font = { bold: true };
  // Values are written as plain strings and numbers, never as formulas.
  for (const record of records) sheet.addRow(COLUMNS.map((column) => column.value(record)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
