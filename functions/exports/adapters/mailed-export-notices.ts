import { transactionalMail } from '../../mail/core/html';
import type { Mailer } from '../../shared/mailer';
import type { ExportNotices } from '../core/ports';

const utc = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

/**
 * The ready mail is transactional (the member asked for the export). It links to the console, where the
 * member signs in to download: a mailed link to the files would be a bearer link to every patient.
 */
export class MailedExportNotices implements ExportNotices {
  constructor(private readonly mailer: Mailer) {}

  async exportReady(
    to: string,
    notice: { organizationName: string; link: string; parts: number; expiresAt: string },
  ): Promise<void> {
    await this.mailer.send(
      transactionalMail(to, `Your PACScribe export of ${notice.organizationName} is ready`, [
        `The export you requested of ${notice.organizationName} is ready: ${notice.parts} ${
          notice.parts === 1 ? 'archive' : 'archives'
        } holding every DICOM file, rendered images and your records as spreadsheets.`,
        `Sign in and download it at ${notice.link}`,
        `It can be downloaded until ${utc(notice.expiresAt)}; after that it is deleted, and you can export again at any time.`,
        '',
        'PACScribe',
      ]),
    );
  }
}
