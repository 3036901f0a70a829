import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { LAPSED_STATUSES, SubscriptionStatusSchema } from '#schemas/billing/billing';
import type { SubscriptionStanding } from '../../shared/auth/subscription-standing';

/**
 * Reads the one attribute its IAM grant allows: the status of the organization's billing item. Read on
 * every gated request, not cached, so a lapse and a renewal both apply at the next request; gated routes
 * are writes (STOW, edits, new users), where one more key read is small beside the work. An organization
 * that never subscribed has no item and is in good standing.
 */
export class DynamoSubscriptionStanding implements SubscriptionStanding {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async hasLapsed(orgId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `ORG#${orgId}`, sk: 'BILLING' },
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'status' },
      }),
    );
    const status = SubscriptionStatusSchema.safeParse(Item?.status);
    return status.success && LAPSED_STATUSES.has(status.data);
  }
}
