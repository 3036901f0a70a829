import { Duration, NestedStack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  assertExplicitOrigins,
  type CorsOrigins,
  corsRuleFor,
  isDicomwebPath,
  PREFLIGHT_MAX_AGE_SECONDS,
} from '#functions/shared/http/cors';
import {
  type BoundedContext,
  functionTimeoutSeconds,
  type RouteAccess,
  type RouteDefinition,
  STREAMING_FUNCTION_TIMEOUT_SECONDS,
} from '#functions/shared/http/route';
import { imageRenderingFunctionProps, pixelCodecFunctionProps } from '#infra/imaging/image-rendering-runtime';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { LAMBDA_PRIVACY_POLICY_DIR, PacsFunction } from '#infra/shared/pacs-function';
import { type FunctionNetwork, ISOLATION_OFF, PrivateNetwork } from '#infra/shared/private-network';
import type { Binding } from '#schemas/shared/env';
import { reservedConcurrencyFor, type Workload } from './capacity-model';
import { addGatewayResponses } from './gateway-responses';
import { ACCESS_TOKEN_SCOPE, routeBindings, routeEnvSchema } from './route-environment';

/**
 * The contexts with routes that load dcmjs: imaging (QIDO, WADO, STOW, edits and reports use the data
 * dictionary), sharing (shared images, downloads de-identify) and exports. Each of their functions gets the
 * DICOM layer, a few that never load it too (a layer unused is never read); the function-bundles test
 * checks that every bundle requiring dcmjs has it.
 */
const DICOM_CONTEXTS: ReadonlySet<BoundedContext> = new Set(['imaging', 'sharing', 'exports']);
/** The contexts whose code uses a vendor-layer library: spreadsheets, ZIP, sealed tickets, Stripe. */
const VENDOR_CONTEXTS: ReadonlySet<BoundedContext> = new Set([
  'audit',
  'sharing',
  'exports',
  'support',
  'billing',
]);

/** Streaming functions' timeout (route.ts says why), for the tests that read the template. */
export const STREAMING_FUNCTION_TIMEOUT = Duration.seconds(STREAMING_FUNCTION_TIMEOUT_SECONDS);

export { ACCESS_TOKEN_SCOPE };

/**
 * Media types the API passes through as binary. Responses: audit CSV/XLSX downloads, which the functions
 * return base64-encoded (isBase64Encoded); API Gateway decodes them only when the request's first Accept
 * value is one of these. (WADO-RS retrievals stream, and a streamed body passes through as bytes.)
 * Requests: STOW-RS bodies (multipart/related) reach the function base64-encoded instead of mangled as
 * UTF-8. JSON, application/dicom+json (QIDO-RS) included, stays text. No catch-all wildcard: it would
 * also base64 every JSON request body.
 */
export const BINARY_MEDIA_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'multipart/related',
  'application/dicom',
] as const;

/**
 * Contexts whose functions stay outside the VPC while isolation is on, and why they hold no PHI. Billing
 * calls Stripe (api.stripe.com) on the internet, which no VPC endpoint reaches; its grants are checked
 * to name no PHI resource (test/infra/billing/billing-infra.test.ts, test/infra/shared/private-network.test.ts).
 */
export const OUTSIDE_VPC_CONTEXTS: Readonly<Record<string, string>> = {
  billing:
    'billing calls Stripe (api.stripe.com) over the internet, which no VPC endpoint reaches; its role names no imaging, export, support-message or inbound-mail resource and reads no audit record, so it has no PHI to expose (billing-infra and private-network tests).',
};

/**
 * Routes holding this binding stay outside the VPC while isolation is on: Cognito's Admin* API cannot be
 * reached through the cognito-idp endpoint for pools with a domain (ours have one, for managed login).
 */
export const USER_POOL_ADMIN_BINDING = 'customer-pool:admin' satisfies Binding;
export const USER_POOL_ADMIN_OUTSIDE_VPC_REASON =
  "user management calls Cognito's Admin* API, which the cognito-idp VPC endpoint does not serve for user pools with a domain; these functions handle staff and member accounts (names, emails, roles), not patient data: their roles name no imaging, upload, export, support-message, sharing or inbound-mail resource and read no audit record, only the accounts table, the audit trail (append) and their own mail or welcome workflow (private-network test).";

/** POWERTOOLS_SERVICE_NAME of a route's function: one service per bounded context (logs, metrics). */
export const routeServiceName = (route: Pick<RouteDefinition, 'context'>) => `pacscribe-${route.context}`;

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
  /** Where the route functions run: the private network (PHI), or ISOLATION_OFF. */
  network: Exclude<FunctionNetwork, { outsideVpc: string }>;
  stageName: string;
  appVersion: string;
  throttle: { rateLimit: number; burstLimit: number };
  /** The configured size's peak (capacity model): each capped function's reserved concurrency follows it. */
  workload: Workload;
  /** Origins allowed to call /dicomweb/* from a browser; never a wildcard. */
  dicomwebCorsOrigins: readonly string[];
  /** The web console's origin (appBaseUrl's), allowed on every route; never a wildcard. */
  consoleOrigin: string;
  /** The JWKS relay (infra/api/jwks-relay.ts): required when the functions run in the private network. */
  jwksRelay?: lambda.IFunction;
}

/**
 * The REST API generated from the route table: one Lambda per route, the customer-pool authorizer as
 * the default on every method, the support (workforce) pool's authorizer on workforce routes, and the
 * table's public routes as the only methods without one.
 */
export class RouteTableApi extends Construct {
  readonly api: apigw.RestApi;
  /**
   * Customer and support pools: the default for every method (member and action routes). A staff token
   * gets past it only to be decided by the function: under a valid grant on a support-readable route,
   * refused (and recorded) otherwise.
   */
  readonly customerAuthorizer: apigw.CognitoUserPoolsAuthorizer;
  /**
   * Support (workforce) pool, for workforce routes only; a customer token never passes it, nor a staff
   * token the customer one. Undefined while the table has no workforce route: CDK rejects an authorizer
   * that no method uses.
   */
  readonly workforceAuthorizer?: apigw.CognitoUserPoolsAuthorizer;
  readonly accessLogGroup: logs.LogGroup;
  readonly clientCertificate: apigw.CfnClientCertificate;
  readonly requestValidator: apigw.RequestValidator;
  readonly functions: Readonly<Record<string, PacsFunction>>;
  /** The nested stacks holding the functions, by bounded context. */
  readonly functionStacks = new Map<string, NestedStack>();
  readonly methods: Readonly<Record<string, apigw.Method>>;
  /** OPTIONS methods answering CORS preflights, by resource path. */
  readonly corsPreflights: Readonly<Record<string, apigw.Method>>;
  /** The nested stack holding the preflights: one per route resource would crowd the parent's 500. */
  readonly corsPreflightStack: NestedStack;

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
    const cognitoAuthorizer = (id: string, pools: cognito.IUserPool[]) =>
      new apigw.CognitoUserPoolsAuthorizer(this, id, {
        cognitoUserPools: pools,
        identitySource: apigw.IdentitySource.header('Authorization'),
        resultsCacheTtl: Duration.minutes(5),
      });
    // Customer routes also admit workforce tokens, so a support engineer's request under a grant (and
    // any refused one) reaches the function that decides it and records it; without a grant the function
    // refuses a workforce token on these routes (resolvePrincipal), as before.
    this.customerAuthorizer = cognitoAuthorizer('CustomerAuthorizer', [
      props.customers.pool,
      props.support.pool,
    ]);
    if (props.routes.some((route) => route.access.kind === 'workforce')) {
      this.workforceAuthorizer = cognitoAuthorizer('WorkforceAuthorizer', [props.support.pool]);
    }

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `pacscribe-${props.stageName}`,
      description: 'PACScribe API (generated from functions/shared/routes.ts)',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The execute-api endpoint still negotiates TLS 1.0; only the custom domain enforces TLS 1.2 [PP-10].
      disableExecuteApiEndpoint: true,
      failOnWarnings: true,
      cloudWatchRole: true,
      binaryMediaTypes: [...BINARY_MEDIA_TYPES],
      defaultMethodOptions: {
        authorizer: this.customerAuthorizer,
        authorizationType: apigw.AuthorizationType.COGNITO,
        authorizationScopes: [ACCESS_TOKEN_SCOPE],
      },
      deployOptions: {
        stageName: props.stageName,
        // Off: API Gateway's trace segments record the full request URL, and QIDO query strings hold
        // PatientName and PatientID. The functions are traced (Lambda active tracing), without URLs.
        tracingEnabled: false,
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
    addGatewayResponses(this.api, props.consoleOrigin);

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
        new apigw.LambdaIntegration(fn.function, {
          proxy: true,
          allowTestInvoke: false,
          // Streamed responses go past the 6 MB buffered limit; see RouteDefinition.response.
          ...(route.response === 'stream' ? { responseTransferMode: apigw.ResponseTransferMode.STREAM } : {}),
        }),
        {
          operationName: route.id,
          requestValidator: this.requestValidator,
          requestParameters: Object.fromEntries(
            pathParameters.map((name) => [`method.request.path.${name}`, true]),
          ),
          requestModels: route.request?.body ? { 'application/json': jsonObjectBody } : undefined,
          ...this.methodAuthorization(route.access),
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
    this.corsPreflightStack = new NestedStack(this, 'CorsPreflights', {
      description: 'PACScribe API: CORS preflights (OPTIONS, mock integrations)',
    });
    this.corsPreflights = this.addCorsPreflights(props);

    Validations.of(this.api).acknowledge(
      {
        id: 'HIPAA.Security-APIGWXrayEnabled',
        reason:
          "Stage tracing is off on purpose: API Gateway's X-Ray segments record the full request URL, and QIDO query strings carry PatientName and PatientID. Every function is traced (Lambda active tracing), which records no URL; access logs keep the route template, not the path.",
      },
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

  /** The configured browser origins, checked once: explicit origins, never a wildcard. */
  private static corsOrigins(props: RouteTableApiProps): CorsOrigins {
    if (props.dicomwebCorsOrigins.length === 0) throw new Error('dicomwebCorsOrigins must list an origin');
    assertExplicitOrigins([...props.dicomwebCorsOrigins, props.consoleOrigin]);
    return { console: props.consoleOrigin, dicomweb: props.dicomwebCorsOrigins };
  }

  /**
   * One OPTIONS method per resource that has a route: a mock integration, no Lambda, answering the origins
   * of the path's CORS rule only (echoed when listed, with Vary: Origin), no credentials. The rule lives
   * with the handlers (functions/shared/http/cors.ts), whose responses carry the matching
   * access-control-allow-origin themselves and which the local router's preflight uses too. The methods
   * live in their own nested stack, on the parent's resources (imported by id).
   */
  private addCorsPreflights(props: RouteTableApiProps): Record<string, apigw.Method> {
    const origins = RouteTableApi.corsOrigins(props);
    const paths = [...new Set(props.routes.map((route) => route.path))];
    const preflights: Record<string, apigw.Method> = {};
    for (const [index, path] of paths.entries()) {
      const rule = corsRuleFor(path, origins);
      const resource = apigw.Resource.fromResourceAttributes(this.corsPreflightStack, `Resource${index}`, {
        resourceId: this.api.root.resourceForPath(path).resourceId,
        restApi: this.api,
        path,
      });
      const preflight = resource.addCorsPreflight({
        allowOrigins: [...rule.origins],
        allowHeaders: [...rule.allowHeaders],
        allowMethods: [...rule.allowMethods],
        allowCredentials: false,
        maxAge: Duration.seconds(PREFLIGHT_MAX_AGE_SECONDS),
      });
      // cdk-nag exempts OPTIONS from its authorizer rules; only the API-wide default scopes, which CDK
      // ignores on a method without an authorizer, need acknowledging.
      const callers = isDicomwebPath(path)
        ? 'the web console and browser DICOMweb viewers'
        : 'the web console';
      Validations.of(preflight).acknowledge({
        id: 'Annotation::@aws-cdk/aws-apigateway:invalidAuthScope',
        reason: `CORS preflight for ${callers} on ${path}: browsers send OPTIONS without credentials; the mock integration returns CORS headers only, no data and no Lambda.`,
      });
      preflights[path] = preflight;
    }
    return preflights;
  }

  /** Method options by access kind; member and action routes keep the API default (customer pool). */
  private methodAuthorization(access: RouteAccess): apigw.MethodOptions {
    switch (access.kind) {
      case 'public':
        return { authorizationType: apigw.AuthorizationType.NONE };
      case 'member':
      case 'action':
        return {};
      case 'workforce': {
        // The group (access.group) is a claim check in the handler; API Gateway only proves the pool.
        if (!this.workforceAuthorizer) throw new Error('workforce route without a workforce authorizer');
        return {
          authorizer: this.workforceAuthorizer,
          authorizationType: apigw.AuthorizationType.COGNITO,
          authorizationScopes: [ACCESS_TOKEN_SCOPE],
        };
      }
      default: {
        const unhandled: never = access;
        throw new Error(`no API authorization for access ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /**
   * One nested stack per bounded context holds that context's functions (each with its role, policy,
   * log group and API permission): a route costs about eight resources, and CloudFormation takes at most
   * 500 per stack, so a single API stack stops deploying at about sixty routes. The API, its resources,
   * methods and authorizers stay in the parent; the split follows the code's own context folders.
   */
  private functionScope(context: string): NestedStack {
    let stack = this.functionStacks.get(context);
    if (!stack) {
      const name = `${context.charAt(0).toUpperCase()}${context.slice(1)}Functions`;
      stack = new NestedStack(this, name, {
        description: `PACScribe API: the ${context} context's functions`,
      });
      this.functionStacks.set(context, stack);
    }
    return stack;
  }

  /**
   * The private network, unless the route holds no PHI and needs what no endpoint serves: its context
   * calls the internet (billing), or it calls Cognito's Admin* API (user management).
   */
  private networkFor(route: RouteDefinition, network: RouteTableApiProps['network']): FunctionNetwork {
    if (network === ISOLATION_OFF) return network;
    const outsideVpc =
      OUTSIDE_VPC_CONTEXTS[route.context] ??
      (route.bindings.includes(USER_POOL_ADMIN_BINDING) ? USER_POOL_ADMIN_OUTSIDE_VPC_REASON : undefined);
    return outsideVpc !== undefined ? { outsideVpc } : network;
  }

  /**
   * The route's bindings; in the VPC also the JWKS relay, since Cognito's JWKS has no path from there
   * (functions outside fetch it over HTTPS, as locally).
   */
  private bindingsFor(
    route: RouteDefinition,
    network: FunctionNetwork,
    props: RouteTableApiProps,
  ): { bindings: Binding[]; resources: BindingResources } {
    if (!(network instanceof PrivateNetwork))
      return { bindings: routeBindings(route), resources: props.resources };
    if (!props.jwksRelay) throw new Error(`${route.id}: a function in the VPC needs the JWKS relay`);
    return {
      bindings: [...routeBindings(route), 'jwks-relay:invoke'],
      resources: { ...props.resources, jwksRelay: props.jwksRelay },
    };
  }

  private createRouteFunction(route: RouteDefinition, props: RouteTableApiProps): PacsFunction {
    const network = this.networkFor(route, props.network);
    const fn = new PacsFunction(this.functionScope(route.context), route.id, {
      handler: route.handler,
      description: `${route.method} ${route.path}: ${route.summary}`.slice(0, 256),
      serviceName: routeServiceName(route),
      logEncryption: props.logEncryption,
      network,
      // From the capacity model: capped classes get a ceiling, the rest share the account's pool.
      reservedConcurrency: reservedConcurrencyFor(route, props.workload),
      // A streamed response is bounded by size (the use case's limits), not by the buffered 29 s; the local
      // router gives each invocation the same deadline (getRemainingTimeInMillis).
      timeout: Duration.seconds(functionTimeoutSeconds(route)),
      // The contexts whose code reads DICOM (the index's layout needs the data dictionary) get the DICOM layer.
      dicomLibraries: DICOM_CONTEXTS.has(route.context),
      vendorLibraries: VENDOR_CONTEXTS.has(route.context),
      ...(route.pixelCodecs ? pixelCodecFunctionProps() : {}),
      ...(route.imageRendering ? imageRenderingFunctionProps(this) : {}),
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
    // Copied beside every bundle (infra/shared/pacs-function.ts): the version in force, read at cold start.
    fn.setEnvironment('PRIVACY_POLICY_DIR', LAMBDA_PRIVACY_POLICY_DIR);
    // The same origins the preflight answers for; the function echoes the caller's when its path's rule
    // lists it (functions/shared/http/cors.ts).
    fn.setEnvironment('CONSOLE_ORIGIN', props.consoleOrigin);
    if (isDicomwebPath(route.path)) {
      fn.setEnvironment('DICOMWEB_CORS_ORIGINS', props.dicomwebCorsOrigins.join(','));
    }
    const { bindings, resources } = this.bindingsFor(route, network, props);
    applyBindings(fn, bindings, resources);
    fn.assertEnvironment(routeEnvSchema(route));

    Validations.of(fn).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked synchronously by API Gateway: the caller receives the error, so there is no event a dead-letter queue could keep.',
    });
    return fn;
  }
}
