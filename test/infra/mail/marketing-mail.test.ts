import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { PREFERENCE_PROPAGATION_ASL_PATH } from '#infra/mail/preference-propagation-workflow';
import { OVERDUE_OPT_OUT_METRIC } from '#schemas/mail/env';
import { MARKETING_TOPIC } from '#schemas/mail/preferences';
import {
  logicalIdOf,
  propertyAt,
  type Resource,
  resourcesOf,
  synthesizedApp,
  templateOf,
} from '../app-fixture';

const app = () => synthesizedApp();
const workflows = () => app().stacks.workflows;
const mail = () => app().stacks.mail;

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
const statementsOf = (stackPolicies: Record<string, Resource>, logicalPrefix: string): Statement[] =>
  Object.entries(stackPolicies)
    .filter(([logicalId]) => logicalId.startsWith(logicalPrefix))
    .flatMap(([, policy]) => propertyAt<Statement[]>(policy, 'PolicyDocument.Statement'));
const actionsOf = (statements: Statement[]) => statements.flatMap((statement) => [statement.Action].flat());

describe('marketing mail infrastructure', () => {
  beforeAll(() => synthesizedApp());

  it('[PP-21] the propagation workflow runs the shared ASL: preference record, SES contact list, audience export, completion; ids only in state', () => {
    const asl = JSON.parse(readFileSync(PREFERENCE_PROPAGATION_ASL_PATH, 'utf8'));
    const order: string[] = [];
    for (let name: string | undefined = asl.StartAt; name; name = asl.States[name].Next) order.push(name);
    expect(order).toEqual([
      'RecordPreference',
      'UpdateSesContactList',
      'UpdateAudienceExport',
      'RecordCompletion',
    ]);
    expect(order.map((name) => asl.States[name].Parameters.step)).toEqual([
      'preference-record',
      'ses-contact-list',
      'audience-export',
      'complete',
    ]);
    for (const name of order) {
      expect(Object.keys(asl.States[name].Parameters).sort()).toEqual([
        'propagationId.$',
        'step',
        'userId.$',
      ]);
      expect(asl.States[name].Retry[0].MaxAttempts).toBeGreaterThan(1);
    }
    const machine = Object.values(resourcesOf(workflows(), 'AWS::StepFunctions::StateMachine')).find(
      (candidate) =>
        candidate.Properties?.DefinitionString === readFileSync(PREFERENCE_PROPAGATION_ASL_PATH, 'utf8'),
    );
    expect(machine?.Properties).toMatchObject({
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      DefinitionSubstitutions: {
        PropagatePreferenceFunctionArn: { 'Fn::GetAtt': [expect.stringContaining('Propagate'), 'Arn'] },
      },
    });
  });

  it('[PP-21] the propagation task may change contacts of the marketing list and audience entries, and send nothing', () => {
    const statements = statementsOf(
      resourcesOf(workflows(), 'AWS::IAM::Policy'),
      logicalIdOf(workflows().preferencePropagation.propagate.role).replace(/[A-F0-9]{8}$/, ''),
    );
    const actions = actionsOf(statements);
    expect(actions).toEqual(
      expect.arrayContaining(['ses:CreateContact', 'ses:UpdateContact', 's3:PutObject', 's3:DeleteObject']),
    );
    expect(actions).not.toContain('ses:SendEmail');
    expect(actions.filter((action) => action.startsWith('s3:')).sort()).toEqual([
      's3:DeleteObject',
      's3:PutObject',
    ]);
    const contactStatement = statements.find((statement) =>
      [statement.Action].flat().includes('ses:UpdateContact'),
    );
    expect(JSON.stringify(contactStatement?.Resource)).toContain(':contact-list/pacscribe-dev-marketing');
    const audienceStatement = statements.find((statement) =>
      [statement.Action].flat().includes('s3:PutObject'),
    );
    expect(JSON.stringify(audienceStatement?.Resource)).toContain('/audience/*');
  });

  it(`the SES contact list has the "${MARKETING_TOPIC}" topic, nobody subscribed by default`, () => {
    templateOf(mail()).hasResourceProperties('AWS::SES::ContactList', {
      ContactListName: 'pacscribe-dev-marketing',
      Topics: [Match.objectLike({ TopicName: MARKETING_TOPIC, DefaultSubscriptionStatus: 'OPT_OUT' })],
    });
  });

  it('bounces and complaints go from the configuration set to an encrypted topic that only the suppression function reads', () => {
    templateOf(mail()).hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('MarketingDeliveryEvents') } },
      }),
    });
    templateOf(mail()).hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const subscriptions = Object.values(resourcesOf(workflows(), 'AWS::SNS::Subscription'));
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]?.Properties).toMatchObject({
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [expect.stringContaining('DeliveryEventsRecord'), 'Arn'] },
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringContaining('DeliveryEventsDeadLetters'), 'Arn'] },
      },
    });
  });

  it('[PP-21] an hourly check publishes overdue opt-outs and an alarm fires on any (or on a silent checker), notifying a topic', () => {
    const template = templateOf(workflows());
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: OVERDUE_OPT_OUT_METRIC.namespace,
      MetricName: OVERDUE_OPT_OUT_METRIC.name,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('OverdueOptOutsAlerts') })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OverdueOptOutsCheck'), 'Arn'] } }),
      ],
    });
    const check = Object.entries(resourcesOf(workflows(), 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('OverdueOptOutsCheck'),
    );
    expect(Object.keys(propertyAt<object>(check?.[1], 'Environment.Variables'))).toContain('MAIL_TABLE_NAME');
  });

  it('the audience export bucket is private, encrypted with its own key, TLS-only, and forgets removed entries', () => {
    const bucket = app().stacks.data.mail.audience.bucket;
    const template = templateOf(app().stacks.data);
    const resource = template.findResources('AWS::S3::Bucket')[logicalIdOf(bucket)] as Resource;
    expect(resource.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          expect.objectContaining({
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: {
                'Fn::GetAtt': [logicalIdOf(app().stacks.data.mail.audience.encryptionKey), 'Arn'],
              },
            },
          }),
        ],
      },
      LifecycleConfiguration: {
        Rules: [expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 1 } })],
      },
    });
  });
});
