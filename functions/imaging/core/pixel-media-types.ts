export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const OCTET_STREAM = 'application/octet-stream';

/**
 * PS3.18 §8.7.3.5: the media type of the bitstreams of each compressed transfer syntax PACScribe
 * accepts. Native (uncompressed) pixel data and other bulk data are application/octet-stream.
 */
const BITSTREAM_MEDIA_TYPES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.4.50': 'image/jpeg',
  '1.2.840.10008.1.2.4.51': 'image/jpeg',
  '1.2.840.10008.1.2.4.57': 'image/jpeg',
  '1.2.840.10008.1.2.4.70': 'image/jpeg',
  '1.2.840.10008.1.2.4.80': 'image/jls',
  '1.2.840.10008.1.2.4.81': 'image/jls',
  '1.2.840.10008.1.2.4.90': 'image/jp2',
  '1.2.840.10008.1.2.4.91': 'image/jp2',
  '1.2.840.10008.1.2.4.201': 'image/jphc',
  '1.2.840.10008.1.2.4.202': 'image/jphc',
  '1.2.840.10008.1.2.4.203': 'image/jphc',
  '1.2.840.10008.1.2.5': 'image/dicom-rle',
};

/** The media type of an encapsulated frame's bitstream; octet-stream for a syntax not in the table. */
export const bitstreamMediaType = (transferSyntaxUid: string): string =>
  BITSTREAM_MEDIA_TYPES[transferSyntaxUid] ?? OCTET_STREAM;

/** Little endian byte order: native values stored in either syntax are the same bytes. */
export const isLittleEndianNative = (transferSyntaxUid: string) =>
  transferSyntaxUid === EXPLICIT_VR_LITTLE_ENDIAN || transferSyntaxUid === IMPLICIT_VR_LITTLE_ENDIAN;
