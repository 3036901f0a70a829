import { SupportTableWriteEnvSchema } from '#schemas/support/env';
import { accountsRepository } from '../accounts/deps';
import { DynamoAuditChainStore } from '../audit/adapters/dynamo-audit-log';
import { SesMailer } from '../mail/adapters/ses-mailer';
import { MailedSupportNotifications } from '../mail/core/support-mail';
import { dynamoDocumentClient, sesClient } from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { AuditSupportReader } from './adapters/audit-support-reader';
import { DynamoSupportStore } from './adapters/dynamo-support-store';
import { EncryptionSdkSealer, kmsKeyring, localKeyring } from './adapters/encryption-sdk-sealer';
import type { GrantDeps } from './core/grants';
import type { NotifyingSupportDeps, SupportDeps } from './core/ports';

/** Composition roots of the support context: env parsed once, adapters built on first use. */
export const supportStore = /* @__PURE__ */ once(() => {
  const env = bindingEnv('support-table:read');
  // Only functions bound to write the table know the retention; the store refuses writes without it.
  const retention = SupportTableWriteEnvSchema.partial().parse(process.env).SUPPORT_TICKET_RETENTION_DAYS;
  return new DynamoSupportStore(dynamoDocumentClient(), env.SUPPORT_TABLE_NAME, retention ?? null);
});

const sealer = /* @__PURE__ */ once(() => {
  const key = bindingEnv('support-messages:key').SUPPORT_MESSAGE_KEY;
  return new EncryptionSdkSealer(
    key.startsWith('file:') ? localKeyring(key.slice('file:'.length)) : kmsKeyring(key),
  );
});

const notifications = /* @__PURE__ */ once(() => {
  const mail = bindingEnv('mail:send');
  return new MailedSupportNotifications(
    new SesMailer(sesClient(), mail.MAIL_FROM_ADDRESS, mail.MAIL_CONFIGURATION_SET_NAME),
    mail.APP_BASE_URL,
  );
});

/** Settings only. */
export const supportSettingsDeps = /* @__PURE__ */ once(() => ({ store: supportStore() }));

export const supportDeps = /* @__PURE__ */ once(
  (): SupportDeps => ({
    store: supportStore(),
    sealer: sealer(),
    directory: accountsRepository(),
    clock: systemClock,
    ids: uuidIds,
  }),
);

export const notifyingSupportDeps = /* @__PURE__ */ once(
  (): NotifyingSupportDeps => ({ ...supportDeps(), notifications: notifications() }),
);

export const grantDeps = /* @__PURE__ */ once(
  (): GrantDeps => ({
    store: supportStore(),
    directory: accountsRepository(),
    clock: systemClock,
    ids: uuidIds,
    notifications: notifications(),
  }),
);

export const supportAccessDeps = /* @__PURE__ */ once(() => ({
  store: supportStore(),
  clock: systemClock,
  audit: new AuditSupportReader(
    new DynamoAuditChainStore(dynamoDocumentClient(), bindingEnv('audit-table:read').AUDIT_TABLE_NAME),
  ),
}));
