import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { UploadSessionStatus } from '#schemas/imaging/upload-session';
import type {
  IngestProgress,
  UploadResult,
  UploadSession,
  UploadSessionRepository,
} from '../core/upload-ports';
import { parseItem } from './malformed-item';
import {
  epochSeconds,
  ResultPageItemSchema,
  resultPageItem,
  resultPageSortKey,
  SessionItemSchema,
  sessionItem,
  sessionKey,
  TTL_ATTRIBUTE,
  uploadPartition,
} from './upload-session-items';

const toSession = (item: Record<string, unknown>): UploadSession =>
  parseItem(SessionItemSchema, 'upload session', item);

/** Upload sessions and their result pages in the uploads table; key layout in upload-session-items.ts. */
export class DynamoUploadSessions implements UploadSessionRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(session: UploadSession): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: sessionItem(session),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(orgId: string, sessionId: string): Promise<UploadSession | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: sessionKey(orgId, sessionId), ConsistentRead: true }),
    );
    return Item ? toSession(Item) : null;
  }

  async transition(
    orgId: string,
    sessionId: string,
    from: readonly UploadSessionStatus[],
    to: UploadSessionStatus,
    changes: Partial<Pick<UploadSession, 'error' | 'finishedAt' | 'expiresAt'>> = {},
  ): Promise<UploadSession | null> {
    const fields: Record<string, unknown> = { ...changes };
    if (changes.expiresAt) fields[TTL_ATTRIBUTE] = epochSeconds(changes.expiresAt);
    const names = Object.keys(fields);
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKey(orgId, sessionId),
          UpdateExpression: `SET ${['#status = :to', ...names.map((_name, index) => `#f${index} = :f${index}`)].join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_status, index) => `:from${index}`).join(', ')})`,
          ExpressionAttributeNames: {
            '#status': 'status',
            ...Object.fromEntries(names.map((name, index) => [`#f${index}`, name])),
          },
          ExpressionAttributeValues: {
            ':to': to,
            ...Object.fromEntries(names.map((name, index) => [`:f${index}`, fields[name]])),
            ...Object.fromEntries(from.map((status, index) => [`:from${index}`, status])),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toSession(Attributes) : null;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  async commitProgress(
    session: UploadSession,
    page: { index: number; results: UploadResult[] } | null,
    progress: IngestProgress,
    counts: UploadSession['counts'],
  ): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          ...(page ? [{ Put: { TableName: this.tableName, Item: resultPageItem(session, page) } }] : []),
          {
            Update: {
              TableName: this.tableName,
              Key: sessionKey(session.orgId, session.sessionId),
              UpdateExpression: 'SET progress = :progress, #counts = :counts',
              ConditionExpression: '#status = :ingesting',
              ExpressionAttributeNames: { '#counts': 'counts', '#status': 'status' },
              ExpressionAttributeValues: {
                ':progress': progress,
                ':counts': counts,
                ':ingesting': 'ingesting',
              },
            },
          },
        ],
      }),
    );
  }

  async listResults(session: UploadSession): Promise<UploadResult[]> {
    const results: UploadResult[] = [];
    if (session.progress.resultPages === 0) return results;
    const pages = paginateQuery(
      { client: this.client, pageSize: 100 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': uploadPartition(session.orgId, session.sessionId),
          ':first': resultPageSortKey(0),
          // Pages at or after the committed count belong to an attempt that did not commit.
          ':last': resultPageSortKey(Math.max(0, session.progress.resultPages - 1)),
        },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        results.push(...parseItem(ResultPageItemSchema, 'upload result page', item).results);
      }
    }
    return results;
  }
}
