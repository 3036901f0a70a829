import { readMultipartRelated } from '../../../../functions/imaging/core/multipart-related';
import {
  InvalidInputError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../../../functions/shared/errors';

const TYPE = 'multipart/related; type="application/dicom"; boundary=XbndX';

function body(parts: (Buffer | string)[], boundary = 'XbndX', close = true): Buffer {
  const chunks: Buffer[] = [Buffer.from('preamble to ignore\r\n')];
  for (const part of parts) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
      Buffer.from(part),
      Buffer.from('\r\n'),
    );
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\nepilogue`));
  return Buffer.concat(chunks);
}

describe('readMultipartRelated', () => {
  it('returns each part byte for byte, binary line breaks included', () => {
    const binary = Buffer.from([0, 13, 10, 45, 45, 88, 255, 13, 10]);

    const parts = readMultipartRelated(body([binary, 'second']), TYPE, 'application/dicom');

    expect(parts.map((part) => part.contentType)).toEqual(['application/dicom', 'application/dicom']);
    expect(parts[0]?.body).toEqual(binary);
    expect(parts[1]?.body.toString()).toBe('second');
  });

  it('accepts a quoted boundary and parameters in any case', () => {
    const parts = readMultipartRelated(
      body(['x'], 'a:b=c'),
      'Multipart/Related; TYPE="application/dicom"; Boundary="a:b=c"',
      'application/dicom',
    );

    expect(parts).toHaveLength(1);
  });

  it.each([
    [
      "Orthanc's DICOMweb client: a 73-character boundary",
      'multipart/related; type="application/dicom"; boundary=',
      73,
    ],
    ['unquoted parameters', 'multipart/related; type=application/dicom; boundary=', 40],
    ['parameters in another order and case', 'Multipart/Related; Boundary=', 64],
  ])('reads what deployed clients send: %s', (_label, prefix, length) => {
    const boundary = `${'7'.repeat(length - 10)}0123456789`.slice(0, length);
    const contentType = prefix.toLowerCase().includes('type=')
      ? `${prefix}${boundary}`
      : `${prefix}${boundary}; TYPE="application/dicom"`;

    const parts = readMultipartRelated(body(['a', 'bc'], boundary), contentType, 'application/dicom');

    expect(parts.map((part) => part.body.toString())).toEqual(['a', 'bc']);
  });

  it.each<[string, () => unknown, new (...args: never[]) => Error]>([
    [
      'another media type',
      () => readMultipartRelated(body(['x']), 'multipart/form-data; boundary=XbndX', 'application/dicom'),
      UnsupportedMediaTypeError,
    ],
    [
      'a missing type parameter',
      () => readMultipartRelated(body(['x']), 'multipart/related; boundary=XbndX', 'application/dicom'),
      UnsupportedMediaTypeError,
    ],
    [
      'a missing boundary',
      () =>
        readMultipartRelated(body(['x']), 'multipart/related; type="application/dicom"', 'application/dicom'),
      InvalidInputError,
    ],
    [
      'a boundary of 201 characters',
      () =>
        readMultipartRelated(
          body(['x'], 'b'.repeat(201)),
          `${TYPE.split('boundary=')[0]}boundary=${'b'.repeat(201)}`,
          'application/dicom',
        ),
      InvalidInputError,
    ],
    [
      'no closing boundary',
      () => readMultipartRelated(body(['x'], 'XbndX', false), TYPE, 'application/dicom'),
      InvalidInputError,
    ],
    [
      'a body without any boundary',
      () => readMultipartRelated(Buffer.from('just bytes'), TYPE, 'application/dicom'),
      InvalidInputError,
    ],
    [
      'a part without Content-Type',
      () =>
        readMultipartRelated(
          Buffer.from('--XbndX\r\nX-Other: 1\r\n\r\nabc\r\n--XbndX--'),
          TYPE,
          'application/dicom',
        ),
      InvalidInputError,
    ],
    [
      'unterminated part headers',
      () =>
        readMultipartRelated(
          Buffer.from(`--XbndX\r\nContent-Type: application/dicom${'x'.repeat(9000)}`),
          TYPE,
          'application/dicom',
        ),
      InvalidInputError,
    ],
    [
      '10,000 tiny parts',
      () => readMultipartRelated(body(Array.from({ length: 10_000 }, () => 'x')), TYPE, 'application/dicom'),
      PayloadTooLargeError,
    ],
    [
      'a part over the size limit',
      () => readMultipartRelated(body([Buffer.alloc(6 * 1024 * 1024)]), TYPE, 'application/dicom'),
      PayloadTooLargeError,
    ],
  ])('refuses %s', (_label, read, errorType) => {
    expect(read).toThrow(errorType);
  });
});
