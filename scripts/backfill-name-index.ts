/**
 * `npm run backfill:name-index -- --table <imaging table> [--region <region>]`: puts the studies stored
 * before the imaging index had its name index (gsi3) into it, once that index is deployed and ACTIVE.
 * Uses the shell's AWS credentials; safe to run again. The local stack does this itself on start.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backfillNameIndex } from '../functions/imaging/adapters/name-index-backfill';

async function main() {
  const { values } = parseArgs({ options: { table: { type: 'string' }, region: { type: 'string' } } });
  if (!values.table)
    throw new Error('Usage: npm run backfill:name-index -- --table <imaging table> [--region <region>]');
  const dynamo = new DynamoDBClient(values.region ? { region: values.region } : {});
  try {
    const { scanned, indexed } = await backfillNameIndex(DynamoDBDocumentClient.from(dynamo), values.table);
    console.log(`Scanned ${scanned} items; ${indexed} studies put into the name index.`);
  } finally {
    dynamo.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
