import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { RouteDefinition } from '#functions/shared/http/route';
import { routes } from '#functions/shared/routes';
import { OUTSIDE_VPC_CONTEXTS, USER_POOL_ADMIN_BINDING } from '#infra/api/route-table-api';
import { buildApp } from '#infra/app';
import { exportTaskBindings } from '#infra/exports/export-archive-workflow';
import { AppConfigSchema } from '#infra/shared/app-config';
import { ISOLATION_OFF, type PrivateNetwork } from '#infra/shared/private-network';
import {
  allStacks,
  logicalIdOf,
  nestedStacksOf,
  type PolicyStatement,
  propertyAt,
  type Resource,
  synthesizedApp,
  TEST_BUILD,
  templateOf,
} from '../app-fixture';

/**
 * Issue 11, isolation: functions that touch PHI run in private isolated subnets, reach AWS only through
 * VPC endpoints, and have no route to the internet; a function left outside holds no PHI. Checked on the
 * synthesized app, every stack and nested stack.
 */

type Lambda = { stack: Stack; logicalId: string; resource: Resource };

const data = () => synthesizedApp().stacks.data;
const network = (): PrivateNetwork => {
  const built = data().network;
  if (!built) throw new Error('vpcIsolation is on by default: the Data stack has a private network');
  return built;
};
const dataResources = (type: string) =>
  Object.entries(templateOf(data()).findResources(type) as Record<string, Resource>);

function lambdas(): Lambda[] {
  return allStacks().flatMap((stack) =>
    Object.entries(templateOf(stack).findResources('AWS::Lambda::Function') as Record<string, Resource>).map(
      ([logicalId, resource]) => ({ stack, logicalId, resource }),
    ),
  );
}

/** Allow statements of a function's role: its attached policies and any inline ones on the role itself. */
function statementsOf({ stack, resource }: Lambda): PolicyStatement[] {
  const roleId = propertyAt<{ 'Fn::GetAtt': [string, string] }>(resource, 'Role')['Fn::GetAtt'][0];
  const template = templateOf(stack);
  const role = template.findResources('AWS::IAM::Role')[roleId] as Resource;
  const inline = (
    (role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: PolicyStatement[] } }[]
  ).flatMap((policy) => policy.PolicyDocument.Statement);
  const attached = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>)
    .filter((policy) => JSON.stringify(propertyAt(policy, 'Roles')).includes(`"${roleId}"`))
    .flatMap((policy) => propertyAt<PolicyStatement[]>(policy, 'PolicyDocument.Statement'));
  return [...inline, ...attached].filter((statement) => statement.Effect === 'Allow');
}

const actionsOf = (statement: PolicyStatement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** The service part of an endpoint's name (`com.amazonaws.<region>.<service>`, or the Join CDK renders). */
function endpointService(resource: Resource): string {
  const name = propertyAt<unknown>(resource, 'ServiceName');
  const flat =
    typeof name === 'string'
      ? name
      : ((name as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] as unknown[])
          .map((part) => (typeof part === 'string' ? part : 'region'))
          .join('');
  return flat.split('.').slice(3).join('.');
}

const routeList = routes as readonly RouteDefinition[];
const billingRoutes = routeList.filter((route) => route.context in OUTSIDE_VPC_CONTEXTS);
/** User management: Cognito's Admin* API has no path through the cognito-idp endpoint for our pools. */
const userAdminRoutes = routeList.filter(
  (route) => route.bindings.includes(USER_POOL_ADMIN_BINDING) && !(route.context in OUTSIDE_VPC_CONTEXTS),
);
const routeFunction = (route: RouteDefinition) => {
  const fn = synthesizedApp().stacks.api.routeApi.functions[route.id];
  if (!fn) throw new Error(`no function for ${route.id}`);
  return fn;
};
const functionIdsOf = (list: readonly RouteDefinition[]) =>
  list.map((route) => logicalIdOf(routeFunction(route).function));
const jwksRelay = () => {
  const relay = synthesizedApp().stacks.api.jwksRelay?.relay;
  if (!relay) throw new Error('vpcIsolation is on by default: the API stack has a JWKS relay');
  return relay;
};
const invoiceLister = () => {
  const lister = synthesizedApp().stacks.workflows.invoiceLister?.lister;
  if (!lister) throw new Error('vpcIsolation is on by default: the Workflows stack has an invoice lister');
  return lister;
};
/** The relays functions in the VPC invoke for what no endpoint serves. */
const relayFunctions = () => [jwksRelay(), invoiceLister()];
/** CDK's own handler that strips the default security group's rules (restrictDefaultSecurityGroup). */
const isDefaultGroupRestriction = ({ logicalId }: Lambda) =>
  logicalId.startsWith('CustomVpcRestrictDefaultSGCustomResourceProvider');
/** CDK's BucketDeployment handler in the console stack: copies the console's public static files, no PHI. */
const isConsoleDeployment = ({ stack, logicalId }: Lambda) =>
  stack === synthesizedApp().stacks.console && logicalId.startsWith('CustomCDKBucketDeployment');

/** The reason a construct's acknowledgement of a rule gives (metadata ids carry a plugin prefix). */
function acknowledgedReason(construct: IConstruct, rule: string): string | undefined {
  const reasons: Record<string, string> = Object.assign(
    {},
    ...construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((entry) => entry.data as Record<string, string>),
  );
  return Object.entries(reasons).find(([id]) => id.endsWith(rule))?.[1];
}

/** IAM action prefixes → the endpoint service that carries those calls. */
const ENDPOINT_FOR_ACTION_PREFIX: Record<string, string> = {
  dynamodb: 'dynamodb',
  s3: 's3',
  kms: 'kms',
  states: 'states',
  lambda: 'lambda',
  ses: 'email',
  secretsmanager: 'secretsmanager',
  xray: 'xray',
};
/**
 * Used by the Lambda service on the function's behalf, not over its network interface: ENIs, its log
 * group, and the SQS dead-letter queues and on-failure destinations Lambda itself sends to (no function
 * code calls SQS).
 */
const SERVICE_SIDE_PREFIXES = new Set(['ec2', 'logs', 'sqs']);

describe('private network for PHI functions [issue 11, isolation]', () => {
  beforeAll(() => synthesizedApp());

  it("[PP-18] every function runs in the private subnets with the functions' security group, except named functions that hold no PHI", () => {
    const { vpcZoneCount } = synthesizedApp().config;
    const sgId = logicalIdOf(network().functionSecurityGroup);
    const outside = lambdas().filter((fn) => fn.resource.Properties?.VpcConfig === undefined);
    const inside = lambdas().filter((fn) => fn.resource.Properties?.VpcConfig !== undefined);
    expect(inside.length).toBeGreaterThan(50);
    for (const fn of inside) {
      const config = propertyAt<{ SubnetIds: unknown[]; SecurityGroupIds: unknown[] }>(
        fn.resource,
        'VpcConfig',
      );
      expect([fn.logicalId, config.SubnetIds.length, config.SecurityGroupIds.length]).toEqual([
        fn.logicalId,
        vpcZoneCount,
        1,
      ]);
      expect([fn.logicalId, JSON.stringify(config.SecurityGroupIds).includes(sgId)]).toEqual([
        fn.logicalId,
        true,
      ]);
    }
    const allowed = new Set([
      ...functionIdsOf(billingRoutes),
      ...functionIdsOf(userAdminRoutes),
      ...relayFunctions().map((relay) => logicalIdOf(relay.function)),
    ]);
    expect(
      outside
        .filter(
          (fn) => !allowed.has(fn.logicalId) && !isDefaultGroupRestriction(fn) && !isConsoleDeployment(fn),
        )
        .map((fn) => fn.logicalId),
    ).toEqual([]);
    expect(userAdminRoutes.length).toBeGreaterThan(0);
    expect(outside.filter(isConsoleDeployment)).toHaveLength(1);
    expect(outside.length).toBe(billingRoutes.length + userAdminRoutes.length + relayFunctions().length + 2);
  });

  it('[PP-18] the functions left outside hold no grant on PHI, and their acknowledgement says why', () => {
    const outside = lambdas().filter((fn) => fn.resource.Properties?.VpcConfig === undefined);
    for (const fn of outside) {
      const statements = statementsOf(fn);
      const phi = statements.filter((statement) =>
        /Imaging|Exports|SupportMessage|InboundMail|Sharing|Uploads/.test(JSON.stringify(statement.Resource)),
      );
      expect([fn.logicalId, phi]).toEqual([fn.logicalId, []]);
      // The audit table only to append (its chain head); the support table only for grant lookups.
      const auditReads = statements.filter((statement) => /^QueryAuditRecords/.test(statement.Sid ?? ''));
      expect([fn.logicalId, auditReads]).toEqual([fn.logicalId, []]);
      if (isDefaultGroupRestriction(fn)) {
        const actions = statements.flatMap(actionsOf);
        expect(actions.every((action) => action.startsWith('ec2:'))).toBe(true);
      }
    }
    for (const route of billingRoutes) {
      const reason = acknowledgedReason(routeFunction(route).function, 'HIPAA.Security-LambdaInsideVPC');
      expect([route.id, reason]).toEqual([route.id, expect.stringMatching(/holding no PHI: .*Stripe/)]);
    }
  });

  it('[PP-18] user management runs outside the VPC (Cognito Admin*) with accounts and audit-append access only', () => {
    const api = synthesizedApp().stacks.api;
    for (const route of userAdminRoutes) {
      const fn = routeFunction(route);
      const reason = acknowledgedReason(fn.function, 'HIPAA.Security-LambdaInsideVPC');
      expect([route.id, reason]).toEqual([
        route.id,
        expect.stringMatching(/holding no PHI: .*Admin\* API.*not patient data/),
      ]);
      const statements = statementsOf({
        stack: Stack.of(fn.function),
        logicalId: logicalIdOf(fn.function),
        resource: templateOf(Stack.of(fn.function)).findResources('AWS::Lambda::Function')[
          logicalIdOf(fn.function)
        ] as Resource,
      });
      const sids = statements.map((statement) => statement.Sid ?? '');
      // Their trail entries are still appended; their own records are the accounts table's.
      expect([route.id, sids.includes('AppendAuditRecords')]).toEqual([route.id, true]);
      expect([route.id, JSON.stringify(statements).includes('AccountsTable')]).toEqual([route.id, true]);
      expect([
        route.id,
        statements.flatMap(actionsOf).some((action) => action.startsWith('cognito-idp:')),
      ]).toEqual([route.id, true]);
      // Outside the VPC the verifier fetches the JWKS itself: no relay.
      expect([route.id, 'JWKS_RELAY_FUNCTION_NAME' in fn.environment]).toEqual([route.id, false]);
      expect(api.routeApi.functions[route.id]).toBe(fn);
    }
  });

  it('[PP-18] the JWKS relay holds nothing but its logs and traces, and knows only the two pools', () => {
    const relay = jwksRelay();
    const stack = Stack.of(relay.function);
    const resource = templateOf(stack).findResources('AWS::Lambda::Function')[
      logicalIdOf(relay.function)
    ] as Resource;
    expect(resource.Properties?.VpcConfig).toBeUndefined();
    const actions = statementsOf({ stack, logicalId: logicalIdOf(relay.function), resource }).flatMap(
      actionsOf,
    );
    expect(actions.filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:'))).toEqual(
      [],
    );
    expect(Object.keys(relay.environment).sort()).toEqual([
      'CUSTOMER_USER_POOL_ID',
      'POWERTOOLS_SERVICE_NAME',
      'SUPPORT_USER_POOL_ID',
    ]);
    expect(acknowledgedReason(relay.function, 'HIPAA.Security-LambdaInsideVPC')).toMatch(
      /holding no PHI: the JWKS relay/,
    );
  });

  it('[PP-18] the invoice lister holds the Stripe secret and nothing else, and only the export task may invoke it', () => {
    const lister = invoiceLister();
    const stack = Stack.of(lister.function);
    const resource = templateOf(stack).findResources('AWS::Lambda::Function')[
      logicalIdOf(lister.function)
    ] as Resource;
    expect(resource.Properties?.VpcConfig).toBeUndefined();
    const statements = statementsOf({ stack, logicalId: logicalIdOf(lister.function), resource });
    const own = statements.filter((statement) =>
      actionsOf(statement).some((action) => !action.startsWith('logs:') && !action.startsWith('xray:')),
    );
    expect(own.map((statement) => statement.Sid).sort()).toEqual(['DecryptStripeSecret', 'ReadStripeSecret']);
    expect(acknowledgedReason(lister.function, 'HIPAA.Security-LambdaInsideVPC')).toMatch(
      /holding no PHI: the invoice lister calls Stripe/,
    );
    // The export task, in the VPC, invokes the lister and no longer reads the Stripe secret itself.
    const { workflows } = synthesizedApp().stacks;
    const step = workflows.exportArchive.step;
    const stepResource = templateOf(workflows).findResources('AWS::Lambda::Function')[
      logicalIdOf(step.function)
    ] as Resource;
    expect(stepResource.Properties?.VpcConfig).toBeDefined();
    const stepStatements = statementsOf({
      stack: workflows,
      logicalId: logicalIdOf(step.function),
      resource: stepResource,
    });
    const sids = stepStatements.map((statement) => statement.Sid);
    expect(sids).toContain('InvokeInvoiceLister');
    expect(sids).not.toContain('ReadStripeSecret');
    const invoke = stepStatements.find((statement) => statement.Sid === 'InvokeInvoiceLister');
    expect(invoke?.Resource).toEqual({ 'Fn::GetAtt': [logicalIdOf(lister.function), 'Arn'] });
    expect(Object.keys(step.environment)).toContain('BILLING_INVOICES_FUNCTION_NAME');
    expect(Object.keys(step.environment)).not.toContain('BILLING_STRIPE_SECRET');
    // Nothing else in the app may invoke it.
    const invokers = lambdas().filter((fn) =>
      statementsOf(fn).some((statement) => statement.Sid === 'InvokeInvoiceLister'),
    );
    expect(invokers.map((fn) => fn.logicalId)).toEqual([logicalIdOf(step.function)]);
  });

  it('[PP-18] with isolation off the export task calls Stripe itself, as before (no lister)', () => {
    expect(exportTaskBindings(ISOLATION_OFF)).toContain('stripe:secret');
    expect(exportTaskBindings(ISOLATION_OFF)).not.toContain('billing-invoices:invoke');
    expect(exportTaskBindings(network())).not.toContain('stripe:secret');
    expect(exportTaskBindings(network())).toContain('billing-invoices:invoke');
  });

  it('[PP-18] every route function in the VPC may invoke the JWKS relay, and no other function', () => {
    let inside = 0;
    for (const route of routeList) {
      const fn = routeFunction(route);
      const stack = Stack.of(fn.function);
      const resource = templateOf(stack).findResources('AWS::Lambda::Function')[
        logicalIdOf(fn.function)
      ] as Resource;
      const invokes = statementsOf({ stack, logicalId: logicalIdOf(fn.function), resource }).filter(
        (statement) => actionsOf(statement).some((action) => action.startsWith('lambda:')),
      );
      if (resource.Properties?.VpcConfig === undefined) {
        expect([route.id, invokes, 'JWKS_RELAY_FUNCTION_NAME' in fn.environment]).toEqual([
          route.id,
          [],
          false,
        ]);
        continue;
      }
      inside += 1;
      expect([route.id, 'JWKS_RELAY_FUNCTION_NAME' in fn.environment]).toEqual([route.id, true]);
      expect([route.id, invokes.map((statement) => [statement.Sid, actionsOf(statement)])]).toEqual([
        route.id,
        [['InvokeJwksRelay', ['lambda:InvokeFunction']]],
      ]);
      // The relay's ARN (its function alone, no version or alias), handed to the nested stack by reference.
      expect([route.id, invokes[0]?.Resource]).toEqual([
        route.id,
        { Ref: expect.stringMatching(/^referenceto.*JwksRelayFunction[0-9A-F]{8}Arn$/) },
      ]);
    }
    expect(inside).toBeGreaterThan(50);
  });

  it('[PP-18] the subnets have no route to the internet: no internet or NAT gateway, no public address', () => {
    for (const stack of allStacks()) {
      const template = templateOf(stack);
      for (const type of [
        'AWS::EC2::InternetGateway',
        'AWS::EC2::EgressOnlyInternetGateway',
        'AWS::EC2::NatGateway',
        'AWS::EC2::VPCGatewayAttachment',
        'AWS::EC2::TransitGatewayAttachment',
        'AWS::EC2::VPCPeeringConnection',
        'AWS::EC2::EIP',
        // Gateway endpoints add their routes themselves; any explicit route would lead somewhere else.
        'AWS::EC2::Route',
      ]) {
        expect([stack.node.path, type, Object.keys(template.findResources(type))]).toEqual([
          stack.node.path,
          type,
          [],
        ]);
      }
    }
    const subnets = dataResources('AWS::EC2::Subnet');
    expect(subnets).toHaveLength(synthesizedApp().config.vpcZoneCount);
    for (const [, subnet] of subnets) expect(subnet.Properties?.MapPublicIpOnLaunch).toBe(false);
    expect(dataResources('AWS::EC2::VPC')).toHaveLength(1);
  });

  it('[PP-18] every AWS service a function in the VPC is granted has an endpoint in the VPC', () => {
    const endpoints = dataResources('AWS::EC2::VPCEndpoint').map(([, endpoint]) => endpoint);
    const gateway = endpoints.filter((endpoint) => endpoint.Properties?.VpcEndpointType === 'Gateway');
    const local = endpoints.filter(
      (endpoint) =>
        endpoint.Properties?.VpcEndpointType === 'Interface' && !endpoint.Properties?.ServiceRegion,
    );
    expect(gateway.map(endpointService).sort()).toEqual(['dynamodb', 's3']);
    // Lambda for the relays; no cognito-idp: it does not serve pools with a domain, and nothing in the
    // VPC calls Cognito any more (user management runs outside, the JWKS comes through the relay).
    expect(local.map(endpointService)).toContain('lambda');
    expect(local.map(endpointService)).not.toContain('cognito-idp');
    // Each gateway endpoint routes from every subnet's route table (all the routes the subnets have).
    const routeTables = dataResources('AWS::EC2::RouteTable').map(([id]) => ({ Ref: id }));
    expect(routeTables).toHaveLength(synthesizedApp().config.vpcZoneCount);
    for (const endpoint of gateway) {
      expect(propertyAt<unknown[]>(endpoint, 'RouteTableIds')).toEqual(expect.arrayContaining(routeTables));
    }
    for (const endpoint of local) expect(endpoint.Properties?.PrivateDnsEnabled).toBe(true);
    const reachable = new Set([...gateway, ...local].map(endpointService));

    const granted = new Set(
      lambdas()
        .filter((fn) => fn.resource.Properties?.VpcConfig !== undefined)
        .flatMap(statementsOf)
        .flatMap(actionsOf)
        .map((action) => action.split(':')[0] ?? action),
    );
    expect(granted.has('dynamodb') && granted.has('s3') && granted.has('kms')).toBe(true);
    const unreachable = [...granted]
      .filter((prefix) => !SERVICE_SIDE_PREFIXES.has(prefix))
      .filter(
        (prefix) => !reachable.has(ENDPOINT_FOR_ACTION_PREFIX[prefix] ?? `(no endpoint known for ${prefix})`),
      );
    expect(unreachable).toEqual([]);
  });

  it("[PP-18] the purge reaches the replica region's bucket over cross-region PrivateLink, not the internet", () => {
    const { replicaRegion } = synthesizedApp().config;
    const replicaS3 = dataResources('AWS::EC2::VPCEndpoint').filter(
      ([, endpoint]) => endpoint.Properties?.ServiceRegion === replicaRegion,
    );
    expect(replicaS3.map(([, endpoint]) => endpoint.Properties?.ServiceName)).toEqual([
      `com.amazonaws.${replicaRegion}.s3`,
    ]);
    expect(replicaS3[0]?.[1].Properties?.PrivateDnsEnabled).toBe(true);
  });

  it("[PP-18] the endpoints admit HTTPS from the functions' security group only, and the functions send HTTPS only", () => {
    const functionsGroup = logicalIdOf(network().functionSecurityGroup);
    const endpointsGroup = logicalIdOf(network().endpointSecurityGroup);
    const groups = Object.fromEntries(dataResources('AWS::EC2::SecurityGroup'));
    // No inline ingress on the endpoints' group, and its only ingress rule names the functions' group.
    expect(groups[endpointsGroup]?.Properties?.SecurityGroupIngress).toBeUndefined();
    const ingress = dataResources('AWS::EC2::SecurityGroupIngress')
      .map(([, rule]) => rule.Properties ?? {})
      .filter((rule) => JSON.stringify(rule.GroupId).includes(endpointsGroup));
    expect(ingress).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [functionsGroup, 'GroupId'] },
      }),
    ]);
    for (const rule of ingress) expect(rule.CidrIp).toBeUndefined();
    for (const [, endpoint] of dataResources('AWS::EC2::VPCEndpoint')) {
      if (endpoint.Properties?.VpcEndpointType !== 'Interface') continue;
      expect(endpoint.Properties?.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [endpointsGroup, 'GroupId'] }]);
    }
    // The functions' group: HTTPS out, nothing else (no all-traffic egress).
    const egress = [
      ...((groups[functionsGroup]?.Properties?.SecurityGroupEgress ?? []) as Record<string, unknown>[]),
      ...dataResources('AWS::EC2::SecurityGroupEgress')
        .map(([, rule]) => rule.Properties ?? {})
        .filter((rule) => JSON.stringify(rule.GroupId).includes(functionsGroup)),
    ];
    expect(egress.length).toBeGreaterThan(0);
    for (const rule of egress)
      expect([rule.IpProtocol, rule.FromPort, rule.ToPort]).toEqual(['tcp', 443, 443]);
  });

  it('[PP-18] flow logs record all traffic of the VPC into an encrypted log group', () => {
    const vpcId = logicalIdOf(network().vpc);
    const flowLogs = dataResources('AWS::EC2::FlowLog').map(([, flowLog]) => flowLog.Properties ?? {});
    expect(flowLogs).toEqual([
      expect.objectContaining({ ResourceId: { Ref: vpcId }, ResourceType: 'VPC', TrafficType: 'ALL' }),
    ]);
    const group = templateOf(data()).findResources('AWS::Logs::LogGroup')[
      logicalIdOf(network().flowLogGroup)
    ] as Resource | undefined;
    expect(propertyAt(group, 'KmsKeyId')).toBeDefined();
  });

  it('[PP-18] vpcIsolation=false synthesizes no VPC and keeps every function outside one, as before', () => {
    const off = buildApp({ vpcIsolation: 'false' }, TEST_BUILD);
    off.app.synth();
    expect(off.stacks.data.network).toBeUndefined();
    // No relays either: every function reaches Cognito's JWKS and Stripe itself.
    expect(off.stacks.api.jwksRelay).toBeUndefined();
    expect(off.stacks.workflows.invoiceLister).toBeUndefined();
    const stacks = Object.values(off.stacks).flatMap((stack) => [stack, ...nestedStacksOf(stack)]);
    for (const stack of stacks) {
      const template = templateOf(stack);
      expect([stack.node.path, Object.keys(template.findResources('AWS::EC2::VPC'))]).toEqual([
        stack.node.path,
        [],
      ]);
      const inVpc = Object.entries(
        template.findResources('AWS::Lambda::Function') as Record<string, Resource>,
      )
        .filter(([, fn]) => fn.Properties?.VpcConfig !== undefined)
        .map(([id]) => id);
      expect([stack.node.path, inVpc]).toEqual([stack.node.path, []]);
    }
    const anyRoute =
      off.stacks.api.routeApi.functions.getBilling ?? Object.values(off.stacks.api.routeApi.functions)[0];
    expect(anyRoute && acknowledgedReason(anyRoute.function, 'HIPAA.Security-LambdaInsideVPC')).toMatch(
      /call only AWS APIs/,
    );
  });

  it("[PP-18] vpcIsolation is on by default and accepts CDK context's strings", () => {
    expect(AppConfigSchema.parse({}).vpcIsolation).toBe(true);
    expect(AppConfigSchema.parse({ vpcIsolation: 'false' }).vpcIsolation).toBe(false);
    expect(AppConfigSchema.parse({ vpcIsolation: 'true' }).vpcIsolation).toBe(true);
    expect(() => AppConfigSchema.parse({ vpcIsolation: 'no' })).toThrow();
  });
});
