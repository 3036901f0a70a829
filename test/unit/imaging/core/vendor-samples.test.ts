import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dicomJsonMetadata, metadataHeaderEnd } from '../../../../functions/imaging/core/metadata';
import { DicomRejectedError, readPart10 } from '../../../../functions/imaging/core/part10';

/**
 * Real files from many vendors and transfer syntaxes, as Debian's python3-pydicom package ships them
 * (.ci/run installs it when missing). Every file gets the outcome a facility would expect: accepted with
 * its attributes decoded, or refused with the specific reason.
 */
const PYDICOM_DATA = '/usr/lib/python3/dist-packages/pydicom/data';
const TEST_FILES = path.join(PYDICOM_DATA, 'test_files');
const CHARSET_FILES = path.join(PYDICOM_DATA, 'charset_files');

if (!existsSync(TEST_FILES)) {
  throw new Error(
    `pydicom's sample files are missing (${TEST_FILES}). Install them with: sudo apt-get install -y python3-pydicom`,
  );
}

type Outcome = { accepted: string } | { rejected: DicomRejectedError['reason'] };
const accepted = (transferSyntaxUid: string): Outcome => ({ accepted: transferSyntaxUid });
const rejected = (reason: DicomRejectedError['reason']): Outcome => ({ rejected: reason });

const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';
const JPEG_LOSSLESS_SV1 = '1.2.840.10008.1.2.4.70';
const JPEG_LS = '1.2.840.10008.1.2.4.80';
const J2K_LOSSLESS = '1.2.840.10008.1.2.4.90';
const J2K = '1.2.840.10008.1.2.4.91';
const RLE = '1.2.840.10008.1.2.5';

/** The expected outcome of every .dcm file in test_files; a file added by a new pydicom fails the test. */
const EXPECTED: Readonly<Record<string, Outcome>> = {
  '693_J2KI.dcm': accepted(J2K),
  'CT_small.dcm': accepted(EXPLICIT),
  'ExplVR_BigEnd.dcm': rejected('transfer-syntax-not-accepted'),
  'ExplVR_BigEndNoMeta.dcm': rejected('not-dicom'),
  'ExplVR_LitEndNoMeta.dcm': rejected('not-dicom'),
  'GDCMJ2K_TextGBR.dcm': accepted(J2K_LOSSLESS),
  'J2K_pixelrep_mismatch.dcm': accepted(J2K_LOSSLESS),
  'JPEG-lossy.dcm': accepted(JPEG_EXTENDED),
  'JPEG2000-embedded-sequence-delimiter.dcm': accepted(J2K),
  'JPEG2000.dcm': accepted(J2K),
  'JPGExtended.dcm': accepted(JPEG_EXTENDED),
  'MR_small.dcm': accepted(EXPLICIT),
  'MR_small_RLE.dcm': accepted(RLE),
  'MR_small_bigendian.dcm': rejected('transfer-syntax-not-accepted'),
  'MR_small_expb.dcm': rejected('transfer-syntax-not-accepted'),
  'MR_small_implicit.dcm': accepted(IMPLICIT),
  'MR_small_jp2klossless.dcm': accepted(J2K_LOSSLESS),
  'MR_small_jpeg_ls_lossless.dcm': accepted(JPEG_LS),
  'MR_small_padded.dcm': accepted(EXPLICIT),
  'MR_truncated.dcm': rejected('malformed'),
  'SC_jpeg_no_color_transform.dcm': accepted(JPEG_BASELINE),
  'SC_jpeg_no_color_transform_2.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_dcmtk_+eb+cr.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_dcmtk_+eb+cy+n1.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_dcmtk_+eb+cy+n2.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_dcmtk_+eb+cy+np.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_dcmtk_+eb+cy+s2.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_dcmtk_+eb+cy+s4.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_gdcm_KY.dcm': accepted(J2K),
  // Declares explicit VR but is encoded implicit: the file lies about its own encoding.
  'SC_rgb_jpeg.dcm': rejected('malformed'),
  'SC_rgb_jpeg_app14_dcmd.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_jpeg_dcmd.dcm': accepted(IMPLICIT),
  'SC_rgb_jpeg_dcmtk.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_jpeg_gdcm.dcm': accepted(JPEG_LOSSLESS_SV1),
  'SC_rgb_jpeg_lossy_gdcm.dcm': accepted(JPEG_BASELINE),
  'SC_rgb_rle.dcm': accepted(RLE),
  'SC_rgb_rle_16bit.dcm': accepted(RLE),
  'SC_rgb_rle_16bit_2frame.dcm': accepted(RLE),
  'SC_rgb_rle_2frame.dcm': accepted(RLE),
  'SC_rgb_rle_32bit.dcm': accepted(RLE),
  'SC_rgb_rle_32bit_2frame.dcm': accepted(RLE),
  'SC_rgb_small_odd.dcm': accepted(EXPLICIT),
  'SC_rgb_small_odd_jpeg.dcm': accepted(JPEG_BASELINE),
  'SC_ybr_full_422_uncompressed.dcm': accepted(EXPLICIT),
  // Fragments without SOP Class/Instance UIDs, as pydicom's parser tests use them.
  'UN_sequence.dcm': rejected('missing-attribute'),
  'badVR.dcm': rejected('inconsistent-identity'),
  'empty_charset_LEI.dcm': rejected('missing-attribute'),
  // Deflated Explicit VR Little Endian: a decompression-bomb carrier, never accepted.
  'image_dfl.dcm': rejected('transfer-syntax-not-accepted'),
  'liver_1frame.dcm': accepted(EXPLICIT),
  'liver_expb_1frame.dcm': rejected('transfer-syntax-not-accepted'),
  'meta_missing_tsyntax.dcm': rejected('bad-file-meta'),
  'nested_priv_SQ.dcm': rejected('malformed'),
  'no_meta.dcm': rejected('not-dicom'),
  'no_meta_group_length.dcm': rejected('bad-file-meta'),
  'priv_SQ.dcm': rejected('missing-attribute'),
  'reportsi.dcm': accepted(EXPLICIT),
  'reportsi_with_empty_number_tags.dcm': accepted(EXPLICIT),
  // The file meta names a different SOP Instance UID than the data set (1.2.999… against 1.9.999…).
  'rtdose.dcm': rejected('inconsistent-identity'),
  'rtdose_1frame.dcm': rejected('inconsistent-identity'),
  'rtdose_expb.dcm': rejected('transfer-syntax-not-accepted'),
  'rtdose_expb_1frame.dcm': rejected('transfer-syntax-not-accepted'),
  'rtdose_rle.dcm': accepted(RLE),
  'rtdose_rle_1frame.dcm': accepted(RLE),
  'rtplan.dcm': rejected('inconsistent-identity'),
  'rtplan_truncated.dcm': rejected('malformed'),
  'rtstruct.dcm': rejected('not-dicom'),
  'test-SR.dcm': accepted(EXPLICIT),
  'waveform_ecg.dcm': accepted(EXPLICIT),
};

function outcomeOf(file: Buffer): Outcome {
  try {
    return accepted(readPart10(file).transferSyntaxUid);
  } catch (error) {
    if (error instanceof DicomRejectedError) return rejected(error.reason);
    throw error;
  }
}

describe("pydicom's vendor sample files", () => {
  const files = readdirSync(TEST_FILES)
    .filter((name) => name.endsWith('.dcm'))
    .sort();

  it('has an expected outcome for every file', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s', (name) => {
    const file = readFileSync(path.join(TEST_FILES, name));

    const outcome = outcomeOf(file);

    expect(outcome).toEqual(EXPECTED[name]);
    if ('accepted' in outcome) {
      // The DICOM JSON kept for WADO metadata is built from every accepted file.
      const metadata = dicomJsonMetadata(readPart10(file).sanitized);
      expect(metadata['00080018']?.Value).toEqual([readPart10(file).sopInstanceUid]);
    }
  });

  it('reads the same metadata from the bytes before the pixel data as from the whole file', () => {
    let shortened = 0;
    for (const name of files.filter((candidate) => 'accepted' in (EXPECTED[candidate] ?? {}))) {
      const parsed = readPart10(readFileSync(path.join(TEST_FILES, name)));
      const end = metadataHeaderEnd(parsed.layout);
      if (end !== undefined && end < parsed.sanitized.length) shortened += 1;

      expect([name, dicomJsonMetadata(parsed.sanitized, null, end)]).toEqual([
        name,
        dicomJsonMetadata(parsed.sanitized),
      ]);
    }
    // Native and encapsulated files alike: the comparison ran on files read short, not only whole ones.
    expect(shortened).toBeGreaterThan(20);
  });

  it('reports the tally', () => {
    const tally = { accepted: 0, rejected: 0 };
    for (const name of files) {
      if ('accepted' in outcomeOf(readFileSync(path.join(TEST_FILES, name)))) tally.accepted += 1;
      else tally.rejected += 1;
    }
    console.log(
      `pydicom sample files: ${files.length} read, ${tally.accepted} accepted, ${tally.rejected} refused`,
    );
    expect(tally.accepted + tally.rejected).toBe(files.length);
  });
});

describe('names in the character set each file declares', () => {
  it.each([
    ['chrFren.dcm', 'ISO_IR 100', 'Buc^Jérôme'],
    ['chrGerm.dcm', 'ISO_IR 100', 'Äneas^Rüdiger'],
    ['chrGreek.dcm', 'ISO_IR 126', 'Διονυσιος'],
    ['chrRuss.dcm', 'ISO_IR 144', 'Люкceмбypг'],
    ['chrArab.dcm', 'ISO_IR 127', 'قباني^لنزار'],
    ['chrHbrw.dcm', 'ISO_IR 138', 'שרון^דבורה'],
    ['chrX1.dcm', 'ISO_IR 192', 'Wang^XiaoDong=王^小東='],
    ['chrX2.dcm', 'GB18030', 'Wang^XiaoDong=王^小东='],
  ])('%s (%s) indexes the patient as %s', (name, _charset, patientName) => {
    const parsed = readPart10(readFileSync(path.join(CHARSET_FILES, name)));

    expect(parsed.attributes.patientName).toBe(patientName);
  });
});
