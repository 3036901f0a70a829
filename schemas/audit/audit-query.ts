import * as z from 'zod';
import { IdSchema } from '../accounts/entities';
import { AuditOutcomeSchema, ChainedAuditRecordSchema } from './audit-event';

/** Query-string parameters arrive as strings; numbers are coerced, everything else is checked as text. */
const AuditFilterFields = {
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  actor: IdSchema.optional(),
  action: z.enum(['C', 'R', 'U', 'D', 'E']).optional(),
  outcome: z.coerce.number().pipe(AuditOutcomeSchema).optional(),
  patientId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[^\p{Cc}]+$/u)
    .optional(),
  studyUid: z
    .string()
    .max(64)
    .regex(/^[0-9]+(\.[0-9]+)*$/, 'must be a DICOM UID')
    .optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  cursor: z.string().max(2048).optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
};

const rangeIsOrdered = (query: { from?: string; to?: string }) =>
  !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to);

export const AuditQuerySchema = z
  .strictObject(AuditFilterFields)
  .refine(rangeIsOrdered, 'from must not be after to')
  .meta({ id: 'AuditQuery' });
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** PACScribe's compliance staff name the organization and say why, and that reason is audited. */
export const WorkforceAuditQuerySchema = z
  .strictObject({
    ...AuditFilterFields,
    orgId: IdSchema,
    reason: z
      .string()
      .trim()
      .min(10)
      .max(500)
      .regex(/^[^\p{Cc}]+$/u),
  })
  .refine(rangeIsOrdered, 'from must not be after to')
  .meta({ id: 'WorkforceAuditQuery' });
export type WorkforceAuditQuery = z.infer<typeof WorkforceAuditQuerySchema>;

export const AuditEventPageSchema = z
  .object({ events: z.array(ChainedAuditRecordSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditEventPage' });
export type AuditEventPage = z.infer<typeof AuditEventPageSchema>;
