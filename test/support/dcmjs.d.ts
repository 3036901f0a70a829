// The small part of dcmjs the tests use to write Part-10 files (dcmjs ships no type declarations).
declare module 'dcmjs' {
  type DicomJson = Record<string, unknown>;
  class DicomDict {
    constructor(meta: DicomJson);
    dict: DicomJson;
    write(): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomDict: typeof DicomDict;
      DicomMetaDictionary: { denaturalizeDataset(dataset: Record<string, unknown>): DicomJson };
    };
  };
  export default dcmjs;
}
