import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { z } from 'zod';
import type { RouteDefinition } from '#functions/shared/http/route';
import { applyBinding, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction } from '#infra/shared/pacs-function';
import { BaseEnvSchema, type Binding, MailEnvSchema, WelcomeWorkflowEnvSchema } from '#schemas/shared/env';
import { addGatewayResponses } from './gateway-responses';

/** Access tokens carry this scope, ID tokens none: requiring it makes the API refuse ID tokens. */
export const ACCESS_TOKEN_SCOPE = 'aws.cognito.signin.user.admin';

/** Every HTTP route reads memberships (authorization) and appends audit records, whatever else it does. */
const ROUTE_BASE_BINDINGS: readonly Binding[] = [
  'accounts-table:read',
  'accounts-table:accept-invitation',
  'audit-table:append',
];

export interface UserPoolRef {
  pool: cognito.IUserPool;
  clients: readonly cognito.IUserPoolClient[];
}

export interface RouteTableApiProps {
  routes: readonly RouteDefinition[];
  resources: BindingResources;
  customers: UserPoolRef;
  support: UserPoolRef;
  logEncryption: LogEncryption;
  stageName: string;
  appVersion: string;
  reservedConcurrency: number;
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * The REST API generated from the route table: one Lambda per route, the Cognito authorizer as the
 * default on every method, and the table's public routes as the only explicit exceptions.
 */
export class RouteTableApi extends Construct {
  readonly api: apigw.RestApi;
  readonly authorizer: apigw.CognitoUserPoolsAuthorizer;
  readonly accessLogGroup: logs.LogGroup;
  readonly clientCertificate: apigw.CfnClientCertificate;
  readonly requestValidator: apigw.RequestValidator;
  readonly functions: Readonly<Record<string, PacsFunction>>;
  readonly methods: Readonly<Record<string, apigw.Method>>;

  constructor(scope: Construct, id: string, props: RouteTableApiProps) {
    super(scope, id);

    this.accessLogGroup = props.logEncryption.createLogGroup(this, 'AccessLogs', {
      // Who called which route, when, with what outcome: audit evidence kept as long as the audit trail.
      retention: logs.RetentionDays.SIX_YEARS,
    });
    // API Gateway presents this certificate to backends; HIPAA.Security-APIGWSSLEnabled asks for it.
    this.clientCertificate = new apigw.CfnClientCertificate(this, 'ClientCertificate', {
      description: 'PACScribe API to backend',
    });
    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'CustomerAuthorizer', {
      cognitoUserPools: [props.customers.pool],
      identitySource: apigw.IdentitySource.header('Authorization'),
      resultsCacheTtl: Duration.minutes(5),
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `pacscribe-${props.stageName}`,
      description: 'PACScribe API (generated from functions/shared/routes.ts)',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The execute-api endpoint still negotiates TLS 1.0; only the custom domain enforces TLS 1.2 [PP-10].
      disableExecuteApiEndpoint: true,
      failOnWarnings: true,
      cloudWatchRole: true,
      defaultMethodOptions: {
        authorizer: this.authorizer,
        authorizationType: apigw.AuthorizationType.COGNITO,
        authorizationScopes: [ACCESS_TOKEN_SCOPE],
      },
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        // Execution logs at ERROR without data trace: request/response bodies may carry PHI.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        // No response cache: a cached authorized response could be served to another user [PP-18].
        cachingEnabled: false,
        cacheClusterEnabled: false,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        clientCertificateId: this.clientCertificate.attrClientCertificateId,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: apigw.AccessLogField.contextRequestId(),
            extendedRequestId: apigw.AccessLogField.contextExtendedRequestId(),
            requestTime: apigw.AccessLogField.contextRequestTime(),
            ip: apigw.AccessLogField.contextIdentitySourceIp(),
            userAgent: apigw.AccessLogField.contextIdentityUserAgent(),
            method: apigw.AccessLogField.contextHttpMethod(),
            // The route template, not the concrete path: paths can hold identifiers we keep out of logs.
            resourcePath: apigw.AccessLogField.contextResourcePath(),
            protocol: apigw.AccessLogField.contextProtocol(),
            status: apigw.AccessLogField.contextStatus(),
            responseLength: apigw.AccessLogField.contextResponseLength(),
            latencyMs: apigw.AccessLogField.contextResponseLatency(),
            integrationStatus: apigw.AccessLogField.contextIntegrationStatus(),
            userSub: apigw.AccessLogField.contextAuthorizerClaims('sub'),
            clientId: apigw.AccessLogField.contextAuthorizerClaims('client_id'),
            wafStatus: apigw.AccessLogField.contextWafResponseCode(),
            error: apigw.AccessLogField.contextErrorMessage(),
          }),
        ),
      },
    });
    addGatewayResponses(this.api);

    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // A coarse first gate; the handler parses the body with the route's zod schema for the detail.
    const jsonObjectBody = this.api.addModel('JsonObjectBody', {
      contentType: 'application/json',
      modelName: 'JsonObjectBody',
      schema: {
        schema: apigw.JsonSchemaVersion.DRAFT4,
        title: 'JsonObjectBody',
        type: apigw.JsonSchemaType.OBJECT,
      },
    });

    const functions: Record<string, PacsFunction> = {};
    const methods: Record<string, apigw.Method> = {};
    for (const route of props.routes) {
      const fn = this.createRouteFunction(route, props);
      const resource = this.api.root.resourceForPath(route.path);
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const method = resource.addMethod(
        route.method,
        new apigw.LambdaIntegration(fn.function, { proxy: true, allowTestInvoke: false }),
        {
          operationName: route.id,
          requestValidator: this.requestValidator,
          requestParameters: Object.fromEntries(
            pathParameters.map((name) => [`method.request.path.${name}`, true]),
          ),
          requestModels: route.request?.body ? { 'application/json': jsonObjectBody } : undefined,
          ...(route.access.kind === 'public' ? { authorizationType: apigw.AuthorizationType.NONE } : {}),
        },
      );
      if (route.access.kind === 'public') {
        const reason = `Public route "${route.id}" by design: ${route.access.reason}`;
        Validations.of(method).acknowledge(
          { id: 'AwsSolutions-APIG4', reason },
          { id: 'AwsSolutions-COG4', reason },
          // The API-wide default scopes are ignored on a method without an authorizer, as intended.
          { id: 'Annotation::@aws-cdk/aws-apigateway:invalidAuthScope', reason },
        );
      }
      functions[route.id] = fn;
      methods[route.id] = method;
    }
    this.functions = functions;
    this.methods = methods;

    Validations.of(this.api).acknowledge(
      {
        id: 'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
        reason:
          "Caching is off on purpose: the responses are authorized PHI, and a cache keyed without the caller's identity could serve one user's data to another.",
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level API Gateway CloudWatch role uses AmazonAPIGatewayPushToCloudWatchLogs, the AWS-maintained policy for execution logging.',
      },
    );
  }

  private createRouteFunction(route: RouteDefinition, props: RouteTableApiProps): PacsFunction {
    const fn = new PacsFunction(this, route.id, {
      handler: route.handler,
      description: `${route.method} ${route.path}: ${route.summary}`.slice(0, 256),
      serviceName: `pacscribe-${route.context}`,
      logEncryption: props.logEncryption,
      reservedConcurrency: props.reservedConcurrency,
    });
    fn.bindUserPoolClients(props.customers.pool, props.customers.clients, {
      poolIdName: 'CUSTOMER_USER_POOL_ID',
      clientIdsName: 'CUSTOMER_USER_POOL_CLIENT_IDS',
    });
    fn.bindUserPoolClients(props.support.pool, props.support.clients, {
      poolIdName: 'SUPPORT_USER_POOL_ID',
      clientIdsName: 'SUPPORT_USER_POOL_CLIENT_IDS',
    });
    fn.setEnvironment('APP_VERSION', props.appVersion);

    const bindings = new Set<Binding>([...ROUTE_BASE_BINDINGS, ...route.bindings]);
    // Write includes read: one grant, one env var.
    if (bindings.has('accounts-table:write')) bindings.delete('accounts-table:read');
    for (const binding of bindings) applyBinding(fn, binding, props.resources);

    fn.assertEnvironment(
      z.object({
        ...BaseEnvSchema.shape,
        ...(bindings.has('welcome-workflow:start') ? WelcomeWorkflowEnvSchema.shape : {}),
        ...(bindings.has('mail:send') ? MailEnvSchema.shape : {}),
      }),
    );

    Validations.of(fn).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked synchronously by API Gateway: the caller receives the error, so there is no event a dead-letter queue could keep.',
    });
    return fn;
  }
}
