import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { bindingTable } from '#infra/shared/binding-definition';
import type { PacsFunction, TableRef } from '#infra/shared/pacs-function';
import { SUPPORT_BINDINGS } from '#schemas/support/env';

/** Where SES receiving stores mail to the support address. */
export interface InboundMailRef {
  readonly bucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  readonly prefix: string;
}

/** The deployed resources the support context's bindings point at. */
export interface SupportResources {
  supportTable?: TableRef;
  /** Envelope encryption of ticket contents (symmetric, rotated). */
  supportMessageKey?: kms.IKey;
  supportRetentionDays?: number;
  supportInboundMail?: InboundMailRef;
}

/**
 * Grant lookup for the authorization step: GetItem on grant items only. dynamodb:LeadingKeys pins the
 * partition keys to GRANT#…, so tickets, messages and settings stay out of reach.
 */
function grantGrantLookup(fn: PacsFunction, { table }: TableRef, envName: string): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'LookUpSupportGrants',
      actions: ['dynamodb:GetItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['GRANT#*'] } },
    }),
  );
  fn.grantTableKey(table, 'decrypt');
  fn.setEnvironment(envName, table.tableName);
}

export const supportBindings = bindingTable<typeof SUPPORT_BINDINGS, SupportResources>(SUPPORT_BINDINGS, {
  'support-table:read': {
    grant: (fn, need, env) => fn.bindTable(need('supportTable'), env.SUPPORT_TABLE_NAME, 'read'),
  },
  'support-table:write': {
    includes: 'support-table:read',
    // Nothing in the support table is deleted by a function: retention is the table's TTL.
    grant: (fn, need, env) => {
      fn.bindTable(need('supportTable'), env.SUPPORT_TABLE_NAME, 'read-write-no-delete');
      fn.setEnvironment(env.SUPPORT_TICKET_RETENTION_DAYS, String(need('supportRetentionDays')));
    },
  },
  'support-grants:lookup': {
    grant: (fn, need, env) => grantGrantLookup(fn, need('supportTable'), env.SUPPORT_TABLE_NAME),
  },
  'support-messages:key': {
    grant: (fn, need, env) => {
      const key = need('supportMessageKey');
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SealSupportMessages',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [key.keyArn],
        }),
      );
      fn.setEnvironment(env.SUPPORT_MESSAGE_KEY, key.keyArn);
    },
  },
  'support-inbound-mail:read': {
    grant: (fn, need, env) => {
      const inbound = need('supportInboundMail');
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadInboundSupportMail',
          actions: ['s3:GetObject'],
          resources: [inbound.bucket.arnForObjects(`${inbound.prefix}*`)],
        }),
      );
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadInboundSupportMailKey',
          actions: ['kms:Decrypt'],
          resources: [inbound.encryptionKey.keyArn],
          conditions: fn.kmsViaS3Condition(),
        }),
      );
      fn.setEnvironment(env.SUPPORT_INBOUND_MAIL_BUCKET_NAME, inbound.bucket.bucketName);
      fn.setEnvironment(env.SUPPORT_INBOUND_MAIL_PREFIX, inbound.prefix);
    },
  },
});
