import { dicomDictionary } from './dicom-dictionary';

/**
 * A bounded walk over a Part-10 file's element headers, run before either DICOM library sees the file.
 *
 * dicom-parser builds an object for every element, item, fragment and offset-table entry before it
 * returns, and cannot be stopped part-way; dcmjs (metadata) then builds its own copy, decodes every
 * text and numeric value into arrays and copies every item's bytes once per nesting level. So the limits
 * are enforced here, while walking: the walk allocates nothing per element and stops at the first limit
 * crossed, and memory for a file is then bounded by the limits (and linear in its size) whatever it holds.
 *
 * The walk counts what both libraries would build, so it must never see less structure than either: it
 * follows dicom-parser's rules (sequences in implicit VR recognised by their first item tag) and refuses
 * as malformed whatever the two would read differently (unknown VRs, undefined lengths outside sequences
 * and encapsulated pixel data, sequences the dictionary names that hold no items, item ends the two
 * locate differently). Every value and item must lie inside its container.
 */

export interface WalkLimits {
  /** Elements, sequence items, pixel data fragments and offset table entries, together. */
  maxElements: number;
  maxSequenceDepth: number;
  /** Bytes of text and numeric values, which the metadata reader splits into JS values. */
  maxDecodedValueBytes: number;
  /** Bytes inside sequence items, summed over nesting levels: the metadata reader copies each item. */
  maxItemBytes: number;
}

export type WalkRefusal =
  | 'too-many-elements'
  | 'too-deep'
  | 'attributes-too-large'
  | 'malformed'
  | 'bad-file-meta';

export interface WalkReport {
  /** Elements, items, fragments and offset table entries visited (the walk stops one past the limit). */
  nodes: number;
  decodedValueBytes: number;
  itemBytes: number;
}

export class ElementWalkRefused extends Error {
  override readonly name = 'ElementWalkRefused';
  constructor(
    readonly reason: WalkRefusal,
    message: string,
    readonly report: WalkReport,
  ) {
    super(message);
  }
}

const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITER = 0xfffee00d;
const SEQUENCE_DELIMITER = 0xfffee0dd;
const PIXEL_DATA = 0x7fe00010;

const vrCode = (vr: string) => (vr.charCodeAt(0) << 8) | vr.charCodeAt(1);
const codes = (vrs: string) => new Set(vrs.split(' ').map(vrCode));
/**
 * VRs both libraries read with the same length field. OV, SV and UV are left out: dicom-parser reads
 * them with a 16-bit length and dcmjs with a 32-bit one, so the two would walk different elements.
 */
const KNOWN_VRS = codes(
  'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OW PN SH SL SQ SS ST TM UC UI UL UN UR US UT',
);
/** Explicit VRs with a reserved field and a 32-bit length, as dicom-parser reads them. */
const LONG_VRS = codes('OB OD OF OL OW SQ UC UR UT UN');
/** VRs dcmjs decodes into strings or numbers (a JS value per value); the rest it keeps as bytes. */
const DECODED = 'AE AS AT CS DA DS DT FL FD IS LO LT PN SH SL SS ST TM UC UI UL UR US UT';
const DECODED_CODES = codes(DECODED);
/** The same for dictionary VRs, which include the ambiguous `xs` (read as US). */
const DECODED_VRS = new Set([...DECODED.split(' '), 'UV', 'xs']);
const SQ = vrCode('SQ');
const UN = vrCode('UN');
const OB = vrCode('OB');
const OW = vrCode('OW');

const hex4 = (value: number) => value.toString(16).toUpperCase().padStart(4, '0');

/** The dictionary VR dcmjs reads an implicit (or explicit UN) element with; undefined when unknown. */
function dictionaryVr(tag: number): string | undefined {
  const entry = dicomDictionary().dictionary[`(${hex4(tag >>> 16)},${hex4(tag & 0xffff)})`];
  return entry?.vr;
}

class Walk {
  readonly report: WalkReport;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: WalkLimits,
    counted: WalkReport = { nodes: 0, decodedValueBytes: 0, itemBytes: 0 },
  ) {
    this.report = { ...counted };
  }

  refuse(reason: WalkRefusal, message: string): never {
    throw new ElementWalkRefused(reason, message, { ...this.report });
  }

  private malformed(at: number, what: string): never {
    return this.refuse('malformed', `${what} at byte ${at}.`);
  }

  private need(end: number, limit: number, at: number, what: string): void {
    if (end > limit) this.malformed(at, `${what} extends past its container`);
  }

  private u16(at: number): number {
    return (this.bytes[at] as number) | ((this.bytes[at + 1] as number) << 8);
  }

  private u32(at: number): number {
    return (this.u16(at) | (this.u16(at + 2) << 16)) >>> 0;
  }

  private tagAt(at: number): number {
    return ((this.u16(at) << 16) | this.u16(at + 2)) >>> 0;
  }

  nodes(count: number): void {
    this.report.nodes += count;
    if (this.report.nodes > this.limits.maxElements) {
      this.refuse('too-many-elements', 'The data set has too many elements.');
    }
  }

  private decoded(length: number): void {
    this.report.decodedValueBytes += length;
    if (this.report.decodedValueBytes > this.limits.maxDecodedValueBytes) {
      this.refuse('attributes-too-large', 'The attribute values are too large.');
    }
  }

  private itemBytes(length: number): void {
    this.report.itemBytes += length;
    if (this.report.itemBytes > this.limits.maxItemBytes) {
      this.refuse('attributes-too-large', 'The sequences are too large.');
    }
  }

  /** Elements from `at` to `end`; an undefined-length item's data set ends at its item delimiter. */
  dataSet(at: number, end: number, implicit: boolean, depth: number, delimited: boolean): number {
    let position = at;
    while (position < end) {
      this.need(position + 8, end, position, 'An element header');
      const tag = this.tagAt(position);
      if (delimited && tag === ITEM_DELIMITER) {
        this.nodes(1);
        if (this.u32(position + 4) !== 0) this.malformed(position, 'An item delimiter has a length');
        return position + 8;
      }
      position = this.element(position, end, implicit, depth);
    }
    if (delimited) this.malformed(at, 'An item has no item delimiter');
    return position;
  }

  private element(at: number, end: number, implicit: boolean, depth: number): number {
    this.nodes(1);
    const tag = this.tagAt(at);
    if (tag >>> 16 === 0xfffe) this.malformed(at, 'An item or delimiter stands outside a sequence');
    if (implicit) return this.implicitElement(at, end, tag, depth);
    const code = ((this.bytes[at + 4] as number) << 8) | (this.bytes[at + 5] as number);
    if (!KNOWN_VRS.has(code)) this.malformed(at, 'An element has an unknown VR');
    let length: number;
    let data: number;
    if (LONG_VRS.has(code)) {
      this.need(at + 12, end, at, 'An element header');
      length = this.u32(at + 8);
      data = at + 12;
    } else {
      length = this.u16(at + 6);
      data = at + 8;
    }
    if (code === SQ) return this.sequence(data, length, end, false, depth);
    if (length === UNDEFINED_LENGTH) {
      if (tag === PIXEL_DATA && (code === OB || code === OW)) return this.encapsulated(data, end);
      if (code === UN) {
        // dicom-parser reads it as an implicit VR sequence; dcmjs takes its first item for an offset
        // table and reads a number per 4 bytes of it (to the end of the file when its length is undefined).
        this.need(data + 8, end, data, 'An item header');
        const first = this.u32(data + 4);
        this.nodes(Math.ceil((first === UNDEFINED_LENGTH ? end - data - 8 : first) / 4));
        return this.sequence(data, length, end, true, depth);
      }
      this.malformed(at, 'An element other than a sequence or pixel data has an undefined length');
    }
    this.need(data + length, end, at, 'An element value');
    if (code === UN) {
      // dcmjs reads a UN value of a known attribute as the dictionary's VR (dicom-parser keeps the bytes).
      const known = dictionaryVr(tag);
      if (known === 'SQ') return this.unknownSequence(data, length, depth);
      if (known !== undefined && DECODED_VRS.has(known)) this.decoded(length);
    } else if (DECODED_CODES.has(code)) {
      this.decoded(length);
    }
    return data + length;
  }

  private implicitElement(at: number, end: number, tag: number, depth: number): number {
    const length = this.u32(at + 4);
    const data = at + 8;
    const known = dictionaryVr(tag);
    // dicom-parser: a sequence is what starts with an item or a sequence delimiter (private ones only
    // when their length is undefined). dcmjs: what the dictionary calls SQ, or an unknown undefined one.
    const next = data + 4 <= this.bytes.length ? this.tagAt(data) : 0;
    const startsWithItem = next === ITEM || next === SEQUENCE_DELIMITER;
    const isPrivate = (tag >>> 16) % 2 === 1;
    const parserSequence = startsWithItem && (!isPrivate || length === UNDEFINED_LENGTH);
    const readerSequence = known === 'SQ' || (known === undefined && length === UNDEFINED_LENGTH);
    if (length === UNDEFINED_LENGTH) {
      if (!(parserSequence && readerSequence)) {
        this.malformed(at, 'An element other than a sequence has an undefined length');
      }
      return this.sequence(data, length, end, true, depth);
    }
    this.need(data + length, end, at, 'An element value');
    if (readerSequence) {
      if (length > 0 && !startsWithItem) this.malformed(at, 'A sequence holds no items');
      return this.sequence(data, length, end, true, depth);
    }
    // dicom-parser reads items where dcmjs reads a value: both are counted.
    if (parserSequence) this.sequence(data, length, end, true, depth);
    const privateCreator = isPrivate && (tag & 0xffff) >= 0x10 && (tag & 0xffff) <= 0xff;
    if (known === undefined ? privateCreator : DECODED_VRS.has(known)) this.decoded(length);
    return data + length;
  }

  /**
   * A sequence sent as UN (PS3.5 §6.2.2: its items in implicit VR), which dcmjs reads as a sequence in
   * explicit VR. Walked as that where it reads as that; otherwise dcmjs builds whatever the bytes suggest,
   * so it is charged what those bytes could build at most: an element per 8 bytes, every byte decoded, and
   * every byte copied once per nesting level (one level per 20 bytes), which keeps such values small.
   */
  private unknownSequence(data: number, length: number, depth: number): number {
    const before = { ...this.report };
    try {
      return this.sequence(data, length, data + length, false, depth);
    } catch (error) {
      if (!(error instanceof ElementWalkRefused && error.reason === 'malformed')) throw error;
      Object.assign(this.report, before);
    }
    this.nodes(Math.ceil(length / 8));
    this.decoded(length);
    this.itemBytes(length * Math.ceil(length / 20));
    return data + length;
  }

  private sequence(data: number, length: number, end: number, implicit: boolean, depth: number): number {
    if (length === UNDEFINED_LENGTH) {
      let position = data;
      for (;;) {
        this.need(position + 8, end, position, 'A sequence without its delimiter');
        if (this.tagAt(position) === SEQUENCE_DELIMITER) return position + 8;
        position = this.item(position, end, implicit, depth);
      }
    }
    const sequenceEnd = data + length;
    this.need(sequenceEnd, end, data, 'A sequence');
    let position = data;
    while (position < sequenceEnd) position = this.item(position, sequenceEnd, implicit, depth);
    if (position !== sequenceEnd) this.malformed(data, 'A sequence does not end with its last item');
    return sequenceEnd;
  }

  private item(at: number, end: number, implicit: boolean, depth: number): number {
    this.need(at + 8, end, at, 'An item header');
    if (this.tagAt(at) !== ITEM) this.malformed(at, 'A sequence holds something other than items');
    this.nodes(1);
    if (depth + 1 > this.limits.maxSequenceDepth) this.refuse('too-deep', 'Sequences are nested too deeply.');
    const length = this.u32(at + 4);
    const start = at + 8;
    if (length === UNDEFINED_LENGTH) {
      const itemEnd = this.dataSet(start, end, implicit, depth + 1, true);
      // dcmjs finds the end by scanning for delimiters instead: both must find the same one.
      const scanned = this.delimitedItemEnd(start, end);
      if (scanned.end !== itemEnd || scanned.content !== itemEnd - 8 - start) {
        this.malformed(at, 'An item’s delimiter is ambiguous');
      }
      this.itemBytes(itemEnd - 8 - start);
      return itemEnd;
    }
    this.need(start + length, end, at, 'An item');
    this.itemBytes(length);
    this.dataSet(start, start + length, implicit, depth + 1, false);
    return start + length;
  }

  /**
   * Where dcmjs ends an undefined-length item, and how many content bytes it takes: its scan, 16 bits at a
   * time, counting nested undefined-length items and their delimiters (SequenceOfItems.readBytes).
   */
  private delimitedItemEnd(start: number, end: number): { end: number; content: number } {
    let position = start;
    let content = 0;
    let nested = 0;
    for (;;) {
      this.need(position + 2, end, start, 'An item without its delimiter');
      const group = this.u16(position);
      position += 2;
      if (group !== 0xfffe) {
        content += 2;
        continue;
      }
      this.need(position + 6, end, start, 'An item without its delimiter');
      const element = this.u16(position);
      const length = this.u32(position + 2);
      position += 2;
      if (element === 0xe00d && length === 0) {
        nested -= 1;
        if (nested < 0) return { end: position + 4, content };
        content += 4;
      } else if (element === 0xe00d) {
        content += 2;
      } else if (element === 0xe000) {
        content += 4;
        if (length === UNDEFINED_LENGTH) nested += 1;
      } else {
        content += 2;
        position -= 2;
      }
    }
  }

  /** Encapsulated pixel data: the offset table item, then fragments up to the sequence delimiter. */
  private encapsulated(data: number, end: number): number {
    this.need(data + 8, end, data, 'The basic offset table');
    if (this.tagAt(data) !== ITEM) this.malformed(data, 'Encapsulated pixel data has no offset table');
    const tableLength = this.u32(data + 4);
    if (tableLength % 4 !== 0) this.malformed(data, 'The basic offset table is not a list of offsets');
    this.need(data + 8 + tableLength, end, data, 'The basic offset table');
    this.nodes(tableLength / 4);
    let position = data + 8 + tableLength;
    for (;;) {
      this.need(position + 8, end, position, 'Pixel data without its delimiter');
      const tag = this.tagAt(position);
      const length = this.u32(position + 4);
      if (tag === SEQUENCE_DELIMITER) return position + 8;
      if (tag !== ITEM) this.malformed(position, 'Pixel data holds something other than fragments');
      this.nodes(1);
      this.need(position + 8 + length, end, position, 'A fragment');
      position += 8 + length;
    }
  }

  /**
   * The file meta group, explicit VR from byte 132: group 0002 only, ending exactly where its group
   * length says. dcmjs trusts the group length and dicom-parser reads on to the first other group.
   */
  fileMeta(metaEnd: number): void {
    let position = 132;
    while (position < metaEnd) {
      this.need(position + 8, metaEnd, position, 'A file meta element');
      if (this.tagAt(position) >>> 16 !== 0x0002) {
        this.refuse('bad-file-meta', 'The file meta group holds another group.');
      }
      position = this.element(position, metaEnd, false, 0);
    }
  }

  /** dicom-parser reads the file meta on until the first element past group 0002: that is the data set. */
  dataSetStart(metaEnd: number): void {
    if (metaEnd + 4 <= this.bytes.length && this.tagAt(metaEnd) >>> 16 <= 0x0002) {
      this.malformed(metaEnd, 'The data set starts with an element of the file meta groups');
    }
  }

  /**
   * dicom-parser reads the first element after the file meta in explicit VR before it knows better. In
   * an implicit VR file that read must not be one that builds anything (a sequence, fragments).
   */
  harmlessLookahead(at: number): void {
    if (at + 12 > this.bytes.length) return;
    const code = ((this.bytes[at + 4] as number) << 8) | (this.bytes[at + 5] as number);
    const undefinedLength = LONG_VRS.has(code) && this.u32(at + 8) === UNDEFINED_LENGTH;
    if (code === SQ || (undefinedLength && (code === UN || this.tagAt(at) === PIXEL_DATA))) {
      this.malformed(at, 'The first element reads as a sequence in explicit VR');
    }
  }
}

/**
 * Walks the file meta group of a Part-10 file whose prefix and group length (at byte 140) were already
 * checked; returns where the data set starts and what was counted so far.
 */
export function walkFileMeta(
  bytes: Uint8Array,
  limits: WalkLimits,
): { metaEnd: number; counted: WalkReport } {
  const walk = new Walk(bytes, limits);
  const metaEnd = 144 + new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(140, true);
  walk.fileMeta(metaEnd);
  return { metaEnd, counted: walk.report };
}

/**
 * Walks the data set from `metaEnd` in the transfer syntax's VR encoding (little endian), counting on
 * from what the file meta walk counted. Throws ElementWalkRefused at the first limit crossed or structure
 * the two libraries would read differently; returns everything counted otherwise.
 */
export function walkDataSet(
  bytes: Uint8Array,
  metaEnd: number,
  implicit: boolean,
  limits: WalkLimits,
  counted: WalkReport,
): WalkReport {
  const walk = new Walk(bytes, limits, counted);
  walk.dataSetStart(metaEnd);
  if (implicit) walk.harmlessLookahead(metaEnd);
  walk.dataSet(metaEnd, bytes.length, implicit, 0, false);
  return walk.report;
}
