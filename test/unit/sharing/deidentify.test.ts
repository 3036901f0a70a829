import dcmjs from 'dcmjs';
import { deidentifiedPart10 } from '../../../functions/sharing/adapters/part10-deidentifier';
import {
  BASIC_PROFILE_ACTIONS,
  type DicomJsonDataset,
  deidentifyDataset,
  patientPseudonym,
  replacementUid,
} from '../../../functions/sharing/core/deidentify';
import { ctInstance } from '../../support/dicom-files';

const options = { uidKey: 'share-key-1', patientPseudonym: patientPseudonym('share-key-1') };

const dataset = (): DicomJsonDataset => ({
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
  '00100020': { vr: 'LO', Value: ['PID-0001'] },
  '00100030': { vr: 'DA', Value: ['19700101'] },
  '00080080': { vr: 'LO', Value: ['Riverside Imaging'] },
  '00080060': { vr: 'CS', Value: ['CT'] },
  '0020000D': { vr: 'UI', Value: ['1.2.3.4'] },
  '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
  '00091001': { vr: 'LO', Value: ['vendor secret'] },
  '60003000': { vr: 'OW', InlineBinary: 'AAAA' },
  '00081115': {
    vr: 'SQ',
    Value: [
      {
        '0020000E': { vr: 'UI', Value: ['1.2.3.4.5'] },
        '00081050': { vr: 'PN', Value: [{ Alphabetic: 'Performer^Paula' }] },
      },
    ],
  },
});

describe('the PS3.15 Annex E Basic Profile', () => {
  it('replaces, empties and removes identifying attributes, keeping what is not identifying', () => {
    const out = deidentifyDataset(dataset(), options);
    expect(out['00100010']?.Value).toEqual([{ Alphabetic: 'ANONYMOUS' }]);
    expect(out['00100020']?.Value).toEqual([options.patientPseudonym]);
    expect(out['00100030']?.Value).toEqual([]);
    expect(out['00080080']).toBeUndefined();
    expect(out['00080060']?.Value).toEqual(['CT']);
    expect(out['00080016']?.Value).toEqual(['1.2.840.10008.5.1.4.1.1.2']);
    expect(out['00091001']).toBeUndefined();
    expect(out['60003000']).toBeUndefined();
    expect(out['00120062']?.Value).toEqual(['YES']);
    expect(JSON.stringify(out)).not.toMatch(/Doe|PID-0001|Riverside|Performer|vendor secret/);
  });

  it('replaces UIDs with 2.25 UIDs, the same within a share and different between shares, inside sequences too', () => {
    const out = deidentifyDataset(dataset(), options);
    const study = out['0020000D']?.Value?.[0] as string;
    expect(study).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(study.length).toBeLessThanOrEqual(64);
    expect(study).toBe(replacementUid('share-key-1', '1.2.3.4'));
    expect(replacementUid('share-key-2', '1.2.3.4')).not.toBe(study);
    const item = (out['00081115']?.Value?.[0] ?? {}) as DicomJsonDataset;
    expect(item['0020000E']?.Value).toEqual([replacementUid('share-key-1', '1.2.3.4.5')]);
    expect(item['00081050']).toBeUndefined();
  });

  it('lists only real tags with known actions', () => {
    for (const [tag, action] of Object.entries(BASIC_PROFILE_ACTIONS)) {
      expect(tag).toMatch(/^[0-9A-F]{8}$/);
      expect(['D', 'Z', 'X', 'U']).toContain(action);
    }
  });

  it('rewrites a Part-10 file into a valid file with the profile applied and its pixels kept', async () => {
    const file = ctInstance({
      patientName: 'Doe^Jane',
      patientId: 'PID-0001',
      sopInstanceUid: '1.2.826.1.1',
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of deidentifiedPart10(
      (async function* () {
        yield new Uint8Array(file);
      })(),
      options,
    )) {
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    const read = dcmjs.data.DicomMessage.readFile(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    );
    const sop = replacementUid('share-key-1', '1.2.826.1.1');
    expect((read.meta['00020003'] as { Value: string[] }).Value).toEqual([sop]);
    expect((read.dict['00080018'] as { Value: string[] }).Value).toEqual([sop]);
    expect(bytes.toString('latin1')).not.toMatch(/Doe\^Jane|PID-0001|House\^Gregory|CT CHEST/);
    const original = dcmjs.data.DicomMessage.readFile(
      file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer,
    );
    expect(read.dict['7FE00010']).toEqual(original.dict['7FE00010']);
  });
});
