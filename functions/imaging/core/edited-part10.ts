import type { AttributeOverride } from './attribute-edits';

/**
 * Retrieval step: a stored Part-10 file as the study currently reads, with its edited attributes
 * rewritten and every other byte as stored. Only the head of the data set is held (the top-level elements
 * up to the last edited tag, which precede the pixel data); the rest streams through untouched. It reads
 * the transfer syntax from the file itself, so it composes with any other step before or after it.
 */

const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITER = 0xfffee00d;
const SEQUENCE_DELIMITER = 0xfffee0dd;
/** VRs with a reserved field and a 32-bit length in explicit VR (PS3.5 §7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
/** The head is held in memory; a file whose attributes before the last edited one exceed this is refused. */
export const MAX_EDITED_HEAD_BYTES = 16 * 1024 * 1024;

export class Part10EditError extends Error {
  override readonly name = 'Part10EditError';
}

/** Thrown by the reader when the bytes so far end inside what it must read: wait for more. */
const NEED_MORE = Symbol('need-more');

class Reader {
  constructor(
    readonly bytes: Buffer,
    readonly explicit: boolean,
  ) {}
  u16(at: number): number {
    if (at + 2 > this.bytes.length) throw NEED_MORE;
    return this.bytes.readUInt16LE(at);
  }
  u32(at: number): number {
    if (at + 4 > this.bytes.length) throw NEED_MORE;
    return this.bytes.readUInt32LE(at);
  }
  tag(at: number): number {
    return this.u16(at) * 0x10000 + this.u16(at + 2);
  }
  /** The end offset of the element at `at`, nested sequences and items included. */
  elementEnd(at: number, meta = false): number {
    const tag = this.tag(at);
    if (tag === ITEM || tag === ITEM_DELIMITER || tag === SEQUENCE_DELIMITER) {
      throw new Part10EditError('an item tag where an element was expected');
    }
    let length: number;
    let valueAt: number;
    if (this.explicit || meta) {
      if (at + 6 > this.bytes.length) throw NEED_MORE;
      const vr = this.bytes.toString('latin1', at + 4, at + 6);
      if (LONG_VRS.has(vr)) {
        length = this.u32(at + 8);
        valueAt = at + 12;
      } else {
        length = this.u16(at + 6);
        valueAt = at + 8;
      }
    } else {
      length = this.u32(at + 4);
      valueAt = at + 8;
    }
    if (length !== UNDEFINED_LENGTH) {
      if (valueAt + length > this.bytes.length) throw NEED_MORE;
      return valueAt + length;
    }
    return this.itemsEnd(valueAt);
  }
  /** Items (of a sequence or encapsulated value) up to and including the sequence delimiter. */
  private itemsEnd(at: number): number {
    let position = at;
    for (;;) {
      const tag = this.tag(position);
      const length = this.u32(position + 4);
      position += 8;
      if (tag === SEQUENCE_DELIMITER) return position;
      if (tag !== ITEM) throw new Part10EditError('not an item inside a sequence');
      if (length !== UNDEFINED_LENGTH) {
        position += length;
        if (position > this.bytes.length) throw NEED_MORE;
        continue;
      }
      while (this.tag(position) !== ITEM_DELIMITER) position = this.elementEnd(position);
      position += 8;
    }
  }
}

interface HeadPlan {
  explicit: boolean;
  datasetStart: number;
  elements: { tag: number; start: number; end: number }[];
  /** Where the untouched remainder starts. */
  headEnd: number;
  utf8: boolean;
}

const tagNumber = (tag: string) => Number.parseInt(tag, 16);

/** Where the file meta ends, its transfer syntax, and the data set's top-level elements up to maxTag. */
function planHead(bytes: Buffer, maxTag: number, complete: boolean): HeadPlan | null {
  try {
    if (bytes.length < 132) throw NEED_MORE;
    if (bytes.toString('latin1', 128, 132) !== 'DICM') throw new Part10EditError('not a Part-10 file');
    const meta = new Reader(bytes, true);
    let position = 132;
    let transferSyntax = '';
    while (position + 4 <= bytes.length && meta.u16(position) === 0x0002) {
      const end = meta.elementEnd(position, true);
      if (meta.tag(position) === 0x00020010) {
        transferSyntax = bytes.toString('latin1', position + 8, end).replace(/[\0 ]+$/, '');
      }
      position = end;
    }
    if (position + 4 > bytes.length && !complete) throw NEED_MORE;
    const explicit = transferSyntax !== IMPLICIT_VR_LITTLE_ENDIAN;
    const reader = new Reader(bytes, explicit);
    const datasetStart = position;
    const elements: HeadPlan['elements'] = [];
    let utf8 = false;
    while (position < bytes.length) {
      if (position + 4 > bytes.length) throw NEED_MORE;
      const tag = reader.tag(position);
      if (tag > maxTag) break;
      const end = reader.elementEnd(position);
      if (tag === 0x00080005) {
        const valueStart = end - (explicit ? reader.u16(position + 6) : reader.u32(position + 4));
        utf8 = bytes.toString('latin1', valueStart, end).includes('ISO_IR 192');
      }
      elements.push({ tag, start: position, end });
      position = end;
    }
    if (position >= bytes.length && !complete) throw NEED_MORE;
    return { explicit, datasetStart, elements, headEnd: position, utf8 };
  } catch (error) {
    if (error === NEED_MORE) {
      if (complete) throw new Part10EditError('the file ends inside an element');
      return null;
    }
    throw error;
  }
}

/** One element as the edit sets it, little endian, in the file's VR encoding. */
function encodeElement(override: AttributeOverride, explicit: boolean, utf8: boolean): Buffer {
  const text = override.value === null ? '' : String(override.value);
  const unicode = [...text].some((character) => (character.codePointAt(0) ?? 0) > 0xff);
  let value = Buffer.from(text, utf8 || unicode ? 'utf8' : 'latin1');
  if (value.length % 2 === 1) value = Buffer.concat([value, Buffer.from(' ')]);
  const tag = tagNumber(override.tag);
  const header = Buffer.alloc(8);
  header.writeUInt16LE(Math.floor(tag / 0x10000), 0);
  header.writeUInt16LE(tag % 0x10000, 2);
  if (explicit) {
    header.write(override.vr, 4, 'latin1');
    header.writeUInt16LE(value.length, 6);
  } else {
    header.writeUInt32LE(value.length, 4);
  }
  return Buffer.concat([header, value]);
}

function rewriteHead(bytes: Buffer, plan: HeadPlan, overrides: readonly AttributeOverride[]): Buffer {
  const pending = [...overrides].sort((a, b) => tagNumber(a.tag) - tagNumber(b.tag));
  const parts: Buffer[] = [bytes.subarray(0, plan.datasetStart)];
  const emitBefore = (tag: number) => {
    while (pending[0] && tagNumber(pending[0].tag) < tag) {
      parts.push(encodeElement(pending.shift() as AttributeOverride, plan.explicit, plan.utf8));
    }
  };
  for (const element of plan.elements) {
    emitBefore(element.tag);
    if (pending[0] && tagNumber(pending[0].tag) === element.tag) {
      parts.push(encodeElement(pending.shift() as AttributeOverride, plan.explicit, plan.utf8));
    } else {
      parts.push(bytes.subarray(element.start, element.end));
    }
  }
  emitBefore(Number.POSITIVE_INFINITY);
  parts.push(bytes.subarray(plan.headEnd));
  return Buffer.concat(parts);
}

/** The retrieval step: the file's bytes with the overrides applied (passed through when there are none). */
export async function* withEditedAttributes(
  source: AsyncIterable<Uint8Array>,
  overrides: readonly AttributeOverride[],
  maxHeadBytes: number = MAX_EDITED_HEAD_BYTES,
): AsyncGenerator<Uint8Array> {
  if (overrides.length === 0) {
    yield* source;
    return;
  }
  const maxTag = Math.max(...overrides.map((override) => tagNumber(override.tag)));
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let held = 0;
  for (;;) {
    const next = await iterator.next();
    if (!next.done) {
      chunks.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      held += next.value.byteLength;
    }
    const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    const plan = planHead(bytes, maxTag, Boolean(next.done));
    if (plan) {
      yield rewriteHead(bytes, plan, overrides);
      break;
    }
    if (held > maxHeadBytes) throw new Part10EditError('the attributes before the edited ones are too large');
    chunks.length = 0;
    chunks.push(bytes);
  }
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}
