import {
  mediaRanges,
  negotiateBulkData,
  negotiateInstances,
  negotiatePixelData,
  prefersSinglePartInstance,
} from '../../../../functions/imaging/http/wado-negotiation';
import { NotAcceptableError } from '../../../../functions/shared/errors';

const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG = '1.2.840.10008.1.2.4.50';
const HTJ2K = '1.2.840.10008.1.2.4.201';

describe('WADO-RS content negotiation', () => {
  it('orders media ranges by q-value, then by position, and drops refusals', () => {
    expect(
      mediaRanges('image/jpeg;q=0.5, multipart/related; type="application/dicom", text/html;q=0').map(
        (range) => range.mediaType,
      ),
    ).toEqual(['multipart/related', 'image/jpeg']);
    expect(mediaRanges(undefined)).toEqual([
      { mediaType: '*/*', type: undefined, transferSyntax: undefined },
    ]);
  });

  it('offers instances in their stored syntax, with quoted or unquoted type, and 406 for anything else', () => {
    const stored = new Set([JPEG]);
    for (const accept of [
      undefined,
      '*/*',
      'multipart/related; type="application/dicom"',
      'multipart/related; type=application/dicom; transfer-syntax=*',
      `multipart/related; type="application/dicom"; transfer-syntax=${JPEG}`,
      `application/json, multipart/related; type=application/dicom; transfer-syntax=${JPEG}`,
    ]) {
      expect(() => negotiateInstances(accept, stored)).not.toThrow();
    }
    for (const accept of [
      `multipart/related; type="application/dicom"; transfer-syntax=${EXPLICIT}`,
      'multipart/related; type="application/octet-stream"',
      'application/dicom+json',
      'multipart/related; type="application/dicom";q=0',
    ]) {
      expect(() => negotiateInstances(accept, stored)).toThrow(NotAcceptableError);
    }
  });

  it('names a transfer syntax for a mixed study only with *: nothing is transcoded', () => {
    const mixed = new Set([EXPLICIT, JPEG]);

    expect(() =>
      negotiateInstances(`multipart/related; type="application/dicom"; transfer-syntax=${JPEG}`, mixed),
    ).toThrow(NotAcceptableError);
    expect(() =>
      negotiateInstances('multipart/related; type="application/dicom"; transfer-syntax=*', mixed),
    ).not.toThrow();
  });

  it('names the syntax to transcode to when every stored syntax can be produced in it, else 406', () => {
    const mixed = new Set([EXPLICIT, HTJ2K]);
    const decompressOnly = (from: string, to: string) => from === to || to === EXPLICIT;
    const ask = (syntax: string) => `multipart/related; type="application/dicom"; transfer-syntax=${syntax}`;

    expect(negotiateInstances(ask(EXPLICIT), mixed, decompressOnly)).toBe(EXPLICIT);
    expect(negotiateInstances(`${ask(HTJ2K)}, ${ask(EXPLICIT)};q=0.5`, mixed, decompressOnly)).toBe(EXPLICIT);
    expect(negotiateInstances(ask('*'), mixed, decompressOnly)).toBeNull();
    expect(negotiateInstances(undefined, mixed, decompressOnly)).toBeNull();
    expect(() => negotiateInstances(ask(HTJ2K), mixed, decompressOnly)).toThrow(NotAcceptableError);
  });

  it('offers compressed frames decoded, as octets in Explicit VR Little Endian, when they can be decoded', () => {
    const jpeg = { encapsulated: true, transferSyntaxUid: JPEG };
    const octets = (syntax?: string) =>
      `multipart/related; type="application/octet-stream"${syntax ? `; transfer-syntax=${syntax}` : ''}`;

    expect(negotiatePixelData(octets(EXPLICIT), { ...jpeg, decodable: true }).decode).toBe(true);
    expect(negotiatePixelData(octets(), { ...jpeg, decodable: true }).decode).toBe(true);
    expect(negotiatePixelData(octets('*'), { ...jpeg, decodable: true }).decode).toBeUndefined();
    expect(negotiatePixelData(undefined, { ...jpeg, decodable: true }).decode).toBeUndefined();
    expect(() => negotiatePixelData(octets(EXPLICIT), { ...jpeg, decodable: false })).toThrow(
      NotAcceptableError,
    );
  });

  it('labels native frames as little endian octets', () => {
    const native = { encapsulated: false, transferSyntaxUid: '1.2.840.10008.1.2' };

    for (const accept of [
      undefined,
      'multipart/related; type=application/octet-stream',
      'multipart/related; type="application/octet-stream"; transfer-syntax=*',
      `multipart/related; type="application/octet-stream"; transfer-syntax=${EXPLICIT}`,
    ]) {
      expect(negotiatePixelData(accept, native)).toEqual({
        type: 'application/octet-stream',
        partContentType: `application/octet-stream; transfer-syntax=${EXPLICIT}`,
      });
    }
    expect(() => negotiatePixelData('multipart/related; type="image/jpeg"', native)).toThrow(
      NotAcceptableError,
    );
  });

  it('serves compressed frames in their own media type, or as octets only when the stored syntax is accepted', () => {
    const jpeg = { encapsulated: true, transferSyntaxUid: JPEG };
    const htj2k = { encapsulated: true, transferSyntaxUid: HTJ2K };

    expect(negotiatePixelData('multipart/related; type="image/jpeg"', jpeg).partContentType).toBe(
      `image/jpeg; transfer-syntax=${JPEG}`,
    );
    expect(negotiatePixelData(undefined, htj2k).type).toBe('image/jphc');
    expect(
      negotiatePixelData('multipart/related; type="application/octet-stream"; transfer-syntax=*', jpeg),
    ).toEqual({
      type: 'application/octet-stream',
      partContentType: `application/octet-stream; transfer-syntax=${JPEG}`,
    });
    // The default for octet-stream frames is Explicit VR Little Endian, which would need decoding.
    expect(() => negotiatePixelData('multipart/related; type="application/octet-stream"', jpeg)).toThrow(
      NotAcceptableError,
    );
    expect(() => negotiatePixelData('multipart/related; type="image/jls"', jpeg)).toThrow(NotAcceptableError);
  });

  it('offers bulk data multipart, or single-part when asked for application/octet-stream alone', () => {
    expect(negotiateBulkData(undefined)).toBe('multipart');
    expect(negotiateBulkData('multipart/related; type="application/octet-stream"')).toBe('multipart');
    expect(negotiateBulkData('application/octet-stream')).toBe('single-part');
    expect(() => negotiateBulkData('application/pdf')).toThrow(NotAcceptableError);
  });

  it('gives one instance bare only when application/dicom alone comes first, as stored', () => {
    const stored = '1.2.840.10008.1.2.1';
    expect(prefersSinglePartInstance('application/dicom', stored)).toBe(true);
    expect(prefersSinglePartInstance('application/dicom; transfer-syntax=*', stored)).toBe(true);
    expect(prefersSinglePartInstance(`application/dicom; transfer-syntax=${stored}`, stored)).toBe(true);
    expect(
      prefersSinglePartInstance('application/dicom; transfer-syntax=1.2.840.10008.1.2.4.90', stored),
    ).toBe(false);
    expect(prefersSinglePartInstance(undefined, stored)).toBe(false);
    expect(prefersSinglePartInstance('*/*', stored)).toBe(false);
    expect(
      prefersSinglePartInstance('multipart/related; type="application/dicom", application/dicom', stored),
    ).toBe(false);
    expect(
      prefersSinglePartInstance(
        'application/dicom; q=0.5, multipart/related; type="application/dicom"',
        stored,
      ),
    ).toBe(false);
    expect(prefersSinglePartInstance('application/json, application/dicom', stored)).toBe(true);
  });
});
