import { accountsRepository } from '../accounts/deps';
import { imagingIndex, retrieveDeps } from '../imaging/deps';
import { SesMailer } from '../mail/adapters/ses-mailer';
import { dynamoDocumentClient, sesClient } from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { cryptoShareSecrets } from './adapters/crypto-share-secrets';
import { DynamoShareStore } from './adapters/dynamo-share-store';
import { MailedShareNotices } from './adapters/mailed-share-notices';
import type { ShareDirectory, SharingDeps } from './core/ports';
import type { RedemptionDeps } from './core/redemption';
import type { CreateShareDeps } from './core/shares';

/** Composition roots of the sharing context: env parsed once, adapters built on first use. */
const shareStore = /* @__PURE__ */ once(
  () => new DynamoShareStore(dynamoDocumentClient(), bindingEnv('sharing-table:read').SHARING_TABLE_NAME),
);

const shareMail = /* @__PURE__ */ once(() => {
  const mail = bindingEnv('mail:send');
  return new MailedShareNotices(
    new SesMailer(sesClient(), mail.MAIL_FROM_ADDRESS, mail.MAIL_CONFIGURATION_SET_NAME),
  );
});

const shareDirectory = /* @__PURE__ */ once((): ShareDirectory => {
  const accounts = accountsRepository();
  return {
    organizationName: async (orgId) => (await accounts.getOrganization(orgId))?.name ?? null,
    memberName: async (orgId, userId) => {
      const member = await accounts.getMember(userId);
      return member?.orgId === orgId ? member.name : null;
    },
  };
});

export const sharingDeps = /* @__PURE__ */ once(
  (): SharingDeps => ({ store: shareStore(), secrets: cryptoShareSecrets, clock: systemClock, ids: uuidIds }),
);

export const createShareDeps = /* @__PURE__ */ once(
  (): CreateShareDeps => ({
    ...sharingDeps(),
    index: imagingIndex(),
    mail: shareMail(),
    directory: shareDirectory(),
    linkBase: bindingEnv('share-links:issue').SHARE_LINK_BASE_URL,
  }),
);

export const redemptionDeps = /* @__PURE__ */ once(
  (): RedemptionDeps => ({ ...sharingDeps(), mail: shareMail(), directory: shareDirectory() }),
);

/** What the recipient's session reads: the index (and, for downloads, the stored files). */
export const sharedIndex = /* @__PURE__ */ once(() => imagingIndex());
export const sharedFilesDeps = /* @__PURE__ */ once(() => retrieveDeps());
