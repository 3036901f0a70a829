import type { ExportJob, ExportStatus } from '#schemas/exports/exports';

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

/** Port: export records (exports table). Only a running export is ever changed. */
export interface ExportJobs {
  /** Stores a new running export unless the organization has one running: then that one. */
  create(job: ExportJob): Promise<{ created: true } | { created: false; running: ExportJob }>;
  get(orgId: string, exportId: string): Promise<ExportJob | null>;
  /** The organization's exports, newest first. */
  list(orgId: string): Promise<ExportJob[]>;
  setExecution(orgId: string, exportId: string, executionArn: string): Promise<void>;
  /** Saves the checkpoint of a running export; false when it is no longer running (cancelled). */
  checkpoint(
    orgId: string,
    exportId: string,
    update: Pick<ExportJob, 'cursor' | 'progress' | 'parts' | 'updatedAt'>,
  ): Promise<boolean>;
  /** Ends a running export (and frees its slot); false when it had already ended. */
  finish(
    job: Pick<ExportJob, 'orgId' | 'exportId' | 'scope' | 'requestedBy'>,
    end: { status: Exclude<ExportStatus, 'running'>; at: string; failure: string | null },
  ): Promise<boolean>;
}

/** Port: the exports bucket, under server-generated keys. */
export interface ExportObjects {
  putJson(key: string, value: unknown): Promise<void>;
  getJson(key: string): Promise<unknown>;
  /** Writes the stream as one object; when the stream fails, no object is left behind. */
  upload(key: string, body: AsyncIterable<Uint8Array>): Promise<void>;
  deleteAll(keys: readonly string[]): Promise<void>;
  /** A short-lived GET URL that saves the object as `filename`. */
  presign(key: string, seconds: number, filename: string): Promise<string>;
}

/** Port: the export workflow (Step Functions). */
export interface ExportWorkflow {
  /** Starts it; returns the execution's id (ARN). Starting the same export twice starts it once. */
  start(input: { orgId: string; exportId: string }): Promise<string>;
  stop(executionArn: string): Promise<void>;
}

/** Port: the transactional mail telling the requester the archive is ready (no data, a console link). */
export interface ExportNotices {
  exportReady(
    to: string,
    notice: { organizationName: string; link: string; parts: number; expiresAt: string },
  ): Promise<void>;
}

/** Port: the requester and organization, for the ready mail. */
export interface ExportDirectory {
  requester(orgId: string, userId: string): Promise<{ email: string; name: string } | null>;
  organizationName(orgId: string): Promise<string | null>;
}

/** Port: the workflow's own audit records (the request itself is audited by its route). */
export interface ExportAudit {
  exportEnded(
    job: Pick<ExportJob, 'orgId' | 'exportId' | 'requestedBy'>,
    outcome: 'succeeded' | 'failed',
    detail: string,
  ): Promise<void>;
}
