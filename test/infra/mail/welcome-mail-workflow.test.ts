import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { WELCOME_MAIL_ASL_PATH } from '#infra/mail/welcome-mail-workflow';
import { propertyAt, resourcesOf, synthesizedApp, templateOf } from '../app-fixture';

const workflows = () => synthesizedApp().stacks.workflows;
const mail = () => synthesizedApp().stacks.mail;

describe('welcome-mail workflow and mail sending', () => {
  beforeAll(() => synthesizedApp());

  it('[PP-18] state machine logs ALL events but excludes execution data (no PHI in logs)', () => {
    templateOf(workflows()).hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
      EncryptionConfiguration: Match.objectLike({
        Type: 'CUSTOMER_MANAGED_KMS_KEY',
        KmsKeyId: Match.anyValue(),
      }),
    });
  });

  it('the deployed definition is the shared ASL file with the task function substituted', () => {
    const [machine] = Object.values(resourcesOf(workflows(), 'AWS::StepFunctions::StateMachine'));
    expect(machine?.Properties?.DefinitionString).toBe(readFileSync(WELCOME_MAIL_ASL_PATH, 'utf8'));
    expect(machine?.Properties?.DefinitionSubstitutions).toEqual({
      SendWelcomeMailFunctionArn: { 'Fn::GetAtt': [expect.stringContaining('SendWelcomeMail'), 'Arn'] },
    });
  });

  it('[PP-18] the task function can read accounts and send mail, nothing more', () => {
    const [fn] = Object.values(resourcesOf(workflows(), 'AWS::Lambda::Function'));
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    const variables = Object.keys(propertyAt<object>(fn, 'Environment.Variables'));
    expect(variables).toEqual(
      expect.arrayContaining([
        'ACCOUNTS_TABLE_NAME',
        'MAIL_FROM_ADDRESS',
        'MAIL_CONFIGURATION_SET_NAME',
        'APP_BASE_URL',
      ]),
    );
    // The welcome task's own policy: the support mail intake in the same stack also sends mail.
    const actions = Object.entries(resourcesOf(workflows(), 'AWS::IAM::Policy'))
      .filter(([logicalId]) => logicalId.startsWith('WelcomeMail'))
      .map(([, policy]) => policy)
      .filter((policy) => JSON.stringify(policy).includes('ses:SendEmail'))
      .flatMap((policy) => propertyAt<{ Action: string | string[] }[]>(policy, 'PolicyDocument.Statement'))
      .flatMap((statement) => statement.Action);
    expect(actions).toContain('ses:SendEmail');
    expect(actions).not.toEqual(expect.arrayContaining(['dynamodb:PutItem']));
    expect(actions).not.toEqual(expect.arrayContaining(['dynamodb:UpdateItem']));
  });

  it('[PP-10] mail is delivered only over TLS, with reputation metrics and bounce/complaint suppression', () => {
    templateOf(mail()).hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: Match.arrayWith(['BOUNCE', 'COMPLAINT']) },
    });
    templateOf(mail()).hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: synthesizedApp().config.mailFromAddress.split('@')[1],
    });
  });
});
