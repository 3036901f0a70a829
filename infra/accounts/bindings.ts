import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { bindingTable } from '#infra/shared/binding-definition';
import type { PacsFunction, TableRef } from '#infra/shared/pacs-function';
import { ACCOUNTS_BINDINGS } from '#schemas/accounts/env';

/** The deployed resources the accounts context's bindings point at. */
export interface AccountsResources {
  accountsTable?: TableRef;
  customerPool?: cognito.IUserPool;
  /** The request-counters table and the allowances per organization the capacity model sets. */
  requestCounters?: {
    counters: TableRef;
    allowances: { requestsPerMinute: number; rendersPerMinute: number; storesPerMinute: number };
  };
  /** The JWKS relay outside the VPC (infra/api/jwks-relay.ts), for functions in the VPC. */
  jwksRelay?: lambda.IFunction;
}

/**
 * Counting a request: UpdateItem alone, on the counter attributes alone. No read, no delete, and nothing a
 * request carried can be written there.
 */
function grantRequestCounting(
  fn: PacsFunction,
  { counters, allowances }: NonNullable<AccountsResources['requestCounters']>,
  env: { tableName: string; requests: string; renders: string; stores: string },
): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'CountOrganizationRequests',
      actions: ['dynamodb:UpdateItem'],
      resources: [counters.table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'requests', 'expiresAtEpoch'] },
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*'] },
      },
    }),
  );
  fn.grantTableKey(counters.table, 'encrypt-decrypt');
  fn.setEnvironment(env.tableName, counters.table.tableName);
  fn.setEnvironment(env.requests, String(allowances.requestsPerMinute));
  fn.setEnvironment(env.renders, String(allowances.rendersPerMinute));
  fn.setEnvironment(env.stores, String(allowances.storesPerMinute));
}

/**
 * The one write every customer route may make on the accounts table: clearing `invitationExpiresAt`
 * when an invited user first signs in. dynamodb:Attributes pins the call to that attribute alone.
 */
function grantInvitationAcceptance(fn: PacsFunction, { table }: TableRef): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'AcceptInvitation',
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'invitationExpiresAt'] },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
      },
    }),
  );
  fn.grantTableKey(table, 'encrypt-decrypt');
}

export const accountsBindings = bindingTable<typeof ACCOUNTS_BINDINGS, AccountsResources>(ACCOUNTS_BINDINGS, {
  'accounts-table:read': {
    grant: (fn, need, env) => fn.bindTable(need('accountsTable'), env.ACCOUNTS_TABLE_NAME, 'read'),
  },
  'accounts-table:write': {
    includes: 'accounts-table:read',
    grant: (fn, need, env) => fn.bindTable(need('accountsTable'), env.ACCOUNTS_TABLE_NAME, 'read-write'),
  },
  'accounts-table:accept-invitation': {
    grant: (fn, need) => grantInvitationAcceptance(fn, need('accountsTable')),
  },
  'request-counters:count': {
    grant: (fn, need, env) =>
      grantRequestCounting(fn, need('requestCounters'), {
        tableName: env.REQUEST_COUNTERS_TABLE_NAME,
        requests: env.ORGANIZATION_REQUESTS_PER_MINUTE,
        renders: env.ORGANIZATION_RENDERS_PER_MINUTE,
        stores: env.ORGANIZATION_STORES_PER_MINUTE,
      }),
  },
  'customer-pool:admin': {
    grant: (fn, need, env) => fn.bindUserPoolAdmin(need('customerPool'), env.CUSTOMER_USER_POOL_ID),
  },
  'jwks-relay:invoke': {
    // That one function, unqualified ARN only: no other function, version or alias.
    grant: (fn, need, env) => {
      const relay = need('jwksRelay');
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'InvokeJwksRelay',
          actions: ['lambda:InvokeFunction'],
          resources: [relay.functionArn],
        }),
      );
      fn.setEnvironment(env.JWKS_RELAY_FUNCTION_NAME, relay.functionName);
    },
  },
});
