import { accountsRepository } from '../accounts/deps';
import { dynamoDocumentClient, s3Client, sesClient, sfnClient } from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { DynamoMailStore } from './adapters/dynamo-mail-store';
import { emfMailMetrics } from './adapters/emf-metrics';
import { S3AudienceExport } from './adapters/s3-audience-export';
import { SesContactList } from './adapters/ses-contact-list';
import { SesMailer } from './adapters/ses-mailer';
import { SfnPreferenceWorkflow } from './adapters/sfn-preference-workflow';
import { unsubscribeKey } from './adapters/unsubscribe-key';
import type { PreferenceDeps } from './core/ports';
import type { PropagationDeps } from './core/propagation';
import { GatedMailer } from './core/send-gate';
import type { SuppressionDeps } from './core/suppressions';
import type { WelcomeMailDeps } from './core/welcome-mail';

/** Every mail leaves through the send gate (functions/mail/core/send-gate.ts) and then SES. */
export const gatedMailer = /* @__PURE__ */ once(() => {
  const env = bindingEnv('mail:send');
  return new GatedMailer(new SesMailer(sesClient(), env.MAIL_FROM_ADDRESS, env.MAIL_CONFIGURATION_SET_NAME));
});

export const welcomeMailDeps = /* @__PURE__ */ once((): WelcomeMailDeps => {
  const env = bindingEnv('mail:send');
  return {
    accounts: accountsRepository(),
    mailer: gatedMailer(),
    clock: systemClock,
    appBaseUrl: env.APP_BASE_URL,
  };
});

/** Readers get the store from the read binding, writers from the write one; the table is the same. */
export const mailStoreForReading = /* @__PURE__ */ once(
  () => new DynamoMailStore(dynamoDocumentClient(), bindingEnv('mail-table:read').MAIL_TABLE_NAME),
);
const mailStoreForWriting = /* @__PURE__ */ once(
  () => new DynamoMailStore(dynamoDocumentClient(), bindingEnv('mail-table:write').MAIL_TABLE_NAME),
);

export const preferenceReadDeps = /* @__PURE__ */ once(
  (): Pick<PreferenceDeps, 'store' | 'clock'> => ({ store: mailStoreForReading(), clock: systemClock }),
);

export const preferenceDeps = /* @__PURE__ */ once((): PreferenceDeps => {
  const env = bindingEnv('preference-workflow:start');
  return {
    store: mailStoreForWriting(),
    workflow: new SfnPreferenceWorkflow(sfnClient(), env.PREFERENCE_WORKFLOW_ARN),
    clock: systemClock,
    ids: uuidIds,
  };
});

export const unsubscribeLinkKey = /* @__PURE__ */ once(() =>
  unsubscribeKey(bindingEnv('unsubscribe-links:key').MAIL_UNSUBSCRIBE_SECRET),
);

export const propagationDeps = /* @__PURE__ */ once((): PropagationDeps => {
  const contactList = bindingEnv('mail-contact-list:write');
  const audience = bindingEnv('marketing-audience:write');
  return {
    store: mailStoreForWriting(),
    recipients: accountsRepository(),
    contactList: new SesContactList(sesClient(), contactList.MAIL_CONTACT_LIST_NAME),
    audience: new S3AudienceExport(s3Client(), audience.MARKETING_AUDIENCE_BUCKET_NAME),
    clock: systemClock,
  };
});

export const overdueCheckDeps = /* @__PURE__ */ once(() => ({
  store: mailStoreForReading(),
  clock: systemClock,
  metrics: emfMailMetrics(),
}));

export const suppressionDeps = /* @__PURE__ */ once(
  (): SuppressionDeps => ({
    store: mailStoreForWriting(),
    recipients: accountsRepository(),
    clock: systemClock,
  }),
);
