import { JwksRelayEnvSchema, RequestCountersEnvSchema } from '#schemas/accounts/env';
import { BillingTableEnvSchema } from '#schemas/billing/env';
import { BaseEnvSchema } from '#schemas/shared/env';
import { SupportTableEnvSchema } from '#schemas/support/env';
import { DynamoAccountsRepository } from '../../accounts/adapters/dynamo-accounts-repository';
import { DynamoRequestCounters } from '../../accounts/adapters/dynamo-request-counters';
import {
  OrganizationAllowances,
  OrganizationRequestQuota,
  type RequestCounterStore,
} from '../../accounts/core/request-quota';
import { DynamoAuditChainStore } from '../../audit/adapters/dynamo-audit-log';
import { ChainedAuditLog } from '../../audit/core/audit-trail';
import { RequestAuditTrail } from '../../audit/core/request-audit-trail';
import { DynamoSubscriptionStanding } from '../../billing/adapters/dynamo-subscription-standing';
import { DynamoPolicyStore } from '../../policy/adapters/dynamo-policy-store';
import { FilePolicyLibrary } from '../../policy/adapters/file-policy-library';
import { PolicyContinuedUse } from '../../policy/core/continued-use';
import { DynamoSupportStore } from '../../support/adapters/dynamo-support-store';
import { RelayJwksFetcher } from '../auth/jwks-relay';
import { cognitoTokenVerifier, localCognitoTokenVerifier, type PoolTrust } from '../auth/token-verifier';
import { dynamoDocumentClient, lambdaClient } from '../aws/clients';
import { corsOriginsFromEnv } from '../http/cors';
import type { HttpRuntime } from '../http/http-handler';
import { logFailure } from '../logger';
import { systemClock, uuidIds } from '../ports';

let built: Promise<HttpRuntime> | undefined;

/** Per minute, reported once a second beside the handler (functions/accounts/core/request-quota.ts). */
function organizationAllowances(
  counters: RequestCounterStore,
  perMinute: { all: number; render: number; store: number },
): OrganizationAllowances {
  const quota = (counter: string, requestsPerWindow: number) =>
    new OrganizationRequestQuota(
      counters,
      systemClock,
      { counter, requestsPerWindow, windowSeconds: 60, reportEveryMs: 1000 },
      (error) => logFailure('request count not reported', error),
    );
  return new OrganizationAllowances(quota('all', perMinute.all), {
    render: quota('render', perMinute.render),
    store: quota('store', perMinute.store),
  });
}

/**
 * Composition root of the HTTP stack: the accounts context's membership records and the audit context's
 * trail behind the ports shared/http declares. Built on first request; a failed build is retried.
 */
export function defaultHttpRuntime(): Promise<HttpRuntime> {
  built ??= buildHttpRuntime().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}

async function buildHttpRuntime(): Promise<HttpRuntime> {
  const env = BaseEnvSchema.parse(process.env);
  const trusts: PoolTrust[] = [
    {
      pool: 'customers',
      userPoolId: env.CUSTOMER_USER_POOL_ID,
      clientIds: env.CUSTOMER_USER_POOL_CLIENT_IDS,
    },
    { pool: 'support', userPoolId: env.SUPPORT_USER_POOL_ID, clientIds: env.SUPPORT_USER_POOL_CLIENT_IDS },
  ];
  // Set on functions in the VPC only (their relay binding): Cognito's JWKS is not reachable from there.
  const relay = JwksRelayEnvSchema.partial().parse(process.env).JWKS_RELAY_FUNCTION_NAME;
  const tokens = env.COGNITO_LOCAL_ISSUER_BASE_URL
    ? await localCognitoTokenVerifier(env.COGNITO_LOCAL_ISSUER_BASE_URL, trusts)
    : cognitoTokenVerifier(trusts, relay ? new RelayJwksFetcher(lambdaClient(), relay) : undefined);
  const documents = dynamoDocumentClient();
  // Set on support-readable routes only (their grant lookup binding); elsewhere a grant is never honoured.
  const support = SupportTableEnvSchema.partial().parse(process.env);
  const billing = BillingTableEnvSchema.partial().parse(process.env);
  // Set on customer routes (their counting binding); public and staff routes count nothing.
  const counters = RequestCountersEnvSchema.partial().parse(process.env);
  return {
    tokens,
    memberships: new DynamoAccountsRepository(documents, env.ACCOUNTS_TABLE_NAME),
    auditor: new RequestAuditTrail(
      new ChainedAuditLog(new DynamoAuditChainStore(documents, env.AUDIT_TABLE_NAME)),
      uuidIds,
      systemClock,
    ),
    clock: systemClock,
    continuedUse: new PolicyContinuedUse(
      new FilePolicyLibrary(env.PRIVACY_POLICY_DIR),
      new DynamoPolicyStore(documents, env.ACCOUNTS_TABLE_NAME),
      systemClock,
    ),
    ...(support.SUPPORT_TABLE_NAME
      ? {
          supportGrants: new DynamoSupportStore(documents, support.SUPPORT_TABLE_NAME, null),
        }
      : {}),
    // Set on subscription-gated routes (their standing binding) and billing's own; absent, gated routes fail closed.
    ...(billing.BILLING_TABLE_NAME
      ? { subscriptionStanding: new DynamoSubscriptionStanding(documents, billing.BILLING_TABLE_NAME) }
      : {}),
    ...(counters.REQUEST_COUNTERS_TABLE_NAME &&
    counters.ORGANIZATION_REQUESTS_PER_MINUTE &&
    counters.ORGANIZATION_RENDERS_PER_MINUTE &&
    counters.ORGANIZATION_STORES_PER_MINUTE
      ? {
          organizationQuota: organizationAllowances(
            new DynamoRequestCounters(documents, counters.REQUEST_COUNTERS_TABLE_NAME),
            {
              all: counters.ORGANIZATION_REQUESTS_PER_MINUTE,
              render: counters.ORGANIZATION_RENDERS_PER_MINUTE,
              store: counters.ORGANIZATION_STORES_PER_MINUTE,
            },
          ),
        }
      : {}),
    // The console's origin is set on every route function, the viewers' on DICOMweb functions only.
    corsOrigins: corsOriginsFromEnv(process.env),
  };
}
