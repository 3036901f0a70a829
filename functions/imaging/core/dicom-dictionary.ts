import type dcmjsModule from 'dcmjs';

type DicomMetaDictionary = typeof dcmjsModule.data.DicomMetaDictionary;
let loaded: DicomMetaDictionary | undefined;

/**
 * dcmjs's data dictionary, loaded on first use rather than at module load: requiring dcmjs builds its
 * dictionary, a large share of a cold start (docs/functions.md), which a search without includefield, an
 * edit or a report never needs. dcmjs comes from the DICOM layer in Lambda, from node_modules locally.
 */
export function dicomDictionary(): DicomMetaDictionary {
  loaded ??= (require('dcmjs') as { default: typeof dcmjsModule }).default.data.DicomMetaDictionary;
  return loaded;
}
