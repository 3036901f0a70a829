import * as z from 'zod';
import { ShareScopeSchema } from './shares';

/** A Patient ID as the index holds it: up to 64 characters, no control characters and no slash. */
export const PatientIdParameterSchema = z.string().regex(/^[^\p{Cc}/\\]{1,64}$/u, 'a Patient ID');

export const DisclosureQuerySchema = z.object({ format: z.enum(['json', 'xlsx']).default('json') }).strict();

/**
 * One disclosure of a patient's data (HIPAA §164.528): when, to whom, what and why. Shares today;
 * exports join when the exports context exists.
 */
export const DisclosureSchema = z
  .object({
    kind: z.enum(['share']),
    id: z.string(),
    disclosedAt: z.iso.datetime(),
    recipient: z.string(),
    studyInstanceUid: z.string(),
    seriesInstanceUids: z.array(z.string()).nullable(),
    scope: ShareScopeSchema,
    deidentified: z.boolean(),
    purpose: z.string().nullable(),
    disclosedBy: z.string(),
    endsAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
    /** Sessions the recipient opened: 0 means the link was never used. */
    uses: z.number().int(),
  })
  .meta({ id: 'Disclosure' });
export type Disclosure = z.infer<typeof DisclosureSchema>;

export const DisclosureListSchema = z
  .object({ patientId: z.string(), disclosures: z.array(DisclosureSchema) })
  .meta({ id: 'DisclosureList' });
