import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoRequestCounters } from '../../../../functions/accounts/adapters/dynamo-request-counters';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
afterEach(() => dynamo.reset());

describe('the request-counters table', () => {
  it('adds to one item per organization, counter and window, expiring by TTL, and answers the new total', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { requests: 42 } });
    const counters = new DynamoRequestCounters(documents, 'counters');

    const total = await counters.add(
      'org-a',
      'render',
      new Date('2026-12-04T10:00:00.000Z'),
      3,
      new Date('2026-12-04T10:02:00.000Z'),
    );

    expect(total).toBe(42);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'counters',
      Key: { pk: 'ORG#org-a', sk: 'WINDOW#render#2026-12-04T10:00:00.000Z' },
      UpdateExpression: 'ADD requests :count SET expiresAtEpoch = if_not_exists(expiresAtEpoch, :expires)',
      ExpressionAttributeValues: { ':count': 3, ':expires': 1796378520 },
      ReturnValues: 'UPDATED_NEW',
    });
  });
});
