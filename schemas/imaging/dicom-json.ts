import * as z from 'zod';

/** The DICOM JSON model (PS3.18 Annex F): attributes keyed by 8-hex-digit tag, each with its VR. */
export const DicomJsonAttributeSchema = z
  .object({
    vr: z.string().regex(/^[A-Z]{2}$/),
    Value: z.array(z.unknown()).optional(),
    BulkDataURI: z.string().optional(),
    InlineBinary: z.string().optional(),
  })
  .meta({ id: 'DicomJsonAttribute' });

export const DicomJsonDatasetSchema = z
  .record(z.string().regex(/^[0-9A-F]{8}$/), DicomJsonAttributeSchema)
  .meta({ id: 'DicomJsonDataset', description: 'One dataset in the DICOM JSON model (PS3.18 Annex F).' });

export const DicomJsonDatasetsSchema = z.array(DicomJsonDatasetSchema).meta({ id: 'DicomJsonDatasets' });

/** Media types DICOMweb answers with; OpenAPI and the handlers use the same names. */
export const DICOM_JSON_MEDIA_TYPE = 'application/dicom+json';
export const MULTIPART_DICOM_MEDIA_TYPE = 'multipart/related; type="application/dicom"';
export const MULTIPART_OCTET_STREAM_MEDIA_TYPE = 'multipart/related; type="application/octet-stream"';
