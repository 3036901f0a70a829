// The part of dcmjs PACScribe uses (dcmjs ships no type declarations): reading a Part-10 file into the
// DICOM JSON model (metadata at ingest), its data dictionary (VRs of implicit VR files), and writing
// Part-10 files (test data).
declare module 'dcmjs' {
  type DicomJson = Record<string, unknown>;
  class DicomDict {
    constructor(meta: DicomJson);
    dict: DicomJson;
    meta: DicomJson;
    write(): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomDict: typeof DicomDict;
      DicomMessage: {
        readFile(
          buffer: ArrayBuffer,
          options?: { untilTag?: string; includeUntilTagValue?: boolean; ignoreErrors?: boolean },
        ): DicomDict;
      };
      DicomMetaDictionary: {
        denaturalizeDataset(dataset: Record<string, unknown>): DicomJson;
        /** The data dictionary by "(GGGG,EEEE)"; ambiguous VRs appear as 'ox' (OB/OW), 'xs', 'lt'. */
        dictionary: Readonly<Record<string, { vr: string } | undefined>>;
        /** The data dictionary by keyword (PatientBirthDate → tag "(0010,0030)"). */
        nameMap: Readonly<Record<string, { tag: string } | undefined>>;
      };
    };
  };
  export default dcmjs;
}
