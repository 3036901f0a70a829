import * as z from 'zod';
import { IdSchema } from '../accounts/entities';

/** An address SES reported as bouncing permanently or complaining: marketing never goes to it again. */
export const SuppressionSchema = z
  .object({
    email: z.email(),
    userId: IdSchema.nullable(),
    reason: z.enum(['bounce', 'complaint']),
    detail: z.string().max(256),
    suppressedAt: z.iso.datetime(),
  })
  .meta({ id: 'MailSuppression' });
export type Suppression = z.infer<typeof SuppressionSchema>;

export const SuppressionListSchema = z
  .object({ suppressions: z.array(SuppressionSchema) })
  .meta({ id: 'MailSuppressionList' });

/**
 * The SES v2 event-publishing record (configuration set event destination → SNS) for the two event types
 * that suppress an address. Other fields are kept but not required.
 */
const MailObjectSchema = z.looseObject({
  messageId: z.string().min(1),
  timestamp: z.iso.datetime({ offset: true }),
  destination: z.array(z.email()).min(1),
  tags: z.record(z.string(), z.array(z.string())).optional(),
});

export const SesBounceEventSchema = z.looseObject({
  eventType: z.literal('Bounce'),
  mail: MailObjectSchema,
  bounce: z.looseObject({
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.string(),
    bouncedRecipients: z.array(z.looseObject({ emailAddress: z.email() })).min(1),
    timestamp: z.iso.datetime({ offset: true }),
  }),
});

export const SesComplaintEventSchema = z.looseObject({
  eventType: z.literal('Complaint'),
  mail: MailObjectSchema,
  complaint: z.looseObject({
    complainedRecipients: z.array(z.looseObject({ emailAddress: z.email() })).min(1),
    complaintFeedbackType: z.string().optional(),
    timestamp: z.iso.datetime({ offset: true }),
  }),
});

/** Delivery, Open and the rest are published too; they are read and ignored. */
export const SesOtherEventSchema = z.looseObject({
  eventType: z.string().refine((type) => type !== 'Bounce' && type !== 'Complaint'),
  mail: MailObjectSchema,
});

export const SesMailEventSchema = z.union([
  SesBounceEventSchema,
  SesComplaintEventSchema,
  SesOtherEventSchema,
]);
export type SesMailEvent = z.infer<typeof SesMailEventSchema>;

/** The SNS notification Lambda receives: each record's Message is one SES event, as JSON text. */
export const SnsMailEventsSchema = z.looseObject({
  Records: z
    .array(
      z.looseObject({
        EventSource: z.literal('aws:sns'),
        Sns: z.looseObject({ Message: z.string().max(256 * 1024), TopicArn: z.string() }),
      }),
    )
    .min(1),
});
