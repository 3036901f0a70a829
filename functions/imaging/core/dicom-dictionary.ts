import type dcmjsModule from 'dcmjs';

type DicomMetaDictionary = typeof dcmjsModule.data.DicomMetaDictionary;
let library: typeof dcmjsModule | undefined;

/**
 * dcmjs itself, required on first use rather than at module load (see below): a function that parses
 * only some of its requests (a share download de-identifies only for a de-identified share) does not pay
 * for it at init, and one that parses every request pays once, on its first.
 */
export function dcmjsLibrary(): typeof dcmjsModule {
  library ??= (require('dcmjs') as { default: typeof dcmjsModule }).default;
  return library;
}

/**
 * dcmjs's data dictionary, loaded on first use rather than at module load: requiring dcmjs builds its
 * dictionary, a large share of a cold start (docs/functions.md), which a search without includefield, an
 * edit or a report never needs. dcmjs comes from the DICOM layer in Lambda, from node_modules locally.
 */
export function dicomDictionary(): DicomMetaDictionary {
  return dcmjsLibrary().data.DicomMetaDictionary;
}
