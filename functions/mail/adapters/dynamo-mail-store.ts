import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { MarketingSystem, PreferenceRecord } from '#schemas/mail/preferences';
import type { Suppression } from '#schemas/mail/suppressions';
import type { CampaignDryRun, MailStore, PropagationRecord } from '../core/ports';

const preferencesKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PREFS' });
const propagationKey = (userId: string, id: string) => ({ pk: `USER#${userId}`, sk: `PROPAGATION#${id}` });
const suppressionKey = (email: string) => ({ pk: `SUPPRESSED#${email.toLowerCase()}`, sk: 'SUPPRESSED' });
const PENDING = 'PROPAGATION#PENDING';
/** Campaign records are kept a year (long enough to prove who was mailed what). */
const CAMPAIGN_RECORD_SECONDS = 365 * 24 * 3600;

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const toPropagation = (item: Record<string, unknown>): PropagationRecord => ({
  propagationId: String(item.propagationId),
  userId: String(item.userId),
  orgId: String(item.orgId),
  direction: item.direction === 'opt-in' ? 'opt-in' : 'opt-out',
  requestedAt: String(item.requestedAt),
  deadlineDate: String(item.deadlineDate),
  deadlineAt: String(item.deadlineAt),
  status: item.status === 'complete' ? 'complete' : 'in-progress',
  systems: (item.systems ?? {}) as PropagationRecord['systems'],
  completedAt: typeof item.completedAt === 'string' ? item.completedAt : null,
});

const toSuppression = (item: Record<string, unknown>): Suppression => ({
  email: String(item.email),
  userId: typeof item.userId === 'string' ? item.userId : null,
  reason: item.reason === 'complaint' ? 'complaint' : 'bounce',
  detail: String(item.detail ?? ''),
  suppressedAt: String(item.suppressedAt),
});

/** The mail table (infra/data/table-definitions.ts describes its items). */
export class DynamoMailStore implements MailStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getPreferences(userId: string): Promise<PreferenceRecord | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: preferencesKey(userId), ConsistentRead: true }),
    );
    if (!Item) return null;
    return {
      userId: String(Item.userId),
      orgId: String(Item.orgId),
      marketing: Item.marketing === true,
      updatedAt: String(Item.updatedAt),
      latestPropagationId: typeof Item.latestPropagationId === 'string' ? Item.latestPropagationId : null,
    };
  }

  async recordPreferenceChange(preferences: PreferenceRecord, propagation: PropagationRecord): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...preferencesKey(preferences.userId), ...preferences },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...propagationKey(propagation.userId, propagation.propagationId),
                ...propagation,
                gsi1pk: PENDING,
                gsi1sk: `${propagation.deadlineAt}#${propagation.propagationId}`,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }

  async getPropagation(userId: string, propagationId: string): Promise<PropagationRecord | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: propagationKey(userId, propagationId),
        ConsistentRead: true,
      }),
    );
    return Item ? toPropagation(Item) : null;
  }

  async markSystemDone(userId: string, propagationId: string, system: MarketingSystem, at: string) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: propagationKey(userId, propagationId),
          UpdateExpression: 'SET systems.#system = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(systems.#system)',
          ExpressionAttributeNames: { '#system': system },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async completePropagation(userId: string, propagationId: string, at: string) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: propagationKey(userId, propagationId),
          UpdateExpression: 'SET #status = :complete, completedAt = :at REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :complete',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':complete': 'complete', ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listOverdueOptOuts(now: string): Promise<PropagationRecord[]> {
    const records: PropagationRecord[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pending AND gsi1sk < :now',
          ExpressionAttributeValues: { ':pending': PENDING, ':now': now },
          ExclusiveStartKey: cursor,
        }),
      );
      records.push(...(page.Items ?? []).map(toPropagation).filter((r) => r.direction === 'opt-out'));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return records;
  }

  async getSuppression(email: string): Promise<Suppression | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: suppressionKey(email), ConsistentRead: true }),
    );
    return Item ? toSuppression(Item) : null;
  }

  async putSuppression(suppression: Suppression, orgId: string | null): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...suppressionKey(suppression.email),
            ...suppression,
            ...(orgId ? { orgId, gsi1pk: `ORG#${orgId}#SUPPRESSED`, gsi1sk: suppression.email } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listSuppressions(orgId: string): Promise<Suppression[]> {
    const suppressions: Suppression[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :org',
          ExpressionAttributeValues: { ':org': `ORG#${orgId}#SUPPRESSED` },
          ExclusiveStartKey: cursor,
        }),
      );
      suppressions.push(...(page.Items ?? []).map(toSuppression));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return suppressions;
  }

  async getDryRun(template: string, contentHash: string): Promise<CampaignDryRun | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `CAMPAIGN#${template}`, sk: `DRY-RUN#${contentHash}` },
        ConsistentRead: true,
      }),
    );
    if (!Item) return null;
    return {
      template,
      contentHash,
      ranAt: String(Item.ranAt),
      eligible: Number(Item.eligible),
      skipped: (Item.skipped ?? {}) as Record<string, number>,
    };
  }

  async putDryRun(dryRun: CampaignDryRun): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `CAMPAIGN#${dryRun.template}`,
          sk: `DRY-RUN#${dryRun.contentHash}`,
          ...dryRun,
          expiresAtEpoch: Math.floor(Date.parse(dryRun.ranAt) / 1000) + CAMPAIGN_RECORD_SECONDS,
        },
      }),
    );
  }

  async claimCampaignSend(template: string, contentHash: string, userId: string, at: string) {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `CAMPAIGN#${template}`,
            sk: `SENT#${contentHash}#${userId}`,
            sentAt: at,
            expiresAtEpoch: Math.floor(Date.parse(at) / 1000) + CAMPAIGN_RECORD_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
