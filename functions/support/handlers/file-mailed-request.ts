import { GetObjectCommand } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import * as z from 'zod';
import { s3Client } from '../../shared/aws/clients';
import { bindingEnv } from '../../shared/binding-env';
import { logger } from '../../shared/logger';
import { parseReceivedMail } from '../adapters/mime-mail';
import { fileMailedRequest } from '../core/mail-intake';
import { notifyingSupportDeps } from '../deps';

/** What this function reads of SES receiving's Lambda action event (the mail itself is in S3). */
const SesReceivingEventSchema = z.object({
  Records: z
    .array(
      z.object({
        ses: z.object({
          mail: z.object({ messageId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/) }),
          receipt: z.object({
            spamVerdict: z.object({ status: z.string() }),
            virusVerdict: z.object({ status: z.string() }),
            spfVerdict: z.object({ status: z.string() }),
            dkimVerdict: z.object({ status: z.string() }),
          }),
        }),
      }),
    )
    .min(1)
    .max(10),
});
export type SesReceivingEvent = z.input<typeof SesReceivingEventSchema>;

/**
 * SES receiving (support address): the S3 action stored the raw mail under the inbound prefix, then
 * invoked this. Locally `npm run mail:receive -- FILE.eml` stores the file the same way and calls this.
 * Logs carry outcomes only: no addresses, subjects or text.
 */
export const handler = middy<unknown, { outcomes: string[] }>().handler(async (event) => {
  const { Records } = SesReceivingEventSchema.parse(event);
  const env = bindingEnv('support-inbound-mail:read');
  const outcomes: string[] = [];
  for (const { ses } of Records) {
    const object = await s3Client().send(
      new GetObjectCommand({
        Bucket: env.SUPPORT_INBOUND_MAIL_BUCKET_NAME,
        Key: `${env.SUPPORT_INBOUND_MAIL_PREFIX}${ses.mail.messageId}`,
      }),
    );
    const raw = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
    const mail = await parseReceivedMail(ses.mail.messageId, raw, {
      spam: ses.receipt.spamVerdict.status,
      virus: ses.receipt.virusVerdict.status,
      spf: ses.receipt.spfVerdict.status,
      dkim: ses.receipt.dkimVerdict.status,
    });
    const outcome = mail ? await fileMailedRequest(notifyingSupportDeps(), mail) : null;
    const summary = outcome?.filed ? 'filed' : (outcome?.reason ?? 'unreadable');
    logger.info('support mail received', { outcome: summary });
    outcomes.push(summary);
  }
  return { outcomes };
});
