import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RequestCounterStore } from '../core/request-quota';

/**
 * The request-counters table: one item per organization, counter and window, `requests` added to atomically.
 * Counts only, never a path, a user or anything a request carried; items expire by TTL.
 */
export class DynamoRequestCounters implements RequestCounterStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(
    orgId: string,
    counter: string,
    windowStart: Date,
    count: number,
    expiresAt: Date,
  ): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `ORG#${orgId}`, sk: `WINDOW#${counter}#${windowStart.toISOString()}` },
        UpdateExpression: 'ADD requests :count SET expiresAtEpoch = if_not_exists(expiresAtEpoch, :expires)',
        ExpressionAttributeValues: {
          ':count': count,
          ':expires': Math.floor(expiresAt.getTime() / 1000),
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const total = Attributes?.requests;
    return typeof total === 'number' ? total : count;
  }
}
