import { Logger } from '@aws-lambda-powertools/logger';
import { redactingJsonReplacer } from '#schemas/shared/card-numbers';

/**
 * Operational logs carry only allow-listed, non-PHI fields (route ids, status codes, request ids,
 * error names). Request and response bodies are never logged. As a last line, every value written is
 * passed through the card-number redactor, so a PAN that slips into a message or stack is masked [PP-16].
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'pacscribe',
  jsonReplacerFn: redactingJsonReplacer,
});

export interface SafeLogFields {
  route?: string;
  status?: number;
  requestId?: string;
  durationMs?: number;
  errorName?: string;
}

export function logRequest(fields: SafeLogFields): void {
  logger.info('request', { ...fields });
}

export function logFailure(message: string, error: unknown, fields: SafeLogFields = {}): void {
  // Only the error's class and stack frames: messages can quote user input.
  const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 8).join('\n') : undefined;
  logger.error(message, { ...fields, errorName: error instanceof Error ? error.name : typeof error, stack });
}

/** The message the audit-tamper alarm's metric filter matches (infra/audit/audit-archive.ts). */
export const AUDIT_RECORD_CHANGED = 'audit record changed';

/**
 * An append-only audit record was modified or removed: logged with its table position only (organization
 * and chain partition, sequence key), never its contents, for the alarm to count.
 */
export function logAuditRecordChanged(fields: {
  change: 'MODIFY' | 'REMOVE';
  partition: string;
  position: string;
}) {
  logger.error(AUDIT_RECORD_CHANGED, { ...fields });
}
