import * as z from 'zod';
import { EmailSchema, IdSchema } from '../accounts/entities';
import { DicomUidSchema } from '../imaging/dicom-uid';

export const DEFAULT_SHARE_DAYS = 7;
export const MAX_SHARE_DAYS = 90;
/** A share names at most this many series of its study (a whole study is named by leaving series out). */
export const MAX_SHARED_SERIES = 100;

/**
 * view: rendered images and non-identifying metadata only; download: also the original DICOM files,
 * as a ZIP [PP-07].
 */
export const ShareScopeSchema = z.enum(['view', 'download']);
export type ShareScope = z.infer<typeof ShareScopeSchema>;

/** An optional second secret the sender tells the recipient another way (phone, in person). */
export const SharePasscodeSchema = z
  .string()
  .min(6, 'at least 6 characters')
  .max(128)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const CreateShareBodySchema = z
  .object({
    studyInstanceUid: DicomUidSchema,
    /** Only these series of the study; the whole study when absent. */
    seriesInstanceUids: z.array(DicomUidSchema).min(1).max(MAX_SHARED_SERIES).optional(),
    recipientEmail: EmailSchema,
    scope: ShareScopeSchema,
    expiresInDays: z.number().int().min(1).max(MAX_SHARE_DAYS).default(DEFAULT_SHARE_DAYS),
    /** Sessions the link may open (each needs a fresh one-time code); unlimited when absent. */
    maxUses: z.number().int().min(1).max(1000).optional(),
    passcode: SharePasscodeSchema.optional(),
    /** PS3.15 Annex E Basic Application Level Confidentiality Profile on what the recipient gets. */
    deidentify: z.boolean().default(false),
    /** Why the data is disclosed (kept with the share and in its audit record). */
    purpose: z
      .string()
      .trim()
      .max(500)
      .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
      .optional(),
  })
  .strict()
  .meta({ id: 'CreateShareBody' });
export type CreateShareBody = z.infer<typeof CreateShareBodySchema>;

/** active: usable until expiresAt; revoked: ended by the organization. Expiry is read from expiresAt. */
export const ShareStatusSchema = z.enum(['active', 'expired', 'revoked', 'exhausted']);

export const ShareSchema = z
  .object({
    shareId: IdSchema,
    studyInstanceUid: DicomUidSchema,
    seriesInstanceUids: z.array(DicomUidSchema).nullable(),
    recipientEmail: z.string(),
    scope: ShareScopeSchema,
    deidentify: z.boolean(),
    passcodeRequired: z.boolean(),
    purpose: z.string().nullable(),
    status: ShareStatusSchema,
    createdAt: z.iso.datetime(),
    createdBy: IdSchema,
    expiresAt: z.iso.datetime(),
    maxUses: z.number().int().nullable(),
    uses: z.number().int(),
    revokedAt: z.iso.datetime().nullable(),
    revokedBy: IdSchema.nullable(),
  })
  .meta({ id: 'Share' });
export type ShareView = z.infer<typeof ShareSchema>;

export const ShareCreatedSchema = z
  .object({
    share: ShareSchema,
    /**
     * The link, with its secret: given in this response only (and in the recipient's mail). A retry with
     * the same Idempotency-Key answers the same share with `link: null`.
     */
    link: z.url().nullable(),
  })
  .meta({ id: 'ShareCreated' });

export const ShareListSchema = z.object({ shares: z.array(ShareSchema) }).meta({ id: 'ShareList' });

export const ShareAccessKindSchema = z.enum([
  'code-sent',
  'session-opened',
  'redemption-refused',
  'viewed',
  'image-viewed',
  'downloaded',
]);
export type ShareAccessKind = z.infer<typeof ShareAccessKindSchema>;

export const ShareAccessSchema = z
  .object({
    at: z.iso.datetime(),
    kind: ShareAccessKindSchema,
    requestId: z.string(),
    sourceIp: z.string().nullable(),
    /** What was shown or sent: a series and image number, or the files downloaded. */
    detail: z.string().nullable(),
  })
  .meta({ id: 'ShareAccess' });
export type ShareAccess = z.infer<typeof ShareAccessSchema>;

export const ShareAccessLogSchema = z
  .object({ share: ShareSchema, accesses: z.array(ShareAccessSchema) })
  .meta({ id: 'ShareAccessLog' });

/** The opaque secret in a share link: 32 random bytes, base64url (256 bits). */
export const ShareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'malformed share link');

/** The recipient's form: the mailed one-time code, and the passcode when the share has one. */
export const OpenShareSessionFormSchema = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[0-9]{8}$/, 'the code has 8 digits'),
    passcode: z.string().max(128).optional(),
  })
  .strict();

/** Which image the viewer shows: positions in the shared content, never UIDs. */
export const ShareViewerQuerySchema = z
  .object({
    series: z.coerce.number().int().min(1).max(100_000).default(1),
    image: z.coerce.number().int().min(1).max(100_000).default(1),
  })
  .strict();

export const ShareDownloadQuerySchema = z
  .object({ series: z.coerce.number().int().min(1).max(100_000).optional() })
  .strict();
