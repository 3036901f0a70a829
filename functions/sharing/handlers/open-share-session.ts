import { OpenShareSessionFormSchema } from '#schemas/sharing/shares';
import { httpHandler } from '../../shared/composition/http-handler';
import { RateLimitedError, VerificationFailedError } from '../../shared/errors';
import {
  activeShareForToken,
  openShareSession,
  REDEMPTION_LIMITS,
  ShareUnavailableError,
} from '../core/redemption';
import { redemptionDeps } from '../deps';
import { noteShare, recordShareAccess } from '../http/recipient-http';
import { codePage, seeOther, unavailablePage } from '../http/share-pages';
import { formFields, sessionCookie } from '../http/share-session-cookie';
import { sharingRoutes } from '../routes';

export const handler = httpHandler(
  sharingRoutes.openShareSession,
  async ({ params, raw, audit, requestId }) => {
    const deps = redemptionDeps();
    const { token } = params;
    try {
      const form = OpenShareSessionFormSchema.safeParse(formFields(raw) ?? {});
      const opened = form.success ? await openShareSession(deps, token, form.data, raw.sourceIp) : null;
      if (!opened) {
        const share = await activeShareForToken(deps, token);
        noteShare(audit, share);
        return codePage(token, share.passcodeHash !== null, 'Enter the 8-digit code from the mail.', 400);
      }
      noteShare(audit, opened.share);
      await recordShareAccess(deps, opened.share, 'session-opened', { requestId, raw }, null);
      return seeOther(`/s/${token}/view`, {
        'set-cookie': sessionCookie(token, opened.sessionToken, REDEMPTION_LIMITS.sessionMinutes * 60),
      });
    } catch (error) {
      if (error instanceof ShareUnavailableError) return unavailablePage(404, error.message);
      if (error instanceof RateLimitedError) return unavailablePage(429, error.message);
      if (error instanceof VerificationFailedError) {
        const share = await activeShareForToken(deps, token);
        noteShare(audit, share);
        await recordShareAccess(
          deps,
          share,
          'redemption-refused',
          { requestId, raw },
          error.locked ? 'locked' : 'wrong',
        );
        return codePage(
          token,
          share.passcodeHash !== null,
          error.locked
            ? 'Too many wrong attempts. Ask for a new code.'
            : 'That code (or passcode) is not right, or the code has expired.',
          400,
        );
      }
      throw error;
    }
  },
);
