import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Member, MemberSchema, type Organization, OrganizationSchema } from '#schemas/accounts/entities';
import { ConflictError } from '../../shared/errors';
import type { AccountsRepository } from '../core/ports';

const orgKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' });
const memberKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'MEMBER' });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' });
const NOT_EXISTS = 'attribute_not_exists(pk)';

/** Accounts in one DynamoDB table; key layout in infra/data/table-definitions.ts. */
export class DynamoAccountsRepository implements AccountsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createOrganization(organization: Organization, founder: Member): Promise<void> {
    await this.claimAndWrite([
      {
        Put: {
          TableName: this.tableName,
          Item: { ...orgKey(organization.orgId), type: 'organization', ...organization },
          ConditionExpression: NOT_EXISTS,
        },
      },
      ...this.memberWrites(founder),
    ]);
  }

  async addMember(member: Member): Promise<void> {
    await this.claimAndWrite([
      {
        ConditionCheck: {
          TableName: this.tableName,
          Key: orgKey(member.orgId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      ...this.memberWrites(member),
    ]);
  }

  /** The email claim and the membership item, written together so neither exists without the other. */
  private memberWrites(member: Member) {
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...emailKey(member.email), type: 'email-claim', userId: member.userId },
          ConditionExpression: NOT_EXISTS,
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...memberKey(member.userId),
            gsi1pk: `ORG#${member.orgId}`,
            gsi1sk: `USER#${member.userId}`,
            type: 'member',
            ...member,
          },
          ConditionExpression: NOT_EXISTS,
        },
      },
    ];
  }

  private async claimAndWrite(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        throw new ConflictError('This email address cannot be used for a new account.');
      }
      throw error;
    }
  }

  async removeOrganization(organization: Organization, founder: Member): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: orgKey(organization.orgId) } },
          {
            Delete: {
              TableName: this.tableName,
              Key: emailKey(founder.email),
              // Only release the claim this sign-up made.
              ConditionExpression: 'userId = :userId',
              ExpressionAttributeValues: { ':userId': founder.userId },
            },
          },
          { Delete: { TableName: this.tableName, Key: memberKey(founder.userId) } },
        ],
      }),
    );
  }

  async getMember(userId: string): Promise<Member | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: memberKey(userId), ConsistentRead: true }),
    );
    return Item ? MemberSchema.parse(Item) : null;
  }

  async getOrganization(orgId: string): Promise<Organization | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: orgKey(orgId), ConsistentRead: true }),
    );
    return Item ? OrganizationSchema.parse(Item) : null;
  }

  async markWelcomed(userId: string, at: Date): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: memberKey(userId),
          UpdateExpression: 'SET welcomedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(welcomedAt)',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
