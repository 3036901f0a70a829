import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type BillingAccount, BillingAccountSchema } from '#schemas/billing/billing';
import type { BillingStore, SubscriptionState } from '../core/ports';

const accountKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'BILLING' });
const customerKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'ORG' });
const eventKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
const receiptKey = (invoiceId: string) => ({ pk: `RECEIPT#${invoiceId}`, sk: 'RECEIPT' });

const lostRace = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/** The billing table (infra/data/table-definitions.ts): every once-only write is conditional. */
export class DynamoBillingStore implements BillingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getAccount(orgId: string): Promise<BillingAccount | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: accountKey(orgId), ConsistentRead: true }),
    );
    return Item ? BillingAccountSchema.parse(Item) : null;
  }

  async saveContact(
    contact: Pick<BillingAccount, 'orgId' | 'customerId' | 'billingEmail' | 'billingAddress'>,
  ): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: accountKey(contact.orgId),
              // The customer id, once set, stays; subscription state is only the webhook's to write.
              UpdateExpression:
                'SET orgId = :orgId, customerId = if_not_exists(customerId, :customerId), billingEmail = :email, billingAddress = :address, subscriptionId = if_not_exists(subscriptionId, :null), #status = if_not_exists(#status, :none), #plan = if_not_exists(#plan, :null), stateVersion = if_not_exists(stateVersion, :null)',
              ExpressionAttributeNames: { '#status': 'status', '#plan': 'plan' },
              ExpressionAttributeValues: {
                ':orgId': contact.orgId,
                ':customerId': contact.customerId,
                ':email': contact.billingEmail,
                ':address': contact.billingAddress,
                ':null': null,
                ':none': 'none',
              },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...customerKey(contact.customerId), orgId: contact.orgId },
            },
          },
        ],
      }),
    );
  }

  async findOrgByCustomer(customerId: string): Promise<string | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: customerKey(customerId), ConsistentRead: true }),
    );
    return typeof Item?.orgId === 'string' ? Item.orgId : null;
  }

  async claimEvent(eventId: string, expiresAtEpoch: number): Promise<boolean> {
    return this.putOnce({ ...eventKey(eventId), expiresAtEpoch });
  }

  async releaseEvent(eventId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: eventKey(eventId) }));
  }

  async applySubscription(orgId: string, state: SubscriptionState): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: accountKey(orgId),
          UpdateExpression:
            'SET subscriptionId = :subscriptionId, #status = :status, #plan = :plan, stateVersion = :version',
          // Only over older news: out-of-order deliveries leave the newest state.
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_type(stateVersion, :nullType) OR stateVersion < :version)',
          ExpressionAttributeNames: { '#status': 'status', '#plan': 'plan' },
          ExpressionAttributeValues: {
            ':subscriptionId': state.subscriptionId,
            ':status': state.status,
            ':plan': state.plan,
            ':version': state.version,
            ':nullType': 'NULL',
          },
        }),
      );
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  async claimReceipt(invoiceId: string, orgId: string): Promise<boolean> {
    return this.putOnce({ ...receiptKey(invoiceId), orgId, sentAt: new Date().toISOString() });
  }

  async releaseReceipt(invoiceId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: receiptKey(invoiceId) }));
  }

  private async putOnce(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }
}
