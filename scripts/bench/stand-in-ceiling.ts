import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import {
  type AttributeValue,
  BatchGetItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as RawQueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { DynamoImagingIndex } from '../../functions/imaging/adapters/dynamo-imaging-index';
import { S3ObjectStore } from '../../functions/imaging/adapters/s3-object-store';
import { instanceMetadata } from '../../functions/imaging/core/metadata';
import { READ_AHEAD_PARTS } from '../../functions/imaging/core/multipart-writer';
import { readPart10 } from '../../functions/imaging/core/part10';
import {
  accountsTable,
  auditTable,
  imagingTable,
  type TableDefinition,
  tableDefinitions,
} from '../../infra/data/table-definitions';
import type { RecordedCall, RecordedInvocations } from '../local/aws-call-trace';
import { createTableAs, localTableName } from '../local/bootstrap';

/**
 * The stand-ins' own ceiling for each benchmark row (issue 12): the DynamoDB Local and s3rver requests one
 * PACScribe request of that row makes, in the same sequence, sent straight from this process with no
 * PACScribe code between. A row's requests/s as a share of its recipe's is what PACScribe keeps of what the
 * stand-ins allow.
 *
 * A read row replays what the local stack recorded for that row (scripts/local/aws-call-trace.ts): the
 * very same DynamoDB requests (tables, indexes, projections, keys) and S3 reads, cycling through the
 * recorded requests as the row's requests cycle through the data set, in the stages their timing shows
 * (a call starts once every call that ended before it did has answered). Reads go to the stack's own
 * tables and bucket. The audit append goes into the stack's own audit table, so that it writes the stream
 * record PACScribe's appends write, at the same cost: DynamoDB Local's stream makes each put dearer as it
 * grows (in a DynamoDB Local of its own, 0.4–1.4 ms more of its CPU for a lookup's record, 1.0–1.3 ms for
 * a 100-study page's; in run AK, 20,000 instances, DynamoDB Local spent up to 1.5 ms more per request under
 * PACScribe than under a ceiling whose copy had no stream). Each copy is moved out of every reader's way (see
 * ceilingAuditItem). Copies of the table made for the ceiling could not stand in: on this machine
 * (2026-12-05/06), puts into stream-enabled tables created after a few thousand stream records had been
 * written fell from ~300/s to 12–60/s, and a copy made before the data set was stored had DynamoDB Local
 * spend 9.6–11.4 ms per ceiling request against 3.3–5.0 per PACScribe request; the cause inside DynamoDB
 * Local was not found. The other writes (now and then a request counter) go to copies of their tables made
 * from PACScribe's definitions, with each put's sort key made unique.
 *
 * STOW is not replayed (its writes would store the same instance again): its recipe is the sequence the
 * call trace shows, its membership read and audit append with copies of items the stack stored, its index
 * and object writes through PACScribe's own adapters (see the recipe).
 */
export interface StandInEndpoints {
  region: string;
  endpoints: { dynamodb: string; s3: string };
  imagingBucket: string;
}

/**
 * One request's worth of stand-in operations; `index` varies the keys as the benchmark's requests do.
 * Object bytes read from S3 go to `sink` when given (left open), else are read and dropped.
 */
export type Recipe = (index: number, sink?: Writable) => Promise<void>;

/** A row's recipe: its operations described, and how the row runs when that differs from the default. */
export interface RowRecipe {
  operations: string;
  recipe: Recipe;
  /** Whole objects a request sends: its throughput is also counted in MB/s, and its bytes are streamed. */
  objects?: number;
  /** The row's concurrency and request count, when not the query rows' (8, and the requests asked). */
  load?: { concurrency: number; requests: (rowRequests: number) => number };
}

/** The series retrieval row: fewer requests, at concurrency 4, each sending 10 instances. */
export const SERIES_ROW = {
  instances: 10,
  concurrency: 4,
  requests: (rowRequests: number) => Math.max(4, Math.floor(rowRequests / 4)),
};

/** The label STOW's row carries (its recipe is built here, not replayed). */
export const STOW_ROW = 'STOW c16';

const TABLE = 'bench-stand-in-ceiling';
/** The organization STOW's ceiling stores for, in its copy of the imaging table. */
const STOW_ORG = 'bench-ceiling';
/** An item of about the size of the subscription standing STOW reads. */
const STANDING = 'x'.repeat(4_000);

/**
 * The UIDs of the `n`th instance STOW's ceiling stores in a process: studies of 20 instances in two
 * series of 10, as the benchmark's data set's, named apart from every other process's.
 */
export function stowCeilingUids(pid: number, n: number) {
  const study = `ceiling.${pid}.${Math.floor(n / 20)}`;
  const series = `${study}.${n % 2}`;
  return { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: `${series}.${n}` };
}

/** The local stack's own item whose partition key starts with `prefix`: the median size of the first 100. */
async function liveItem(dynamo: DynamoDBDocumentClient, definition: TableDefinition, prefix: string) {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan(
    { client: dynamo, pageSize: 500 },
    {
      TableName: localTableName(definition),
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': prefix },
    },
  )) {
    items.push(...(page.Items ?? []));
    if (items.length >= 100) break;
  }
  const bySize = items.sort((a, b) => JSON.stringify(a).length - JSON.stringify(b).length);
  const item = bySize[Math.floor(bySize.length / 2)];
  if (!item) throw new Error(`no ${prefix} item in ${localTableName(definition)} to copy`);
  return item;
}

/** A table shaped like one of PACScribe's (keys, indexes), for the ceiling's own writes. */
async function shapedTable(raw: DynamoDBClient, definition: TableDefinition): Promise<string> {
  const name = `bench-stand-in-ceiling-${definition.logicalName}`;
  await createTableAs(raw, definition, name).catch((error: unknown) => {
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  });
  return name;
}

/** Where the ceiling's audit copies live: as long as `ORG#`, so the partition keys keep their length. */
const CEILING_AUDIT_PREFIX = 'CEL#';

/**
 * A recorded audit append's item (DynamoDB JSON) made into the ceiling's copy for the stack's own audit
 * table: the same attributes, its partition and time-index partition moved from `ORG#…` to `CEL#…` (as
 * long), and its sort key made unique (a suffix of a few bytes). No chain read, time-index query,
 * witness or `npm run audit:verify` looks there: they read chain (`ORG#`) partitions only, so the copies
 * touch no organization's trail.
 * The benchmark's stack is its own anyway, made for the run and removed after it.
 */
export function ceilingAuditItem(
  item: Record<string, AttributeValue>,
  unique: string,
): Record<string, AttributeValue> {
  const moved = (name: string): AttributeValue => {
    const value = item[name]?.S;
    if (!value?.startsWith('ORG#'))
      throw new Error(`the ceiling copies organizations' audit items, not ${name} ${value}`);
    return { S: `${CEILING_AUDIT_PREFIX}${value.slice('ORG#'.length)}` };
  };
  return { ...item, pk: moved('pk'), gsi1pk: moved('gsi1pk'), sk: { S: `${item.sk?.S}#${unique}` } };
}

/**
 * Each call's stage: one more than the latest stage among the calls that had answered when it started.
 * Calls of a stage run together; a stage starts when the one before it has answered.
 */
export function replayStages<T extends Pick<RecordedCall, 'start' | 'end'>>(calls: readonly T[]): T[][] {
  const byStart = [...calls].sort((a, b) => a.start - b.start);
  const stageOf = new Map<T, number>();
  for (const call of byStart) {
    const before = byStart.filter((other) => other !== call && other.end <= call.start);
    stageOf.set(call, 1 + Math.max(-1, ...before.map((other) => stageOf.get(other) ?? 0)));
  }
  const count = 1 + Math.max(-1, ...stageOf.values());
  return Array.from({ length: count }, (_, stage) => byStart.filter((call) => stageOf.get(call) === stage));
}

/** DynamoDB's operation name from a recorded call's X-Amz-Target (`DynamoDB_20120810.GetItem`). */
const operationOf = (call: RecordedCall) => (call.target ?? '').split('.').pop() ?? '';

/** Bucket, key and range of a recorded S3 GET (path-style, as the stack's client sends locally). */
export function s3ReadOf(call: Pick<RecordedCall, 'method' | 'path' | 'range'>) {
  if (call.method !== 'GET')
    throw new Error(`the stand-in ceiling replays S3 reads only, not ${call.method}`);
  const [bucket, ...key] = (call.path.split('?')[0] ?? '').slice(1).split('/').map(decodeURIComponent);
  if (!bucket || key.length === 0) throw new Error(`not a path-style S3 object path: ${call.path}`);
  return { Bucket: bucket, Key: key.join('/'), ...(call.range ? { Range: call.range } : {}) };
}

export async function standInRecipes(
  config: StandInEndpoints,
  objectBytes: Buffer,
  /** The read rows' requests as the local stack recorded them, by row label. */
  recorded: RecordedInvocations,
) {
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const raw = new DynamoDBClient({ region: config.region, endpoint: config.endpoints.dynamodb, credentials });
  // Marshalled as PACScribe's own client does (functions/shared/aws/clients.ts): STOW's index items are its.
  const dynamo = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const s3 = new S3Client({
    region: config.region,
    endpoint: config.endpoints.s3,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await raw
    .send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    )
    .catch((error: unknown) => {
      if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
    });
  await dynamo.send(new PutCommand({ TableName: TABLE, Item: { pk: 'standing', sk: 's', body: STANDING } }));
  const memberTemplate = await liveItem(dynamo, accountsTable, 'USER#');
  const auditTemplate = await liveItem(dynamo, auditTable, 'ORG#');
  const imaging = await shapedTable(raw, imagingTable);
  const accounts = await shapedTable(raw, accountsTable);
  /** Copies of the tables the recorded requests write to, by the stack's table name. */
  const copies = new Map<string, { name: string; definition: TableDefinition }>();
  for (const definition of tableDefinitions) {
    const written = Object.values(recorded).some((invocations) =>
      invocations.some((calls) =>
        calls.some(
          (call) =>
            /^(PutItem|UpdateItem)$/.test(operationOf(call)) &&
            (JSON.parse(call.body ?? '{}') as { TableName?: string }).TableName ===
              localTableName(definition),
        ),
      ),
    );
    // The audit append goes into the stack's own table (ceilingAuditItem), not into a copy.
    if (!written || definition === auditTable) continue;
    const name = await shapedTable(raw, { ...definition, stream: undefined });
    copies.set(localTableName(definition), { name, definition });
  }
  const audit = localTableName(auditTable);
  await dynamo.send(
    new PutCommand({
      TableName: accounts,
      Item: { ...memberTemplate, pk: 'USER#bench-ceiling', sk: 'MEMBER' },
    }),
  );

  const drain = async (body: unknown, sink?: Writable) => {
    // Chunk by chunk with backpressure, as a part goes out; a pipeline per part would leave its listeners
    // on the one response until it ends (10 parts of a series: Node's MaxListenersExceededWarning).
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      if (sink && !sink.write(chunk)) await once(sink, 'drain');
    }
  };

  /** Puts made into the copies: each one's sort key gets this process's next number, so none collide. */
  let written = 0;
  /**
   * One recorded DynamoDB request, made ready to send again (reads as they were, writes into the copies):
   * its body is parsed and checked once here, so a replayed request costs the ceiling only the send.
   */
  const preparedDynamoDb = (call: RecordedCall): (() => Promise<unknown>) => {
    const operation = operationOf(call);
    const input = JSON.parse(call.body ?? '{}');
    switch (operation) {
      case 'GetItem':
        return () => raw.send(new GetItemCommand(input));
      case 'Query':
        return () => raw.send(new RawQueryCommand(input));
      case 'BatchGetItem':
        return () => raw.send(new BatchGetItemCommand(input));
      case 'PutItem':
      case 'UpdateItem': {
        if (operation === 'PutItem' && input.TableName === audit) {
          return () => {
            written += 1;
            const item = ceilingAuditItem(input.Item, `ceiling-${process.pid}-${written}`);
            return raw.send(new PutItemCommand({ ...input, Item: item }));
          };
        }
        const copy = copies.get(input.TableName);
        if (!copy) throw new Error(`no copy of ${input.TableName} for the ceiling's ${operation}`);
        const copied = { ...input, TableName: copy.name };
        if (operation === 'UpdateItem') return () => raw.send(new UpdateItemCommand(copied));
        const key = copy.definition.sortKey?.name ?? copy.definition.partitionKey.name;
        const position = String(input.Item[key].S);
        return () => {
          written += 1;
          const item = { ...input.Item, [key]: { S: `${position}#ceiling-${process.pid}-${written}` } };
          return raw.send(new PutItemCommand({ ...copied, Item: item }));
        };
      }
      default:
        throw new Error(`the stand-in ceiling does not replay DynamoDB's ${operation}`);
    }
  };

  /**
   * A recorded request replayed: DynamoDB's calls stage by stage; the S3 reads, from the stage the first
   * started in, sent in order as parts go out (the next ones read ahead, as PACScribe's are), the first
   * held until that stage's writes (the audit append) have answered.
   */
  const replay = (calls: readonly RecordedCall[]) => {
    for (const call of calls) {
      if (call.service !== 'dynamodb' && call.service !== 's3') {
        throw new Error(`the stand-in ceiling does not replay ${call.service}`);
      }
    }
    const stages = replayStages(calls);
    const sends = stages.map((stage) =>
      stage.filter((call) => call.service === 'dynamodb').map(preparedDynamoDb),
    );
    const reads = calls
      .filter((call) => call.service === 's3')
      .sort((a, b) => a.start - b.start)
      .map(s3ReadOf);
    const readsFrom = stages.findIndex((stage) => stage.some((call) => call.service === 's3'));
    return async (sink?: Writable) => {
      let streaming: Promise<void> = Promise.resolve();
      for (const [n, stage] of sends.entries()) {
        const answered = Promise.all(stage.map((send) => send()));
        if (n === readsFrom) streaming = streamReads(reads, answered, sink);
        await answered;
      }
      await streaming;
    };
  };
  const streamReads = async (
    reads: readonly ReturnType<typeof s3ReadOf>[],
    gate: Promise<unknown>,
    sink?: Writable,
  ) => {
    const bodies: Promise<unknown>[] = [];
    const open = (n: number) => {
      bodies[n] ??= s3
        .send(new GetObjectCommand(reads[n] as ReturnType<typeof s3ReadOf>))
        .then(({ Body }) => Body);
      return bodies[n];
    };
    for (let n = 0; n < reads.length; n += 1) {
      for (let m = n; m <= Math.min(reads.length - 1, n + READ_AHEAD_PARTS); m += 1) open(m);
      const body = await open(n);
      if (n === 0) await gate;
      await drain(body, sink);
    }
  };

  /** How a recorded request runs, in a line: `[GetItem accounts ∥ Query imaging/gsi2] → PutItem audit`. */
  const described = (calls: readonly RecordedCall[]) =>
    replayStages(calls)
      .map((stage) => {
        const names = stage.map((call) => {
          if (call.service === 's3') return `S3 ${call.range ? 'range ' : ''}GET`;
          const input = JSON.parse(call.body ?? '{}') as { TableName?: string; IndexName?: string };
          const table = tableDefinitions.find((d) => localTableName(d) === input.TableName)?.logicalName;
          return `${operationOf(call)} ${table ?? input.TableName}${input.IndexName ? `/${input.IndexName}` : ''}`;
        });
        return names.length > 1 ? `[${names.join(' ∥ ')}]` : (names[0] ?? '');
      })
      .join(' → ');

  const recipes: Record<string, RowRecipe> = {};
  for (const [label, invocations] of Object.entries(recorded)) {
    if (label === STOW_ROW || invocations.length === 0) continue;
    const replays = invocations.map(replay);
    const objects = invocations[0]?.filter((call) => call.service === 's3' && !call.range).length ?? 0;
    // The shape most of the recorded requests took (a request now and then also flushes its counters).
    const shapes = new Map<string, number>();
    for (const calls of invocations) shapes.set(described(calls), (shapes.get(described(calls)) ?? 0) + 1);
    const [shape, count] = [...shapes].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    recipes[label] = {
      operations: `${shape} (${count} of the ${invocations.length} recorded requests, replayed in turn)`,
      recipe: (index, sink) => (replays[index % replays.length] as (sink?: Writable) => Promise<void>)(sink),
      ...(objects > 0 ? { objects } : {}),
      ...(objects > 1 ? { load: SERIES_ROW } : {}),
    };
  }

  /**
   * STOW's index read and write and its object write are PACScribe's own adapters' (the same requests it
   * sends), into a copy of the imaging table and the stack's bucket, for a ceiling organization whose
   * studies get 20 instances in two series, as the data set's: most index writes update a study and a
   * series that exist, and concurrent ones contend for them as PACScribe's do.
   */
  const stowIndex = new DynamoImagingIndex(dynamo, imaging);
  const stowObjects = new S3ObjectStore(s3, config.imagingBucket);
  const template = readPart10(objectBytes);
  const templateMetadata = JSON.stringify(instanceMetadata(template));
  const templateSha256 = createHash('sha256').update(template.sanitized).digest();
  let stored = 0;
  let appended = 0;
  recipes[STOW_ROW] = {
    operations: `[get ∥ get] → batch get of 3 → S3 PUT ${Math.round(objectBytes.length / 1024)} KiB → transaction of 2 puts and 2 updates (PACScribe's index and object store adapters, studies of 20 instances in two series) → put`,
    recipe: async (index) => {
      const uids = stowCeilingUids(process.pid, stored);
      stored += 1;
      // The membership and the subscription's standing; then what PACScribe reads of the index (the
      // resend, the study, the series), and only then the object's write; then the index write and the audit.
      await Promise.all([
        dynamo.send(new GetCommand({ TableName: accounts, Key: { pk: 'USER#bench-ceiling', sk: 'MEMBER' } })),
        dynamo.send(new GetCommand({ TableName: TABLE, Key: { pk: 'standing', sk: 's' } })),
      ]);
      const context = await stowIndex.storeContext(
        STOW_ORG,
        uids.studyInstanceUid,
        uids.seriesInstanceUid,
        uids.sopInstanceUid,
      );
      const objectKey = `bench-stand-in-ceiling/stow-${index % 256}`;
      await stowObjects.put(objectKey, template.sanitized, templateSha256.toString('base64'));
      const added = await stowIndex.addInstance(
        {
          orgId: STOW_ORG,
          ...uids,
          sopClassUid: template.sopClassUid,
          transferSyntaxUid: template.transferSyntaxUid,
          objectKey,
          sha256: templateSha256.toString('hex'),
          sizeBytes: template.sanitized.length,
          instanceNumber: template.attributes.instanceNumber,
          rows: template.pixels?.rows ?? null,
          columns: template.pixels?.columns ?? null,
          frames: template.pixels?.frames ?? null,
          storedAt: new Date().toISOString(),
        },
        { ...template, ...uids },
        templateMetadata,
        !context.seriesExists,
      );
      if (added !== 'added') throw new Error(`the ceiling's STOW index write answered ${added}`);
      // The audit append: a conditional put of a copy of a real record at a new chain position.
      appended += 1;
      const chain = String(index % 16).padStart(2, '0');
      const position = `${Date.now()}#${chain}#${process.pid}-${String(appended).padStart(12, '0')}`;
      await dynamo.send(
        new PutCommand({
          TableName: audit,
          Item: {
            ...auditTemplate,
            pk: `${CEILING_AUDIT_PREFIX}bench-ceiling#CHAIN#${chain}`,
            sk: `SEQ#${position}`,
            gsi1pk: `${CEILING_AUDIT_PREFIX}bench-ceiling`,
            gsi1sk: position,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
  };
  return {
    recipes,
    /** Sizes of the copied items STOW's recipe writes, for the report (JSON length, bytes). */
    copied: {
      member: JSON.stringify(memberTemplate).length,
      audit: JSON.stringify(auditTemplate).length,
      metadata: templateMetadata.length,
    },
    close: () => {
      raw.destroy();
      s3.destroy();
    },
  };
}
