import * as iam from 'aws-cdk-lib/aws-iam';

/** Everything that could rewrite or remove an audit record. Denied explicitly so no later grant can allow it. */
export const AUDIT_TAMPER_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:DeleteTable',
  'dynamodb:UpdateTable',
];

/** The explicit Deny of AUDIT_TAMPER_ACTIONS on the audit table(s), for function roles and the Backup role. */
export function auditTamperingDenial(tableArns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyAuditTampering',
    effect: iam.Effect.DENY,
    actions: AUDIT_TAMPER_ACTIONS,
    resources: [...tableArns],
  });
}
