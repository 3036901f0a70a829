import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import { CONSOLE_VIEWER_REQUEST_CODE } from '#infra/console/console-site';
import { ConsoleStack } from '#infra/console/console-stack';
import { IdentityStack } from '#infra/identity/identity-stack';
import { type AppConfig, AppConfigSchema } from '#infra/shared/app-config';
import { PROJECT_ROOT } from '#infra/shared/project-root';
import { CONSOLE_INACTIVITY_MINUTES, ConsoleConfigSchema } from '#schemas/console/console-config';

type Props = Record<string, unknown>;

/** The identity and console stacks alone, as app.ts builds them (the rest of the app is not involved). */
function consoleApp(context: Partial<Record<keyof AppConfig, string>> = {}) {
  const config = AppConfigSchema.parse(context);
  // cdk.json's feature flags, as buildApp applies them.
  const { context: flags } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
  const app = new App({ analyticsReporting: false, context: flags });
  const env = { account: config.account, region: config.primaryRegion };
  const identity = new IdentityStack(app, 'Identity', { env, config });
  const stack = new ConsoleStack(app, 'Console', {
    env,
    config,
    identity,
    uploadOrigin: UPLOAD_ORIGIN,
  });
  return { config, identity, stack };
}

const UPLOAD_ORIGIN = 'https://imaging-bucket.s3.us-east-1.amazonaws.com';
const built = consoleApp();
const template = Template.fromStack(built.stack);
const only = (type: string): Props => {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return (found[0] as { Properties: Props }).Properties;
};
const distribution = () => only('AWS::CloudFront::Distribution').DistributionConfig as Props;
const headersPolicy = () =>
  (only('AWS::CloudFront::ResponseHeadersPolicy').ResponseHeadersPolicyConfig as Props)
    .SecurityHeadersConfig as Record<string, Props>;
const csp = () => String(headersPolicy().ContentSecurityPolicy?.ContentSecurityPolicy);
const directive = (name: string) =>
  csp()
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name} `));

describe('console site', () => {
  describe('bucket', () => {
    const consoleBucket = () => {
      const id = built.stack.resolve(
        built.stack.getLogicalId(built.stack.site.bucket.node.defaultChild as never),
      );
      return template.toJSON().Resources[id] as { Properties: Props };
    };

    it('blocks public access, is versioned, encrypted and logs to the access-log bucket', () => {
      expect(consoleBucket().Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LoggingConfiguration: { DestinationBucketName: expect.anything() },
      });
    });

    it('[PP-10] refuses requests without TLS, and grants reads to this distribution only (OAC)', () => {
      const bucketRef = {
        Ref: built.stack.resolve(
          built.stack.getLogicalId(built.stack.site.bucket.node.defaultChild as never),
        ),
      };
      const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
        (policy) =>
          JSON.stringify((policy as { Properties: Props }).Properties.Bucket) === JSON.stringify(bucketRef),
      );
      expect(policies).toHaveLength(1);
      const statements = JSON.stringify(policies[0]);
      expect(statements).toContain('"aws:SecureTransport":"false"');
      expect(statements).toContain('"s3:TlsVersion":1.2');
      expect(statements).toContain('"Service":"cloudfront.amazonaws.com"');
      expect(statements).toContain('AWS:SourceArn');
      expect(statements).not.toMatch(/"Principal":\{"AWS":"\*"\}[^}]*"Effect":"Allow"/);
    });
  });

  describe('distribution', () => {
    it('[PP-10] accepts TLS 1.2 (2021 policy) and up on the console host, and redirects HTTP to HTTPS', () => {
      expect(distribution()).toMatchObject({
        Aliases: [new URL(built.config.appBaseUrl).host],
        ViewerCertificate: { MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
        DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https' },
        HttpVersion: 'http2and3',
      });
    });

    it('reads the bucket through Origin Access Control, not a public website endpoint', () => {
      const [origin] = distribution().Origins as Props[];
      expect(origin).toMatchObject({
        OriginAccessControlId: expect.anything(),
        S3OriginConfig: { OriginAccessIdentity: '' },
      });
      expect(only('AWS::CloudFront::OriginAccessControl')).toMatchObject({
        OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
      });
    });

    it('logs access, and sits behind a CLOUDFRONT web ACL in us-east-1', () => {
      expect(distribution()).toMatchObject({
        Logging: { Bucket: expect.anything(), Prefix: 'cloudfront/' },
        WebACLId: {
          'Fn::GetAtt': [
            built.stack.resolve(built.stack.getLogicalId(built.stack.firewall?.webAcl as never)),
            'Arn',
          ],
        },
      });
      expect(only('AWS::WAFv2::WebACL')).toMatchObject({ Scope: 'CLOUDFRONT' });
      expect(only('AWS::WAFv2::LoggingConfiguration')).toBeDefined();
    });

    it('has no geo restriction: clinicians travel, and the files hold no PHI', () => {
      expect(distribution().Restrictions).toBeUndefined();
    });
  });

  describe('response headers', () => {
    it('[PP-18] allows scripts from the console itself only: no inline script, no eval', () => {
      const scripts = directive('script-src');
      expect(scripts).toBe("script-src 'self'");
      expect(scripts).not.toContain('unsafe-inline');
      expect(scripts).not.toContain('unsafe-eval');
      expect(directive('default-src')).toBe("default-src 'none'");
      expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    });

    it('lets the console call the API and the hosted UI, and post forms to the hosted UI only', () => {
      const cognito = built.identity.customers.hostedUiOrigin;
      expect(directive('connect-src')).toBe(
        `connect-src 'self' https://${built.config.domainName} ${cognito} ${UPLOAD_ORIGIN}`,
      );
      expect(directive('form-action')).toBe(`form-action 'self' ${cognito}`);
    });

    it('[PP-10] sends HSTS for two years with subdomains, frame-options DENY, nosniff and no referrer', () => {
      expect(headersPolicy()).toMatchObject({
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: 63072000,
          IncludeSubdomains: true,
          Preload: true,
          Override: true,
        },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ContentTypeOptions: { Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      });
      const custom = JSON.stringify(only('AWS::CloudFront::ResponseHeadersPolicy'));
      expect(custom).toContain('"Header":"permissions-policy"');
      expect(custom).toContain('"Header":"cross-origin-opener-policy","Override":true,"Value":"same-origin"');
    });
  });

  describe('config.json', () => {
    it('is valid and names the API, the hosted UI endpoints, the client and the console address', () => {
      const { config } = built.stack.site;
      expect(ConsoleConfigSchema.safeParse(config).success).toBe(true);
      const cognito = built.identity.customers.hostedUiOrigin;
      expect(cognito).toBe(
        `https://pacscribe-${built.config.stage}-${built.config.account}-customers.auth.${built.config.primaryRegion}.amazoncognito.com`,
      );
      expect(config).toMatchObject({
        apiUrl: `https://${built.config.domainName}`,
        authorizationEndpoint: `${cognito}/oauth2/authorize`,
        tokenEndpoint: `${cognito}/oauth2/token`,
        revocationEndpoint: `${cognito}/oauth2/revoke`,
        logoutEndpoint: `${cognito}/logout`,
        redirectUri: `${built.config.appBaseUrl}/console/`,
        logoutRedirectUri: `${built.config.appBaseUrl}/console/`,
        inactivityMinutes: CONSOLE_INACTIVITY_MINUTES,
      });
      // The client id is the customer pool client's, filled in at deployment.
      expect(JSON.stringify(built.stack.resolve(config.clientId))).toContain('CustomersUserPoolClient');
    });

    it('the hosted-UI origin is the customer pool domain the identity stack creates', () => {
      const { customers } = built.identity;
      const domain = built.identity.resolve(
        (customers.domain.node.defaultChild as cognito.CfnUserPoolDomain).domain,
      ) as string;
      expect(customers.hostedUiOrigin).toBe(
        `https://${domain}.auth.${built.identity.region}.amazoncognito.com`,
      );
      expect(JSON.stringify(built.identity.resolve(customers.domain.baseUrl()))).toContain('.auth.');
    });

    it('the customer client accepts the console as a sign-in and sign-out address, beside the existing ones', () => {
      const identity = Template.fromStack(built.identity);
      const consoleAddress = `${built.config.appBaseUrl}/console/`;
      identity.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: Match.stringLikeRegexp('.'),
        CallbackURLs: [`${built.config.appBaseUrl}/auth/callback`, consoleAddress],
        LogoutURLs: [`${built.config.appBaseUrl}/`, consoleAddress],
      });
    });

    it('index.html and config.json are revalidated; hashed assets are immutable', () => {
      const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')).map(
        (resource) => (resource as { Properties: Props }).Properties,
      );
      expect(deployments).toHaveLength(2);
      const assets = deployments.find((d) => d.DestinationBucketKeyPrefix === 'console/assets/');
      const page = deployments.find((d) => d.DestinationBucketKeyPrefix === 'console/');
      expect(assets?.SystemMetadata).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
      expect(page?.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
      // The page deployment carries config.json, with the client id as a deploy-time marker.
      expect(JSON.stringify(page?.SourceMarkers)).toContain('CustomersUserPoolClient');
      expect(page?.DistributionPaths).toEqual(['/console/', '/console/index.html', '/console/config.json']);
    });
  });

  describe('viewer-request routing', () => {
    const handler = new Function(`${CONSOLE_VIEWER_REQUEST_CODE}; return handler;`)() as (event: {
      request: { uri: string };
    }) => { uri?: string; statusCode?: number; headers?: Record<string, { value: string }> };
    const route = (uri: string) => handler({ request: { uri } });

    it('sends / to /console/', () => {
      expect(route('/')).toMatchObject({ statusCode: 302, headers: { location: { value: '/console/' } } });
      expect(route('/console')).toMatchObject({ statusCode: 302 });
    });

    it('answers the console and its client-side routes (UIDs have dots) with index.html', () => {
      expect(route('/console/').uri).toBe('/console/index.html');
      expect(route('/console/studies/1.2.840.113619.2').uri).toBe('/console/index.html');
    });

    it('leaves hashed assets and config.json alone', () => {
      expect(route('/console/assets/main-ABC123.js').uri).toBe('/console/assets/main-ABC123.js');
      expect(route('/console/config.json').uri).toBe('/console/config.json');
    });
  });

  describe('regions', () => {
    it('refuses a primary region other than us-east-1 without a us-east-1 certificate', () => {
      expect(() => consoleApp({ primaryRegion: 'us-east-2' })).toThrow(/consoleCertificateArn is required/);
      expect(() =>
        AppConfigSchema.parse({ consoleCertificateArn: 'arn:aws:acm:us-east-2:111111111111:certificate/x' }),
      ).toThrow(/us-east-1/);
    });

    it('elsewhere uses the given certificate and web ACL, and creates no web ACL of its own', () => {
      const webAclArn = 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/console/abc';
      const other = consoleApp({
        primaryRegion: 'us-east-2',
        consoleCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        consoleWebAclArn: webAclArn,
      });
      const otherTemplate = Template.fromStack(other.stack);
      otherTemplate.resourceCountIs('AWS::WAFv2::WebACL', 0);
      otherTemplate.resourceCountIs('AWS::CertificateManager::Certificate', 0);
      otherTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          WebACLId: webAclArn,
          ViewerCertificate: Match.objectLike({
            AcmCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
          }),
        }),
      });
    });
  });

  describe('cdk-nag', () => {
    const findings = (stack: Stack, pack: NagPack) =>
      pack
        .validateScope(stack)
        .violations.filter((violation) => violation.severity === 'error' || violation.severity === 'warning')
        .flatMap((violation) =>
          violation.violatingResources.map(
            (resource) => `${violation.ruleName} at ${resource.constructPath}`,
          ),
        );

    it.each([
      ['AwsSolutions', () => new AwsSolutionsChecks()],
      ['HIPAA.Security', () => new HIPAASecurityChecks()],
    ] as const)('[PP-18] the console stack has no unacknowledged %s finding', (_name, createPack) => {
      expect(findings(built.stack, createPack())).toEqual([]);
    });
  });
});
