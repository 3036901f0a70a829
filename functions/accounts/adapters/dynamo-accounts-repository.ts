import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { LRUCache } from 'lru-cache';
import { type Member, MemberSchema, type Organization, OrganizationSchema } from '#schemas/accounts/entities';
import { type StaffMember, StaffMemberSchema } from '#schemas/accounts/staff';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { isActiveAdministrator } from '../core/membership-rules';
import type { AccountsRepository, StaffRepository } from '../core/ports';

/** Members a function instance remembers as parsed; each is about 1.5 KB with its key. */
export const PARSED_MEMBERS_REMEMBERED = 1_000;
const parsedMembers = new LRUCache<string, Member>({ max: PARSED_MEMBERS_REMEMBERED });

/**
 * A membership item parsed, remembered by its exact JSON: every authenticated request reads its member
 * afresh (so a disable or a role change counts at once), and the schema's checks (the address, five
 * instants) cost more CPU than the read's own decoding. Any changed attribute is a different key, so it
 * is parsed afresh; a malformed item throws every time and is never remembered. (An attribute JSON could
 * not show, such as a set, is one the schema refuses or drops.) Frozen, since requests share it.
 */
export function parsedMember(item: Record<string, unknown>): Member {
  const key = JSON.stringify(item);
  const remembered = parsedMembers.get(key);
  if (remembered) return remembered;
  const member = MemberSchema.parse(item);
  Object.freeze(member.permissions);
  parsedMembers.set(key, Object.freeze(member));
  return member;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const orgKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' });
const memberKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'MEMBER' });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' });
/** A staff record; gsi1 = STAFF / STAFF#<email> lists them (never under an organization's partition). */
const staffKey = (staffId: string) => ({ pk: `STAFF#${staffId}`, sk: 'STAFF' });
const STAFF_INDEX_PARTITION = 'STAFF';
const NOT_EXISTS = 'attribute_not_exists(pk)';
const MAX_TRANSACTION_ATTEMPTS = 4;

/**
 * What replaceMember writes: the attributes access decisions are made on, guarded by `version`. Every
 * other attribute has a single writer of its own (the name: renameMember; the welcome: markWelcomed) or
 * is fixed at creation, so a write prepared from a stale read never carries it back.
 */
const VERSIONED_ATTRIBUTES = [
  'role',
  'permissions',
  'status',
  'tokensValidAfter',
  'invitationExpiresAt',
] as const;
type VersionedAttribute = (typeof VERSIONED_ATTRIBUTES)[number];
/**
 * Changed outside the version as well (a first sign-in removes the invitation expiry with a write limited
 * to that attribute), so a write of it is also conditional on the value read.
 */
const ALSO_WRITTEN_UNVERSIONED: readonly VersionedAttribute[] = ['invitationExpiresAt'];
const FIXED_ATTRIBUTES = ['userId', 'orgId', 'email', 'professionalRole', 'createdAt', 'createdBy'] as const;

/**
 * The membership is still at the version it was read at. Records written before versions existed have
 * none, and match only while they still have none: the first versioned write gives them version 1.
 */
function readVersionCondition(read: Member) {
  return read.version === undefined
    ? {
        ConditionExpression: 'orgId = :orgId AND attribute_not_exists(version)',
        ExpressionAttributeValues: { ':orgId': read.orgId } as Record<string, unknown>,
      }
    : {
        ConditionExpression: 'orgId = :orgId AND version = :readVersion',
        ExpressionAttributeValues: { ':orgId': read.orgId, ':readVersion': read.version } as Record<
          string,
          unknown
        >,
      };
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Why a transaction was cancelled, by the index of the item whose condition failed. */
function failedIndexes(error: TransactionCanceledException): number[] {
  return (error.CancellationReasons ?? []).flatMap((reason, index) =>
    reason.Code === 'ConditionalCheckFailed' ? [index] : [],
  );
}

/**
 * Accounts in one DynamoDB table; key layout in infra/data/table-definitions.ts, plus PACScribe's staff
 * records under STAFF#<staffId> / STAFF (gsi1 = STAFF / STAFF#<email>).
 */
export class DynamoAccountsRepository implements AccountsRepository, StaffRepository {
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

  async addMember(member: Member): Promise<Member> {
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
    return { ...member, version: 1 };
  }

  async replaceMember(previous: Member, next: Member): Promise<Member> {
    const delta = Number(isActiveAdministrator(next)) - Number(isActiveAdministrator(previous));
    const nextVersion = (previous.version ?? 0) + 1;
    await this.transact(
      [
        this.adjustAdministrators(previous.orgId, delta),
        { Update: this.versionedUpdate(previous, next, nextVersion) },
      ],
      (failed) => this.explain(failed, delta),
    );
    return { ...next, version: nextVersion };
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
            ...readVersionCondition(member),
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

  async renameMember(userId: string, orgId: string, name: string): Promise<Member> {
    try {
      const { Attributes } = await this.sendSingleItemUpdate(
        new UpdateCommand({
          TableName: this.tableName,
          Key: memberKey(userId),
          UpdateExpression: 'SET #name = :name',
          ConditionExpression: 'orgId = :orgId',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': name, ':orgId': orgId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return MemberSchema.parse(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new NotFoundError('User not found.');
      throw error;
    }
  }

  async revokeSessions(userId: string, orgId: string, cutoff: string): Promise<void> {
    try {
      await this.sendSingleItemUpdate(
        new UpdateCommand({
          TableName: this.tableName,
          Key: memberKey(userId),
          // Bumping the version makes every write prepared from an earlier read fail instead of
          // writing an earlier cut-off back.
          UpdateExpression: 'SET tokensValidAfter = :cutoff ADD version :one',
          ConditionExpression: 'orgId = :orgId AND tokensValidAfter < :cutoff',
          ExpressionAttributeValues: { ':cutoff': cutoff, ':orgId': orgId, ':one': 1 },
        }),
      );
    } catch (error) {
      // The cut-off is already at or after this one (or the membership is gone): nothing to move.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
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
    return Item ? parsedMember(Item) : null;
  }

  /** The member whose address this is, through its email claim; null for an unclaimed address. */
  async findMemberByEmail(email: string): Promise<Member | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: emailKey(email.toLowerCase()), ConsistentRead: true }),
    );
    const userId = typeof Item?.userId === 'string' ? Item.userId : null;
    return userId ? this.getMember(userId) : null;
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

  async getStaffMember(staffId: string): Promise<StaffMember | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: staffKey(staffId), ConsistentRead: true }),
    );
    return Item ? StaffMemberSchema.parse(Item) : null;
  }

  async listStaff(): Promise<StaffMember[]> {
    const staff: StaffMember[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: 100 },
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :staff',
        ExpressionAttributeValues: { ':staff': STAFF_INDEX_PARTITION },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) staff.push(StaffMemberSchema.parse(item));
    }
    return staff;
  }

  async addStaffMember(staff: StaffMember): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.staffItem({ ...staff, version: 1 }),
          ConditionExpression: NOT_EXISTS,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError('This staff member has a record already.');
      }
      throw error;
    }
  }

  async replaceStaffMember(previous: StaffMember, next: StaffMember): Promise<StaffMember> {
    const stored = { ...next, staffId: previous.staffId, version: (previous.version ?? 0) + 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.staffItem(stored),
          ...(previous.version === undefined
            ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(version)' }
            : {
                ConditionExpression: 'version = :readVersion',
                ExpressionAttributeValues: { ':readVersion': previous.version },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError('The staff record was changed meanwhile; reload and retry.');
      }
      throw error;
    }
    return stored;
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
      version: 1,
    };
  }

  private staffItem(staff: StaffMember) {
    return {
      ...staffKey(staff.staffId),
      gsi1pk: STAFF_INDEX_PARTITION,
      gsi1sk: `STAFF#${staff.email}`,
      type: 'staff',
      ...staff,
    };
  }

  /**
   * The access attributes that differ between `previous` and `next`, written at `nextVersion` only if the
   * membership is still at the version `previous` was read at.
   */
  private versionedUpdate(previous: Member, next: Member, nextVersion: number) {
    const fixedChange = FIXED_ATTRIBUTES.find((name) => !sameValue(previous[name], next[name]));
    if (fixedChange || previous.name !== next.name || previous.welcomedAt !== next.welcomedAt) {
      throw new Error(`replaceMember writes access attributes only (tried ${fixedChange ?? 'name/welcome'})`);
    }
    const { ConditionExpression, ExpressionAttributeValues } = readVersionCondition(previous);
    const conditions = [ConditionExpression];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ...ExpressionAttributeValues, ':nextVersion': nextVersion };
    const set: string[] = [];
    const remove: string[] = [];
    for (const name of VERSIONED_ATTRIBUTES) {
      if (sameValue(previous[name], next[name])) continue;
      names[`#${name}`] = name;
      if (next[name] === undefined) remove.push(`#${name}`);
      else {
        set.push(`#${name} = :${name}`);
        values[`:${name}`] = next[name];
      }
      if (ALSO_WRITTEN_UNVERSIONED.includes(name)) {
        const read = `:read${name[0]?.toUpperCase()}${name.slice(1)}`;
        if (previous[name] === undefined) conditions.push(`attribute_not_exists(#${name})`);
        else {
          conditions.push(`#${name} = ${read}`);
          values[read] = previous[name];
        }
      }
    }
    set.push('version = :nextVersion');
    return {
      TableName: this.tableName,
      Key: memberKey(previous.userId),
      UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: conditions.join(' AND '),
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    };
  }

  /**
   * A single-item update that touches one attribute (rename, sign-out) is safe to repeat, so a refusal
   * caused only by a transaction in flight on the same item is retried; the SDK does not retry it.
   */
  private async sendSingleItemUpdate(command: UpdateCommand) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.client.send(command);
      } catch (error) {
        if (!(error instanceof TransactionConflictException) || attempt >= MAX_TRANSACTION_ATTEMPTS)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 20));
      }
    }
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
