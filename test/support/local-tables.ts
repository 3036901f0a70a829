import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localConfig } from './local-client';

/** A document client on the local stack's DynamoDB, for tests that read or rewrite items directly. */
export function localDocuments(): DynamoDBDocumentClient {
  const config = localConfig();
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: config.endpoints.dynamodb,
      region: config.region,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    }),
  );
}

/** Direct reads of the local tables, to check what a request did or did not write. */
export function localTables() {
  const config = localConfig();
  const client = localDocuments();
  return {
    async accountsItem(pk: string, sk: string) {
      return (await client.send(new GetCommand({ TableName: config.tables.accounts, Key: { pk, sk } }))).Item;
    },
    async accountsItemCount() {
      return (
        (await client.send(new ScanCommand({ TableName: config.tables.accounts, Select: 'COUNT' }))).Count ??
        0
      );
    },
    async auditRecords(orgId: string) {
      const result = await client.send(
        new QueryCommand({
          TableName: config.tables.audit,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `ORG#${orgId}` },
        }),
      );
      return result.Items ?? [];
    },
    close: () => client.destroy(),
  };
}
