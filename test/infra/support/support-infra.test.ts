import type { RouteDefinition } from '#functions/shared/http/route';
import { routes } from '#functions/shared/routes';
import {
  allowedStatementsOf,
  logicalIdOf,
  type PolicyStatement,
  propertyAt,
  resourcesOf,
  synthesizedApp,
} from '../app-fixture';

const app = () => synthesizedApp().stacks;
const actionsOf = (statement: PolicyStatement) => [statement.Action].flat();

const WRITE_ACTION =
  /^(dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|PartiQL(Insert|Update|Delete))|s3:(Put|Delete|Restore|Abort)\w*|states:StartExecution|ses:SendEmail|cognito-idp:Admin\w*|kms:(Encrypt|GenerateDataKey\w*|Sign))$/;

describe('[PP-08] support can only look, in IAM as well as in code', () => {
  const supportReadable = (routes as readonly RouteDefinition[]).filter(
    (route) => (route.access.kind === 'member' || route.access.kind === 'action') && route.access.supportView,
  );

  it('the functions serving support-readable routes hold no write but the audit append, the pinned invitation acceptance and the request counter', () => {
    const { api } = app();
    expect(supportReadable.length).toBeGreaterThanOrEqual(12);
    for (const route of supportReadable) {
      const fn = api.routeApi.functions[route.id];
      if (!fn) throw new Error(`no function for ${route.id}`);
      const writes = allowedStatementsOf(api, fn.role).filter((statement) =>
        actionsOf(statement).some((action) => WRITE_ACTION.test(action)),
      );
      const unexpected = writes.filter(
        (statement) =>
          statement.Sid !== 'AppendAuditRecords' &&
          statement.Sid !== 'AcceptInvitation' &&
          // A member's own continued use as policy acceptance (acceptance items, one member attribute).
          statement.Sid !== 'RecordPolicyAcceptance' &&
          statement.Sid !== 'NoteAcceptedPolicyVersion' &&
          // Counting a customer's request against its organization's allowance: four counter attributes,
          // no customer data (a support request is never counted).
          statement.Sid !== 'CountOrganizationRequests' &&
          // The audit, accounts and counter table keys: encrypting the appended record and the count needs them.
          !(
            actionsOf(statement).every((action) => action.startsWith('kms:')) &&
            JSON.stringify(statement.Resource).match(/Accounts|Audit|RequestCounters/)
          ),
      );
      // The audit append is there (the policies were found), and nothing else writes.
      expect(writes.map((statement) => statement.Sid)).toContain('AppendAuditRecords');
      expect([route.id, unexpected]).toEqual([route.id, []]);
    }
  });

  it('the grant lookup every customer route holds reads grant items only', () => {
    const { api } = app();
    const lookups = Object.values(resourcesOf(api, 'AWS::IAM::Policy'))
      .flatMap((policy) => propertyAt<PolicyStatement[]>(policy, 'PolicyDocument.Statement'))
      .filter((statement) => statement.Sid === 'LookUpSupportGrants');
    const customerRoutes = (routes as readonly RouteDefinition[]).filter(
      (route) => route.access.kind !== 'workforce',
    );
    expect(lookups).toHaveLength(customerRoutes.length);
    for (const statement of lookups) {
      expect(statement).toMatchObject({
        Action: 'dynamodb:GetItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['GRANT#*'] } },
      });
    }
  });
});

describe('[PP-05] tickets kept safely', () => {
  it('seals ticket contents with a rotating customer-managed key and keeps the table for six years by TTL', () => {
    const { data } = app();
    const key = resourcesOf(data, 'AWS::KMS::Key')[logicalIdOf(data.support.messageKey)];
    expect(key?.Properties).toMatchObject({ EnableKeyRotation: true });
    const table = resourcesOf(data, 'AWS::DynamoDB::Table')[logicalIdOf(data.tables.support.table)];
    expect(table?.Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAtEpoch', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });

  it('receives support mail over TLS, scanned, into the encrypted inbound bucket before the filer runs', () => {
    const { workflows } = app();
    const [rule] = Object.values(resourcesOf(workflows, 'AWS::SES::ReceiptRule'));
    const ruleProps = propertyAt<{
      Actions: Record<string, unknown>[];
      TlsPolicy: string;
      ScanEnabled: boolean;
    }>(rule, 'Rule');
    expect(ruleProps).toMatchObject({ TlsPolicy: 'Require', ScanEnabled: true });
    expect(ruleProps.Actions.map((action) => Object.keys(action)[0])).toEqual(['S3Action', 'LambdaAction']);
    expect(ruleProps.Actions[0]).toMatchObject({ S3Action: { ObjectKeyPrefix: 'inbound/' } });
  });

  it('the filer reads only the inbound prefix, never deletes tickets, and keeps failed events in a dead-letter queue', () => {
    const { workflows } = app();
    const filer = workflows.supportMailIntake.filer;
    const fn = resourcesOf(workflows, 'AWS::Lambda::Function')[logicalIdOf(filer.function)];
    expect(propertyAt(fn, 'DeadLetterConfig')).toMatchObject({ TargetArn: expect.anything() });
    const statements = allowedStatementsOf(workflows, filer.role);
    const actions = statements.flatMap(actionsOf);
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions.filter((action) => action.startsWith('s3:'))).toEqual(['s3:GetObject']);
    expect(
      JSON.stringify(statements.find((statement) => statement.Sid === 'ReadInboundSupportMail')),
    ).toContain('/inbound/*');
  });
});
