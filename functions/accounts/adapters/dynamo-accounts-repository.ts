import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Member, MemberSchema, type Organization, OrganizationSchema } from '#schemas/accounts/entities';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { isActiveAdministrator } from '../core/membership-rules';
import type { AccountsRepository } from '../core/ports';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const orgKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' });
const memberKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'MEMBER' });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' });
const NOT_EXISTS = 'attribute_not_exists(pk)';
const MAX_TRANSACTION_ATTEMPTS = 4;

/** Why a transaction was cancelled, by the index of the item whose condition failed. */
function failedIndexes(error: TransactionCanceledException): number[] {
  return (error.CancellationReasons ?? []).flatMap((reason, index) =>
    reason.Code === 'ConditionalCheckFailed' ? [index] : [],
  );
}

/** Accounts in one DynamoDB table; key layout in infra/data/table-definitions.ts. */
export class DynamoAccountsRepository implements AccountsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createOrganization(organization: Organization, founder: Member): Promise<void> {
    await this.transact(
      [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...orgKey(organization.orgId), type: 'organization', ...organization },
            ConditionExpression: NOT_EXISTS,
          },
        },
        this.claimEmail(founder),
        this.putNewMember(founder),
      ],
      () => new ConflictError('This email address cannot be used for a new account.'),
    );
  }

  async addMember(member: Member): Promise<void> {
    await this.transact(
      [
        this.adjustAdministrators(member.orgId, isActiveAdministrator(member) ? 1 : 0),
        this.claimEmail(member),
        this.putNewMember(member),
      ],
      (failed) =>
        failed.includes(0)
          ? new NotFoundError('Organization not found.')
          : new ConflictError('This email address cannot be used for a new account.'),
    );
  }

  async replaceMember(previous: Member, next: Member): Promise<void> {
    const delta = Number(isActiveAdministrator(next)) - Number(isActiveAdministrator(previous));
    await this.transact(
      [
        this.adjustAdministrators(previous.orgId, delta),
        {
          Put: {
            TableName: this.tableName,
            Item: this.memberItem(next),
            // Optimistic concurrency: only if nobody changed role or status meanwhile.
            ConditionExpression: 'orgId = :orgId AND #role = :role AND #status = :status',
            ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
            ExpressionAttributeValues: {
              ':orgId': previous.orgId,
              ':role': previous.role,
              ':status': previous.status,
            },
          },
        },
      ],
      (failed) => this.explain(failed, delta),
    );
  }

  async removeMember(member: Member): Promise<void> {
    const delta = isActiveAdministrator(member) ? -1 : 0;
    await this.transact(
      [
        this.adjustAdministrators(member.orgId, delta),
        {
          Delete: {
            TableName: this.tableName,
            Key: memberKey(member.userId),
            ConditionExpression: 'orgId = :orgId AND #role = :role AND #status = :status',
            ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
            ExpressionAttributeValues: {
              ':orgId': member.orgId,
              ':role': member.role,
              ':status': member.status,
            },
          },
        },
        {
          Delete: {
            TableName: this.tableName,
            Key: emailKey(member.email),
            ConditionExpression: 'userId = :userId',
            ExpressionAttributeValues: { ':userId': member.userId },
          },
        },
      ],
      (failed) => this.explain(failed, delta),
    );
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

  async listMembers(orgId: string): Promise<Member[]> {
    const members: Member[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: 100 },
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :org AND begins_with(gsi1sk, :user)',
        ExpressionAttributeValues: { ':org': `ORG#${orgId}`, ':user': 'USER#' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) members.push(MemberSchema.parse(item));
    }
    return members;
  }

  async getOrganization(orgId: string): Promise<Organization | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: orgKey(orgId), ConsistentRead: true }),
    );
    return Item ? OrganizationSchema.parse(Item) : null;
  }

  async acceptInvitation(userId: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: memberKey(userId),
          UpdateExpression: 'REMOVE invitationExpiresAt',
          ConditionExpression: 'attribute_exists(invitationExpiresAt)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
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

  private memberItem(member: Member) {
    return {
      ...memberKey(member.userId),
      gsi1pk: `ORG#${member.orgId}`,
      gsi1sk: `USER#${member.userId}`,
      type: 'member',
      ...member,
    };
  }

  private putNewMember(member: Member): TransactItem {
    return {
      Put: { TableName: this.tableName, Item: this.memberItem(member), ConditionExpression: NOT_EXISTS },
    };
  }

  private claimEmail(member: Member): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...emailKey(member.email), type: 'email-claim', userId: member.userId },
        ConditionExpression: NOT_EXISTS,
      },
    };
  }

  /** The organization must exist; a decrease must leave at least one active administrator. */
  private adjustAdministrators(orgId: string, delta: number): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: orgKey(orgId),
        UpdateExpression: 'ADD adminCount :delta',
        ConditionExpression:
          delta < 0 ? 'attribute_exists(pk) AND adminCount > :one' : 'attribute_exists(pk)',
        ExpressionAttributeValues: delta < 0 ? { ':delta': delta, ':one': 1 } : { ':delta': delta },
      },
    };
  }

  private explain(failed: number[], delta: number): Error {
    if (failed.includes(0) && delta < 0) {
      return new ConflictError('The organization must keep at least one active administrator.');
    }
    return new ConflictError('The user was changed by someone else meanwhile; reload and retry.');
  }

  /**
   * Runs a transaction; a cancellation caused only by another transaction in flight (TransactionConflict)
   * is transient and retried, a failed condition is explained in domain terms.
   */
  private async transact(items: TransactItem[], explain: (failed: number[]) => Error): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const failed = failedIndexes(error);
        const conflicted = (error.CancellationReasons ?? []).some(
          (reason) => reason.Code === 'TransactionConflict',
        );
        if (failed.length === 0 && conflicted && attempt < MAX_TRANSACTION_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 20));
          continue;
        }
        throw explain(failed);
      }
    }
  }
}
