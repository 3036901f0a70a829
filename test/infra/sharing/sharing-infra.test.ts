import { Stack } from 'aws-cdk-lib';
import type { RouteDefinition } from '#functions/shared/http/route';
import { sharingRoutes } from '#functions/sharing/routes';
import { logicalIdOf, propertyAt, resourcesOf, synthesizedApp } from '../app-fixture';

type Props = Record<string, unknown>;
const app = () => synthesizedApp();
const sharing = Object.values(sharingRoutes) as RouteDefinition[];
const recipientRoutes = sharing.filter((route) => route.access.kind === 'public');

function statementsOf(routeId: string): Props[] {
  const fn = app().stacks.api.routeApi.functions[routeId];
  if (!fn) throw new Error(`no function for ${routeId}`);
  const roleId = logicalIdOf(fn.role as never);
  return Object.values(resourcesOf(app().stacks.api, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleId))
    .flatMap((policy) => propertyAt<Props[]>(policy, 'PolicyDocument.Statement'))
    .filter((statement) => statement.Effect === 'Allow');
}
const actionsOf = (statements: Props[]) =>
  statements.flatMap((statement) => [statement.Action].flat() as string[]);

describe('sharing in CDK', () => {
  it('keeps shares in their own encrypted table, with point-in-time recovery, TTL and the locked backup copy', () => {
    const { data } = app().stacks;
    const table = resourcesOf(data, 'AWS::DynamoDB::Table')[logicalIdOf(data.tables.sharing.table)];
    expect(table?.Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAtEpoch', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
    expect(data.tables.all).toContain(data.tables.sharing);
  });

  it('[PP-07] leaves only the recipient’s pages without the authorizer; managing shares needs a member token', () => {
    const methods = Object.values(resourcesOf(app().stacks.api, 'AWS::ApiGateway::Method')).map(
      (method) => method.Properties as Props,
    );
    for (const route of sharing) {
      const method = methods.find((candidate) => candidate.OperationName === route.id);
      expect({ route: route.id, auth: method?.AuthorizationType }).toEqual({
        route: route.id,
        auth: route.access.kind === 'public' ? 'NONE' : 'COGNITO_USER_POOLS',
      });
    }
    expect(recipientRoutes.map((route) => route.path).every((path) => path.startsWith('/s/{token}'))).toBe(
      true,
    );
  });

  it('the recipient’s functions never write imaging data, and only the code request sends mail', () => {
    for (const route of recipientRoutes) {
      const statements = statementsOf(route.id);
      const actions = actionsOf(statements);
      const imagingWrites = statements.filter(
        (statement) =>
          JSON.stringify(statement.Resource).match(/Imaging/) &&
          [statement.Action]
            .flat()
            .some((action) =>
              /^(dynamodb:(Put|Update|Delete|BatchWrite)|s3:(Put|Delete))/.test(String(action)),
            ),
      );
      expect({ route: route.id, imagingWrites }).toEqual({ route: route.id, imagingWrites: [] });
      expect({ route: route.id, mails: actions.includes('ses:SendEmail') }).toEqual({
        route: route.id,
        mails: route.id === 'requestShareCode',
      });
      expect({ route: route.id, readsFiles: actions.includes('s3:GetObject') }).toEqual({
        route: route.id,
        readsFiles: route.id === 'viewSharedImage' || route.id === 'downloadShare',
      });
    }
  });

  it('mails links to the API’s own domain and runs the sharing functions in their own nested stack', () => {
    const { api } = app().stacks;
    const create = api.routeApi.functions.createShare;
    expect(create?.environment.SHARE_LINK_BASE_URL).toBe(`https://${app().config.domainName}`);
    for (const route of sharing) {
      const fn = api.routeApi.functions[route.id];
      expect(fn && Stack.of(fn).node.id).toBe('SharingFunctions');
    }
  });
});
