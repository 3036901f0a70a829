import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type PendingSignup, PendingSignupSchema } from '#schemas/accounts/signup';
import type { PendingSignups } from '../core/ports';

/** Key layout in infra/data/table-definitions.ts; `expiresAt` (epoch seconds) is the table's TTL. */
const pendingKey = (email: string) => ({ pk: `SIGNUP#${email}`, sk: 'PENDING' });
const noticeKey = (email: string) => ({ pk: `SIGNUP#${email}`, sk: 'NOTICE' });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' });

/** Pending sign-ups in the accounts table, beside the email claims they are checked against. */
export class DynamoPendingSignups implements PendingSignups {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async emailHasAccount(email: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: emailKey(email), ConsistentRead: true }),
    );
    return Boolean(Item);
  }

  async get(email: string): Promise<PendingSignup | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: pendingKey(email), ConsistentRead: true }),
    );
    return Item ? PendingSignupSchema.parse(Item) : null;
  }

  async put(pending: PendingSignup): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...pendingKey(pending.email), type: 'pending-signup', ...pending },
      }),
    );
  }

  async countFailedAttempt(email: string, expiresAt: number): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: pendingKey(email),
        UpdateExpression:
          'SET #type = if_not_exists(#type, :type), email = :email, expiresAt = if_not_exists(expiresAt, :expiresAt) ADD attempts :one',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'pending-signup',
          ':email': email,
          ':expiresAt': expiresAt,
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Number(Attributes?.attempts ?? 1);
  }

  async complete(email: string, completed: NonNullable<PendingSignup['completed']>): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: pendingKey(email),
        UpdateExpression: 'SET completed = :completed',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':completed': completed },
      }),
    );
  }

  async countNotice(email: string, now: number, expiresAt: number): Promise<number> {
    try {
      // Within the window: one more.
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: noticeKey(email),
          UpdateExpression: 'ADD notices :one',
          ConditionExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':one': 1, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Number(Attributes?.notices ?? 1);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // No window, or the last one passed (TTL deletion lags): a new window.
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...noticeKey(email), type: 'signup-notice', notices: 1, expiresAt },
      }),
    );
    return 1;
  }
}
