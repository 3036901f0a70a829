import path from 'node:path';
import { DefaultStackSynthesizer, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { PacsUserPool } from '#infra/identity/pacs-user-pool';
import { AccessLogsBucket } from '#infra/shared/access-logs-bucket';
import { BUCKET_BASELINE } from '#infra/shared/bucket-baseline';
import type { LogEncryption } from '#infra/shared/log-encryption';
import {
  CONSOLE_INACTIVITY_MINUTES,
  CONSOLE_PATH,
  type ConsoleConfig,
  ConsoleConfigSchema,
} from '#schemas/console/console-config';
import { buildConsole } from './console-build';
import { CONSOLE_SECURITY_HEADERS, consoleContentSecurityPolicy } from './console-security-headers';

export interface ConsoleSiteProps {
  /** The console's address (`https://app.…/console/`): its host is the distribution's alternate domain. */
  consoleUrl: string;
  /** The API's origin (`https://api.…`), which the console calls. */
  apiOrigin: string;
  /** The imaging bucket's origin: the console uploads large files there through presigned URLs. */
  uploadOrigin: string;
  /** The customer pool: its hosted UI signs console users in, its app client is the console's client. */
  customers: PacsUserPool;
  /** A certificate for the console's host, in us-east-1 (CloudFront reads no other region). */
  certificate: acm.ICertificate;
  /** A CLOUDFRONT-scope web ACL; without one the finding is acknowledged (see ConsoleStack). */
  webAclArn?: string;
  /** Encrypts the deployment handler's log group. */
  logEncryption: LogEncryption;
  /** The built console; defaults to `buildConsole()` (tests may pass a fixture directory). */
  consoleDir?: string;
}

/** Files whose names change with their content: cached for a year, never revalidated. */
const IMMUTABLE = s3deploy.CacheControl.fromString('public, max-age=31536000, immutable');
/** index.html and config.json name everything else: always revalidated, so a deployment shows at once. */
const REVALIDATE = s3deploy.CacheControl.noCache();

/**
 * Viewer-request function (CloudFront Functions, JS 2.0): `/` goes to the console, and any path under it
 * that is not a built asset or config.json is a client-side route, answered with index.html. S3 behind
 * OAC has no index documents, so `/console/` itself needs this too.
 */
export const CONSOLE_VIEWER_REQUEST_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '${CONSOLE_PATH.slice(0, -1)}') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${CONSOLE_PATH}' } } };
  }
  if (uri.indexOf('${CONSOLE_PATH}') === 0 && uri.indexOf('${CONSOLE_PATH}assets/') !== 0 && uri !== '${CONSOLE_PATH}config.json') {
    request.uri = '${CONSOLE_PATH}index.html';
  }
  return request;
}`;

/** CONSOLE_SECURITY_HEADERS as CloudFront's typed security headers; the rest go out as custom headers. */
export function consoleResponseHeaders(
  contentSecurityPolicy: string,
): cloudfront.ResponseHeadersPolicyProps['securityHeadersBehavior'] & object {
  const hsts = CONSOLE_SECURITY_HEADERS['strict-transport-security'].split(';').map((part) => part.trim());
  const maxAge = Number(/^max-age=(\d+)$/.exec(hsts[0] ?? '')?.[1]);
  if (!Number.isInteger(maxAge)) throw new Error('strict-transport-security needs a max-age first');
  const frameOptions = {
    DENY: cloudfront.HeadersFrameOption.DENY,
    SAMEORIGIN: cloudfront.HeadersFrameOption.SAMEORIGIN,
  }[CONSOLE_SECURITY_HEADERS['x-frame-options']];
  const referrerPolicy = Object.values(cloudfront.HeadersReferrerPolicy).find(
    (policy) => policy === CONSOLE_SECURITY_HEADERS['referrer-policy'],
  );
  if (!referrerPolicy) throw new Error('referrer-policy has no CloudFront equivalent');
  return {
    contentSecurityPolicy: { contentSecurityPolicy, override: true },
    strictTransportSecurity: {
      accessControlMaxAge: Duration.seconds(maxAge),
      includeSubdomains: hsts.includes('includeSubDomains'),
      preload: hsts.includes('preload'),
      override: true,
    },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: frameOptions, override: true },
    referrerPolicy: { referrerPolicy, override: true },
  };
}

/** The headers CloudFront has no typed field for. */
const CUSTOM_HEADERS = ['permissions-policy', 'cross-origin-opener-policy'] as const;

/**
 * The web console in AWS: a private bucket read only by CloudFront (Origin Access Control), served at
 * `/console/` on appBaseUrl's host with TLS 1.2 (2021 policy) as the floor, HTTP redirected to HTTPS,
 * HTTP/2 and 3, the console's CSP and security headers on every answer, access logs, and WAF.
 *
 * No geo restriction: the files are the same public JavaScript for everyone and hold no PHI, and
 * clinicians read studies while travelling; [PP-11] is about where data is stored, which the API and
 * its buckets enforce.
 */
export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: AccessLogsBucket;
  readonly distributionLogs: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  readonly viewerRequest: cloudfront.Function;
  /** `/console/config.json` as deployed (the client id is a token until deployment). */
  readonly config: ConsoleConfig;
  readonly assetsDeployment: s3deploy.BucketDeployment;
  readonly pageDeployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const host = new URL(props.consoleUrl).host;
    const cognito = props.customers.hostedUiOrigin;

    this.accessLogs = new AccessLogsBucket(this, 'AccessLogs', { retention: Duration.days(365) });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...BUCKET_BASELINE,
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: this.accessLogs.bucket,
      serverAccessLogsPrefix: 'console/',
      // Old hashed assets stay for pages loaded before a deployment; old versions go after a month.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    });
    // CloudFront's standard logs are written with ACLs, so this bucket cannot enforce bucket ownership.
    this.distributionLogs = new s3.Bucket(this, 'DistributionLogs', {
      ...BUCKET_BASELINE,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: this.accessLogs.bucket,
      serverAccessLogsPrefix: 'distribution-logs/',
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    const staticOnly =
      'It holds only the console, the same public static files for every user and no PHI; they are rebuilt from source at each deployment.';
    Validations.of(this.bucket).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason: `${staticOnly} SSE-S3 spares a KMS key policy granting CloudFront decryption for every distribution in the account (OAC cannot name this one without a cycle).`,
      },
      { id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: staticOnly },
    );
    Validations.of(this.distributionLogs).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          "CloudFront standard logging delivers with the awslogsdelivery account and ACLs; SSE-S3 is the encryption it supports without a key policy for that account. The logs hold no PHI and no tokens: the only secret in a URL is the OAuth redirect's one-time code, useless without the PKCE verifier kept in the user's browser.",
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'Access logs are operational records of this distribution; the data they describe is not PHI.',
      },
    );

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'PACScribe console: CSP and security headers (infra/console/console-security-headers.ts)',
      securityHeadersBehavior: consoleResponseHeaders(
        consoleContentSecurityPolicy({
          connect: [props.apiOrigin, cognito, props.uploadOrigin],
          formAction: [cognito],
        }),
      ),
      customHeadersBehavior: {
        customHeaders: CUSTOM_HEADERS.map((header) => ({
          header,
          value: CONSOLE_SECURITY_HEADERS[header],
          override: true,
        })),
      },
    });
    this.viewerRequest = new cloudfront.Function(this, 'ViewerRequest', {
      comment: 'Console routes: / to /console/, client-side routes to index.html',
      code: cloudfront.FunctionCode.fromInline(CONSOLE_VIEWER_REQUEST_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'PACScribe web console',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // Honours the objects' Cache-Control: immutable assets, revalidated index.html and config.json.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [
          { function: this.viewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      domainNames: [host],
      certificate: props.certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.distributionLogs,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction on purpose: the console is the same static files for everyone, with no PHI, and clinicians read studies while travelling. Data residency [PP-11] is enforced where data is stored.',
    });

    this.config = ConsoleConfigSchema.parse({
      apiUrl: props.apiOrigin,
      authorizationEndpoint: `${cognito}/oauth2/authorize`,
      tokenEndpoint: `${cognito}/oauth2/token`,
      revocationEndpoint: `${cognito}/oauth2/revoke`,
      logoutEndpoint: `${cognito}/logout`,
      clientId: props.customers.client.userPoolClientId,
      redirectUri: props.consoleUrl,
      logoutRedirectUri: props.consoleUrl,
      inactivityMinutes: CONSOLE_INACTIVITY_MINUTES,
    } satisfies ConsoleConfig);

    const consoleDir = props.consoleDir ?? buildConsole();
    // One log group for both deployments, so they share CDK's single handler function.
    const deploymentLogs = props.logEncryption.createLogGroup(this, 'DeploymentLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
    });
    const prefix = CONSOLE_PATH.slice(1);
    this.assetsDeployment = new s3deploy.BucketDeployment(this, 'Assets', {
      sources: [s3deploy.Source.asset(path.join(consoleDir, 'assets'))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${prefix}assets/`,
      cacheControl: [IMMUTABLE],
      logGroup: deploymentLogs,
      // Pages still open from the last deployment keep loading their own hashed files.
      prune: false,
    });
    this.pageDeployment = new s3deploy.BucketDeployment(this, 'Page', {
      sources: [
        s3deploy.Source.asset(consoleDir, { exclude: ['assets'] }),
        s3deploy.Source.jsonData('config.json', this.config),
      ],
      destinationBucket: this.bucket,
      destinationKeyPrefix: prefix,
      cacheControl: [REVALIDATE],
      logGroup: deploymentLogs,
      prune: false,
      distribution: this.distribution,
      distributionPaths: [CONSOLE_PATH, `${CONSOLE_PATH}index.html`, `${CONSOLE_PATH}config.json`],
    });
    // The page names the assets: they are in place before it is.
    this.pageDeployment.node.addDependency(this.assetsDeployment);
    this.acknowledgeDeploymentHandler();
  }

  /** The stack-wide singleton function BucketDeployment creates to copy the files (CDK's, not ours). */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handlers = stack.node.children.filter((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    const reason = (finding: string) =>
      `CDK's BucketDeployment handler, which copies the console's public static files into its bucket at deployment: ${finding}`;
    const synthesizer = stack.synthesizer as DefaultStackSynthesizer;
    const qualifier = synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const wildcards = [
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map(
        (action) => `Action::${action}`,
      ),
      `Resource::arn:aws:s3:::cdk-${qualifier}-assets-${stack.account}-${stack.region}/*`,
      `Resource::<${stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket))}.Arn>/*`,
      'Resource::*',
    ];
    for (const handler of handlers) {
      Validations.of(handler).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: reason('the AWS-managed basic execution policy only lets it write its own logs.'),
        },
        ...wildcards.map((wildcard) => ({
          id: `AwsSolutions-IAM5[${wildcard}]`,
          reason: reason(
            'CDK grants object-level wildcards on the asset bucket and the console bucket only, and cloudfront:CreateInvalidation, which has no resource-level scope.',
          ),
        })),
        {
          id: 'HIPAA.Security-IAMNoInlinePolicy',
          reason: reason('CDK attaches its grants to the handler role as an inline policy.'),
        },
        { id: 'AwsSolutions-L1', reason: reason('CDK pins the runtime of its own handler.') },
        {
          id: 'HIPAA.Security-LambdaConcurrency',
          reason: reason('it runs once per deployment, never on demand.'),
        },
        {
          id: 'HIPAA.Security-LambdaDLQ',
          reason: reason('CloudFormation invokes it synchronously and reports a failure itself.'),
        },
        {
          id: 'HIPAA.Security-LambdaInsideVPC',
          reason: reason('it touches no PHI and reaches only S3 and CloudFront, outside any VPC.'),
        },
      );
    }
  }
}
