/**
 * Ports of the exports context: what building one organization's archive needs. The core never sees
 * AWS; adapters implement these over DynamoDB and S3 (and in-memory fakes in unit tests).
 */

/** One spreadsheet cell. Dates stay dates, so spreadsheets sort and filter them as dates. */
export type CellValue = string | number | boolean | Date | null;

export interface DatasetColumn {
  /** Key into a row object. */
  readonly key: string;
  /** Column header as the spreadsheet shows it. */
  readonly header: string;
  readonly kind: 'text' | 'number' | 'datetime' | 'boolean';
}

/**
 * One table of the organization's related information (patients, audit log, shares, invoices …),
 * written as `spreadsheets/<name>.xlsx` and `spreadsheets/<name>.csv`. Rows are read page by page,
 * so an organization's audit log never sits in memory whole.
 */
export interface ExportDataset {
  /** File base name, lowercase with dashes: `audit-log`. */
  readonly name: string;
  /** Worksheet name (at most 31 characters, Excel's limit). */
  readonly title: string;
  /** One sentence for the archive's README. */
  readonly description: string;
  readonly columns: readonly DatasetColumn[];
  rows(orgId: string): AsyncIterable<Readonly<Record<string, CellValue>>>;
}
