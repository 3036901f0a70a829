import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Report, ReportSchema } from '#schemas/imaging/reports';
import type { ReportStore } from '../core/reports';
import {
  REPORT_SORT_KEY,
  REPORT_VERSION_PREFIX,
  reportVersionSortKey,
  studyKey,
  studyPartition,
} from './imaging-index-keys';
import { parseItem } from './malformed-item';

/** Reports in their study's partition: REPORT (current) and REPORT#VERSION#n (each version). */
export class DynamoReports implements ReportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(orgId: string, study: string): Promise<Report | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: studyPartition(orgId, study), sk: REPORT_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    return Item ? parseItem(ReportSchema, 'report', Item) : null;
  }

  async write(orgId: string, report: Report, expectedVersion: number) {
    const pk = studyPartition(orgId, report.study);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: studyKey(orgId, report.study),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk, sk: REPORT_SORT_KEY, type: 'report', ...report },
                ...(expectedVersion === 0
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : {
                      ConditionExpression: 'version = :expected',
                      ExpressionAttributeValues: { ':expected': expectedVersion },
                    }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk, sk: reportVersionSortKey(report.version), type: 'report-version', ...report },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return 'written' as const;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      return error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed' ? 'missing' : 'conflict';
    }
  }

  async versions(orgId: string, study: string): Promise<Report[]> {
    const versions: Report[] = [];
    for await (const page of paginateQuery(
      { client: this.client, pageSize: 200 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': studyPartition(orgId, study), ':prefix': REPORT_VERSION_PREFIX },
        ConsistentRead: true,
      },
    )) {
      for (const item of page.Items ?? []) versions.push(parseItem(ReportSchema, 'report version', item));
    }
    return versions;
  }
}
