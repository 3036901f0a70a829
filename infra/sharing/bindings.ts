import { bindingTable } from '#infra/shared/binding-definition';
import type { TableRef } from '#infra/shared/pacs-function';
import { SHARING_BINDINGS } from '#schemas/sharing/env';

/** The deployed resources the sharing context's bindings point at. */
export interface SharingResources {
  sharingTable?: TableRef;
  /** Where mailed share links point: the API's custom domain. */
  shareLinkBaseUrl?: string;
}

export const sharingBindings = bindingTable<typeof SHARING_BINDINGS, SharingResources>(SHARING_BINDINGS, {
  'sharing-table:read': {
    grant: (fn, need, env) => fn.bindTable(need('sharingTable'), env.SHARING_TABLE_NAME, 'read'),
  },
  'sharing-table:write': {
    includes: 'sharing-table:read',
    // Used one-time codes are deleted (so a code opens one session); everything else ends by TTL.
    grant: (fn, need, env) => fn.bindTable(need('sharingTable'), env.SHARING_TABLE_NAME, 'read-write'),
  },
  'share-links:issue': {
    grant: (fn, need, env) => fn.setEnvironment(env.SHARE_LINK_BASE_URL, need('shareLinkBaseUrl')),
  },
});
