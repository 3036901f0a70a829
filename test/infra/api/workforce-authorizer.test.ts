import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { RouteAccess, RouteDefinition } from '#functions/shared/http/route';
import { PEAK_WORKLOAD } from '#infra/api/capacity-model';
import { RouteTableApi } from '#infra/api/route-table-api';
import { DefinedTable } from '#infra/data/data-tables';
import { accountsTable, auditTable, requestCountersTable, supportTable } from '#infra/data/table-definitions';
import { LogEncryption } from '#infra/shared/log-encryption';
import { ISOLATION_OFF } from '#infra/shared/private-network';

/**
 * The route table decides the authorizer by access kind, whatever routes exist: checked on synthetic
 * tables in a bare stack (no bundling, one synth), independent of today's functions/shared/routes.ts.
 */
type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

const route = (id: string, access: RouteAccess): RouteDefinition => ({
  id,
  method: 'GET',
  path: `/v1/${id}`,
  context: 'shared',
  handler: 'shared/handlers/health',
  summary: `synthetic ${access.kind} route`,
  access,
  audit: null,
  pathParameters: {},
  bindings: [],
  responses: { 200: { description: 'ok' } },
});

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
function apiStack(id: string, routes: RouteDefinition[]) {
  const stack = new Stack(app, id, { env: { account: '111111111111', region: 'us-east-1' } });
  const customers = new cognito.UserPool(stack, 'Customers');
  const support = new cognito.UserPool(stack, 'Support');
  const routeApi = new RouteTableApi(stack, 'RouteApi', {
    routes,
    resources: {
      accountsTable: new DefinedTable(stack, 'Accounts', accountsTable),
      auditTable: new DefinedTable(stack, 'Audit', auditTable),
      supportTable: new DefinedTable(stack, 'SupportTable', supportTable),
      requestCounters: {
        counters: new DefinedTable(stack, 'RequestCounters', requestCountersTable),
        allowances: { requestsPerMinute: 1000, rendersPerMinute: 300, storesPerMinute: 300 },
      },
    },
    customers: { pool: customers, clients: [customers.addClient('Client')] },
    support: { pool: support, clients: [support.addClient('Client')] },
    logEncryption: new LogEncryption(stack, 'LogEncryption', { description: 'test' }),
    network: ISOLATION_OFF,
    stageName: 'test',
    appVersion: 'test',
    throttle: { rateLimit: 1, burstLimit: 1 },
    workload: PEAK_WORKLOAD,
    dicomwebCorsOrigins: ['https://viewer.test'],
    consoleOrigin: 'https://app.test',
  });
  const poolId = (pool: cognito.UserPool) =>
    stack.resolve(stack.getLogicalId(pool.node.defaultChild as never));
  return { stack, routeApi, customerPoolId: poolId(customers), supportPoolId: poolId(support) };
}

const mixed = apiStack('Mixed', [
  route('open', { kind: 'public', reason: 'synthetic' }),
  route('mine', { kind: 'member' }),
  route('manage', { kind: 'action', action: 'manage-users' }),
  route('engineer', { kind: 'workforce', group: 'support-engineer' }),
  route('reviewer', { kind: 'workforce', group: 'compliance-reviewer' }),
]);
const customersOnly = apiStack('CustomersOnly', [
  route('open', { kind: 'public', reason: 'synthetic' }),
  route('mine', { kind: 'member' }),
]);
const assembly = app.synth();
const templateOf = (stack: Stack) => assembly.getStackArtifact(stack.artifactId).template as Template;
const ofType = (stack: Stack, type: string) =>
  Object.entries(templateOf(stack).Resources).filter(([, resource]) => resource.Type === type);

describe('API authorizers by route access kind', () => {
  it('[PP-18] workforce routes of either group use the one support-pool authorizer; member and action routes the customer one, which also admits staff tokens for support grants', () => {
    const authorizers = Object.fromEntries(ofType(mixed.stack, 'AWS::ApiGateway::Authorizer'));
    expect(Object.keys(authorizers)).toHaveLength(2);
    const providerOf = (id: string) => JSON.stringify(authorizers[id]?.Properties.ProviderARNs);
    const [workforceId, customerId] = [
      mixed.routeApi.workforceAuthorizer,
      mixed.routeApi.customerAuthorizer,
    ].map((authorizer) =>
      mixed.stack.resolve(mixed.stack.getLogicalId(authorizer?.node.defaultChild as never)),
    );
    expect(providerOf(workforceId)).toContain(mixed.supportPoolId);
    expect(providerOf(workforceId)).not.toContain(mixed.customerPoolId);
    expect(providerOf(customerId)).toContain(mixed.customerPoolId);
    expect(providerOf(customerId)).toContain(mixed.supportPoolId);

    const methods = Object.fromEntries(
      ofType(mixed.stack, 'AWS::ApiGateway::Method').map(([, method]) => [
        method.Properties.OperationName,
        method.Properties,
      ]),
    );
    const protectedBy = (authorizerId: string) => ({
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: { Ref: authorizerId },
      AuthorizationScopes: ['aws.cognito.signin.user.admin'],
    });
    expect(methods.engineer).toMatchObject(protectedBy(workforceId));
    expect(methods.reviewer).toMatchObject(protectedBy(workforceId));
    expect(methods.mine).toMatchObject(protectedBy(customerId));
    expect(methods.manage).toMatchObject(protectedBy(customerId));
    expect(methods.open).toMatchObject({ AuthorizationType: 'NONE' });
    expect(methods.open?.AuthorizerId).toBeUndefined();
  });

  it('a route table without workforce routes gets no support-pool authorizer (and still synthesizes)', () => {
    expect(customersOnly.routeApi.workforceAuthorizer).toBeUndefined();
    const authorizers = ofType(customersOnly.stack, 'AWS::ApiGateway::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(JSON.stringify(authorizers[0]?.[1].Properties.ProviderARNs)).toContain(
      customersOnly.customerPoolId,
    );
  });

  it('[PP-18] workforce functions get no write on the accounts table (no invitation acceptance)', () => {
    // The functions and their policies sit in the API's nested function stacks.
    const policies = [...mixed.routeApi.functionStacks.values()].flatMap((nested) =>
      Object.values(
        (JSON.parse(readFileSync(path.join(assembly.directory, nested.templateFile), 'utf8')) as Template)
          .Resources,
      )
        .filter((resource) => resource.Type === 'AWS::IAM::Policy')
        .map((policy) => JSON.stringify(policy)),
    );
    expect(policies.length).toBeGreaterThan(0);
    const roleId = (routeId: string) => {
      const role = mixed.routeApi.functions[routeId]?.role.node.defaultChild as CfnElement;
      return Stack.of(role).resolve(Stack.of(role).getLogicalId(role));
    };
    const acceptsInvitations = (routeId: string) =>
      policies.some((policy) => policy.includes(roleId(routeId)) && policy.includes('"AcceptInvitation"'));
    expect(acceptsInvitations('mine')).toBe(true);
    expect(acceptsInvitations('engineer')).toBe(false);
    expect(acceptsInvitations('reviewer')).toBe(false);
  });
});
