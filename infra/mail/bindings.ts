import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { bindingTable } from '#infra/shared/binding-definition';
import { acknowledgeWildcardResource } from '#infra/shared/nag-acknowledgements';
import type { MailSenderRef, StateMachineRef, TableRef } from '#infra/shared/pacs-function';
import { MAIL_BINDINGS } from '#schemas/mail/env';

/** The SES v2 contact list that mirrors marketing choices (PACScribe's own account). */
export interface ContactListRef {
  readonly contactListName: string;
  readonly contactListArn: string;
}

/** PACScribe's own marketing audience export: a bucket, its key, and the prefix the audience lives under. */
export interface AudienceExportRef {
  readonly bucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  readonly prefix: string;
}

/** The unsubscribe-link secret and the customer-managed key it is encrypted with. */
export interface UnsubscribeSecretRef {
  readonly secretArn: string;
  readonly encryptionKey: kms.IKey;
}

/** The deployed resources the mail context's bindings point at. */
export interface MailResources {
  mail?: MailSenderRef;
  /** Where links in mails point (the web app). */
  appBaseUrl?: string;
  welcomeWorkflow?: StateMachineRef;
  mailTable?: TableRef;
  unsubscribeSecret?: UnsubscribeSecretRef;
  preferenceWorkflow?: StateMachineRef;
  mailContactList?: ContactListRef;
  marketingAudience?: AudienceExportRef;
}

export const mailBindings = bindingTable<typeof MAIL_BINDINGS, MailResources>(MAIL_BINDINGS, {
  'mail:send': {
    grant: (fn, need, env) => {
      fn.bindMailSender(need('mail'), {
        fromAddressName: env.MAIL_FROM_ADDRESS,
        configurationSetName: env.MAIL_CONFIGURATION_SET_NAME,
      });
      fn.setEnvironment(env.APP_BASE_URL, need('appBaseUrl'));
    },
  },
  'welcome-workflow:start': {
    grant: (fn, need, env) => fn.bindStateMachineStart(need('welcomeWorkflow'), env.WELCOME_WORKFLOW_ARN),
  },
  'mail-table:read': {
    grant: (fn, need, env) => fn.bindTable(need('mailTable'), env.MAIL_TABLE_NAME, 'read'),
  },
  'mail-table:write': {
    includes: 'mail-table:read',
    // Nothing in the mail table is deleted by a function: campaign records expire by TTL.
    grant: (fn, need, env) => fn.bindTable(need('mailTable'), env.MAIL_TABLE_NAME, 'read-write-no-delete'),
  },
  'unsubscribe-links:key': {
    grant: (fn, need, env) => {
      const secret = need('unsubscribeSecret');
      // Role-side grants only: the key's policy stays in its own (data) stack, so no stack cycle.
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadUnsubscribeSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secret.secretArn],
        }),
      );
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadUnsubscribeSecretKey',
          actions: ['kms:Decrypt'],
          resources: [secret.encryptionKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(fn).region}.amazonaws.com` },
          },
        }),
      );
      fn.setEnvironment(env.MAIL_UNSUBSCRIBE_SECRET, secret.secretArn);
    },
  },
  'preference-workflow:start': {
    grant: (fn, need, env) =>
      fn.bindStateMachineStart(need('preferenceWorkflow'), env.PREFERENCE_WORKFLOW_ARN),
  },
  'mail-contact-list:write': {
    grant: (fn, need, env) => {
      const list = need('mailContactList');
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'MirrorMarketingChoices',
          actions: ['ses:CreateContact', 'ses:UpdateContact'],
          resources: [list.contactListArn],
        }),
      );
      fn.setEnvironment(env.MAIL_CONTACT_LIST_NAME, list.contactListName);
    },
  },
  'marketing-audience:write': {
    grant: (fn, need, env) => {
      const audience = need('marketingAudience');
      const entries = audience.bucket.arnForObjects(`${audience.prefix}*`);
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'WriteMarketingAudience',
          actions: ['s3:PutObject', 's3:DeleteObject'],
          resources: [entries],
        }),
      );
      acknowledgeWildcardResource(
        fn,
        entries,
        'Audience entries are keyed by user id (audience/<userId>.json), so the grant covers the audience prefix of the audience bucket, with object puts and deletes only: no listing, no reads, no bucket configuration.',
      );
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'WriteMarketingAudienceKey',
          actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [audience.encryptionKey.keyArn],
          conditions: fn.kmsViaS3Condition(),
        }),
      );
      fn.setEnvironment(env.MARKETING_AUDIENCE_BUCKET_NAME, audience.bucket.bucketName);
    },
  },
});
