import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoAuditLog } from '../../../../functions/audit/adapters/dynamo-audit-log';
import { buildAuditRecord } from '../../../../functions/audit/core/audit-trail';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
afterEach(() => dynamo.reset());

describe('DynamoAuditLog', () => {
  it('[PP-18] only ever appends: a conditional put that cannot overwrite', async () => {
    dynamo.on(PutCommand).resolves({});
    const record = buildAuditRecord(
      {
        event: 'account-read',
        orgId: 'org-a',
        actor: { kind: 'customer', userId: 'u1', role: 'clinician' },
        source: { ip: '203.0.113.9', userAgent: 'viewer' },
        requestId: 'r1',
        route: 'GET /v1/me',
        httpStatus: 200,
        objects: [{ type: 'user', id: 'u1' }],
        reason: null,
      },
      'rec-1',
      new Date('2026-11-24T12:00:00.000Z'),
    );

    await new DynamoAuditLog(documents, 'audit').append(record);

    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'audit',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: 'ORG#org-a',
        sk: '2026-11-24T12:00:00.000Z#rec-1',
        outcome: 0,
        action: 'R',
      }),
    });
  });
});
