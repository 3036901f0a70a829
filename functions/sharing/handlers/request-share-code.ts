import { httpHandler } from '../../shared/composition/http-handler';
import { RateLimitedError } from '../../shared/errors';
import { requestShareCode, ShareUnavailableError } from '../core/redemption';
import { redemptionDeps } from '../deps';
import { noteShare, recordShareAccess } from '../http/recipient-http';
import { codePage, unavailablePage } from '../http/share-pages';
import { sharingRoutes } from '../routes';

export const handler = httpHandler(
  sharingRoutes.requestShareCode,
  async ({ params, raw, audit, requestId }) => {
    const deps = redemptionDeps();
    try {
      const share = await requestShareCode(deps, params.token, raw.sourceIp);
      noteShare(audit, share);
      await recordShareAccess(deps, share, 'code-sent', { requestId, raw }, null);
      return codePage(params.token, share.passcodeHash !== null, null);
    } catch (error) {
      if (error instanceof ShareUnavailableError) return unavailablePage(404, error.message);
      if (error instanceof RateLimitedError) return unavailablePage(429, error.message);
      throw error;
    }
  },
);
