/**
 * The CloudWatch metrics the functions publish (embedded metric format) and the alarms and dashboard
 * read (infra/shared/observability.ts): one source for both sides, so a renamed metric cannot leave an
 * alarm watching nothing.
 */
export const METRICS_NAMESPACE = 'PACScribe';

/** Published once per API request by the shared HTTP handler. */
export const REQUEST_METRICS = {
  latency: 'Latency',
  requests: 'Requests',
  clientErrors: 'ClientErrors',
  serverErrors: 'ServerErrors',
  /** The application answered 429 (WAF's and API Gateway's own 429s never reach a function). */
  throttled: 'Throttled',
  /** The audit record could not be written, so the request failed closed with 503 [PP-18]. */
  auditWriteFailures: 'AuditWriteFailures',
} as const;

/** Instances an upload-session ingest refused because storing them failed (not because they were invalid). */
export const INGEST_FAILURES_METRIC = 'IngestFailures';

/**
 * Dimension names. Values are route ids, operation names and service names only: never a path, a UID or
 * any other request value, so no PHI reaches CloudWatch.
 */
export const METRIC_DIMENSIONS = { service: 'service', route: 'Route', operation: 'Operation' } as const;

/** What a DICOMweb request does, for latency and errors by kind of work. */
export const DICOMWEB_OPERATIONS = [
  'STOW',
  'upload',
  'QIDO',
  'WADO',
  'metadata',
  'rendered',
  'thumbnail',
  'delete',
] as const;
export type DicomwebOperation = (typeof DICOMWEB_OPERATIONS)[number];
