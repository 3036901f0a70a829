import { createHmac } from 'node:crypto';

/** A de-identified file is rewritten whole, so it is held whole: one file at a time, never a study. */
export const MAX_DEIDENTIFIED_FILE_BYTES = 256 * 1024 * 1024;

/**
 * PS3.15 Annex E, Basic Application Level Confidentiality Profile, on the DICOM JSON model (PS3.18 F.2),
 * which is also the shape dcmjs reads Part-10 files into: the same rules de-identify what the recipient
 * of a de-identified share sees and the files it downloads.
 *
 * Applied: the action codes below for the attributes listed (D, Z, X, U; the conditional codes X/Z,
 * X/D, Z/D, X/Z/D, X/Z/U* taken as their strictest member that keeps the file valid), removal of every
 * private attribute and of overlay data and comments (60xx), the same rules inside every sequence item,
 * and the Patient Identity Removed, De-identification Method and Method Code Sequence attributes.
 * Not applied (none of the profile's options): Clean Pixel Data, Clean Graphics, Clean Structured Content,
 * Clean Descriptors, Retain Longitudinal Temporal Information, Retain Patient Characteristics, Retain
 * Device Identity, Retain UIDs, Retain Institution Identity, Retain Safe Private. Images that declare
 * burned-in annotation are withheld instead (see shared-content.ts). docs/sharing.md lists the same.
 */
export type DicomJsonElement = { vr: string; Value?: unknown[]; InlineBinary?: string; BulkDataURI?: string };
export type DicomJsonDataset = Record<string, DicomJsonElement>;

type Action = 'D' | 'Z' | 'X' | 'U';

/** Attribute → action, from PS3.15 Table E.1-1 (Basic Profile column), by tag. */
export const BASIC_PROFILE_ACTIONS: Readonly<Record<string, Action>> = {
  // Patient
  '00100010': 'Z', // Patient's Name (Z in the profile; a dummy below so viewers show something)
  '00100020': 'Z', // Patient ID
  '00100021': 'X', // Issuer of Patient ID
  '00100030': 'Z', // Patient's Birth Date
  '00100032': 'X', // Patient's Birth Time
  '00100040': 'Z', // Patient's Sex
  '00100050': 'X', // Patient's Insurance Plan Code Sequence
  '00101000': 'X', // Other Patient IDs
  '00101001': 'X', // Other Patient Names
  '00101002': 'X', // Other Patient IDs Sequence
  '00101005': 'X', // Patient's Birth Name
  '00101010': 'X', // Patient's Age
  '00101020': 'X', // Patient's Size
  '00101030': 'X', // Patient's Weight
  '00101040': 'X', // Patient's Address
  '00101060': 'X', // Patient's Mother's Birth Name
  '00101080': 'X', // Military Rank
  '00101081': 'X', // Branch of Service
  '00101090': 'X', // Medical Record Locator
  '00102000': 'X', // Medical Alerts
  '00102110': 'X', // Allergies
  '00102150': 'X', // Country of Residence
  '00102152': 'X', // Region of Residence
  '00102154': 'X', // Patient's Telephone Numbers
  '00102160': 'X', // Ethnic Group
  '00102180': 'X', // Occupation
  '001021A0': 'X', // Smoking Status
  '001021B0': 'X', // Additional Patient History
  '001021C0': 'X', // Pregnancy Status
  '001021D0': 'X', // Last Menstrual Date
  '001021F0': 'X', // Patient's Religious Preference
  '00104000': 'X', // Patient Comments
  '00380010': 'X', // Admission ID
  '00380300': 'X', // Current Patient Location
  '00380400': 'X', // Patient's Institution Residence
  '00380500': 'X', // Patient State
  // Study
  '00080020': 'Z', // Study Date
  '00080030': 'Z', // Study Time
  '00080050': 'Z', // Accession Number
  '00080090': 'Z', // Referring Physician's Name
  '00080092': 'X', // Referring Physician's Address
  '00080094': 'X', // Referring Physician's Telephone Numbers
  '00080096': 'X', // Referring Physician Identification Sequence
  '00081030': 'X', // Study Description
  '00081032': 'X', // Procedure Code Sequence
  '00081048': 'X', // Physician(s) of Record
  '00081049': 'X', // Physician(s) of Record Identification Sequence
  '00081060': 'X', // Name of Physician(s) Reading Study
  '00081062': 'X', // Physician(s) Reading Study Identification Sequence
  '00081080': 'X', // Admitting Diagnoses Description
  '00081084': 'X', // Admitting Diagnoses Code Sequence
  '00081110': 'X', // Referenced Study Sequence
  '00081120': 'X', // Referenced Patient Sequence
  '00200010': 'Z', // Study ID
  '00321032': 'X', // Requesting Physician
  '00321033': 'X', // Requesting Service
  '00321060': 'X', // Requested Procedure Description
  '00324000': 'X', // Study Comments
  '00401001': 'X', // Requested Procedure ID
  '00400275': 'X', // Request Attributes Sequence
  '00402016': 'X', // Placer Order Number / Imaging Service Request
  '00402017': 'X', // Filler Order Number / Imaging Service Request
  // Series, equipment, acquisition
  '00080021': 'X', // Series Date
  '00080022': 'X', // Acquisition Date
  '00080023': 'Z', // Content Date
  '0008002A': 'X', // Acquisition DateTime
  '00080031': 'X', // Series Time
  '00080032': 'X', // Acquisition Time
  '00080033': 'Z', // Content Time
  '00080080': 'X', // Institution Name
  '00080081': 'X', // Institution Address
  '00080082': 'X', // Institution Code Sequence
  '00081010': 'X', // Station Name
  '00081040': 'X', // Institutional Department Name
  '00081050': 'X', // Performing Physician's Name
  '00081052': 'X', // Performing Physician Identification Sequence
  '00081070': 'X', // Operators' Name
  '00081072': 'X', // Operator Identification Sequence
  '0008103E': 'X', // Series Description
  '00081111': 'X', // Referenced Performed Procedure Step Sequence
  '00082111': 'X', // Derivation Description
  '00181000': 'X', // Device Serial Number
  '00181030': 'X', // Protocol Name
  '00181400': 'X', // Acquisition Device Processing Description
  '00204000': 'X', // Image Comments
  '00400241': 'X', // Performed Station AE Title
  '00400242': 'X', // Performed Station Name
  '00400243': 'X', // Performed Location
  '00400244': 'X', // Performed Procedure Step Start Date
  '00400245': 'X', // Performed Procedure Step Start Time
  '00400253': 'X', // Performed Procedure Step ID
  '00400254': 'X', // Performed Procedure Step Description
  '00401400': 'X', // Requested Procedure Comments
  '00404037': 'X', // Human Performer's Name
  // UIDs replaced consistently within the share
  '00080014': 'U', // Instance Creator UID
  '00080018': 'U', // SOP Instance UID
  '00020003': 'U', // Media Storage SOP Instance UID
  '00081155': 'U', // Referenced SOP Instance UID
  '0020000D': 'U', // Study Instance UID
  '0020000E': 'U', // Series Instance UID
  '00200052': 'U', // Frame of Reference UID
  '00200200': 'U', // Synchronization Frame of Reference UID
  '00209161': 'U', // Concatenation UID
  '00209164': 'U', // Dimension Organization UID
  '00281199': 'U', // Palette Color Lookup Table UID
  '00880140': 'U', // Storage Media File-set UID
  '30060024': 'U', // Referenced Frame of Reference UID
  '300600C2': 'U', // Related Frame of Reference UID
  '0040A124': 'U', // UID
};

const DUMMY: Readonly<Record<string, string>> = { '00100010': 'ANONYMOUS' };

const isPrivate = (tag: string) => Number.parseInt(tag.slice(0, 4), 16) % 2 === 1;
/** Overlay Data and Overlay Comments in every overlay group (60xx3000, 60xx4000). */
const isOverlayContent = (tag: string) => /^60[0-9A-F]{2}(3000|4000)$/i.test(tag);

/**
 * A replacement UID for this share: 2.25 followed by 128 bits of HMAC-SHA256(share key, original UID)
 * as a decimal integer (PS3.5 B.2). The same original gives the same replacement within one share, and
 * nothing about it outside.
 */
export function replacementUid(key: string, original: string): string {
  const digest = createHmac('sha256', key).update(original).digest();
  return `2.25.${BigInt(`0x${digest.subarray(0, 16).toString('hex')}`).toString(10)}`;
}

export interface DeidentifyOptions {
  /** The share's UID key. */
  uidKey: string;
  /** The pseudonymous patient id the recipient sees, the same for the whole share. */
  patientPseudonym: string;
}

function deidentifyItem(dataset: DicomJsonDataset, options: DeidentifyOptions): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const [tag, element] of Object.entries(dataset)) {
    const upper = tag.toUpperCase();
    if (isPrivate(upper) || isOverlayContent(upper)) continue;
    const action = BASIC_PROFILE_ACTIONS[upper];
    if (action === 'X') continue;
    if (action === 'Z') {
      const dummy = upper === '00100020' ? options.patientPseudonym : DUMMY[upper];
      out[tag] =
        dummy === undefined
          ? { vr: element.vr, Value: [] }
          : { vr: element.vr, Value: [element.vr === 'PN' ? { Alphabetic: dummy } : dummy] };
      continue;
    }
    if (action === 'D') {
      out[tag] = { vr: element.vr, Value: [DUMMY[upper] ?? 'ANONYMOUS'] };
      continue;
    }
    if (action === 'U') {
      out[tag] = {
        vr: element.vr,
        ...(element.Value
          ? {
              Value: element.Value.map((uid) =>
                typeof uid === 'string' ? replacementUid(options.uidKey, uid) : uid,
              ),
            }
          : { Value: [] }),
      };
      continue;
    }
    if (element.vr === 'SQ' && element.Value) {
      out[tag] = {
        vr: 'SQ',
        Value: element.Value.map((item) => deidentifyItem(item as DicomJsonDataset, options)),
      };
      continue;
    }
    out[tag] = element;
  }
  return out;
}

/** The data set as the profile leaves it, with the attributes that say so (PS3.15 E.1.1, PS3.3 C.7.1.1). */
export function deidentifyDataset(dataset: DicomJsonDataset, options: DeidentifyOptions): DicomJsonDataset {
  const out = deidentifyItem(dataset, options);
  out['00120062'] = { vr: 'CS', Value: ['YES'] };
  out['00120063'] = {
    vr: 'LO',
    Value: ['PS3.15 Annex E Basic Application Level Confidentiality Profile (PACScribe share)'],
  };
  out['00120064'] = {
    vr: 'SQ',
    Value: [
      {
        '00080100': { vr: 'SH', Value: ['113100'] },
        '00080102': { vr: 'SH', Value: ['DCM'] },
        '00080104': { vr: 'LO', Value: ['Basic Application Confidentiality Profile'] },
      },
    ],
  };
  return out;
}

/** The pseudonym a de-identified share shows for its patient: stable for the share, unlinkable outside. */
export const patientPseudonym = (uidKey: string) =>
  `SHARE-${createHmac('sha256', uidKey).update('patient').digest('hex').slice(0, 12).toUpperCase()}`;
