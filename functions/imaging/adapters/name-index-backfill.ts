import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { nameIndexAttributes } from './imaging-index-items';
import { STUDY_SORT_KEY } from './imaging-index-keys';

/** ORG#<orgId>#STUDY#<studyUid>: the organization of a study item, from its partition key. */
const STUDY_PARTITION = /^ORG#(.+)#STUDY#([^#]+)$/;

/**
 * Puts the studies written before the name index (gsi3) into it: every STUDY item with a PatientName and
 * no gsi3 key gains one. Each write holds only while the item still names that patient and has no key,
 * so an ingest or a correction that got there first is kept. Safe to run again; returns what it indexed.
 */
export async function backfillNameIndex(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ scanned: number; indexed: number }> {
  let scanned = 0;
  let indexed = 0;
  for await (const page of paginateScan(
    { client, pageSize: 500 },
    {
      TableName: tableName,
      FilterExpression: 'sk = :study AND attribute_not_exists(gsi3pk)',
      ExpressionAttributeValues: { ':study': STUDY_SORT_KEY },
      ProjectionExpression: 'pk, patientName',
    },
  )) {
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      const partition = STUDY_PARTITION.exec(String(item.pk));
      const [, orgId = '', study = ''] = partition ?? [];
      const keys = nameIndexAttributes(orgId, study, item.patientName);
      if (!partition || !('gsi3pk' in keys)) continue;
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: STUDY_SORT_KEY },
            UpdateExpression: 'SET gsi3pk = :pk, gsi3sk = :sk',
            ConditionExpression: 'patientName = :name AND attribute_not_exists(gsi3pk)',
            ExpressionAttributeValues: {
              ':pk': keys.gsi3pk,
              ':sk': keys.gsi3sk,
              ':name': item.patientName,
            },
          }),
        );
        indexed += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
  return { scanned, indexed };
}
