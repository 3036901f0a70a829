// The part of dcmjs PACScribe uses (dcmjs ships no type declarations): reading a Part-10 file into the
// DICOM JSON model (metadata at ingest), and writing Part-10 files (test data).
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
          options?: { untilTag?: string; includeUntilTagValue?: boolean },
        ): DicomDict;
      };
      DicomMetaDictionary: { denaturalizeDataset(dataset: Record<string, unknown>): DicomJson };
    };
  };
  export default dcmjs;
}
