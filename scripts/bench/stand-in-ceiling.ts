import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { READ_AHEAD_PARTS } from '../../functions/imaging/core/multipart-writer';
import {
  accountsTable,
  auditTable,
  imagingTable,
  type TableDefinition,
} from '../../infra/data/table-definitions';
import { createTableAs, localTableName } from '../local/bootstrap';

/**
 * The stand-ins' own ceiling for each benchmark row (issue 12): the raw DynamoDB Local and s3rver
 * operations one PACScribe request of that row makes, in the same sequence (what the call trace shows:
 * the membership read beside the index read, then the audit write, beside the S3 read for pixel data),
 * run straight from this process with no PACScribe code between. A row's requests/s as a share of its
 * recipe's is what PACScribe keeps of what the stand-ins allow.
 *
 * The membership read, the audit append and STOW's index write go to tables made from the same
 * definitions as PACScribe's (the audit table's index makes each append cost more than a plain put), with
 * copies of items the local stack itself stored: call it once the data set is stored. The copy of the audit table has no stream:
 * on this machine (2026-12-05), puts into stream-enabled tables created after a few thousand stream
 * records had been written fell from ~300/s to 12–60/s, while puts into tables without a stream held
 * ~400/s (the cause inside DynamoDB Local was not found, and PACScribe's own audit table, created at
 * start, did not show it), so a stream would make the ceiling depend on what ran before it.
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

const TABLE = 'bench-stand-in-ceiling';
/** Items of about the size PACScribe's index holds: a study, an instance's DICOM JSON. */
const STUDY = 'x'.repeat(1_000);
const METADATA = 'x'.repeat(4_000);

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

/**
 * One stored instance's four index items as the local stack wrote them: its study, its series, and its
 * SOP and INSTANCE items (the INSTANCE item holds the DICOM JSON). Copies are what STOW's ceiling writes.
 */
async function liveInstanceItems(dynamo: DynamoDBDocumentClient) {
  const study = await liveItem(dynamo, imagingTable, 'ORG#');
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName: localTableName(imagingTable),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': study.pk },
    }),
  );
  const first = (prefix: string) => {
    const item = Items.find((candidate) => String(candidate.sk).startsWith(prefix));
    if (!item) throw new Error(`no ${prefix} item in the study ${String(study.pk)} to copy`);
    return item;
  };
  return {
    study: first('STUDY'),
    series: first('SERIES#'),
    sop: first('SOP#'),
    instance: first('INSTANCE#'),
  };
}

/** A table shaped like one of PACScribe's (keys, indexes), for the ceiling's own writes. */
async function shapedTable(raw: DynamoDBClient, definition: TableDefinition): Promise<string> {
  const name = `bench-stand-in-ceiling-${definition.logicalName}`;
  await createTableAs(raw, definition, name).catch((error: unknown) => {
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  });
  return name;
}

export async function standInRecipes(
  config: StandInEndpoints,
  objectBytes: Buffer,
  frameBytes: number,
  /** Studies the date-range and name searches read per request, on average (dicomweb.ts searchReads). */
  searchReads: { dateRange: number; nameWildcard: number },
) {
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const raw = new DynamoDBClient({ region: config.region, endpoint: config.endpoints.dynamodb, credentials });
  const dynamo = DynamoDBDocumentClient.from(raw);
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
  const put = (pk: string, sk: string, body: string) =>
    dynamo.send(new PutCommand({ TableName: TABLE, Item: { pk, sk, body } }));
  // A partition per list size the rows read: 1 study, 2 series, 10 instances, and the studies searches read.
  await put('instance', 'i', METADATA);
  for (const count of new Set([1, 2, 10, searchReads.dateRange, searchReads.nameWildcard])) {
    await Promise.all(
      Array.from({ length: count }, (_, n) => put(`list-${count}`, String(n).padStart(4, '0'), STUDY)),
    );
  }
  await Promise.all(
    Array.from({ length: 10 }, (_, n) => put('metadata-10', String(n).padStart(4, '0'), METADATA)),
  );
  const memberTemplate = await liveItem(dynamo, accountsTable, 'USER#');
  const auditTemplate = await liveItem(dynamo, auditTable, 'ORG#');
  const instanceTemplates = await liveInstanceItems(dynamo);
  const imaging = await shapedTable(raw, imagingTable);
  const accounts = await shapedTable(raw, accountsTable);
  const audit = await shapedTable(raw, { ...auditTable, stream: undefined });
  await dynamo.send(
    new PutCommand({
      TableName: accounts,
      Item: { ...memberTemplate, pk: 'USER#bench-ceiling', sk: 'MEMBER' },
    }),
  );
  const objectKey = 'bench-stand-in-ceiling/object';
  await s3.send(new PutObjectCommand({ Bucket: config.imagingBucket, Key: objectKey, Body: objectBytes }));

  const get = (pk: string, sk: string) => dynamo.send(new GetCommand({ TableName: TABLE, Key: { pk, sk } }));
  const query = (pk: string) =>
    dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
  // The audit append: a conditional put of a copy of a real record at a new chain position, as the audit
  // trail's is, into a table with the audit table's index.
  let appended = 0;
  /** STOW requests made: each writes a study of its own. */
  let stored = 0;
  /**
   * A search's record names every study and patient it discloses (record.objects, and the flattened
   * studyUids and patientIds reviewers filter on): `disclosed` studies, each of its own patient, of the
   * bench data set's UID length. Otherwise the copied record as it is.
   */
  const disclosures = new Map<number, Record<string, unknown>>();
  const disclosing = (disclosed: number) => {
    if (disclosed === 0) return {};
    const made = disclosures.get(disclosed);
    if (made) return made;
    const uids = Array.from({ length: disclosed }, (_, n) => `2.25.${String(n).padStart(39, '7')}`);
    const patients = uids.map((_, n) => `BENCH-${String(n).padStart(4, '0')}`);
    const others = ((auditTemplate.objects ?? []) as { type?: string }[]).filter(
      (object) => object.type !== 'study' && object.type !== 'patient',
    );
    // Made once per size: the ceiling's own process should spend no more per request than the put.
    const attributes = {
      objects: [
        ...others,
        ...uids.map((id) => ({ type: 'study', id })),
        ...patients.map((id) => ({ type: 'patient', id })),
      ],
      studyUids: uids,
      patientIds: patients,
    };
    disclosures.set(disclosed, attributes);
    return attributes;
  };
  const auditPut = (index: number, disclosed = 0) => {
    appended += 1;
    // The process id keeps positions apart when the gateway ceiling's process appends to the same table.
    const position = `${Date.now()}#${String(index % 16).padStart(2, '0')}#${process.pid}-${String(appended).padStart(12, '0')}`;
    return dynamo.send(
      new PutCommand({
        TableName: audit,
        Item: {
          ...auditTemplate,
          ...disclosing(disclosed),
          pk: `ORG#bench-ceiling#CHAIN#${String(index % 16).padStart(2, '0')}`,
          sk: `SEQ#${position}`,
          gsi1pk: 'ORG#bench-ceiling',
          gsi1sk: position,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  };
  const drain = async (body: unknown, sink?: Writable) => {
    // Chunk by chunk with backpressure, as a part goes out; a pipeline per part would leave its listeners
    // on the one response until it ends (10 parts of a series: Node's MaxListenersExceededWarning).
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      if (sink && !sink.write(chunk)) await once(sink, 'drain');
    }
  };
  const s3Get = async (range?: number, sink?: Writable) => {
    const { Body } = await s3.send(
      new GetObjectCommand({
        Bucket: config.imagingBucket,
        Key: objectKey,
        ...(range ? { Range: `bytes=${objectBytes.length - range}-${objectBytes.length - 1}` } : {}),
      }),
    );
    await drain(Body, sink);
  };
  const member = () =>
    dynamo.send(new GetCommand({ TableName: accounts, Key: { pk: 'USER#bench-ceiling', sk: 'MEMBER' } }));
  const study = () => get('list-1', '0000');
  /** A study search: the listing read beside the membership, then a record naming what it returns. */
  const listRead =
    (pk: string, disclosed: number): Recipe =>
    async (index) => {
      await Promise.all([member(), query(pk)]);
      await auditPut(index, disclosed);
    };
  /** A search returns what it read, less the one read past the page (limit 100). */
  const returned = (read: number) => Math.min(read, 100);
  /** Series and instance lists and metadata also read their study (existence, current edits) beside. */
  const studyListRead =
    (pk: string): Recipe =>
    async (index) => {
      await Promise.all([member(), study(), query(pk)]);
      await auditPut(index);
    };
  /** By row label (as the benchmark prints it) with a short description of the operations. */
  const recipes: Record<string, RowRecipe> = {
    'QIDO by PatientID': { operations: '[get ∥ query 1] → put', recipe: listRead('list-1', 1) },
    'QIDO date range': {
      operations: `[get ∥ query ${searchReads.dateRange}] → put naming ${returned(searchReads.dateRange)} studies`,
      recipe: listRead(`list-${searchReads.dateRange}`, returned(searchReads.dateRange)),
    },
    'QIDO name wildcard': {
      operations: `[get ∥ query ${searchReads.nameWildcard}] → put naming ${returned(searchReads.nameWildcard)} studies`,
      recipe: listRead(`list-${searchReads.nameWildcard}`, returned(searchReads.nameWildcard)),
    },
    'QIDO series of a study': { operations: '[get ∥ get ∥ query 2] → put', recipe: studyListRead('list-2') },
    'QIDO instances of a series': {
      operations: '[get ∥ get ∥ query 10] → put',
      recipe: studyListRead('list-10'),
    },
    'WADO series metadata': {
      operations: '[get ∥ get ∥ query 10 × 4 KB] → put',
      recipe: studyListRead('metadata-10'),
    },
    'WADO instance metadata': {
      operations: '[get ∥ get 4 KB ∥ get] → put',
      recipe: async (index) => {
        await Promise.all([member(), get('instance', 'i'), study()]);
        await auditPut(index);
      },
    },
    'WADO frame (native)': {
      operations: `[get ∥ get] → [put ∥ S3 range GET ${Math.round(frameBytes / 1024)} KiB]`,
      recipe: async (index, sink) => {
        await Promise.all([member(), get('instance', 'i')]);
        await Promise.all([auditPut(index), s3Get(frameBytes, sink)]);
      },
    },
    'WADO instance': {
      objects: 1,
      operations: `[get ∥ get ∥ get] → [put ∥ S3 GET ${Math.round(objectBytes.length / 1024)} KiB]`,
      recipe: async (index, sink) => {
        await Promise.all([member(), get('instance', 'i'), study()]);
        await Promise.all([auditPut(index), s3Get(undefined, sink)]);
      },
    },
    'WADO series (10 instances)': {
      objects: SERIES_ROW.instances,
      load: SERIES_ROW,
      operations: `[get ∥ get ∥ query 10] → [put ∥ S3 GET ${Math.round(objectBytes.length / 1024)} KiB × ${1 + READ_AHEAD_PARTS}] → each next GET as a part goes out: ${SERIES_ROW.instances} in all, ${1 + READ_AHEAD_PARTS} at a time, sent in order`,
      recipe: async (index, sink) => {
        await Promise.all([member(), study(), query('list-10')]);
        // As PACScribe sends a series: the reads run ahead of the part going out, the first waits for the audit.
        const bodies: Promise<unknown>[] = [];
        const open = (n: number) => {
          bodies[n] ??= s3
            .send(new GetObjectCommand({ Bucket: config.imagingBucket, Key: objectKey }))
            .then(({ Body }) => Body);
          return bodies[n];
        };
        const audit = auditPut(index);
        for (let n = 0; n < SERIES_ROW.instances; n += 1) {
          for (let m = n; m <= Math.min(SERIES_ROW.instances - 1, n + READ_AHEAD_PARTS); m += 1) open(m);
          const body = await open(n);
          if (n === 0) await audit;
          await drain(body, sink);
        }
      },
    },
    'STOW c16': {
      operations: `[get ∥ get] → batch get of 3 → S3 PUT ${Math.round(objectBytes.length / 1024)} KiB → transaction of 4 puts (copies of an instance's study, series, SOP and INSTANCE items, in a study of their own) → put`,
      recipe: async (index) => {
        // The membership and the subscription's standing; then what PACScribe reads of the index (the
        // resend, the study, the series), and only then the object's write; then the index write and the audit.
        stored += 1;
        const pk = `ORG#bench-ceiling#STUDY#stow-${process.pid}-${stored}`;
        const copy = (item: Record<string, unknown>) => ({ ...item, pk });
        await Promise.all([member(), get('instance', 'i')]);
        await dynamo.send(
          new BatchGetCommand({
            RequestItems: {
              [imaging]: {
                Keys: [instanceTemplates.sop, instanceTemplates.study, instanceTemplates.series].map(
                  (item) => ({
                    pk,
                    sk: item.sk,
                  }),
                ),
                ConsistentRead: true,
              },
            },
          }),
        );
        await s3.send(
          new PutObjectCommand({
            Bucket: config.imagingBucket,
            Key: `bench-stand-in-ceiling/stow-${index % 256}`,
            Body: objectBytes,
          }),
        );
        await dynamo.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: imaging,
                  Item: copy(instanceTemplates.sop),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: imaging, Item: copy(instanceTemplates.instance) } },
              { Put: { TableName: imaging, Item: copy(instanceTemplates.series) } },
              { Put: { TableName: imaging, Item: copy(instanceTemplates.study) } },
            ],
          }),
        );
        await auditPut(index + 1_000_000);
      },
    },
  };
  return {
    recipes,
    /** Sizes of the copied items, for the report (JSON length, bytes). */
    copied: {
      member: JSON.stringify(memberTemplate).length,
      audit: JSON.stringify(auditTemplate).length,
      instanceItems: Object.values(instanceTemplates).reduce(
        (sum, item) =>
          sum + JSON.stringify(item, (_key, value) => (value instanceof Set ? [...value] : value)).length,
        0,
      ),
    },
    close: () => {
      raw.destroy();
      s3.destroy();
    },
  };
}
