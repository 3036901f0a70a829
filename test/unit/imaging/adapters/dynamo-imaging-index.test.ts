import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  DynamoImagingIndex,
  MAX_ADD_ATTEMPTS,
} from '../../../../functions/imaging/adapters/dynamo-imaging-index';
import { StudyItemSchema } from '../../../../functions/imaging/adapters/imaging-index-items';
import {
  instanceKey,
  NAME_KEY_CHARACTERS,
  nameIndexKey,
  nameSortKey,
  namesIndexPartition,
  patientIndexPartition,
  seriesKey,
  sopKey,
  studiesIndexPartition,
  studyDateSortKey,
  studyKey,
} from '../../../../functions/imaging/adapters/imaging-index-keys';
import { MalformedItemError } from '../../../../functions/imaging/adapters/malformed-item';
import type { ParsedInstance } from '../../../../functions/imaging/core/part10';
import type { StoredInstance } from '../../../../functions/imaging/core/ports';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
afterEach(() => dynamo.reset());

const index = new DynamoImagingIndex(documents, 'imaging');
const STUDY = '1.2.840.1';
const SERIES = '1.2.840.1.2';

function parsedInstance(sop: string, attributes: Partial<ParsedInstance['attributes']> = {}): ParsedInstance {
  return {
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUid: sop,
    studyInstanceUid: STUDY,
    seriesInstanceUid: SERIES,
    attributes: {
      patientId: 'PID-7',
      patientName: 'Doe^Jane',
      studyDate: '20260115',
      studyTime: '101500',
      accessionNumber: 'ACC-1',
      modality: 'CT',
      referringPhysicianName: null,
      studyDescription: 'Chest',
      studyId: '1',
      seriesNumber: 3,
      instanceNumber: 1,
      ...attributes,
    },
    pixels: { rows: 2, columns: 2, frames: 2, encapsulated: false, frameBits: 64 },
    layout: {
      pixelData: {
        vr: 'OW',
        encapsulated: false,
        value: { offset: 100, length: 16, digest: 'aa'.repeat(16) },
        frames: [
          { offset: 100, length: 8, digest: 'bb'.repeat(16) },
          { offset: 108, length: 8, digest: 'cc'.repeat(16) },
        ],
      },
      bulkData: [{ path: '00420011', offset: 300, length: 2000, digest: 'dd'.repeat(16) }],
    },
    sanitized: Buffer.alloc(0),
  };
}

function storedInstance(sop: string): StoredInstance {
  return {
    orgId: 'org-a',
    studyInstanceUid: STUDY,
    seriesInstanceUid: SERIES,
    sopInstanceUid: sop,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    objectKey: `org/org-a/instances/${sop}.dcm`,
    sha256: 'e'.repeat(64),
    sizeBytes: 1234,
    instanceNumber: 1,
    rows: 2,
    columns: 2,
    frames: 2,
    storedAt: '2026-11-24T12:00:00.000Z',
  };
}

/** What DynamoDB hands back for an item the adapter wrote: marshalled as the project's client does. */
const roundTrip = (item: Record<string, unknown>) =>
  unmarshall(marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: false }));

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const transactions = () =>
  dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);

describe('imaging index keys', () => {
  it('keeps the stored key layout', () => {
    expect(studyKey('org-a', STUDY)).toEqual({ pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'STUDY' });
    expect(seriesKey('org-a', STUDY, SERIES)).toEqual({
      pk: 'ORG#org-a#STUDY#1.2.840.1',
      sk: 'SERIES#1.2.840.1.2',
    });
    expect(sopKey('org-a', STUDY, '9.9')).toEqual({ pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'SOP#9.9' });
    expect(instanceKey('org-a', STUDY, SERIES, '9.9')).toEqual({
      pk: 'ORG#org-a#STUDY#1.2.840.1',
      sk: 'INSTANCE#1.2.840.1.2#9.9',
    });
    expect(studiesIndexPartition('org-a')).toBe('ORG#org-a#STUDIES');
    expect(patientIndexPartition('org-a', 'PID-7')).toBe('ORG#org-a#PATIENT#PID-7');
    expect(studyDateSortKey('20260115', STUDY)).toBe('20260115#1.2.840.1');
    expect(studyDateSortKey('2026-01-15', STUDY)).toBe('00000000#1.2.840.1');
    expect(studyDateSortKey(null, STUDY)).toBe('00000000#1.2.840.1');
    expect(namesIndexPartition('org-a')).toBe('ORG#org-a#NAMES');
    expect(nameSortKey('Doe^Jane', STUDY)).toBe('DOE^JANE#1.2.840.1');
  });

  it('keys a name by its first 64 characters, upper case, so a pattern’s start is a prefix of every name it matches', () => {
    // 64 characters of up to 4 UTF-8 bytes: within DynamoDB's 1,024-byte index sort key whatever a file holds.
    const long = `${'𝔄'.repeat(40)}${'ß'.repeat(40)}`;
    expect(Array.from(nameIndexKey(long))).toHaveLength(NAME_KEY_CHARACTERS);
    expect(Buffer.byteLength(nameSortKey(long, '1.2'.repeat(21)))).toBeLessThan(1024);
    expect(nameIndexKey('müller^jürgen')).toBe('MÜLLER^JÜRGEN');
    for (const [start, name] of [
      ['STRAß', 'Straße^Eva'],
      ['MÜL', 'Müller^Jürgen'],
      [long.slice(0, 70), `${long}^Given`],
    ] as const) {
      expect(nameIndexKey(name).startsWith(nameIndexKey(start))).toBe(true);
    }
  });
});

describe('DynamoImagingIndex.addInstance', () => {
  it('indexes the first instance of a series in one transaction that counts the series once', async () => {
    dynamo.on(GetCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});

    await expect(
      index.addInstance(storedInstance('9.1'), parsedInstance('9.1'), '{"00080018":{}}'),
    ).resolves.toBe('added');

    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'imaging',
      Key: { pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'SERIES#1.2.840.1.2' },
      ConsistentRead: true,
    });
    const [items = []] = transactions();
    const [sop, instance, series, study] = items;
    expect(items).toHaveLength(4);
    expect(sop?.Put).toMatchObject({
      TableName: 'imaging',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'ORG#org-a#STUDY#1.2.840.1',
        sk: 'SOP#9.1',
        type: 'instance',
        objectKey: 'org/org-a/instances/9.1.dcm',
        patientId: 'PID-7',
      },
    });
    expect(sop?.Put?.Item?.metadata).toBeUndefined();
    expect(instance?.Put).toMatchObject({
      TableName: 'imaging',
      Item: { pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'INSTANCE#1.2.840.1.2#9.1', metadata: '{"00080018":{}}' },
    });
    expect(instance?.Put?.ConditionExpression).toBeUndefined();
    expect(instance?.Put?.Item?.layout).toBeUndefined();
    expect(series?.Update).toMatchObject({
      TableName: 'imaging',
      Key: { pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'SERIES#1.2.840.1.2' },
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeValues: { ':modality': 'CT', ':seriesNumber': 3, ':one': 1 },
    });
    expect(study?.Update).toMatchObject({
      TableName: 'imaging',
      Key: { pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'STUDY' },
      ExpressionAttributeValues: { ':one': 1, ':newSeries': 1, ':modality': new Set(['CT']) },
    });
    expect(study?.Update?.UpdateExpression).toMatch(/ADD instanceCount :one, seriesCount :newSeries/);
    expect(study?.Update?.ConditionExpression).toBe(
      'attribute_not_exists(pk) OR attribute_not_exists(#patientKey) OR #patientKey = :patientKey',
    );
    const names = study?.Update?.ExpressionAttributeNames ?? {};
    const values = study?.Update?.ExpressionAttributeValues ?? {};
    const studyAttributes = Object.fromEntries(
      Object.entries(names).map(([name, attribute]) => [attribute, values[name.replace('#', ':')]]),
    );
    expect(studyAttributes).toEqual({
      studyInstanceUid: STUDY,
      patientId: 'PID-7',
      patientName: 'Doe^Jane',
      studyDate: '20260115',
      studyTime: '101500',
      accessionNumber: 'ACC-1',
      studyDescription: 'Chest',
      studyId: '1',
      gsi1pk: 'ORG#org-a#STUDIES',
      gsi1sk: '20260115#1.2.840.1',
      gsi2pk: 'ORG#org-a#PATIENT#PID-7',
      gsi2sk: '20260115#1.2.840.1',
      gsi3pk: 'ORG#org-a#NAMES',
      gsi3sk: 'DOE^JANE#1.2.840.1',
      patientKey: '["PID-7","DOE^JANE"]',
    });
  });

  it('counts a later instance of an existing series only as an instance, provided the series still exists', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'SERIES#1.2.840.1.2' } });
    dynamo.on(TransactWriteCommand).resolves({});

    await index.addInstance(storedInstance('9.2'), parsedInstance('9.2'), '{}');

    const [[, , series, study] = []] = transactions();
    expect(series?.Update?.ConditionExpression).toBe('attribute_exists(pk)');
    expect(study?.Update?.ExpressionAttributeValues?.[':newSeries']).toBe(0);
  });

  it('files a study without a usable date or patient first in the listing, and not under any patient', async () => {
    dynamo.on(GetCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});

    await index.addInstance(
      storedInstance('9.3'),
      parsedInstance('9.3', { studyDate: '2026-01-15', patientId: null, modality: null }),
      '{}',
    );

    const [[, , series, study] = []] = transactions();
    const names = Object.values(study?.Update?.ExpressionAttributeNames ?? {});
    const values = study?.Update?.ExpressionAttributeValues ?? {};
    expect(names).not.toContain('gsi2pk');
    expect(names).not.toContain('patientId');
    expect(names).toContain('gsi3pk');
    expect(Object.values(values)).toContain('00000000#1.2.840.1');
    expect(values[':modality']).toBeUndefined();
    expect(study?.Update?.UpdateExpression).not.toMatch(/modalities/);
    expect(series?.Update?.ExpressionAttributeValues?.[':modality']).toBe('OT');
  });

  it("takes the caller's read of the series for the first attempt, and reads it again only on a retry", async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: 'ORG#org-a#STUDY#1.2.840.1' } });
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed', 'None'))
      .resolves({});

    await expect(index.addInstance(storedInstance('9.6'), parsedInstance('9.6'), '{}', true)).resolves.toBe(
      'added',
    );

    const [first = [], second = []] = transactions();
    expect(first[2]?.Update?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(second[2]?.Update?.ConditionExpression).toBe('attribute_exists(pk)');
  });

  it('reports an instance already indexed as existing, without retrying', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: 'p', sk: 's' } });
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'));

    await expect(index.addInstance(storedInstance('9.4'), parsedInstance('9.4'), '{}')).resolves.toBe(
      'exists',
    );
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('retries a transaction cancelled only by another transaction in flight', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: 'p', sk: 's' } });
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'None', 'TransactionConflict'))
      .resolves({});

    await expect(index.addInstance(storedInstance('9.5'), parsedInstance('9.5'), '{}')).resolves.toBe(
      'added',
    );
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('outlasts a hot study: up to 8 attempts after conflicts, without reading the series again', async () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0);
    const conflict = cancelled('None', 'None', 'None', 'TransactionConflict');
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(conflict)
      .rejectsOnce(conflict)
      .rejectsOnce(conflict)
      .rejectsOnce(conflict)
      .rejectsOnce(conflict)
      .rejectsOnce(conflict)
      .rejectsOnce(conflict)
      .resolves({});

    await expect(index.addInstance(storedInstance('9.7'), parsedInstance('9.7'), '{}', false)).resolves.toBe(
      'added',
    );
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 8);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    random.mockRestore();
  });

  it('gives up after the eighth conflict', async () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0);
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'None', 'TransactionConflict'));

    await expect(
      index.addInstance(storedInstance('9.8'), parsedInstance('9.8'), '{}', false),
    ).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 8);
    random.mockRestore();
  });

  it('does not retry other failures', async () => {
    dynamo.on(GetCommand).resolves({});
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'ValidationError', 'None', 'None'));

    await expect(
      index.addInstance(storedInstance('9.6'), parsedInstance('9.6'), '{}'),
    ).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });
});

/**
 * A table that applies transactions as DynamoDB does: all conditions hold, or nothing is written. It
 * knows the adapter's conditions, ADD counters and the study's if_not_exists patient key.
 */
function transactionalTable(): Map<string, Record<string, unknown>> {
  const table = new Map<string, Record<string, unknown>>();
  const holds = (
    condition: string | undefined,
    key: string,
    values: Record<string, unknown> | undefined,
  ): boolean => {
    const stored = table.get(key);
    switch (condition) {
      case undefined:
        return true;
      case 'attribute_not_exists(pk)':
        return !stored;
      case 'attribute_exists(pk)':
        return Boolean(stored);
      case 'attribute_not_exists(pk) OR attribute_not_exists(#patientKey) OR #patientKey = :patientKey':
        return !stored || stored.patientKey === undefined || stored.patientKey === values?.[':patientKey'];
      default:
        throw new Error(`unknown condition ${condition}`);
    }
  };
  dynamo.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
    const items = input.TransactItems ?? [];
    const reasons = items.map((item) => {
      const write = item.Put ?? item.Update;
      const key = keyOf(item.Put?.Item ?? item.Update?.Key);
      return holds(write?.ConditionExpression, key, item.Update?.ExpressionAttributeValues)
        ? 'None'
        : 'ConditionalCheckFailed';
    });
    if (reasons.some((code) => code !== 'None')) throw cancelled(...reasons);
    for (const item of items) {
      if (item.Put) table.set(keyOf(item.Put.Item), { ...item.Put.Item });
      if (item.Update) {
        const key = keyOf(item.Update.Key);
        const stored = table.get(key) ?? { ...item.Update.Key };
        const values = item.Update.ExpressionAttributeValues ?? {};
        const additions = /ADD (.*)$/.exec(item.Update.UpdateExpression ?? '')?.[1]?.split(', ') ?? [];
        for (const addition of additions) {
          const [attribute = '', placeholder = ''] = addition.split(' ');
          const value = values[placeholder];
          if (typeof value === 'number') stored[attribute] = Number(stored[attribute] ?? 0) + value;
        }
        if (values[':patientKey'] !== undefined) stored.patientKey ??= values[':patientKey'];
        table.set(key, stored);
      }
    }
    return {};
  });
  return table;
}
const keyOf = (key: Record<string, unknown> | undefined) => `${key?.pk}|${key?.sk}`;

describe('DynamoImagingIndex.addInstance under concurrent first instances of one series', () => {
  it('re-reads the series when its condition fails, and retries as a later instance', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({})
      .resolves({ Item: { pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'SERIES#1.2.840.1.2' } });
    dynamo
      .on(TransactWriteCommand)
      // Another first instance created the series between our read and our write.
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed', 'None'))
      .resolves({});

    await expect(index.addInstance(storedInstance('9.7'), parsedInstance('9.7'), '{}')).resolves.toBe(
      'added',
    );

    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 2);
    const [first = [], second = []] = transactions();
    expect(first[2]?.Update?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(first[3]?.Update?.ExpressionAttributeValues?.[':newSeries']).toBe(1);
    expect(second[2]?.Update?.ConditionExpression).toBe('attribute_exists(pk)');
    expect(second[3]?.Update?.ExpressionAttributeValues?.[':newSeries']).toBe(0);
  });

  it('gives up after a bounded number of attempts', async () => {
    dynamo.on(GetCommand).resolves({});
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed', 'None'));

    await expect(
      index.addInstance(storedInstance('9.8'), parsedInstance('9.8'), '{}'),
    ).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, MAX_ADD_ATTEMPTS);
  });

  it('counts the series once when both read it as absent before either writes', async () => {
    const table = transactionalTable();
    // Both reads answer from the table as it is before either transaction runs.
    let reads = 0;
    let releaseReads: () => void = () => undefined;
    const bothRead = new Promise<void>((resolve) => {
      releaseReads = resolve;
    });
    dynamo.on(GetCommand).callsFake(async (input: { Key: Record<string, unknown> }) => {
      const Item = table.get(keyOf(input.Key));
      reads += 1;
      if (reads === 2) releaseReads();
      if (reads <= 2) await bothRead;
      return { Item };
    });

    const results = await Promise.all([
      index.addInstance(storedInstance('9.10'), parsedInstance('9.10'), '{}'),
      index.addInstance(storedInstance('9.11'), parsedInstance('9.11'), '{}'),
    ]);

    expect(results).toEqual(['added', 'added']);
    expect(table.get(keyOf(studyKey('org-a', STUDY)))).toMatchObject({ seriesCount: 1, instanceCount: 2 });
    expect(table.get(keyOf(seriesKey('org-a', STUDY, SERIES)))).toMatchObject({ instanceCount: 2 });
    // The loser's first attempt failed on the series condition and wrote nothing.
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
  });
});

describe('DynamoImagingIndex.addInstance keeps a study to one patient', () => {
  it('refuses, in the same write, a first instance of another patient racing the study’s first instance', async () => {
    const table = transactionalTable();
    dynamo.on(GetCommand).callsFake(async (input: { Key: Record<string, unknown> }) => ({
      Item: table.get(keyOf(input.Key)),
    }));

    // Neither store saw a study to compare against: both reach the index at once.
    const results = await Promise.all([
      index.addInstance(storedInstance('9.12'), parsedInstance('9.12'), '{}'),
      index.addInstance(
        storedInstance('9.13'),
        parsedInstance('9.13', { patientId: 'PID-8', patientName: 'Roe^Rick' }),
        '{}',
      ),
    ]);

    expect(results).toEqual(['added', 'patient-mismatch']);
    expect(table.has(keyOf(sopKey('org-a', STUDY, '9.13')))).toBe(false);
    expect(table.has(keyOf(instanceKey('org-a', STUDY, SERIES, '9.13')))).toBe(false);
    expect(table.get(keyOf(studyKey('org-a', STUDY)))).toMatchObject({
      instanceCount: 1,
      patientKey: '["PID-7","DOE^JANE"]',
    });
  });

  it('adds a later instance of the same patient, its name written with other case and padding', async () => {
    const table = transactionalTable();
    dynamo.on(GetCommand).callsFake(async (input: { Key: Record<string, unknown> }) => ({
      Item: table.get(keyOf(input.Key)),
    }));

    await index.addInstance(storedInstance('9.14'), parsedInstance('9.14'), '{}');
    const later = await index.addInstance(
      storedInstance('9.15'),
      parsedInstance('9.15', { patientName: 'DOE^JANE^^' }),
      '{}',
    );

    expect(later).toBe('added');
    expect(table.get(keyOf(studyKey('org-a', STUDY)))).toMatchObject({ instanceCount: 2 });
  });
});

describe('DynamoImagingIndex store context', () => {
  const keys = [sopKey('org-a', STUDY, '9.40'), studyKey('org-a', STUDY), seriesKey('org-a', STUDY, SERIES)];

  it('reads the resend check, the study and the series in one strongly consistent batch read', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const instance = storedInstance('9.40');
    await index.addInstance(instance, parsedInstance('9.40'), '{}', true);
    const [[sop] = []] = transactions();
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        imaging: [
          { ...seriesKey('org-a', STUDY, SERIES) },
          roundTrip(sop?.Put?.Item ?? {}),
          {
            ...studyKey('org-a', STUDY),
            studyInstanceUid: STUDY,
            patientId: 'PID-7',
            seriesCount: 1,
            instanceCount: 1,
          },
        ],
      },
    });

    const context = await index.storeContext('org-a', STUDY, SERIES, '9.40');

    expect(context).toMatchObject({
      existing: { sopInstanceUid: '9.40', sha256: instance.sha256 },
      study: { studyInstanceUid: STUDY, patientId: 'PID-7' },
      seriesExists: true,
    });
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: { imaging: { Keys: keys, ConsistentRead: true } },
    });
  });

  it('answers a new instance of a new study and series with nothing found', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { imaging: [] } });

    await expect(index.storeContext('org-a', STUDY, SERIES, '9.40')).resolves.toEqual({
      existing: null,
      study: null,
      seriesExists: false,
    });
  });

  it('asks again for keys DynamoDB left unprocessed, rather than take them for missing', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { imaging: [] },
        UnprocessedKeys: { imaging: { Keys: [seriesKey('org-a', STUDY, SERIES)] } },
      })
      .resolvesOnce({ Responses: { imaging: [{ ...seriesKey('org-a', STUDY, SERIES) }] } });

    await expect(index.storeContext('org-a', STUDY, SERIES, '9.40')).resolves.toMatchObject({
      seriesExists: true,
    });
    const second = dynamo.commandCalls(BatchGetCommand)[1]?.args[0].input;
    expect(second?.RequestItems?.imaging?.Keys).toEqual([seriesKey('org-a', STUDY, SERIES)]);
    expect(second?.RequestItems?.imaging?.ConsistentRead).toBe(true);
  });

  it('fails when keys stay unprocessed, never answering as if those items did not exist', async () => {
    dynamo.on(BatchGetCommand).resolves({
      Responses: { imaging: [] },
      UnprocessedKeys: { imaging: { Keys: [studyKey('org-a', STUDY)] } },
    });

    await expect(index.storeContext('org-a', STUDY, SERIES, '9.40')).rejects.toThrow(/unprocessed/);
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 5);
  });
});

describe('DynamoImagingIndex reads', () => {
  it('reads back an instance exactly as it was indexed, layout included', async () => {
    dynamo.on(GetCommand).resolvesOnce({});
    dynamo.on(TransactWriteCommand).resolves({});
    const instance = storedInstance('9.20');
    const parsed = parsedInstance('9.20');
    await index.addInstance(instance, parsed, '{}');
    const [[sop] = []] = transactions();
    dynamo.on(GetCommand).resolves({ Item: roundTrip(sop?.Put?.Item ?? {}) });

    await expect(index.findInstance('org-a', STUDY, '9.20')).resolves.toEqual({
      ...instance,
      patientId: 'PID-7',
      layout: parsed.layout,
    });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'SOP#9.20' },
      ConsistentRead: true,
    });
  });

  it('refuses an instance of another series or organization', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...storedInstance('9.21'), layout: null } });

    await expect(index.getInstance('org-a', STUDY, 'other-series', '9.21')).resolves.toBeNull();
    await expect(index.getInstance('org-a', STUDY, SERIES, '9.21')).resolves.toMatchObject({
      sopInstanceUid: '9.21',
      layout: null,
    });
  });

  it('lists instances without their metadata, layout read as absent', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ ...storedInstance('9.22'), patientId: null }] });

    await expect(index.listInstances('org-a', STUDY, SERIES)).resolves.toEqual([
      { ...storedInstance('9.22'), patientId: null, layout: null },
    ]);
    const [call] = dynamo.commandCalls(QueryCommand);
    const input = call?.args[0].input;
    expect(input?.ExpressionAttributeValues).toEqual({
      ':pk': 'ORG#org-a#STUDY#1.2.840.1',
      ':prefix': 'INSTANCE#1.2.840.1.2#',
    });
    expect(Object.values(input?.ExpressionAttributeNames ?? {})).not.toContain('metadata');
    expect(Object.values(input?.ExpressionAttributeNames ?? {})).toContain('sha256');
  });

  it('reads a study, its modality set as a list and absent attributes as null', async () => {
    dynamo.on(GetCommand).resolves({
      Item: {
        ...studyKey('org-a', STUDY),
        studyInstanceUid: STUDY,
        patientId: 'PID-7',
        studyDate: '20260115',
        gsi1pk: 'ORG#org-a#STUDIES',
        modalities: new Set(['CT', 'SR']),
        seriesCount: 2,
        instanceCount: 5,
      },
    });

    await expect(index.getStudy('org-a', STUDY)).resolves.toEqual({
      studyInstanceUid: STUDY,
      patientId: 'PID-7',
      patientName: null,
      studyDate: '20260115',
      studyTime: null,
      accessionNumber: null,
      referringPhysicianName: null,
      studyDescription: null,
      studyId: null,
      modalities: ['CT', 'SR'],
      seriesCount: 2,
      instanceCount: 5,
    });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'STUDY' },
    });
  });

  it('lists series and reads metadata by key', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        {
          ...seriesKey('org-a', STUDY, SERIES),
          studyInstanceUid: STUDY,
          seriesInstanceUid: SERIES,
          modality: 'CT',
          seriesNumber: 3,
          instanceCount: 2,
        },
      ],
    });
    dynamo.on(GetCommand).resolves({ Item: { metadata: '{"a":1}' } });

    await expect(index.listSeries('org-a', STUDY)).resolves.toEqual([
      {
        studyInstanceUid: STUDY,
        seriesInstanceUid: SERIES,
        modality: 'CT',
        seriesNumber: 3,
        instanceCount: 2,
      },
    ]);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': 'ORG#org-a#STUDY#1.2.840.1', ':prefix': 'SERIES#' },
    });
    await expect(index.getMetadata('org-a', STUDY, SERIES, '9.1')).resolves.toBe('{"a":1}');
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'ORG#org-a#STUDY#1.2.840.1', sk: 'INSTANCE#1.2.840.1.2#9.1' },
    });
  });

  it('searches by patient on gsi2, newest first, with an inclusive date range', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await index.searchStudies(
      'org-a',
      { patientId: 'PID-7', dateRange: { from: '20260101', to: '20261231' } },
      10,
    );

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': 'ORG#org-a#PATIENT#PID-7',
        ':from': '20260101',
        ':to': '20261231#~',
      },
      ScanIndexForward: false,
    });
  });

  it('lists an organization’s studies on gsi1', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await index.searchStudies('org-a', {}, 10);

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'ORG#org-a#STUDIES' },
    });
  });

  it('reads pages no larger than the results wanted, so a capped search does not read with the archive', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await index.searchStudies('org-a', { dateRange: { from: '20260101', to: '20261231' } }, 101);
    await index.searchStudies('org-a', {}, 5000);

    expect(dynamo).toHaveReceivedNthCommandWith(1, QueryCommand, { Limit: 101 });
    expect(dynamo).toHaveReceivedNthCommandWith(2, QueryCommand, { Limit: 500 });
  });

  it('searches by the start of a name on gsi3, in name order, checking dates item by item', async () => {
    const found = (uid: string, studyDate: string) => ({
      ...studyKey('org-a', uid),
      studyInstanceUid: uid,
      patientName: 'Doe^Jane',
      studyDate,
      seriesCount: 1,
      instanceCount: 1,
    });
    dynamo.on(QueryCommand).resolves({ Items: [found('1.1', '20250101'), found('1.2', '20260301')] });

    const studies = await index.searchStudies(
      'org-a',
      { patientNameStart: 'doe^', dateRange: { from: '20260101', to: '20261231' } },
      10,
    );

    expect(studies.map((study) => study.studyInstanceUid)).toEqual(['1.2']);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
    const [query] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(query).toEqual({
      TableName: 'imaging',
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :start)',
      ExpressionAttributeValues: { ':pk': 'ORG#org-a#NAMES', ':start': 'DOE^' },
      Limit: 10,
      ProjectionExpression: expect.any(String),
      ExpressionAttributeNames: expect.any(Object),
    });
  });

  it('reads only the study record’s fields in a search, not keys, patient keys or edit history', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await index.searchStudies('org-a', { dateRange: { from: '20260101', to: '20261231' } }, 10);

    const [query] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    const names = query?.ExpressionAttributeNames ?? {};
    const read = (query?.ProjectionExpression ?? '').split(', ').map((placeholder) => names[placeholder]);
    expect(read.sort()).toEqual(Object.keys(StudyItemSchema.shape).sort());
    expect(read).not.toContain('attributeEdits');
    expect(read).toContain('patientName');
  });

  it('prefers the patient index to the name index when a search has both', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await index.searchStudies('org-a', { patientId: 'PID-7', patientNameStart: 'DOE' }, 10);

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'gsi2' });
    expect(dynamo).not.toHaveReceivedCommandWith(QueryCommand, { IndexName: 'gsi3' });
  });

  it('reads the next page only when the caller goes on iterating', async () => {
    const item = (uid: string) => ({
      ...studyKey('org-a', uid),
      studyInstanceUid: uid,
      seriesCount: 1,
      instanceCount: 1,
    });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [item('1.1'), item('1.2')], LastEvaluatedKey: { pk: 'next' } })
      .resolvesOnce({ Items: [item('1.3')] });

    const firstTwo: string[] = [];
    for await (const study of index.findStudies('org-a', {}, 2)) {
      firstTwo.push(study.studyInstanceUid);
      if (firstTwo.length === 2) break;
    }
    expect(firstTwo).toEqual(['1.1', '1.2']);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);

    dynamo.reset();
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [item('1.1'), item('1.2')], LastEvaluatedKey: { pk: 'next' } })
      .resolvesOnce({ Items: [item('1.3')] });
    const all: string[] = [];
    for await (const study of index.findStudies('org-a', {}, 2)) all.push(study.studyInstanceUid);
    expect(all).toEqual(['1.1', '1.2', '1.3']);
    expect(dynamo).toHaveReceivedNthCommandWith(1, QueryCommand, { Limit: 2 });
    expect(dynamo).toHaveReceivedNthCommandWith(2, QueryCommand, {
      Limit: 500,
      ExclusiveStartKey: { pk: 'next' },
    });
  });

  it('reads studies by UID from the organization’s partitions only', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { imaging: [] } });

    await index.searchStudies('org-a', { studyInstanceUids: ['1.1', '1.2'] }, 10);

    expect(dynamo).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        imaging: {
          ProjectionExpression: expect.any(String),
          ExpressionAttributeNames: expect.any(Object),
          Keys: [
            { pk: 'ORG#org-a#STUDY#1.1', sk: 'STUDY' },
            { pk: 'ORG#org-a#STUDY#1.2', sk: 'STUDY' },
          ],
        },
      },
    });
  });
});

describe('DynamoImagingIndex refuses malformed items', () => {
  it('refuses a study whose counter is not a number, rather than casting it', async () => {
    dynamo.on(GetCommand).resolves({
      Item: { studyInstanceUid: STUDY, patientId: 'PID-SECRET', seriesCount: '2', instanceCount: 5 },
    });

    const refusal = index.getStudy('org-a', STUDY);

    await expect(refusal).rejects.toBeInstanceOf(MalformedItemError);
    await expect(refusal).rejects.toThrow(/study item is malformed[\s\S]*seriesCount/);
    await expect(refusal).rejects.not.toThrow(/PID-SECRET/);
  });

  it('refuses a study without counters instead of reading zero', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ studyInstanceUid: STUDY }] });

    await expect(index.searchStudies('org-a', {}, 10)).rejects.toThrow(/instanceCount/);
  });

  it('refuses an instance without its size', async () => {
    const { sizeBytes: _size, ...withoutSize } = storedInstance('9.30');
    dynamo.on(GetCommand).resolves({ Item: withoutSize });

    await expect(index.findInstance('org-a', STUDY, '9.30')).rejects.toThrow(
      /instance item is malformed[\s\S]*sizeBytes/,
    );
  });

  it('refuses an instance whose frame table is cut short', async () => {
    dynamo.on(GetCommand).resolves({
      Item: {
        ...storedInstance('9.31'),
        layout: { pixelData: { vr: 'OW', encapsulated: false, frameTable: new Uint8Array(5) } },
      },
    });

    await expect(index.findInstance('org-a', STUDY, '9.31')).rejects.toThrow(/not a packed frame table/);
  });

  it('refuses a series without its UID and metadata that is not text', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ studyInstanceUid: STUDY, instanceCount: 1 }] });
    await expect(index.listSeries('org-a', STUDY)).rejects.toThrow(
      /series item is malformed[\s\S]*seriesInstanceUid/,
    );

    dynamo.on(GetCommand).resolves({ Item: { metadata: 42 } });
    await expect(index.getMetadata('org-a', STUDY, SERIES, '9.1')).rejects.toBeInstanceOf(MalformedItemError);
  });
});
