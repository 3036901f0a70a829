import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { PROJECT_ROOT } from '#infra/shared/project-root';
import { allStacks, propertyAt, type Resource, synthesizedApp, templateOf } from '../app-fixture';

/**
 * [PP-04] Personal information is never rented, sold or shared with third parties for marketing: the only
 * marketing audience is PACScribe's own. Checked over the synthesized app (every place data can be sent
 * from) and over the functions' code (every outbound HTTP client).
 */
type Template = { Resources?: Record<string, Resource> };
const templates = (): { stack: string; resources: Record<string, Resource> }[] => {
  synthesizedApp();
  return allStacks().map((stack) => ({
    stack: stack.node.path,
    resources: ((templateOf(stack).toJSON() as Template).Resources ?? {}) as Record<string, Resource>,
  }));
};
const everyResource = () =>
  templates().flatMap(({ stack, resources }) =>
    Object.entries(resources).map(([logicalId, resource]) => ({ stack, logicalId, resource, resources })),
  );

/** The logical id a CloudFormation reference names, if it is a Ref or GetAtt. */
function referenced(value: unknown): string | null {
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (typeof node.Ref === 'string') return node.Ref;
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return null;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('no personal data leaves for third-party marketing', () => {
  it('[PP-04] the app has no resource that ships data to another party (no Firehose, API destination, pipe, AppFlow or Pinpoint)', () => {
    const exporters = everyResource()
      .map(({ resource }) => resource.Type)
      .filter((type) =>
        /^AWS::(KinesisFirehose|AppFlow|Pipes|Pinpoint|PinpointEmail|Events::ApiDestination|Events::Connection|DataSync|Transfer)/.test(
          type,
        ),
      );
    expect(exporters).toEqual([]);
  });

  it('[PP-04] every SNS subscription delivers to a PACScribe function in the same stack, never to an address or URL', () => {
    const subscriptions = everyResource().filter(
      ({ resource }) => resource.Type === 'AWS::SNS::Subscription',
    );
    expect(subscriptions.length).toBeGreaterThan(0);
    for (const { resources, resource } of subscriptions) {
      expect(resource.Properties?.Protocol).toBe('lambda');
      const target = referenced(resource.Properties?.Endpoint);
      expect(target && resources[target]?.Type).toBe('AWS::Lambda::Function');
    }
  });

  it('[PP-04] SES events go only to a PACScribe topic; the contact list is in PACScribe’s own account', () => {
    const destinations = everyResource().filter(
      ({ resource }) => resource.Type === 'AWS::SES::ConfigurationSetEventDestination',
    );
    expect(destinations.length).toBeGreaterThan(0);
    for (const { resources, resource } of destinations) {
      const destination = resource.Properties?.EventDestination as Record<string, unknown>;
      expect(Object.keys(destination).filter((key) => key.endsWith('Destination'))).toEqual([
        'SnsDestination',
      ]);
      const topic = referenced((destination.SnsDestination as Record<string, unknown>).TopicARN);
      expect(topic && resources[topic]?.Type).toBe('AWS::SNS::Topic');
    }
    const lists = everyResource().filter(({ resource }) => resource.Type === 'AWS::SES::ContactList');
    expect(lists.map(({ stack }) => stack)).toEqual([synthesizedApp().stacks.mail.node.path]);
  });

  it('[PP-04] scheduled and event rules invoke only PACScribe functions', () => {
    for (const { resources, resource } of everyResource().filter(
      ({ resource: r }) => r.Type === 'AWS::Events::Rule',
    )) {
      for (const target of (resource.Properties?.Targets ?? []) as { Arn: unknown }[]) {
        const id = referenced(target.Arn);
        expect(id && resources[id]?.Type).toBe('AWS::Lambda::Function');
      }
    }
  });

  it('[PP-04] the marketing audience export is a PACScribe bucket that no other account may read', () => {
    const data = synthesizedApp().stacks.data;
    const bucketId = data.resolve(data.getLogicalId(data.mail.audience.bucket.node.defaultChild as never));
    const policies = Object.values((templateOf(data).toJSON() as Template).Resources ?? {}).filter(
      (resource) =>
        resource.Type === 'AWS::S3::BucketPolicy' && referenced(resource.Properties?.Bucket) === bucketId,
    );
    // The bucket's own policy (TLS only) is found, so an Allow added to it would show here.
    expect(policies).toHaveLength(1);
    const allows = policies.flatMap((policy) =>
      propertyAt<{ Effect: string }[]>(policy, 'PolicyDocument.Statement').filter(
        (statement) => statement.Effect === 'Allow',
      ),
    );
    // Only the TLS denies: no principal of any other account is allowed anything.
    expect(allows).toEqual([]);
    expect(Stack.of(data.mail.audience.bucket).account).toBe(synthesizedApp().config.account);
  });

  it('[PP-04] the functions open no outbound HTTP connection except fetching Cognito’s public signing keys', () => {
    const outbound =
      /\bfetch\(|from 'node:https?'|require\('https?'\)|\baxios\b|\bundici\b|from 'got'|XMLHttpRequest|new WebSocket|from 'node:net'/;
    const users = filesUnder(path.join(PROJECT_ROOT, 'functions'))
      .filter((file) => outbound.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(PROJECT_ROOT, file));
    // The JWKS download carries no customer data: a GET of the user pool's public keys, by the verifier
    // itself or (for functions in the VPC) by the JWKS relay, whose fetcher adapter is named `fetch`.
    expect(users.sort()).toEqual([
      'functions/accounts/handlers/relay-jwks.ts',
      'functions/shared/auth/jwks-relay.ts',
      'functions/shared/auth/token-verifier.ts',
    ]);
  });

  it('[PP-04] the mail context talks only to PACScribe’s own AWS services, and no marketing platform SDK is a dependency', () => {
    const imports = filesUnder(path.join(PROJECT_ROOT, 'functions', 'mail')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(@aws-sdk\/[^']+)'/g)].map((match) => match[1]),
    );
    expect([...new Set(imports)].sort()).toEqual([
      '@aws-sdk/client-s3',
      '@aws-sdk/client-secrets-manager',
      '@aws-sdk/client-sesv2',
      '@aws-sdk/client-sfn',
      '@aws-sdk/lib-dynamodb',
    ]);
    const { dependencies } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const marketing = Object.keys(dependencies).filter((name) =>
      /mailchimp|sendgrid|hubspot|segment|braze|klaviyo|salesforce|marketo|mixpanel|customer\.io|iterable|pinpoint|intercom|brevo|sendinblue|mailgun|postmark/i.test(
        name,
      ),
    );
    expect(marketing).toEqual([]);
  });
});
