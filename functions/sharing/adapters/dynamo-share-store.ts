import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ShareAccessEntry, ShareCode, ShareRecord, ShareSession, ShareStore } from '../core/ports';

const shareKey = (shareId: string) => ({ pk: `SHARE#${shareId}`, sk: 'SHARE' });
const tokenKey = (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' });
const codeKey = (shareId: string) => ({ pk: `SHARE#${shareId}`, sk: 'CODE' });
const sessionKey = (sessionHash: string) => ({ pk: `SESSION#${sessionHash}`, sk: 'SESSION' });
const idempotencyKey = (scope: string) => ({ pk: `IDEMPOTENCY#${scope}`, sk: 'IDEMPOTENCY' });
const NOT_EXISTS = 'attribute_not_exists(pk)';
/** Shares and their access logs are disclosure records: kept six years after the share ends. */
const DISCLOSURE_RETENTION_SECONDS = 2192 * 24 * 3600;
const epoch = (iso: string | Date) => Math.floor(new Date(iso).getTime() / 1000);

const SHARE_FIELDS = [
  'shareId',
  'orgId',
  'tokenHash',
  'studyInstanceUid',
  'seriesInstanceUids',
  'patientId',
  'recipientEmail',
  'scope',
  'deidentify',
  'uidKey',
  'passcodeHash',
  'purpose',
  'createdAt',
  'createdBy',
  'expiresAt',
  'maxUses',
  'uses',
  'revokedAt',
  'revokedBy',
] as const;

function toShare(item: Record<string, unknown>): ShareRecord {
  return Object.fromEntries(
    SHARE_FIELDS.map((field) => [field, item[field] ?? null]),
  ) as unknown as ShareRecord;
}

/**
 * The sharing table (infra/data/table-definitions.ts): shares, link lookups, one-time codes, sessions,
 * rate counters and access logs. Reads that decide access are strongly consistent, so a revocation
 * counts from the next request.
 */
export class DynamoShareStore implements ShareStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async get(key: Record<string, string>): Promise<Record<string, unknown> | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ?? null;
  }

  async createShare(share: ShareRecord, idempotency: string | null): Promise<'created' | 'duplicate'> {
    const retainUntil = epoch(share.expiresAt) + DISCLOSURE_RETENTION_SECONDS;
    const items: Record<string, unknown>[] = [
      {
        ...shareKey(share.shareId),
        type: 'share',
        ...share,
        gsi1pk: `ORG#${share.orgId}#SHARES`,
        gsi1sk: `${share.createdAt}#${share.shareId}`,
        expiresAtEpoch: retainUntil,
      },
      // The link resolves only until the share expires; the share record outlives it.
      {
        ...tokenKey(share.tokenHash),
        type: 'share-token',
        shareId: share.shareId,
        expiresAtEpoch: epoch(share.expiresAt),
      },
    ];
    if (idempotency) {
      items.push({
        ...idempotencyKey(idempotency),
        type: 'share-idempotency',
        shareId: share.shareId,
        expiresAtEpoch: epoch(share.createdAt) + 24 * 3600,
      });
    }
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: items.map((Item) => ({
            Put: { TableName: this.tableName, Item, ConditionExpression: NOT_EXISTS },
          })),
        }),
      );
      return 'created';
    } catch (error) {
      if (idempotency && error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        if (reasons[2]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      }
      throw error;
    }
  }

  async shareForIdempotencyKey(idempotency: string): Promise<ShareRecord | null> {
    const entry = await this.get(idempotencyKey(idempotency));
    return typeof entry?.shareId === 'string' ? this.getShare(entry.shareId) : null;
  }

  async getShare(shareId: string): Promise<ShareRecord | null> {
    const item = await this.get(shareKey(shareId));
    return item ? toShare(item) : null;
  }

  async shareForToken(tokenHash: string): Promise<ShareRecord | null> {
    const entry = await this.get(tokenKey(tokenHash));
    if (typeof entry?.shareId !== 'string') return null;
    const share = await this.getShare(entry.shareId);
    // The lookup must name a share holding this very digest; anything else opens nothing.
    return share && share.tokenHash === tokenHash ? share : null;
  }

  async listShares(orgId: string): Promise<ShareRecord[]> {
    const shares: ShareRecord[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `ORG#${orgId}#SHARES` },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) shares.push(toShare(item));
    return shares;
  }

  async revokeShare(shareId: string, at: string, by: string): Promise<ShareRecord | null> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shareKey(shareId),
          UpdateExpression: 'SET revokedAt = :at, revokedBy = :by',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at, ':by': by },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toShare(Attributes) : null;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  async countUse(share: ShareRecord): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shareKey(share.shareId),
          UpdateExpression: 'ADD uses :one',
          // Status was checked just before; a revocation racing this is caught on the session's first request.
          ConditionExpression: `attribute_exists(pk)${share.maxUses === null ? '' : ' AND uses < :max'}`,
          ExpressionAttributeValues: {
            ':one': 1,
            ...(share.maxUses === null ? {} : { ':max': share.maxUses }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async putCode(shareId: string, code: ShareCode): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...codeKey(shareId), type: 'share-code', ...code, expiresAtEpoch: epoch(code.expiresAt) },
      }),
    );
  }

  async getCode(shareId: string): Promise<ShareCode | null> {
    const item = await this.get(codeKey(shareId));
    if (!item) return null;
    return {
      codeHash: String(item.codeHash),
      expiresAt: String(item.expiresAt),
      attempts: Number(item.attempts ?? 0),
    };
  }

  async countCodeAttempt(shareId: string, maxAttempts: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: codeKey(shareId),
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(pk) AND attempts < :max',
          ExpressionAttributeValues: { ':one': 1, ':max': maxAttempts },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async consumeCode(shareId: string, codeHash: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: codeKey(shareId),
          ConditionExpression: 'codeHash = :hash',
          ExpressionAttributeValues: { ':hash': codeHash },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async putSession(sessionHash: string, session: ShareSession): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...sessionKey(sessionHash),
          type: 'share-session',
          ...session,
          expiresAtEpoch: epoch(session.expiresAt),
        },
        ConditionExpression: NOT_EXISTS,
      }),
    );
  }

  async getSession(sessionHash: string): Promise<ShareSession | null> {
    const item = await this.get(sessionKey(sessionHash));
    if (!item) return null;
    return { shareId: String(item.shareId), expiresAt: String(item.expiresAt) };
  }

  async countHit(key: string, windowStart: string, windowEnd: Date, limit: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `RATE#${key}`, sk: windowStart },
          UpdateExpression: 'ADD hits :one SET expiresAtEpoch = :ttl',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': epoch(windowEnd) + 3600 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async recordAccess(entry: ShareAccessEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `SHARE#${entry.shareId}`,
          sk: `ACCESS#${entry.at}#${entry.requestId}`,
          type: 'share-access',
          ...entry,
          expiresAtEpoch: epoch(entry.at) + DISCLOSURE_RETENTION_SECONDS,
        },
      }),
    );
  }

  async listAccess(shareId: string): Promise<ShareAccessEntry[]> {
    const entries: ShareAccessEntry[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :access)',
        ExpressionAttributeValues: { ':pk': `SHARE#${shareId}`, ':access': 'ACCESS#' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        entries.push({
          shareId,
          at: String(item.at),
          kind: item.kind as ShareAccessEntry['kind'],
          requestId: String(item.requestId),
          sourceIp: (item.sourceIp as string | null) ?? null,
          detail: (item.detail as string | null) ?? null,
        });
      }
    }
    return entries;
  }
}
