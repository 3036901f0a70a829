import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '../../shared/mailer';
import { admitToTransport } from '../core/send-gate';

/**
 * Sends through SES v2 with the configuration set that enforces TLS and records delivery events. Every
 * mail is admitted by the send gate first (functions/mail/core/send-gate.ts): marketing that did not come
 * through the gate never leaves.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly fromAddress: string,
    private readonly configurationSetName: string,
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    admitToTransport(mail);
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.fromAddress,
        Destination: { ToAddresses: [mail.to] },
        ConfigurationSetName: this.configurationSetName,
        EmailTags: [{ Name: 'category', Value: mail.category }],
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: mail.text, Charset: 'UTF-8' },
              Html: { Data: mail.html, Charset: 'UTF-8' },
            },
            ...(mail.headers?.length
              ? { Headers: mail.headers.map(({ name, value }) => ({ Name: name, Value: value })) }
              : {}),
          },
        },
      }),
    );
    return { messageId: result.MessageId ?? '' };
  }
}
