import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { EXPORT_RETENTION_DAYS, type ExportJob, ExportJobSchema } from '#schemas/exports/exports';
import type { ExportJobs } from '../core/ports';

/**
 * Export records (table: infra/data/table-definitions.ts, exportsTable):
 *   ORG#<orgId> / EXPORT#<exportId>   one export: status, progress, parts, checkpoint
 *   ORG#<orgId> / ACTIVE              names the running export, so two requests never start two
 *   ORG#<orgId> / ACTIVE#USER#<userId>  names a member's running study archive (one at a time each)
 * Records end by TTL a year after their export; parts are long gone by then (7-day bucket rule).
 */
const partition = (orgId: string) => `ORG#${orgId}`;
const jobKey = (orgId: string, exportId: string) => ({ pk: partition(orgId), sk: `EXPORT#${exportId}` });
/** The slot a running export holds: the organization's, or for a study archive its requester's. */
const activeKey = (job: Pick<ExportJob, 'orgId' | 'scope' | 'requestedBy'>) => ({
  pk: partition(job.orgId),
  sk: job.scope.kind === 'organization' ? 'ACTIVE' : `ACTIVE#USER#${job.requestedBy}`,
});
const RECORD_DAYS = 365;
const LISTED = 50;

const conditionFailed = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed'));

const toJob = (item: Record<string, unknown>): ExportJob => ExportJobSchema.parse(item.job);

export class DynamoExportJobs implements ExportJobs {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: ExportJob) {
    const expiresAtEpoch = Math.floor(Date.parse(job.createdAt) / 1000) + RECORD_DAYS * 86_400;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...activeKey(job), exportId: job.exportId },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...jobKey(job.orgId, job.exportId),
                  status: job.status,
                  job,
                  expiresAtEpoch,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return { created: true as const };
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: activeKey(job), ConsistentRead: true }),
    );
    const running = Item ? await this.get(job.orgId, String(Item.exportId)) : null;
    // The slot was freed between the two reads: the caller may simply ask again.
    if (!running) throw new Error('export slot changed during the request');
    return { created: false as const, running };
  }

  async get(orgId: string, exportId: string): Promise<ExportJob | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: jobKey(orgId, exportId), ConsistentRead: true }),
    );
    return Item ? toJob(Item) : null;
  }

  async list(orgId: string): Promise<ExportJob[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition(orgId), ':prefix': 'EXPORT#' },
      }),
    );
    return (Items ?? [])
      .map(toJob)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, LISTED);
  }

  async setExecution(orgId: string, exportId: string, executionArn: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: jobKey(orgId, exportId),
        UpdateExpression: 'SET #job.#arn = :arn',
        ExpressionAttributeNames: { '#job': 'job', '#arn': 'executionArn' },
        ExpressionAttributeValues: { ':arn': executionArn },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async checkpoint(
    orgId: string,
    exportId: string,
    update: Pick<ExportJob, 'cursor' | 'progress' | 'parts' | 'updatedAt'>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(orgId, exportId),
          UpdateExpression:
            'SET #job.#cursor = :cursor, #job.#progress = :progress, #job.#parts = :parts, #job.#updatedAt = :at',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: {
            '#job': 'job',
            '#status': 'status',
            '#cursor': 'cursor',
            '#progress': 'progress',
            '#parts': 'parts',
            '#updatedAt': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':cursor': update.cursor,
            ':progress': update.progress,
            ':parts': update.parts,
            ':at': update.updatedAt,
            ':running': 'running',
          },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async finish(
    job: Pick<ExportJob, 'orgId' | 'exportId' | 'scope' | 'requestedBy'>,
    end: { status: Exclude<ExportJob['status'], 'running'>; at: string; failure: string | null },
  ): Promise<boolean> {
    const expiresAt =
      end.status === 'succeeded'
        ? new Date(Date.parse(end.at) + EXPORT_RETENTION_DAYS * 86_400_000).toISOString()
        : end.at;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: jobKey(job.orgId, job.exportId),
                UpdateExpression:
                  'SET #status = :status, #job.#status = :status, #job.#finishedAt = :at, #job.#updatedAt = :at, #job.#failure = :failure, #job.#expiresAt = :expiresAt',
                ConditionExpression: '#status = :running',
                ExpressionAttributeNames: {
                  '#job': 'job',
                  '#status': 'status',
                  '#finishedAt': 'finishedAt',
                  '#updatedAt': 'updatedAt',
                  '#failure': 'failure',
                  '#expiresAt': 'expiresAt',
                },
                ExpressionAttributeValues: {
                  ':status': end.status,
                  ':at': end.at,
                  ':failure': end.failure,
                  ':expiresAt': expiresAt,
                  ':running': 'running',
                },
              },
            },
            {
              Delete: {
                TableName: this.tableName,
                Key: activeKey(job),
                ConditionExpression: 'exportId = :exportId',
                ExpressionAttributeValues: { ':exportId': job.exportId },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }
}
