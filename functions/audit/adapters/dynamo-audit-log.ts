import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '#schemas/audit/audit-event';
import type { AuditLog } from '../core/audit-trail';

/** Appends to the audit table. The condition makes an overwrite impossible even on id reuse. */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(record: AuditRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `ORG#${record.orgId}`,
          sk: `${record.eventTime}#${record.recordId}`,
          ...record,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}
