import * as iam from 'aws-cdk-lib/aws-iam';
import type { AccountsResources } from '#infra/accounts/bindings';
import { bindingTable } from '#infra/shared/binding-definition';
import type { PacsFunction, TableRef } from '#infra/shared/pacs-function';
import { POLICY_BINDINGS } from '#schemas/policy/env';

/** The policy context's writes, all of them on policy attributes of the accounts table. */
export const ACCEPTANCE_ITEM_ATTRIBUTES = ['pk', 'sk', 'type', 'orgId', 'userId', 'version', 'acceptedAt'];

/**
 * The writes every customer route may make to record continued use [PP-24]: put acceptance items, and
 * nothing but acceptance items (dynamodb:LeadingKeys POLICYACCEPT#…, with their attributes alone), and
 * set the member's acceptedPolicyVersion (dynamodb:Attributes pins the update to that attribute).
 * Neither can touch a role, a permission, a status or anything of another context.
 */
function grantAcceptanceRecording(fn: PacsFunction, { table }: TableRef): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'RecordPolicyAcceptance',
      actions: ['dynamodb:PutItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['POLICYACCEPT#*'] },
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ACCEPTANCE_ITEM_ATTRIBUTES },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
      },
    }),
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'NoteAcceptedPolicyVersion',
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'acceptedPolicyVersion'] },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
      },
    }),
  );
  fn.grantTableKey(table, 'encrypt-decrypt');
}

/**
 * The acknowledgement of a material-change notice [PP-23]: set the member's
 * policyNoticeAcknowledgedVersion and nothing else (dynamodb:Attributes pins the update to it).
 */
function grantNoticeAcknowledgement(fn: PacsFunction, { table }: TableRef): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'AcknowledgePolicyNotice',
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': {
          'dynamodb:Attributes': ['pk', 'sk', 'policyNoticeAcknowledgedVersion'],
        },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
      },
    }),
  );
  fn.grantTableKey(table, 'encrypt-decrypt');
}

export const policyBindings = bindingTable<typeof POLICY_BINDINGS, AccountsResources>(POLICY_BINDINGS, {
  'policy-acceptance:record': {
    grant: (fn, need) => grantAcceptanceRecording(fn, need('accountsTable')),
  },
  'policy-notice:acknowledge': {
    grant: (fn, need) => grantNoticeAcknowledgement(fn, need('accountsTable')),
  },
});
