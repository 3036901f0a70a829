import type { RouteDefinition } from '#functions/shared/http/route';
import { routes } from '#functions/shared/routes';
import { propertyAt, resourcesOf, synthesizedApp } from '../app-fixture';

type Statement = {
  Effect: string;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
};

const statementsOf = (sid: string) => {
  const { api } = synthesizedApp().stacks;
  return Object.values(resourcesOf(api, 'AWS::IAM::Policy'))
    .flatMap((policy) => propertyAt<Statement[]>(policy, 'PolicyDocument.Statement'))
    .filter((statement) => statement.Sid === sid);
};
const customerRoutes = (routes as readonly RouteDefinition[]).filter(
  (route) => route.access.kind !== 'workforce',
);

describe('continued use recorded as acceptance, with the narrowest writes', () => {
  it('[PP-24] every customer route may put acceptance items, and only acceptance items', () => {
    const puts = statementsOf('RecordPolicyAcceptance');
    expect(puts).toHaveLength(customerRoutes.length);
    for (const statement of puts) {
      expect(statement.Action).toBe('dynamodb:PutItem');
      expect(statement.Condition?.['ForAllValues:StringLike']).toEqual({
        'dynamodb:LeadingKeys': ['POLICYACCEPT#*'],
      });
      expect(statement.Condition?.['ForAllValues:StringEquals']?.['dynamodb:Attributes']).not.toContain(
        'permissions',
      );
    }
  });

  it('[PP-24] the member update is pinned to acceptedPolicyVersion alone', () => {
    const updates = statementsOf('NoteAcceptedPolicyVersion');
    expect(updates).toHaveLength(customerRoutes.length);
    for (const statement of updates) {
      expect(statement.Action).toBe('dynamodb:UpdateItem');
      expect(statement.Condition?.['ForAllValues:StringEquals']).toEqual({
        'dynamodb:Attributes': ['pk', 'sk', 'acceptedPolicyVersion'],
      });
    }
  });

  it('[PP-23] only the acknowledgement route may set the acknowledged notice version, and nothing else', () => {
    const updates = statementsOf('AcknowledgePolicyNotice');
    const acknowledging = routes.filter((route) =>
      (route.bindings as readonly string[]).includes('policy-notice:acknowledge'),
    );
    expect(acknowledging.map((route) => route.id)).toEqual(['acknowledgePolicyNotice']);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.Action).toBe('dynamodb:UpdateItem');
    expect(updates[0]?.Condition?.['ForAllValues:StringEquals']).toEqual({
      'dynamodb:Attributes': ['pk', 'sk', 'policyNoticeAcknowledgedVersion'],
    });
  });

  it('every route function reads the policy documents from the copy beside its code', () => {
    const { api } = synthesizedApp().stacks;
    const functions = Object.values(resourcesOf(api, 'AWS::Lambda::Function')).filter((fn) =>
      JSON.stringify(fn.Properties ?? {}).includes('ACCOUNTS_TABLE_NAME'),
    );
    expect(functions.length).toBeGreaterThanOrEqual(routes.length);
    for (const fn of functions) {
      expect(propertyAt<Record<string, string>>(fn, 'Environment.Variables').PRIVACY_POLICY_DIR).toBe(
        '/var/task/policies/privacy',
      );
    }
  });
});
