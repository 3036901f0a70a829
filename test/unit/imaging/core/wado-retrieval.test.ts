import { createHash } from 'node:crypto';
import { readMultipartRelated } from '../../../../functions/imaging/core/multipart-related';
import {
  multipartRelated,
  primed,
  READ_AHEAD_PARTS,
} from '../../../../functions/imaging/core/multipart-writer';
import type { StoredInstance } from '../../../../functions/imaging/core/ports';
import {
  bulkDataPart,
  bulkDataToRetrieve,
  frameParts,
  framesToRetrieve,
  instanceParts,
  instancePath,
  instancesToRetrieve,
  parseFrameList,
  RETRIEVE_LIMITS,
} from '../../../../functions/imaging/core/retrieve';
import { retrieveInstanceMetadata } from '../../../../functions/imaging/core/retrieve-metadata';
import { fragmentValues } from '../../../../functions/imaging/core/verified-read';
import {
  IntegrityCheckFailedError,
  InvalidInputError,
  NotAcceptableError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../../../functions/shared/errors';
import {
  ctInstance,
  fakeBitstream,
  multiFrameInstance,
  nativeFrame,
  testUid,
} from '../../../support/dicom-files';
import { customer, MemoryImaging } from '../../../support/imaging-fakes';

const BOUNDARY = 'test-boundary';
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Reads a body until it fails, keeping what had been sent by then. */
async function collectUntilFailure(source: AsyncIterable<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of source) chunks.push(chunk);
    return { sent: Buffer.concat(chunks), error: null };
  } catch (error) {
    return { sent: Buffer.concat(chunks), error };
  }
}

const partsOf = (body: Buffer, type: string) =>
  readMultipartRelated(body, `multipart/related; type="${type}"; boundary=${BOUNDARY}`, type, {
    maxParts: 1000,
    maxPartBytes: 64 * 1024 * 1024,
    maxHeaderBytes: 8 * 1024,
  });

describe('WADO-RS retrieval (core)', () => {
  const study = testUid();
  const seriesA = testUid();
  const seriesB = testUid();

  function studyOfThree() {
    const imaging = new MemoryImaging();
    const files = [
      ctInstance({ studyInstanceUid: study, seriesInstanceUid: seriesA, patientId: 'PID-1' }),
      ctInstance({ studyInstanceUid: study, seriesInstanceUid: seriesA, patientId: 'PID-1' }),
      ctInstance({ studyInstanceUid: study, seriesInstanceUid: seriesB, patientId: 'PID-1' }),
    ];
    const stored = files.map((file) => imaging.store(file));
    return { imaging, files, stored };
  }

  it('streams every instance of a study, one part each, byte for byte as stored', async () => {
    const { imaging, files } = studyOfThree();

    const instances = await instancesToRetrieve(imaging.deps, customer('org-a'), { study });
    const body = await collect(multipartRelated(BOUNDARY, instanceParts(imaging.deps, instances)));

    const parts = partsOf(body, 'application/dicom');
    expect(parts.map((part) => sha(part.body)).sort()).toEqual(files.map(sha).sort());
    expect(instances.map((instance) => instance.patientId)).toEqual(['PID-1', 'PID-1', 'PID-1']);
    expect(body.toString('latin1')).toContain(`Content-Location: /dicomweb/studies/${study}/series/`);
  });

  function seriesOf(count: number) {
    const imaging = new MemoryImaging();
    const series = testUid();
    const files = Array.from({ length: count }, (_, at) =>
      ctInstance({
        studyInstanceUid: study,
        seriesInstanceUid: series,
        extra: { InstanceNumber: String(at + 1) },
      }),
    );
    for (const file of files) imaging.store(file);
    return { imaging, files, series };
  }

  it(`reads up to ${READ_AHEAD_PARTS} parts ahead of the one being sent, each whole and held unsent`, async () => {
    const { imaging, files, series } = seriesOf(READ_AHEAD_PARTS + 3);
    const instances = await instancesToRetrieve(imaging.deps, customer('org-a'), { study, series });
    const body = multipartRelated(BOUNDARY, instanceParts(imaging.deps, instances));

    const iterator = body[Symbol.asyncIterator]();
    const first = await iterator.next();

    // Only the first part's headers have left; the next parts were read, whole; the rest wait.
    expect(Buffer.from(first.value as Uint8Array).toString('latin1')).toContain(
      `Content-Location: ${instancePath(instances[0] as StoredInstance)}`,
    );
    expect(imaging.reads.map((read) => read.key)).toEqual(
      instances.slice(0, 1 + READ_AHEAD_PARTS).map((instance) => instance.objectKey),
    );
    expect(imaging.endedReads).toHaveLength(1 + READ_AHEAD_PARTS);

    const rest = await collect({ [Symbol.asyncIterator]: () => iterator });
    const sent = Buffer.concat([first.value as Uint8Array, rest]);
    // Every part whole, in instance order, and every read ended.
    expect(partsOf(sent, 'application/dicom').map((part) => sha(part.body))).toEqual(files.map(sha));
    expect(imaging.reads).toHaveLength(files.length);
    expect([...imaging.endedReads].sort()).toEqual(imaging.reads.map((read) => read.key).sort());
  });

  it('never reads ahead a part too large to hold: a paused read would keep its connection', async () => {
    const { imaging, files, series } = seriesOf(3);
    const instances = await instancesToRetrieve(imaging.deps, customer('org-a'), { study, series });
    const small = { ...RETRIEVE_LIMITS, holdBytes: 512 };
    const iterator = multipartRelated(BOUNDARY, instanceParts(imaging.deps, instances, small))[
      Symbol.asyncIterator
    ]();

    const first = await iterator.next();
    expect(imaging.reads).toHaveLength(1);
    const rest = await collect({ [Symbol.asyncIterator]: () => iterator });

    const sent = Buffer.concat([first.value as Uint8Array, rest]);
    expect(partsOf(sent, 'application/dicom').map((part) => sha(part.body))).toEqual(files.map(sha));
  });

  it('reads no further, and leaves no read open, when the body is abandoned, as when the client goes away', async () => {
    const { imaging, series } = seriesOf(READ_AHEAD_PARTS + 3);
    const instances = await instancesToRetrieve(imaging.deps, customer('org-a'), { study, series });
    const iterator = multipartRelated(BOUNDARY, instanceParts(imaging.deps, instances))[
      Symbol.asyncIterator
    ]();

    await iterator.next();
    await iterator.return?.(undefined);

    // Nothing more is read, and nothing read is left open.
    expect(imaging.reads).toHaveLength(1 + READ_AHEAD_PARTS);
    expect([...imaging.endedReads].sort()).toEqual(imaging.reads.map((read) => read.key).sort());
  });

  it('[PP-18] closes a read ahead that found a copy larger than recorded, sending none of it', async () => {
    const { imaging, series } = seriesOf(3);
    const instances = await instancesToRetrieve(imaging.deps, customer('org-a'), { study, series });
    const second = instances[1] as StoredInstance;
    // A substituted copy: longer than its record, so the read ahead stops past the bound and waits.
    const original = imaging.objects.get(second.objectKey) as Buffer;
    imaging.objects.set(second.objectKey, Buffer.concat([original, Buffer.alloc(5000)]));
    const limits = { ...RETRIEVE_LIMITS, holdBytes: second.sizeBytes };

    const abandoned = multipartRelated(BOUNDARY, instanceParts(imaging.deps, instances, limits))[
      Symbol.asyncIterator
    ]();
    await abandoned.next();
    expect(imaging.endedReads).not.toContain(second.objectKey);
    await abandoned.return?.(undefined);
    expect([...imaging.endedReads].sort()).toEqual(imaging.reads.map((read) => read.key).sort());

    const { sent, error } = await collectUntilFailure(
      multipartRelated(BOUNDARY, instanceParts(imaging.deps, instances, limits)),
    );
    expect(error).toBeInstanceOf(IntegrityCheckFailedError);
    expect(sent.includes(original.subarray(0, 1000))).toBe(false);
  });

  it('fails at the part whose read failed, after the parts before it were sent whole, never earlier', async () => {
    const { imaging, files, series } = seriesOf(4);
    const instances = await instancesToRetrieve(imaging.deps, customer('org-a'), { study, series });
    // Gone from storage: its read, started ahead, fails while the first part is still being sent.
    imaging.objects.delete(instances[2]?.objectKey as string);

    const { sent, error } = await collectUntilFailure(
      multipartRelated(BOUNDARY, instanceParts(imaging.deps, instances)),
    );

    expect(error).toBeInstanceOf(Error);
    expect(sent.toString('latin1')).not.toContain(`--${BOUNDARY}--`);
    expect(sent.toString('latin1').split(`--${BOUNDARY}\r\n`)).toHaveLength(3);
    for (const file of files.slice(0, 2)) expect(sent.includes(file)).toBe(true);
  });

  it('runs the ranged reads of a frame list ahead too, each frame still read as its own range', async () => {
    const imaging = new MemoryImaging();
    const instance = imaging.store(multiFrameInstance({ frames: 8, rows: 8, columns: 8 }));
    const ids = {
      study: instance.studyInstanceUid,
      series: instance.seriesInstanceUid,
      instance: instance.sopInstanceUid,
    };
    const selection = await framesToRetrieve(imaging.deps, customer('org-a'), ids, [1, 2, 3, 4, 5, 6, 7, 8]);
    const iterator = multipartRelated(
      BOUNDARY,
      frameParts(imaging.deps, selection, 'application/octet-stream'),
    )[Symbol.asyncIterator]();

    await iterator.next();
    expect(imaging.reads).toHaveLength(1 + READ_AHEAD_PARTS);
    const rest = await collect({ [Symbol.asyncIterator]: () => iterator });
    expect(imaging.reads).toHaveLength(8);
    expect(rest.toString('latin1')).toContain(`--${BOUNDARY}--`);
  });

  it('[PP-07] answers another organization, and a missing series, as not found', async () => {
    const { imaging } = studyOfThree();

    await expect(instancesToRetrieve(imaging.deps, customer('org-b'), { study })).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      instancesToRetrieve(imaging.deps, customer('org-a'), { study, series: testUid() }),
    ).rejects.toThrow(NotFoundError);
  });

  it('refuses, before reading any object, a study larger than one streamed response may be', async () => {
    const { imaging } = studyOfThree();

    await expect(
      instancesToRetrieve(
        imaging.deps,
        customer('org-a'),
        { study },
        { ...RETRIEVE_LIMITS, maxResponseBytes: 1000 },
      ),
    ).rejects.toThrow(PayloadTooLargeError);
    expect(imaging.reads).toEqual([]);
  });

  it('[PP-18] fails before the first byte when the first object does not match its SHA-256', async () => {
    const { imaging, stored } = studyOfThree();
    imaging.corrupt(stored[0]?.objectKey as string);
    const instances = await instancesToRetrieve(imaging.deps, customer('org-a'), { study });
    const first = instances.find((instance) => instance.objectKey === stored[0]?.objectKey);

    const attempt = primed(multipartRelated(BOUNDARY, instanceParts(imaging.deps, [first as never])));

    await expect(attempt).rejects.toThrow(IntegrityCheckFailedError);
  });

  it('[PP-18] never sends a byte of a corrupted object it can hold, and never closes the body after one', async () => {
    const { imaging, stored, files } = studyOfThree();
    const instances = await instancesToRetrieve(imaging.deps, customer('org-a'), { study });
    const last = instances.at(-1);
    imaging.corrupt(last?.objectKey as string);

    const { sent, error } = await collectUntilFailure(
      multipartRelated(BOUNDARY, instanceParts(imaging.deps, instances)),
    );

    expect(error).toBeInstanceOf(IntegrityCheckFailedError);
    expect(sent.toString('latin1')).not.toContain(`--${BOUNDARY}--`);
    const corrupted = imaging.objects.get(last?.objectKey as string) as Buffer;
    expect(sent.includes(corrupted.subarray(200, 400))).toBe(false);
    expect(stored).toHaveLength(files.length);
  });

  it('[PP-18] aborts a large corrupted object mid-stream, before the closing boundary', async () => {
    const { imaging } = studyOfThree();
    const instances = await instancesToRetrieve(imaging.deps, customer('org-a'), { study });
    imaging.corrupt(instances[0]?.objectKey as string);
    const small = { ...RETRIEVE_LIMITS, holdBytes: 512 };

    const { sent, error } = await collectUntilFailure(
      multipartRelated(BOUNDARY, instanceParts(imaging.deps, instances, small)),
    );

    expect(error).toBeInstanceOf(IntegrityCheckFailedError);
    // Too large to hold: bytes had left before the end of the object showed the mismatch.
    expect(sent.length).toBeGreaterThan(512);
    expect(sent.toString('latin1')).not.toContain(`--${BOUNDARY}--`);
    // Nothing read is left open.
    expect([...imaging.endedReads].sort()).toEqual(imaging.reads.map((read) => read.key).sort());
  });

  it('serves native frames in the order asked, each as its stored bytes', async () => {
    const imaging = new MemoryImaging();
    const file = multiFrameInstance({ frames: 5, rows: 8, columns: 8 });
    const instance = imaging.store(file);
    const ids = {
      study: instance.studyInstanceUid,
      series: instance.seriesInstanceUid,
      instance: instance.sopInstanceUid,
    };

    const selection = await framesToRetrieve(imaging.deps, customer('org-a'), ids, parseFrameList('4,1,5'));
    const body = await collect(
      multipartRelated(BOUNDARY, frameParts(imaging.deps, selection, 'application/octet-stream')),
    );

    expect(partsOf(body, 'application/octet-stream').map((part) => part.body)).toEqual(
      [3, 0, 4].map((frame) => Buffer.from(nativeFrame(8, 8, frame))),
    );
    // Each frame is one ranged read of its own bytes, never the whole object.
    expect(
      imaging.reads.every((read) => read.range !== undefined && read.range.end - read.range.start === 128),
    ).toBe(true);
  });

  it('serves encapsulated frames as their compressed bitstreams, without item headers', async () => {
    const imaging = new MemoryImaging();
    const bitstreams = [fakeBitstream(120, 1), fakeBitstream(90, 2)];
    const instance = imaging.store(multiFrameInstance({ bitstreams }));
    const ids = {
      study: instance.studyInstanceUid,
      series: instance.seriesInstanceUid,
      instance: instance.sopInstanceUid,
    };

    const selection = await framesToRetrieve(imaging.deps, customer('org-a'), ids, [2, 1]);
    const body = await collect(multipartRelated(BOUNDARY, frameParts(imaging.deps, selection, 'image/jpeg')));

    expect(partsOf(body, 'image/jpeg').map((part) => part.body)).toEqual([
      Buffer.from(bitstreams[1] as Uint8Array),
      Buffer.from(bitstreams[0] as Uint8Array),
    ]);
  });

  it('answers a frame beyond the instance 404, a malformed or overlong list 400, and unseparable frames 406', async () => {
    const imaging = new MemoryImaging();
    const instance = imaging.store(multiFrameInstance({ frames: 2 }));
    const ids = {
      study: instance.studyInstanceUid,
      series: instance.seriesInstanceUid,
      instance: instance.sopInstanceUid,
    };

    await expect(framesToRetrieve(imaging.deps, customer('org-a'), ids, [3])).rejects.toThrow(NotFoundError);
    for (const list of ['', '0', '1,,2', '-1', '1.5', 'a', '1;2', '9999999']) {
      expect(() => parseFrameList(list)).toThrow(InvalidInputError);
    }
    expect(() => parseFrameList(Array.from({ length: 101 }, () => '1').join(','))).toThrow(InvalidInputError);
    imaging.withoutFrameTable(instance.sopInstanceUid);
    await expect(framesToRetrieve(imaging.deps, customer('org-a'), ids, [1])).rejects.toThrow(
      NotAcceptableError,
    );
  });

  it('[PP-18] fails a frame whose stored bytes changed', async () => {
    const imaging = new MemoryImaging();
    const instance = imaging.store(multiFrameInstance({ frames: 2 }));
    const ids = {
      study: instance.studyInstanceUid,
      series: instance.seriesInstanceUid,
      instance: instance.sopInstanceUid,
    };
    const frame = instance.layout?.pixelData?.frames?.[1];
    imaging.corrupt(instance.objectKey, (frame?.offset ?? 0) + 3);

    const selection = await framesToRetrieve(imaging.deps, customer('org-a'), ids, [1, 2]);
    const { error, sent } = await collectUntilFailure(
      multipartRelated(BOUNDARY, frameParts(imaging.deps, selection, 'application/octet-stream')),
    );

    expect(error).toBeInstanceOf(IntegrityCheckFailedError);
    expect(sent.includes(Buffer.from(nativeFrame(16, 16, 0)))).toBe(true);
    expect(sent.toString('latin1')).not.toContain(`--${BOUNDARY}--`);
  });

  it('serves bulk data values by the path their BulkDataURI names, nested ones included', async () => {
    const imaging = new MemoryImaging();
    const document = new Uint8Array(2500).map((_, index) => index % 256);
    const icon = new Uint8Array(1200).fill(7);
    const instance = imaging.store(
      ctInstance({
        extra: {
          EncapsulatedDocument: document.buffer,
          IconImageSequence: [{ Rows: 8, Columns: 8, PixelData: icon.buffer, _vrMap: { PixelData: 'OB' } }],
        },
      }),
    );
    const ids = {
      study: instance.studyInstanceUid,
      series: instance.seriesInstanceUid,
      instance: instance.sopInstanceUid,
    };
    const read = async (path: string) => {
      const selected = await bulkDataToRetrieve(imaging.deps, customer('org-a'), ids, path);
      if (selected.kind !== 'value') throw new Error('expected a value');
      return collect(await bulkDataPart(imaging.deps, selected, 'application/octet-stream').open());
    };

    expect(await read('00420011')).toEqual(Buffer.from(document));
    expect(await read('00880200.0.7FE00010')).toEqual(Buffer.from(icon));
    expect((await read('7FE00010')).length).toBe(32 * 32 * 2);
    await expect(read('00100010')).rejects.toThrow(NotFoundError);
    await expect(read('../etc')).rejects.toThrow(InvalidInputError);
  });

  it('serves encapsulated pixel data as bulk data frame by frame', async () => {
    const imaging = new MemoryImaging();
    const bitstreams = [fakeBitstream(50, 1), fakeBitstream(60, 2), fakeBitstream(70, 3)];
    const instance = imaging.store(multiFrameInstance({ bitstreams }));
    const ids = {
      study: instance.studyInstanceUid,
      series: instance.seriesInstanceUid,
      instance: instance.sopInstanceUid,
    };

    const selected = await bulkDataToRetrieve(imaging.deps, customer('org-a'), ids, '7FE00010');

    expect(selected.kind).toBe('frames');
    if (selected.kind === 'frames')
      expect(selected.selection.frames.map((frame) => frame.number)).toEqual([1, 2, 3]);
  });

  it('returns one instance metadata with its BulkDataURIs, and the patient for the audit record', async () => {
    const imaging = new MemoryImaging();
    const instance = imaging.store(ctInstance({ patientId: 'PID-META' }));
    const ids = {
      study: instance.studyInstanceUid,
      series: instance.seriesInstanceUid,
      instance: instance.sopInstanceUid,
    };

    const { json, patientId } = await retrieveInstanceMetadata(imaging.deps, customer('org-a'), ids);

    const [dataset] = JSON.parse(json);
    expect(dataset['00080018'].Value).toEqual([instance.sopInstanceUid]);
    expect(dataset['7FE00010'].BulkDataURI).toMatch(/\/bulkdata\/7FE00010$/);
    expect(patientId).toBe('PID-META');
    await expect(retrieveInstanceMetadata(imaging.deps, customer('org-b'), ids)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('strips item headers split across chunks, and rejects anything that is not an item', async () => {
    const item = (value: number[]) => Buffer.from([0xfe, 0xff, 0x00, 0xe0, value.length, 0, 0, 0, ...value]);
    const stream = Buffer.concat([item([1, 2, 3, 4]), item([5, 6])]);
    const inChunksOf = (size: number) =>
      (async function* () {
        for (let at = 0; at < stream.length; at += size) yield stream.subarray(at, at + size);
      })();

    for (const size of [1, 3, 5, 100]) {
      expect(await collect(fragmentValues(inChunksOf(size)))).toEqual(Buffer.from([1, 2, 3, 4, 5, 6]));
    }
    await expect(
      collect(
        fragmentValues(
          (async function* () {
            yield Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
          })(),
        ),
      ),
    ).rejects.toThrow(IntegrityCheckFailedError);
    await expect(
      collect(
        fragmentValues(
          (async function* () {
            yield stream.subarray(0, 10);
          })(),
        ),
      ),
    ).rejects.toThrow(IntegrityCheckFailedError);
  });
});
