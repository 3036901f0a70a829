import { Match } from 'aws-cdk-lib/assertions';
import {
  API_CORS_HEADERS,
  API_CORS_METHODS,
  DICOMWEB_CORS_HEADERS,
  DICOMWEB_CORS_METHODS,
} from '#functions/shared/http/cors';
import { functionTimeoutSeconds, type RouteDefinition } from '#functions/shared/http/route';
import { routes } from '#functions/shared/routes';
import { stageThrottle } from '#infra/api/capacity-model';
import {
  isSignupRateLimited,
  isUnsubscribeRateLimited,
  RATE_LIMITED_BODY,
  SIGNUP_RATE_LIMIT,
  UNSUBSCRIBE_RATE_LIMIT,
} from '#infra/api/public-rate-limit';
import {
  ACCESS_TOKEN_SCOPE,
  BINARY_MEDIA_TYPES,
  STREAMING_FUNCTION_TIMEOUT,
} from '#infra/api/route-table-api';
import { BaseEnvSchema } from '#schemas/shared/env';
import { propertyAt, resourcesOf, synthesizedApp, templateOf } from '../app-fixture';

const WADO_RETRIEVALS = [
  'retrieveBulkData',
  'retrieveFrames',
  'retrieveInstance',
  'retrieveSeries',
  'retrieveStudy',
];
/** Rendered and thumbnail resources read frames from the bucket too, and stream (a study: up to 100 images). */
const RENDERED_RETRIEVALS = ['Study', 'Series', 'Instance', 'Frames'].flatMap((level) => [
  `retrieveRendered${level}`,
  `retrieve${level}Thumbnail`,
]);
/** A share recipient's rendered image and ZIP download: retrievals of one share's objects [PP-07]. */
const SHARE_RETRIEVALS = ['viewSharedImage', 'downloadShare'];

type Props = Record<string, unknown>;
const api = () => synthesizedApp().stacks.api;
const allMethods = () =>
  Object.values(resourcesOf(api(), 'AWS::ApiGateway::Method')).map((method) => method.Properties as Props);
/** Route methods; the CORS preflights (OPTIONS, mock integration) are tested on their own. */
const methods = () => allMethods().filter((method) => method.HttpMethod !== 'OPTIONS');
const publicRoutes = routes.filter((route) => route.access.kind === 'public');
const workforceRoutes = routes.filter((route) => route.access.kind === 'workforce');
const hasBinding = (route: (typeof routes)[number], binding: string) =>
  (route.bindings as readonly string[]).includes(binding);
const routeById = (id: string) => routes.find((route) => route.id === id);
const boundTo = (binding: string) =>
  routes.filter((route) => (route.bindings as readonly string[]).includes(binding));
/** The upload-session staging grants (and their key grants): the uploads/ prefix only. */
const STAGING_SIDS = /^(StageUploads|IngestStagedUploads)/;
const actions = (statement: Props | undefined) => ([statement?.Action ?? []].flat() as string[]).sort();
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
  api().resolve(api().getLogicalId(construct.node.defaultChild as never)) as string;
/** Policy statements of one route's function role. */
function routeStatements(routeId: string): Props[] {
  const roleId = logicalIdOf(api().routeApi.functions[routeId]?.role as never);
  return Object.values(resourcesOf(api(), 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleId))
    .flatMap((policy) => propertyAt<Props[]>(policy, 'PolicyDocument.Statement'));
}
/** The route functions: every function of the API stack but the JWKS relay (infra/api/jwks-relay.ts). */
const routeFunctionResources = () => {
  const relay = api().jwksRelay;
  const relayId = relay ? logicalIdOf(relay.relay.function as never) : undefined;
  return Object.entries(resourcesOf(api(), 'AWS::Lambda::Function'))
    .filter(([id]) => id !== relayId)
    .map(([, fn]) => fn);
};

describe('API stack', () => {
  beforeAll(() => synthesizedApp());

  describe('transport', () => {
    it('[PP-10] custom domain enforces TLS 1.2', () => {
      templateOf(api()).hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: synthesizedApp().config.domainName,
        SecurityPolicy: 'TLS_1_2',
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
      templateOf(api()).resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
    });

    it('CSV/XLSX downloads and DICOM (STOW bodies, WADO responses) pass through as binary; JSON stays text', () => {
      const [restApi] = Object.values(resourcesOf(api(), 'AWS::ApiGateway::RestApi'));
      const types = propertyAt<string[]>(restApi, 'BinaryMediaTypes');
      expect([...types].sort()).toEqual([...BINARY_MEDIA_TYPES].sort());
      expect(types).toEqual(
        expect.arrayContaining([
          'text/csv',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'multipart/related',
          'application/dicom',
        ]),
      );
      // QIDO-RS answers application/dicom+json: text, like every JSON type.
      expect(types).not.toContain('application/dicom+json');
      // A wildcard would base64-encode JSON request bodies too and break body validation.
      for (const type of types) expect(type).not.toMatch(/\*|json/);
    });

    it('[PP-10] the default execute-api endpoint (TLS 1.0 capable) is disabled', () => {
      templateOf(api()).hasResourceProperties('AWS::ApiGateway::RestApi', {
        DisableExecuteApiEndpoint: true,
      });
    });
  });

  describe('access control', () => {
    it('[PP-18] every non-public method uses the Cognito user-pool authorizer and requires an access token', () => {
      const protectedMethods = methods().filter((method) => method.AuthorizationType !== 'NONE');
      expect(protectedMethods.length).toBe(routes.length - publicRoutes.length);
      for (const method of protectedMethods) {
        expect(method).toMatchObject({
          AuthorizationType: 'COGNITO_USER_POOLS',
          AuthorizerId: expect.anything(),
          AuthorizationScopes: [ACCESS_TOKEN_SCOPE],
        });
      }
      templateOf(api()).hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
    });

    it('[PP-18] workforce routes use the support-pool authorizer, every other protected route the customer one', () => {
      const { customerAuthorizer, workforceAuthorizer } = api().routeApi;
      const identity = synthesizedApp().stacks.identity;
      const poolId = (pool: { node: { defaultChild?: unknown } }) =>
        identity.resolve(identity.getLogicalId(pool.node.defaultChild as never)) as string;
      const authorizers = resourcesOf(api(), 'AWS::ApiGateway::Authorizer');
      const customerId = logicalIdOf(customerAuthorizer);
      expect(JSON.stringify(authorizers[customerId]?.Properties?.ProviderARNs)).toContain(
        poolId(identity.customers.userPool),
      );
      if (workforceRoutes.length > 0) {
        const workforceId = logicalIdOf(workforceAuthorizer as never);
        expect(JSON.stringify(authorizers[workforceId]?.Properties?.ProviderARNs)).toContain(
          poolId(identity.support.userPool),
        );
        expect(JSON.stringify(authorizers[workforceId]?.Properties?.ProviderARNs)).not.toContain(
          poolId(identity.customers.userPool),
        );
      } else {
        // CDK refuses an authorizer no method uses, so there is none until a workforce route exists.
        expect(workforceAuthorizer).toBeUndefined();
      }
      expect(Object.keys(authorizers)).toHaveLength(workforceRoutes.length > 0 ? 2 : 1);

      const byOperation = new Map(methods().map((method) => [method.OperationName, method]));
      for (const route of routes.filter((candidate) => candidate.access.kind !== 'public')) {
        const expected =
          route.access.kind === 'workforce' ? logicalIdOf(workforceAuthorizer as never) : customerId;
        expect({ route: route.id, authorizer: byOperation.get(route.id)?.AuthorizerId }).toEqual({
          route: route.id,
          authorizer: { Ref: expected },
        });
      }
    });

    it('[PP-18] exactly the public routes of the route table are open (AuthorizationType NONE)', () => {
      const open = methods()
        .filter((method) => method.AuthorizationType === 'NONE')
        .map((method) => method.OperationName)
        .sort();
      expect(open).toEqual(publicRoutes.map((route) => route.id).sort());
    });

    it('every route has exactly one method, named by its route id', () => {
      const operations = methods().map((method) => method.OperationName);
      expect(operations.sort()).toEqual(routes.map((route) => route.id).sort());
    });

    it('one Lambda per route on nodejs24.x / arm64 (x86_64 for sharp) with X-Ray and reserved concurrency', () => {
      const functions = routeFunctionResources().map((fn) => fn.Properties as Props);
      expect(functions).toHaveLength(routes.length);
      const rendering = routes.filter((route) => (route as RouteDefinition).imageRendering).length;
      expect(functions.filter((fn) => JSON.stringify(fn.Architectures) === '["x86_64"]')).toHaveLength(
        rendering,
      );
      for (const fn of functions) {
        expect(fn).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: [expect.stringMatching(/^(arm64|x86_64)$/)],
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogFormat: 'JSON', LogGroup: expect.anything() },
        });
      }
      const handlers = Object.values(synthesizedApp().stacks.api.routeApi.functions).map(
        (fn) => fn.function.node.path,
      );
      expect(handlers).toHaveLength(routes.length);
    });

    it('every route function receives the base env contract', () => {
      const required = Object.keys(BaseEnvSchema.shape).filter(
        (name) =>
          name !== 'AWS_REGION' &&
          !BaseEnvSchema.shape[name as keyof typeof BaseEnvSchema.shape].safeParse(undefined).success,
      );
      for (const fn of routeFunctionResources()) {
        const variables = Object.keys(propertyAt<Props>(fn, 'Environment.Variables'));
        expect(variables).toEqual(
          expect.arrayContaining([...required, 'APP_VERSION', 'POWERTOOLS_SERVICE_NAME']),
        );
      }
    });

    it('[PP-18] every route may read the audit chain head and append (PutItem), with an explicit Deny on update and delete', () => {
      const policies = Object.values(resourcesOf(api(), 'AWS::IAM::Policy')).filter((policy) =>
        JSON.stringify(policy).includes('AppendAuditRecords'),
      );
      expect(policies).toHaveLength(routes.length);
      for (const policy of policies) {
        const statements = propertyAt<Props[]>(policy, 'PolicyDocument.Statement');
        const bySid = (sid: string) => statements.find((statement) => statement.Sid === sid);
        expect(bySid('AppendAuditRecords')?.Effect).toBe('Allow');
        expect(actions(bySid('AppendAuditRecords'))).toEqual(['dynamodb:PutItem']);
        expect(bySid('ReadAuditChainHead')?.Effect).toBe('Allow');
        expect(actions(bySid('ReadAuditChainHead'))).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
        for (const sid of ['AppendAuditRecords', 'ReadAuditChainHead']) {
          // The base table only: the chain head is read by key, never through an index.
          const resource = JSON.stringify(bySid(sid)?.Resource);
          expect(resource).toContain('AuditTable');
          expect(resource).not.toContain('/index/');
        }
        const deny = bySid('DenyAuditTampering');
        expect(deny?.Effect).toBe('Deny');
        expect(actions(deny)).toEqual([
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:DeleteTable',
          'dynamodb:PartiQLDelete',
          'dynamodb:PartiQLUpdate',
          'dynamodb:UpdateItem',
          'dynamodb:UpdateTable',
        ]);
        expect(JSON.stringify(deny?.Resource)).toContain('AuditTable');
      }
    });

    it('[PP-18] only routes bound to audit-table:read may query the audit table by time (gsi1), read-only', () => {
      const readers = boundTo('audit-table:read');
      const queryingIndex = Object.values(resourcesOf(api(), 'AWS::IAM::Policy')).filter((policy) =>
        propertyAt<Props[]>(policy, 'PolicyDocument.Statement').some(
          (statement) =>
            JSON.stringify(statement.Resource).includes('AuditTable') &&
            JSON.stringify(statement.Resource).includes('/index/'),
        ),
      );
      expect(queryingIndex).toHaveLength(readers.length);
      for (const route of readers) {
        const statements = routeStatements(route.id);
        const bySid = (sid: string) => statements.find((statement) => statement.Sid === sid);
        expect(actions(bySid('QueryAuditRecords'))).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
        expect(bySid('QueryAuditRecordsByTime')).toMatchObject({
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [expect.anything(), '/index/gsi1']] },
        });
        const auditKeyGrants = statements.filter(
          (statement) =>
            JSON.stringify(statement.Resource).includes('AuditKey') &&
            JSON.stringify(statement.Action).includes('kms:'),
        );
        // Decrypt for the reader grant; Encrypt/GenerateDataKey come from the append grant every route has.
        expect(auditKeyGrants.flatMap((statement) => actions(statement))).toContain('kms:Decrypt');
      }
    });

    it('[PP-18] only routes bound to customer-pool:admin may administer users', () => {
      const admins = routes.filter((route) =>
        (route.bindings as readonly string[]).includes('customer-pool:admin'),
      );
      const policies = Object.values(resourcesOf(api(), 'AWS::IAM::Policy')).filter((policy) =>
        JSON.stringify(policy).includes('cognito-idp:AdminCreateUser'),
      );
      expect(policies).toHaveLength(admins.length);
      for (const route of admins) {
        const granted = routeStatements(route.id)
          .filter((statement) => JSON.stringify(statement.Action).includes('cognito-idp:'))
          .map((statement) => ({
            actions: actions(statement),
            resource: JSON.stringify(statement.Resource),
          }));
        expect(granted).toHaveLength(1);
        expect(granted[0]?.actions).toEqual([
          'cognito-idp:AdminAddUserToGroup',
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminDeleteUser',
          'cognito-idp:AdminDisableUser',
          'cognito-idp:AdminEnableUser',
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminRemoveUserFromGroup',
          'cognito-idp:AdminSetUserPassword',
          'cognito-idp:AdminUpdateUserAttributes',
          'cognito-idp:AdminUserGlobalSignOut',
        ]);
        expect(granted[0]?.resource).toContain('CustomersUserPool');
      }
    });

    it('[PP-18] only routes bound to accounts-table:write may write memberships; the rest may only accept an invitation', () => {
      const writers = routes.filter((route) =>
        (route.bindings as readonly string[]).includes('accounts-table:write'),
      );
      const policies = Object.values(resourcesOf(api(), 'AWS::IAM::Policy'));
      // Statements that write the accounts table but never a membership: the audit append, and continued
      // use recorded as acceptance (acceptance items, and the member's acceptedPolicyVersion alone) [PP-24].
      const NOT_MEMBERSHIP_WRITES = new Set([
        'AppendAuditRecords',
        'RecordPolicyAcceptance',
        'NoteAcceptedPolicyVersion',
      ]);
      const accountWrites = policies.filter((policy) =>
        propertyAt<Props[]>(policy, 'PolicyDocument.Statement').some(
          (statement) =>
            !NOT_MEMBERSHIP_WRITES.has(String(statement.Sid)) &&
            JSON.stringify(statement.Action).includes('dynamodb:PutItem') &&
            JSON.stringify(statement.Resource).includes('AccountsTable'),
        ),
      );
      expect(accountWrites).toHaveLength(writers.length);
      const acceptance = policies.flatMap((policy) =>
        propertyAt<Props[]>(policy, 'PolicyDocument.Statement').filter(
          (statement) => statement.Sid === 'AcceptInvitation',
        ),
      );
      // Staff have no memberships: workforce routes get no write on the accounts table [PP-08].
      expect(acceptance).toHaveLength(routes.length - workforceRoutes.length);
      for (const route of workforceRoutes) {
        const writes = routeStatements(route.id).filter(
          (statement) =>
            statement.Effect === 'Allow' &&
            JSON.stringify(statement.Resource).includes('AccountsTable') &&
            /PutItem|UpdateItem|DeleteItem|BatchWriteItem/.test(JSON.stringify(statement.Action)),
        );
        expect({ route: route.id, writes }).toEqual({ route: route.id, writes: [] });
      }
      for (const statement of acceptance) {
        expect(statement.Action).toBe('dynamodb:UpdateItem');
        expect(statement.Condition).toEqual({
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'invitationExpiresAt'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        });
      }
    });

    it('[PP-18] only routes bound to welcome-workflow:start may start it, encrypting the input under its key', () => {
      const starters = routes.filter((route) =>
        (route.bindings as readonly string[]).includes('welcome-workflow:start'),
      );
      const policies = Object.values(resourcesOf(api(), 'AWS::IAM::Policy')).filter(
        (policy) =>
          JSON.stringify(policy).includes('states:StartExecution') &&
          JSON.stringify(policy).includes('WelcomeMail'),
      );
      expect(policies).toHaveLength(starters.length);
      for (const policy of policies) {
        expect(propertyAt<Props[]>(policy, 'PolicyDocument.Statement')).toContainEqual(
          expect.objectContaining({
            Action: 'kms:GenerateDataKey',
            Condition: {
              StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': expect.anything() },
            },
          }),
        );
      }
    });

    it('[PP-18] responses are never cached (no cache cluster, caching off for every method)', () => {
      templateOf(api()).hasResourceProperties('AWS::ApiGateway::Stage', {
        CacheClusterEnabled: false,
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            CachingEnabled: false,
            DataTraceEnabled: false,
          }),
        ]),
      });
    });

    it('[PP-18] stage logs access (KMS-encrypted), logs execution errors without data trace, throttles from the capacity model', () => {
      templateOf(api()).hasResourceProperties('AWS::ApiGateway::Stage', {
        // Stage tracing off: API Gateway's trace segments record the full URL, QIDO queries included.
        TracingEnabled: false,
        ClientCertificateId: Match.anyValue(),
        AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"userSub"') },
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            LoggingLevel: 'ERROR',
            DataTraceEnabled: false,
            ThrottlingRateLimit: stageThrottle().rateLimit,
            ThrottlingBurstLimit: stageThrottle().burstLimit,
          }),
        ]),
      });
      for (const group of Object.values(resourcesOf(api(), 'AWS::Logs::LogGroup'))) {
        expect(group.Properties).toMatchObject({
          KmsKeyId: expect.anything(),
          RetentionInDays: expect.any(Number),
        });
      }
    });

    it('a request validator checks body and parameters on every method', () => {
      templateOf(api()).hasResourceProperties('AWS::ApiGateway::RequestValidator', {
        ValidateRequestBody: true,
        ValidateRequestParameters: true,
      });
      for (const method of methods()) expect(method.RequestValidatorId).toBeDefined();
    });

    it('only routes with a JSON body schema get a body model; multipart STOW bodies are not checked as JSON', () => {
      const byOperation = new Map(methods().map((method) => [method.OperationName, method]));
      for (const route of routes) {
        const models = byOperation.get(route.id)?.RequestModels;
        const hasBody = (route as RouteDefinition).request?.body !== undefined;
        expect({
          route: route.id,
          models: models === undefined ? undefined : Object.keys(models as Props),
        }).toEqual({
          route: route.id,
          models: hasBody ? ['application/json'] : undefined,
        });
      }
      const stow = routes.filter((route) => hasBinding(route, 'imaging-store:write'));
      expect(stow.length).toBeGreaterThan(0);
      for (const route of stow) expect(byOperation.get(route.id)?.RequestModels).toBeUndefined();
    });

    it('gateway-generated 4XX/5XX answers use the API error shape', () => {
      for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED']) {
        templateOf(api()).hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
          ResponseType: type,
          ResponseTemplates: {
            'application/json': Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
          },
        });
      }
    });

    it('gateway-generated errors name the console origin only (a 401 the console can read), never a wildcard', () => {
      const consoleOrigin = new URL(synthesizedApp().config.appBaseUrl).origin;
      const responses = Object.values(resourcesOf(api(), 'AWS::ApiGateway::GatewayResponse'));
      expect(responses.length).toBeGreaterThan(0);
      for (const response of responses) {
        const headers = response.Properties?.ResponseParameters as Record<string, string>;
        expect(headers).toMatchObject({
          'gatewayresponse.header.access-control-allow-origin': `'${consoleOrigin}'`,
          'gatewayresponse.header.vary': "'Origin'",
        });
        expect(Object.keys(headers).join()).not.toContain('credentials');
      }
    });
  });

  describe('imaging', () => {
    /** Grants on the imaging bucket and key, apart from the upload-session staging grants tested below. */
    const imagingStatements = (routeId: string, resourceMarker: string) =>
      routeStatements(routeId).filter(
        (statement) =>
          statement.Effect === 'Allow' &&
          !STAGING_SIDS.test(String(statement.Sid)) &&
          JSON.stringify(statement.Resource).includes(resourceMarker),
      );

    it('[PP-18] only STOW may PutObject or DeleteObject on the imaging bucket (deletes are recoverable; the purge removes objects)', () => {
      const writers = boundTo('imaging-store:write');
      expect(writers.map((route) => route.id).sort()).toEqual(['storeInstances', 'storeInstancesInStudy']);
      for (const route of routes) {
        const granted = imagingStatements(route.id, 'ImagingBucket').flatMap((statement) =>
          actions(statement),
        );
        for (const action of granted) expect(action).not.toMatch(/\*/);
        const writes = granted.filter((action) => /^s3:(Put|Delete)/.test(action));
        expect({ route: route.id, writes: writes.sort() }).toEqual({
          route: route.id,
          writes: hasBinding(route, 'imaging-store:write')
            ? ['s3:DeleteObject', 's3:PutObject']
            : hasBinding(route, 'imaging-store:delete')
              ? ['s3:DeleteObject']
              : [],
        });
        if (
          !hasBinding(route, 'imaging-store:write') &&
          !hasBinding(route, 'imaging-store:read') &&
          !hasBinding(route, 'imaging-store:delete')
        ) {
          expect({ route: route.id, granted }).toEqual({ route: route.id, granted: [] });
        }
      }
      for (const route of writers) {
        const keyGrant = routeStatements(route.id).filter((statement) => statement.Sid === 'WriteObjectsKey');
        expect(JSON.stringify(keyGrant[0]?.Resource)).toContain('ImagingKey');
        expect(JSON.stringify(keyGrant[0]?.Resource)).not.toContain('TablesImaging');
        expect(keyGrant.flatMap((statement) => actions(statement))).toEqual([
          'kms:Encrypt',
          'kms:GenerateDataKey',
        ]);
        expect(keyGrant[0]?.Condition).toEqual({
          StringEquals: { 'kms:ViaService': `s3.${api().region}.amazonaws.com` },
        });
      }
    });

    it('[PP-18] only the WADO-RS retrievals (rendered included) may read the imaging bucket: GetObject alone, and decrypt', () => {
      const readers = boundTo('imaging-store:read').map((route) => route.id);
      expect([...readers].sort()).toEqual(
        [...WADO_RETRIEVALS, ...RENDERED_RETRIEVALS, ...SHARE_RETRIEVALS].sort(),
      );
      for (const routeId of readers) {
        const bucket = imagingStatements(routeId, 'ImagingBucket');
        expect({ routeId, actions: bucket.flatMap((statement) => actions(statement)) }).toEqual({
          routeId,
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
        });
        const key = routeStatements(routeId).filter((statement) => statement.Sid === 'ReadObjectsKey');
        expect(key.flatMap((statement) => actions(statement))).toEqual(['kms:Decrypt']);
      }
      // Metadata is on the index: its route never touches the bucket.
      expect(imagingStatements('retrieveInstanceMetadata', 'ImagingBucket')).toEqual([]);
    });

    it('streams exactly the routes the table marks, through the response-streaming Lambda API', () => {
      const byOperation = new Map(methods().map((method) => [method.OperationName, method]));
      const streaming = routes.filter((route) => (route as RouteDefinition).response === 'stream');
      expect(streaming.map((route) => route.id).sort()).toEqual(
        [...WADO_RETRIEVALS, ...RENDERED_RETRIEVALS, ...SHARE_RETRIEVALS].sort(),
      );
      for (const route of routes) {
        const integration = byOperation.get(route.id)?.Integration as Props;
        const streamed = (route as RouteDefinition).response === 'stream';
        expect({ route: route.id, mode: integration.ResponseTransferMode }).toEqual({
          route: route.id,
          mode: streamed ? 'STREAM' : undefined,
        });
        expect(JSON.stringify(integration.Uri).includes('/response-streaming-invocations')).toBe(streamed);
      }
    });

    it('streaming functions run long enough for the largest response the limits allow, and no longer', () => {
      const { functions } = api().routeApi;
      const all = resourcesOf(api(), 'AWS::Lambda::Function');
      for (const route of routes) {
        const fn = all[logicalIdOf(functions[route.id]?.function as never)]?.Properties as Props;
        const timeout = Number(fn.Timeout);
        if ((route as RouteDefinition).response === 'stream') {
          expect({ route: route.id, timeout }).toEqual({
            route: route.id,
            timeout: STREAMING_FUNCTION_TIMEOUT.toSeconds(),
          });
        } else {
          // A buffered answer must come within API Gateway's 29 s integration timeout.
          expect({ route: route.id, withinGateway: timeout <= 29 }).toEqual({
            route: route.id,
            withinGateway: true,
          });
        }
        // The local router gives the same handler this deadline (getRemainingTimeInMillis); STOW budgets by it.
        expect({ route: route.id, timeout }).toEqual({
          route: route.id,
          timeout: functionTimeoutSeconds(route),
        });
      }
    });

    it('every function knows the console origin; DICOMweb functions also know the viewers, no other does', () => {
      const { config } = synthesizedApp();
      const { functions } = api().routeApi;
      for (const route of routes) {
        const env = functions[route.id]?.environment ?? {};
        expect({ route: route.id, console: env.CONSOLE_ORIGIN, viewers: env.DICOMWEB_CORS_ORIGINS }).toEqual({
          route: route.id,
          console: new URL(config.appBaseUrl).origin,
          viewers: route.path.startsWith('/dicomweb/') ? config.dicomwebCorsOrigins.join(',') : undefined,
        });
      }
    });

    it('[PP-18] only recoverable deletes and restores remove index items; no route removes a stored object', () => {
      const curating = ['deleteInstance', 'deleteSeries', 'deleteStudy', 'restoreDeletedStudy'];
      expect(
        boundTo('imaging-index:curate')
          .map((route) => route.id)
          .sort(),
      ).toEqual(curating);
      // Stored objects go only by the scheduled purge, once the retention period ends.
      expect(boundTo('imaging-index:delete')).toEqual([]);
      expect(boundTo('imaging-store:delete')).toEqual([]);
      expect(boundTo('imaging-store:purge')).toEqual([]);
      for (const id of curating) expect(routeById(id)?.access).toEqual({ kind: 'action', action: 'delete' });
      for (const route of routes) {
        const granted = imagingStatements(route.id, 'ImagingTable').flatMap((statement) =>
          actions(statement),
        );
        const curates = hasBinding(route, 'imaging-index:curate');
        expect({
          route: route.id,
          deletes: granted.filter((action) => /Delete|BatchWrite|PartiQL|\*/.test(action)).sort(),
        }).toEqual({
          route: route.id,
          deletes:
            hasBinding(route, 'imaging-index:delete') || curates
              ? ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem']
              : [],
        });
        const writes = granted.filter((action) => /PutItem|UpdateItem/.test(action)).sort();
        const reads = granted.includes('dynamodb:GetItem') && granted.includes('dynamodb:Query');
        const indexed =
          hasBinding(route, 'imaging-index:read') ||
          hasBinding(route, 'imaging-index:write') ||
          hasBinding(route, 'imaging-index:delete') ||
          hasBinding(route, 'imaging-index:curate');
        expect({ route: route.id, writes, reads }).toEqual({
          route: route.id,
          writes:
            hasBinding(route, 'imaging-index:write') || curates
              ? ['dynamodb:PutItem', 'dynamodb:UpdateItem']
              : [],
          reads: indexed,
        });
        if (indexed) {
          const indexGrant = imagingStatements(route.id, 'ImagingTable').find((statement) =>
            JSON.stringify(statement.Resource).includes('/index/'),
          );
          expect(indexGrant?.Action).toBe('dynamodb:Query');
          expect(JSON.stringify(indexGrant?.Resource)).toContain('/index/gsi1');
          expect(JSON.stringify(indexGrant?.Resource)).toContain('/index/gsi2');
          expect(JSON.stringify(indexGrant?.Resource)).toContain('/index/gsi3');
        }
      }
    });

    it('imaging routes get exactly the imaging env vars of their bindings', () => {
      const { functions } = api().routeApi;
      for (const route of routes) {
        const env = functions[route.id]?.environment ?? {};
        const indexed =
          hasBinding(route, 'imaging-index:read') ||
          hasBinding(route, 'imaging-index:write') ||
          hasBinding(route, 'imaging-index:delete') ||
          hasBinding(route, 'imaging-index:curate');
        const stored =
          hasBinding(route, 'imaging-store:read') ||
          hasBinding(route, 'imaging-store:write') ||
          hasBinding(route, 'imaging-store:delete') ||
          hasBinding(route, 'upload-staging:write');
        expect({
          route: route.id,
          table: 'IMAGING_TABLE_NAME' in env,
          bucket: 'IMAGING_BUCKET_NAME' in env,
        }).toEqual({
          route: route.id,
          table: indexed,
          bucket: stored,
        });
      }
    });

    it('every route resource answers CORS preflights: the console everywhere, viewers on /dicomweb only, no credentials', () => {
      const { config } = synthesizedApp();
      const consoleOrigin = new URL(config.appBaseUrl).origin;
      const { corsPreflights } = api().routeApi;
      const paths = [...new Set(routes.map((route) => route.path))].sort();
      expect(paths.some((path) => path.startsWith('/dicomweb/'))).toBe(true);
      expect(Object.keys(corsPreflights).sort()).toEqual(paths);
      const preflights = allMethods().filter((method) => method.HttpMethod === 'OPTIONS');
      expect(preflights).toHaveLength(paths.length);
      const all = resourcesOf(api(), 'AWS::ApiGateway::Method');
      for (const path of paths) {
        const method = all[logicalIdOf(corsPreflights[path] as never)]?.Properties as Props;
        expect(method).toMatchObject({ HttpMethod: 'OPTIONS', AuthorizationType: 'NONE' });
        const integration = JSON.stringify(method.Integration);
        expect(integration).toContain('"Type":"MOCK"');
        expect(integration).toContain(consoleOrigin);
        const dicomweb = path.startsWith('/dicomweb/');
        for (const origin of config.dicomwebCorsOrigins) {
          expect({ path, viewer: integration.includes(origin) }).toEqual({ path, viewer: dicomweb });
        }
        const [headers, methods] = dicomweb
          ? [DICOMWEB_CORS_HEADERS, DICOMWEB_CORS_METHODS]
          : [API_CORS_HEADERS, API_CORS_METHODS];
        expect(integration).toContain(`'${headers.join(',')}'`);
        expect(integration).toContain(`'${methods.join(',')}'`);
        expect(integration).not.toContain('Access-Control-Allow-Credentials');
        expect(integration).not.toMatch(/Allow-Origin":"'\*'/);
      }
      expect(config.dicomwebCorsOrigins).toEqual(['https://viewer.pacscribe.example']);
    });
  });

  describe('upload sessions', () => {
    const stagingRoutes = () => boundTo('upload-staging:write');

    it('[PP-18] upload-session routes reach the imaging bucket only under uploads/, with object-level actions', () => {
      expect(
        stagingRoutes()
          .map((route) => route.id)
          .sort(),
      ).toEqual([
        'abortUploadSession',
        'completeUploadSession',
        'createUploadSession',
        'issueUploadPartUrls',
      ]);
      for (const route of routes) {
        const statements = routeStatements(route.id);
        const staged = statements.find((statement) => statement.Sid === 'StageUploads');
        if (!hasBinding(route, 'upload-staging:write')) {
          expect({ route: route.id, staged }).toEqual({ route: route.id, staged: undefined });
          continue;
        }
        expect(actions(staged)).toEqual([
          's3:AbortMultipartUpload',
          's3:DeleteObject',
          's3:GetObject',
          's3:PutObject',
        ]);
        expect(JSON.stringify(staged?.Resource)).toMatch(/ImagingBucket.*"\/uploads\/\*"/);
        const key = statements.find((statement) => statement.Sid === 'StageUploadsKey');
        expect(actions(key)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
        expect(key?.Condition).toEqual({
          StringEquals: { 'kms:ViaService': `s3.${api().region}.amazonaws.com` },
        });
      }
    });

    it('[PP-18] only completeUploadSession may start the upload-ingest workflow', () => {
      expect(boundTo('upload-ingest:start').map((route) => route.id)).toEqual(['completeUploadSession']);
      const starters = Object.values(resourcesOf(api(), 'AWS::IAM::Policy')).filter(
        (policy) =>
          JSON.stringify(policy).includes('states:StartExecution') &&
          JSON.stringify(policy).includes('UploadIngest'),
      );
      expect(starters).toHaveLength(1);
      expect(JSON.stringify(starters[0]?.Properties?.Roles)).toContain(
        logicalIdOf(api().routeApi.functions.completeUploadSession?.role as never),
      );
    });

    it('[PP-18] sessions live in their own table: routes read, put and update it, none deletes', () => {
      const { functions } = api().routeApi;
      for (const route of routes) {
        const granted = routeStatements(route.id)
          .filter(
            (statement) =>
              statement.Effect === 'Allow' && JSON.stringify(statement.Resource).includes('UploadsTable'),
          )
          .flatMap((statement) => actions(statement))
          .filter((action) => action.startsWith('dynamodb:'));
        const writes = hasBinding(route, 'upload-sessions:write');
        const reads = writes || hasBinding(route, 'upload-sessions:read');
        expect({ route: route.id, granted: [...new Set(granted)].sort() }).toEqual({
          route: route.id,
          granted: reads
            ? [
                'dynamodb:BatchGetItem',
                'dynamodb:ConditionCheckItem',
                'dynamodb:GetItem',
                'dynamodb:Query',
                ...(writes ? ['dynamodb:PutItem', 'dynamodb:UpdateItem'] : []),
              ].sort()
            : [],
        });
        expect({
          route: route.id,
          env: 'UPLOAD_SESSIONS_TABLE_NAME' in (functions[route.id]?.environment ?? {}),
        }).toEqual({
          route: route.id,
          env: reads,
        });
      }
    });
  });

  describe('WAF', () => {
    it('[PP-18] a WAFv2 web ACL with managed rules and a per-IP rate limit guards the stage, with logging', () => {
      const template = templateOf(api());
      template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        Rules: Match.arrayWith([
          Match.objectLike({
            Statement: {
              ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
            },
          }),
          Match.objectLike({
            Statement: {
              ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' },
            },
          }),
          Match.objectLike({
            Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) },
          }),
        ]),
      });
      template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: Match.anyValue() });
      template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
        RedactedFields: [
          { SingleHeader: { Name: 'authorization' } },
          { SingleHeader: { Name: 'cookie' } },
          { QueryString: {} },
          { UriPath: {} },
        ],
      });
    });

    it('a per-IP rate limit scoped to the public sign-up paths answers 429 rate_limited, as the local router does', () => {
      const [acl] = Object.values(resourcesOf(api(), 'AWS::WAFv2::WebACL'));
      const rules = propertyAt<Props[]>(acl, 'Rules');
      const rule = rules.find((candidate) => candidate.Name === 'SignupRateLimitPerIp');
      expect(rule).toMatchObject({
        Action: { Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'rate-limited' } } },
        Statement: {
          RateBasedStatement: {
            Limit: synthesizedApp().config.wafSignupRateLimitPer5Minutes,
            AggregateKeyType: 'IP',
            EvaluationWindowSec: SIGNUP_RATE_LIMIT.windowSeconds,
            ScopeDownStatement: {
              ByteMatchStatement: {
                FieldToMatch: { UriPath: {} },
                PositionalConstraint: 'CONTAINS',
                SearchString: SIGNUP_RATE_LIMIT.pathFragment,
              },
            },
          },
        },
      });
      expect(synthesizedApp().config.wafSignupRateLimitPer5Minutes).toBe(SIGNUP_RATE_LIMIT.defaultLimit);
      const body = propertyAt<Props>(acl, 'CustomResponseBodies')['rate-limited'];
      expect(body).toEqual({ ContentType: 'APPLICATION_JSON', Content: RATE_LIMITED_BODY });
      expect(JSON.parse(RATE_LIMITED_BODY).error.code).toBe('rate_limited');
      // Every public route but the read-only ones (health, the OpenAPI document, the privacy policy: the
      // same text for everyone, no write, nothing sent) is a sign-up or unsubscribe route, inside a scope.
      const uncovered = publicRoutes
        .filter((route) => !isSignupRateLimited(route) && !isUnsubscribeRateLimited(route))
        .map((route) => route.id);
      // The Stripe webhook is left out on purpose: Stripe delivers from a shared pool of addresses, so a
      // per-IP limit would drop genuine events; its signature check is the control.
      // The share recipient's routes are limited in the function instead (conditional-write counters per
      // link and per source address, the same locally and in AWS): the viewer loads many images per visit.
      expect(uncovered.sort()).toEqual([
        'downloadShare',
        'getCurrentPolicy',
        'getOpenApi',
        'getPolicyVersion',
        'health',
        'listPolicyVersions',
        'openSharePage',
        'openShareSession',
        'receiveStripeWebhook',
        'requestShareCode',
        'viewShare',
        'viewSharedImage',
      ]);
    });

    it('a per-IP rate limit scoped to the public one-click unsubscribe answers 429 rate_limited', () => {
      const [acl] = Object.values(resourcesOf(api(), 'AWS::WAFv2::WebACL'));
      const rules = propertyAt<Props[]>(acl, 'Rules');
      const rule = rules.find((candidate) => candidate.Name === 'UnsubscribeRateLimitPerIp');
      expect(rule).toMatchObject({
        Action: { Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'rate-limited' } } },
        Statement: {
          RateBasedStatement: {
            Limit: UNSUBSCRIBE_RATE_LIMIT.defaultLimit,
            AggregateKeyType: 'IP',
            ScopeDownStatement: { ByteMatchStatement: { SearchString: UNSUBSCRIBE_RATE_LIMIT.pathFragment } },
          },
        },
      });
      const unsubscribeRoutes = publicRoutes.filter(isUnsubscribeRateLimited).map((route) => route.id);
      expect(unsubscribeRoutes.sort()).toEqual(['showUnsubscribe', 'unsubscribe']);
    });
  });
});
