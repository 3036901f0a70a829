import * as z from 'zod';
import { IdSchema } from '#schemas/accounts/entities';
import {
  DICOM_JSON_MEDIA_TYPE,
  DicomJsonDatasetSchema,
  DicomJsonDatasetsSchema,
  MULTIPART_DICOM_MEDIA_TYPE,
  MULTIPART_OCTET_STREAM_MEDIA_TYPE,
} from '#schemas/imaging/dicom-json';
import { DicomUidSchema } from '#schemas/imaging/dicom-uid';
import {
  QIDO_TAG_KEYWORDS,
  QidoInstanceQuerySchema,
  QidoRootInstanceQuerySchema,
  QidoRootSeriesQuerySchema,
  QidoSeriesQuerySchema,
  QidoStudyQuerySchema,
} from '#schemas/imaging/qido';
import { RenderedQuerySchema } from '#schemas/imaging/rendered';
import {
  CompleteUploadSessionBodySchema,
  CreateUploadSessionBodySchema,
  IssuePartUrlsBodySchema,
  MAX_STOW_BODY_BYTES,
  UploadPartUrlsSchema,
  UploadSessionCreatedSchema,
  UploadSessionViewSchema,
} from '#schemas/imaging/upload-session';
import { WadoQuerySchema } from '#schemas/imaging/wado';
import { defineRoute, type PathParameter } from '../shared/http/route';
import { curationRoutes } from './curation-routes';

const uid = (description: string): PathParameter => ({
  schema: DicomUidSchema,
  malformed: 'invalid',
  description,
});
const studyParameter = uid('StudyInstanceUID.');
const seriesParameter = uid('SeriesInstanceUID.');
const instanceParameter = uid('SOPInstanceUID.');
const sessionParameter: PathParameter = {
  schema: IdSchema,
  malformed: 'not-found',
  description: 'An upload session of your organization.',
};
/** Checked in full by the retrieval (numbers, order, at most 100); here only its size and alphabet. */
const frameListParameter: PathParameter = {
  schema: z
    .string()
    .max(1024)
    .regex(/^[0-9,]+$/, 'comma-separated frame numbers'),
  malformed: 'invalid',
  description: 'Comma-separated 1-based frame numbers, at most 100.',
};
const tagPathParameter: PathParameter = {
  schema: z
    .string()
    .max(256)
    .regex(/^[0-9A-Fa-f.]+$/, 'an attribute tag path such as 7FE00010'),
  malformed: 'invalid',
  description: 'An attribute tag path such as 7FE00010 or 00540016.0.00181078, as the BulkDataURI names it.',
};

/** QIDO-RS reads keys by keyword or tag; includefield may repeat (PS3.18 §8.3.4). */
const qido = <Schema extends z.ZodType>(query: Schema) =>
  ({ query, queryAliases: QIDO_TAG_KEYWORDS, repeatableQueryKeys: ['includefield'] }) as const;

const STOW_REQUEST = {
  rawBody: {
    mediaType: MULTIPART_DICOM_MEDIA_TYPE,
    description: 'One DICOM Part-10 file per part (PS3.18 §10.5).',
  },
  maxBodyBytes: MAX_STOW_BODY_BYTES,
} as const;

/** Frames as stored: native pixel data, or the compressed bitstream of the stored transfer syntax. */
const FRAME_MEDIA_TYPES = [
  'multipart/related; type="application/octet-stream"',
  'multipart/related; type="image/jpeg"',
  'multipart/related; type="image/jls"',
  'multipart/related; type="image/jp2"',
  'multipart/related; type="image/jphc"',
  'multipart/related; type="image/dicom-rle"',
];

/** Rendered and thumbnail resources (PS3.18 §9.5, §9.6): PNG or JPEG, one image bare, several as multipart. */
const RENDERED_MEDIA_TYPES = [
  'image/jpeg',
  'image/png',
  'multipart/related; type="image/jpeg"',
  'multipart/related; type="image/png"',
];
const RENDERED_ERRORS = {
  400: {
    description:
      'A UID, frame list, window (width below 1 for linear, 0 or less otherwise), viewport (over 4096 pixels a side, or a region outside the image) or quality is invalid.',
  },
  404: { description: 'No such study, series or instance, or a frame number beyond its frames.' },
  406: {
    description:
      'The requested media type is not image/jpeg or image/png, or the image cannot be rendered (no pixel data, an unsupported pixel format).',
  },
  413: {
    description: 'A frame is larger than PACScribe renders, or the study or series has too many instances.',
  },
} as const;
const RENDERED = {
  // Rendered images are viewing: support under a grant may see them, never the original files [PP-08].
  access: { kind: 'action', action: 'view', supportView: true },
  audit: 'instances-retrieved',
  bindings: ['imaging-index:read', 'imaging-store:read'],
  request: { query: RenderedQuerySchema },
  response: 'stream',
  imageRendering: true,
} as const;
const STUDY_PATH = '/dicomweb/studies/{study}';
const SERIES_PATH = '/dicomweb/studies/{study}/series/{series}';
const INSTANCE_PATH = '/dicomweb/studies/{study}/series/{series}/instances/{instance}';
const FRAMES_PATH = '/dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frameList}';

/** DICOMweb (STOW-RS, QIDO-RS, WADO-RS, rendered resources), upload sessions, and curation (edits, reports, deletes). */
export const imagingRoutes = {
  ...curationRoutes,
  storeInstances: defineRoute('imaging', 'storeInstances', {
    method: 'POST',
    path: '/dicomweb/studies',
    handler: 'imaging/handlers/store-instances',
    pathParameters: {},
    summary: 'STOW-RS: store DICOM instances sent as multipart/related; type="application/dicom".',
    access: { kind: 'action', action: 'upload' },
    audit: 'instances-stored',
    subscriptionGated: true,
    bindings: ['imaging-index:write', 'imaging-store:write'],
    request: STOW_REQUEST,
    responses: {
      400: {
        description: 'The body is not multipart/related; type="application/dicom", or a part is malformed.',
      },
      413: { description: 'The body is larger than 4 MiB: use an upload session.' },
      200: {
        description: 'Every instance stored (PS3.18 store response, application/dicom+json).',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetSchema,
      },
      202: {
        description: 'Some instances stored, some failed (FailedSOPSequence names them and why).',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetSchema,
      },
      409: {
        description: 'No instance could be stored.',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetSchema,
      },
    },
  }),
  storeInstancesInStudy: defineRoute('imaging', 'storeInstancesInStudy', {
    method: 'POST',
    path: '/dicomweb/studies/{study}',
    handler: 'imaging/handlers/store-instances-in-study',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary: 'STOW-RS into one study: instances of any other study fail.',
    access: { kind: 'action', action: 'upload' },
    audit: 'instances-stored',
    subscriptionGated: true,
    bindings: ['imaging-index:write', 'imaging-store:write'],
    request: STOW_REQUEST,
    responses: {
      400: {
        description: 'The body is not multipart/related; type="application/dicom", or a part is malformed.',
      },
      413: { description: 'The body is larger than 4 MiB: use an upload session.' },
      200: {
        description: 'Every instance stored.',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetSchema,
      },
      202: {
        description: 'Some instances stored, some failed.',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetSchema,
      },
      409: {
        description: 'No instance could be stored.',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetSchema,
      },
    },
  }),
  createUploadSession: defineRoute('imaging', 'createUploadSession', {
    method: 'POST',
    path: '/dicomweb/upload-sessions',
    handler: 'imaging/handlers/create-upload-session',
    pathParameters: {},
    summary:
      'Open an upload session for a body larger than STOW-RS takes: presigned S3 part URLs, then asynchronous ingest.',
    access: { kind: 'action', action: 'upload' },
    audit: 'upload-started',
    subscriptionGated: true,
    bindings: ['upload-sessions:write', 'upload-staging:write'],
    request: { body: CreateUploadSessionBodySchema, maxBodyBytes: 4 * 1024 },
    responses: {
      201: {
        description: 'The session, with one URL per part, each signed for its exact size.',
        schema: UploadSessionCreatedSchema,
      },
      413: { description: 'Larger than a session takes (total, single file or part count).' },
    },
  }),
  issueUploadPartUrls: defineRoute('imaging', 'issueUploadPartUrls', {
    method: 'POST',
    path: '/dicomweb/upload-sessions/{session}/part-urls',
    handler: 'imaging/handlers/issue-upload-part-urls',
    pathParameters: { session: sessionParameter },
    auditedParameters: { session: 'upload' },
    summary: 'Fresh part URLs for a long upload whose first URLs expired.',
    access: { kind: 'action', action: 'upload' },
    audit: 'upload-started',
    subscriptionGated: true,
    bindings: ['upload-sessions:read', 'upload-staging:write'],
    request: { body: IssuePartUrlsBodySchema, maxBodyBytes: 128 * 1024 },
    responses: {
      200: { description: 'The part URLs.', schema: UploadPartUrlsSchema },
      404: { description: 'No such upload session in your organization.' },
      409: { description: 'The session no longer accepts parts.' },
    },
  }),
  completeUploadSession: defineRoute('imaging', 'completeUploadSession', {
    method: 'POST',
    path: '/dicomweb/upload-sessions/{session}/complete',
    handler: 'imaging/handlers/complete-upload-session',
    pathParameters: { session: sessionParameter },
    auditedParameters: { session: 'upload' },
    summary:
      'Complete the upload with every part’s ETag and start the asynchronous ingest (idempotent: ingests once).',
    access: { kind: 'action', action: 'upload' },
    audit: 'upload-completed',
    subscriptionGated: true,
    bindings: ['upload-sessions:write', 'upload-staging:write', 'upload-ingest:start'],
    request: { body: CompleteUploadSessionBodySchema, maxBodyBytes: 512 * 1024 },
    responses: {
      202: {
        description: 'Ingest started or already under way; poll the session.',
        schema: UploadSessionViewSchema,
      },
      404: { description: 'No such upload session in your organization.' },
      409: { description: 'The session was aborted.' },
      413: { description: 'More bytes were uploaded than declared; the session failed.' },
    },
  }),
  getUploadSession: defineRoute('imaging', 'getUploadSession', {
    method: 'GET',
    path: '/dicomweb/upload-sessions/{session}',
    handler: 'imaging/handlers/get-upload-session',
    pathParameters: { session: sessionParameter },
    auditedParameters: { session: 'upload' },
    summary: 'Status and counts of an upload session; once finished, its PS3.18 store response.',
    access: { kind: 'action', action: 'upload', orActions: ['view'] },
    audit: 'upload-status-read',
    bindings: ['upload-sessions:read'],
    responses: {
      200: { description: 'The session.', schema: UploadSessionViewSchema },
      404: { description: 'No such upload session in your organization.' },
    },
  }),
  abortUploadSession: defineRoute('imaging', 'abortUploadSession', {
    method: 'DELETE',
    path: '/dicomweb/upload-sessions/{session}',
    handler: 'imaging/handlers/abort-upload-session',
    pathParameters: { session: sessionParameter },
    auditedParameters: { session: 'upload' },
    summary: 'Abort an upload session that is still awaiting its upload; the staged parts are discarded.',
    access: { kind: 'action', action: 'upload' },
    audit: 'upload-aborted',
    bindings: ['upload-sessions:write', 'upload-staging:write'],
    responses: {
      204: { description: 'Aborted.' },
      404: { description: 'No such upload session in your organization.' },
      409: { description: 'The upload was already completed.' },
    },
  }),
  searchStudies: defineRoute('imaging', 'searchStudies', {
    method: 'GET',
    path: '/dicomweb/studies',
    handler: 'imaging/handlers/search-studies',
    pathParameters: {},
    summary:
      'QIDO-RS: studies matching PatientID, PatientName, StudyDate, AccessionNumber, StudyInstanceUID …',
    access: { kind: 'action', action: 'view', supportView: true },
    audit: 'studies-queried',
    bindings: ['imaging-index:read'],
    request: qido(QidoStudyQuerySchema),
    responses: {
      200: {
        description: 'Matching studies (application/dicom+json).',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetsSchema,
      },
    },
  }),
  searchAllSeries: defineRoute('imaging', 'searchAllSeries', {
    method: 'GET',
    path: '/dicomweb/series',
    handler: 'imaging/handlers/search-all-series',
    pathParameters: {},
    summary:
      'QIDO-RS: series across studies; study-level keys narrow the studies (at most 200 read), series-level keys the series.',
    access: { kind: 'action', action: 'view', supportView: true },
    audit: 'studies-queried',
    bindings: ['imaging-index:read'],
    request: qido(QidoRootSeriesQuerySchema),
    responses: {
      200: {
        description: 'Matching series with their study attributes (application/dicom+json).',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetsSchema,
      },
      400: { description: 'A search parameter is invalid.' },
    },
  }),
  searchAllInstances: defineRoute('imaging', 'searchAllInstances', {
    method: 'GET',
    path: '/dicomweb/instances',
    handler: 'imaging/handlers/search-all-instances',
    pathParameters: {},
    summary:
      'QIDO-RS: instances across studies; study-level keys narrow the studies (at most 200 read), instance-level keys the instances.',
    access: { kind: 'action', action: 'view', supportView: true },
    audit: 'studies-queried',
    bindings: ['imaging-index:read'],
    request: qido(QidoRootInstanceQuerySchema),
    responses: {
      200: {
        description: 'Matching instances with their study attributes (application/dicom+json).',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetsSchema,
      },
      400: { description: 'A search parameter is invalid.' },
    },
  }),
  searchSeries: defineRoute('imaging', 'searchSeries', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/series',
    handler: 'imaging/handlers/search-series',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      "QIDO-RS: a study's series, by Modality, SeriesInstanceUID, SeriesNumber; includefield; limit/offset.",
    access: { kind: 'action', action: 'view', supportView: true },
    audit: 'studies-queried',
    bindings: ['imaging-index:read'],
    request: qido(QidoSeriesQuerySchema),
    responses: {
      200: {
        description: 'The series (application/dicom+json).',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetsSchema,
      },
      404: { description: 'No such study.' },
    },
  }),
  searchInstances: defineRoute('imaging', 'searchInstances', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/series/{series}/instances',
    handler: 'imaging/handlers/search-instances',
    pathParameters: { study: studyParameter, series: seriesParameter },
    auditedParameters: { study: 'study', series: 'series' },
    summary:
      "QIDO-RS: a series' instances, by SOPInstanceUID, SOPClassUID, InstanceNumber; includefield; limit/offset.",
    access: { kind: 'action', action: 'view', supportView: true },
    audit: 'studies-queried',
    bindings: ['imaging-index:read'],
    request: qido(QidoInstanceQuerySchema),
    responses: {
      200: {
        description: 'The instances (application/dicom+json).',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetsSchema,
      },
      400: { description: 'A search parameter is invalid.' },
      404: { description: 'No such series.' },
    },
  }),
  searchStudyInstances: defineRoute('imaging', 'searchStudyInstances', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/instances',
    handler: 'imaging/handlers/search-study-instances',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary: "QIDO-RS: a study's instances across its series, with the same keys as the series level.",
    access: { kind: 'action', action: 'view', supportView: true },
    audit: 'studies-queried',
    bindings: ['imaging-index:read'],
    request: qido(QidoInstanceQuerySchema),
    responses: {
      200: {
        description: 'The instances (application/dicom+json).',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetsSchema,
      },
      400: { description: 'A search parameter is invalid.' },
      404: { description: 'No such study.' },
    },
  }),
  deleteStudy: defineRoute('imaging', 'deleteStudy', {
    method: 'DELETE',
    path: '/dicomweb/studies/{study}',
    handler: 'imaging/handlers/delete-study',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      'Deletes a study: removes it from search and retrieval at once; restorable from /v1/deleted-studies until the retention period ends, then purged (objects, versions, index) in both regions.',
    access: { kind: 'action', action: 'delete' },
    audit: 'study-deleted',
    subscriptionGated: true,
    bindings: ['imaging-index:curate'],
    responses: {
      204: { description: 'The study is deleted.' },
      404: { description: 'No such study.' },
    },
  }),
  retrieveStudy: defineRoute('imaging', 'retrieveStudy', {
    method: 'GET',
    path: '/dicomweb/studies/{study}',
    handler: 'imaging/handlers/retrieve-study',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      'WADO-RS: every instance of a study as multipart/related; type="application/dicom", streamed, each checked against its SHA-256.',
    access: { kind: 'action', action: 'view' },
    audit: 'instances-retrieved',
    bindings: ['imaging-index:read', 'imaging-store:read'],
    request: { query: WadoQuerySchema },
    response: 'stream',
    pixelCodecs: true,
    responses: {
      200: {
        description:
          'One part per instance, in its stored transfer syntax or transcoded to the one asked for (see the instance route).',
        mediaTypes: [MULTIPART_DICOM_MEDIA_TYPE],
      },
      404: { description: 'No such study.' },
      406: {
        description:
          'The requested media type is not offered, or the transfer syntax cannot be produced (lossy to lossless, or a syntax PACScribe does not write).',
      },
      413: { description: 'Too large for one response; retrieve it series by series.' },
    },
  }),
  retrieveSeries: defineRoute('imaging', 'retrieveSeries', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/series/{series}',
    handler: 'imaging/handlers/retrieve-series',
    pathParameters: { study: studyParameter, series: seriesParameter },
    auditedParameters: { study: 'study', series: 'series' },
    summary:
      'WADO-RS: every instance of a series as multipart/related; type="application/dicom", streamed, each checked against its SHA-256.',
    access: { kind: 'action', action: 'view' },
    audit: 'instances-retrieved',
    bindings: ['imaging-index:read', 'imaging-store:read'],
    request: { query: WadoQuerySchema },
    response: 'stream',
    pixelCodecs: true,
    responses: {
      200: {
        description:
          'One part per instance, in its stored transfer syntax or transcoded to the one asked for (see the instance route).',
        mediaTypes: [MULTIPART_DICOM_MEDIA_TYPE],
      },
      404: { description: 'No such series.' },
      406: {
        description:
          'The requested media type is not offered, or the transfer syntax cannot be produced (lossy to lossless, or a syntax PACScribe does not write).',
      },
      413: { description: 'Too large for one response; retrieve it instance by instance.' },
    },
  }),
  retrieveInstance: defineRoute('imaging', 'retrieveInstance', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/series/{series}/instances/{instance}',
    handler: 'imaging/handlers/retrieve-instance',
    pathParameters: { study: studyParameter, series: seriesParameter, instance: instanceParameter },
    auditedParameters: { study: 'study', series: 'series', instance: 'instance' },
    summary:
      'WADO-RS: one instance as multipart/related; type="application/dicom", streamed, checked against its SHA-256. With `Accept: application/dicom` alone, the bare Part-10 file: streamed up to 6 MiB (or when the study is edited), otherwise recorded and redirected (303) to a 60-second presigned URL of the stored object, which S3 serves at its own speed.',
    access: { kind: 'action', action: 'view' },
    audit: 'instances-retrieved',
    bindings: ['imaging-index:read', 'imaging-store:read'],
    request: { query: WadoQuerySchema },
    response: 'stream',
    pixelCodecs: true,
    responses: {
      200: {
        description:
          'The instance in its stored transfer syntax, or transcoded to the one asked for (Explicit or Implicit VR Little Endian, RLE, JPEG Lossless SV1, JPEG-LS lossless, JPEG 2000 lossless, HTJ2K lossless); or the bare file when asked for application/dicom alone.',
        mediaTypes: [MULTIPART_DICOM_MEDIA_TYPE, 'application/dicom'],
      },
      303: {
        description:
          'A bare instance over 6 MiB: to a presigned URL of the stored object, valid 60 seconds (the audit record is written first).',
      },
      404: { description: 'No such instance.' },
      406: {
        description:
          'The requested media type is not offered, or the transfer syntax cannot be produced (lossy to lossless, or a syntax PACScribe does not write).',
      },
      413: { description: 'Too large for one response.' },
    },
  }),
  retrieveInstanceMetadata: defineRoute('imaging', 'retrieveInstanceMetadata', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/series/{series}/instances/{instance}/metadata',
    handler: 'imaging/handlers/retrieve-instance-metadata',
    pathParameters: { study: studyParameter, series: seriesParameter, instance: instanceParameter },
    auditedParameters: { study: 'study', series: 'series', instance: 'instance' },
    summary: "WADO-RS: one instance's DICOM JSON metadata, prepared at ingest, with BulkDataURIs.",
    access: { kind: 'action', action: 'view', supportView: true },
    audit: 'metadata-retrieved',
    bindings: ['imaging-index:read'],
    responses: {
      200: {
        description: 'A one-element array of DICOM JSON.',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetsSchema,
      },
      404: { description: 'No such instance.' },
    },
  }),
  retrieveFrames: defineRoute('imaging', 'retrieveFrames', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frameList}',
    handler: 'imaging/handlers/retrieve-frames',
    pathParameters: {
      study: studyParameter,
      series: seriesParameter,
      instance: instanceParameter,
      frameList: frameListParameter,
    },
    auditedParameters: { study: 'study', series: 'series', instance: 'instance' },
    summary:
      'WADO-RS: frames by 1-based number (comma-separated, at most 100), as stored: application/octet-stream for native pixel data, the compressed bitstreams (image/jpeg, image/jls, image/jp2, image/jphc, image/dicom-rle) otherwise.',
    access: { kind: 'action', action: 'view' },
    audit: 'instances-retrieved',
    bindings: ['imaging-index:read', 'imaging-store:read'],
    request: { query: WadoQuerySchema },
    response: 'stream',
    pixelCodecs: true,
    responses: {
      200: {
        description: 'One part per requested frame, in the requested order.',
        mediaTypes: FRAME_MEDIA_TYPES,
      },
      400: { description: 'A UID or the frame list is malformed, or the list is longer than 100.' },
      404: { description: 'No such instance, or a frame number beyond its frames.' },
      406: {
        description:
          'The requested media type or transfer syntax is not offered (compressed frames are also offered decoded, as application/octet-stream in Explicit VR Little Endian), or the frames cannot be separated without decoding.',
      },
      413: { description: 'The frames are too large for one response.' },
    },
  }),
  retrieveBulkData: defineRoute('imaging', 'retrieveBulkData', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/series/{series}/instances/{instance}/bulkdata/{tagPath}',
    handler: 'imaging/handlers/retrieve-bulk-data',
    pathParameters: {
      study: studyParameter,
      series: seriesParameter,
      instance: instanceParameter,
      tagPath: tagPathParameter,
    },
    auditedParameters: { study: 'study', series: 'series', instance: 'instance' },
    summary:
      'WADO-RS bulk data named by a BulkDataURI in the metadata (pixel data, binary values over 1 KiB), checked against its digest.',
    access: { kind: 'action', action: 'view' },
    audit: 'instances-retrieved',
    bindings: ['imaging-index:read', 'imaging-store:read'],
    request: { query: WadoQuerySchema },
    response: 'stream',
    responses: {
      200: {
        description:
          'multipart/related; type="application/octet-stream" (compressed pixel data: one part per frame), or the bare value when asked for application/octet-stream.',
        mediaTypes: [MULTIPART_OCTET_STREAM_MEDIA_TYPE, 'application/octet-stream'],
      },
      400: { description: 'A UID or the bulk data path is malformed.' },
      404: { description: 'No such instance or bulk data value.' },
      406: { description: 'The requested media type is not offered.' },
      413: { description: 'The value is too large for one response.' },
    },
  }),
  retrieveStudyMetadata: defineRoute('imaging', 'retrieveStudyMetadata', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/metadata',
    handler: 'imaging/handlers/retrieve-study-metadata',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary: "WADO-RS: the DICOM JSON metadata of a study's instances, prepared at ingest.",
    access: { kind: 'action', action: 'view', supportView: true },
    audit: 'metadata-retrieved',
    bindings: ['imaging-index:read'],
    responses: {
      200: {
        description: 'One DICOM JSON object per instance.',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetsSchema,
      },
      404: { description: 'No such study.' },
    },
  }),
  retrieveSeriesMetadata: defineRoute('imaging', 'retrieveSeriesMetadata', {
    method: 'GET',
    path: '/dicomweb/studies/{study}/series/{series}/metadata',
    handler: 'imaging/handlers/retrieve-series-metadata',
    pathParameters: { study: studyParameter, series: seriesParameter },
    auditedParameters: { study: 'study', series: 'series' },
    summary: "WADO-RS: the DICOM JSON metadata of a series' instances in one read of the index.",
    access: { kind: 'action', action: 'view', supportView: true },
    audit: 'metadata-retrieved',
    bindings: ['imaging-index:read'],
    responses: {
      200: {
        description: 'One DICOM JSON object per instance.',
        mediaTypes: [DICOM_JSON_MEDIA_TYPE],
        schema: DicomJsonDatasetsSchema,
      },
      404: { description: 'No such series.' },
    },
  }),
  retrieveRenderedStudy: defineRoute('imaging', 'retrieveRenderedStudy', {
    ...RENDERED,
    method: 'GET',
    path: `${STUDY_PATH}/rendered`,
    handler: 'imaging/handlers/retrieve-rendered-study',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      'WADO-RS rendered (PS3.18 §9.5): Every image instance of the study (its first frame), one rendered image per part. Query: window, viewport, quality.',
    responses: {
      ...RENDERED_ERRORS,
      200: {
        description: 'Every image instance of the study (its first frame), one rendered image per part.',
        mediaTypes: RENDERED_MEDIA_TYPES,
      },
    },
  }),
  retrieveStudyThumbnail: defineRoute('imaging', 'retrieveStudyThumbnail', {
    ...RENDERED,
    method: 'GET',
    path: `${STUDY_PATH}/thumbnail`,
    handler: 'imaging/handlers/retrieve-thumbnail-study',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      'WADO-RS thumbnail (PS3.18 §9.6): A representative image of the study: the first frame of its first image instance. Query: window, viewport, quality.',
    responses: {
      ...RENDERED_ERRORS,
      200: {
        description: 'A representative image of the study: the first frame of its first image instance.',
        mediaTypes: RENDERED_MEDIA_TYPES,
      },
    },
  }),
  retrieveRenderedSeries: defineRoute('imaging', 'retrieveRenderedSeries', {
    ...RENDERED,
    method: 'GET',
    path: `${SERIES_PATH}/rendered`,
    handler: 'imaging/handlers/retrieve-rendered-series',
    pathParameters: { study: studyParameter, series: seriesParameter },
    auditedParameters: { study: 'study', series: 'series' },
    summary:
      'WADO-RS rendered (PS3.18 §9.5): Every image instance of the series (its first frame), one rendered image per part. Query: window, viewport, quality.',
    responses: {
      ...RENDERED_ERRORS,
      200: {
        description: 'Every image instance of the series (its first frame), one rendered image per part.',
        mediaTypes: RENDERED_MEDIA_TYPES,
      },
    },
  }),
  retrieveSeriesThumbnail: defineRoute('imaging', 'retrieveSeriesThumbnail', {
    ...RENDERED,
    method: 'GET',
    path: `${SERIES_PATH}/thumbnail`,
    handler: 'imaging/handlers/retrieve-thumbnail-series',
    pathParameters: { study: studyParameter, series: seriesParameter },
    auditedParameters: { study: 'study', series: 'series' },
    summary:
      'WADO-RS thumbnail (PS3.18 §9.6): A representative image of the series: the first frame of its first image instance. Query: window, viewport, quality.',
    responses: {
      ...RENDERED_ERRORS,
      200: {
        description: 'A representative image of the series: the first frame of its first image instance.',
        mediaTypes: RENDERED_MEDIA_TYPES,
      },
    },
  }),
  retrieveRenderedInstance: defineRoute('imaging', 'retrieveRenderedInstance', {
    ...RENDERED,
    method: 'GET',
    path: `${INSTANCE_PATH}/rendered`,
    handler: 'imaging/handlers/retrieve-rendered-instance',
    pathParameters: { study: studyParameter, series: seriesParameter, instance: instanceParameter },
    auditedParameters: { study: 'study', series: 'series', instance: 'instance' },
    summary:
      'WADO-RS rendered (PS3.18 §9.5): The first frame of the instance as one image. Query: window, viewport, quality.',
    responses: {
      ...RENDERED_ERRORS,
      200: { description: 'The first frame of the instance as one image.', mediaTypes: RENDERED_MEDIA_TYPES },
    },
  }),
  retrieveInstanceThumbnail: defineRoute('imaging', 'retrieveInstanceThumbnail', {
    ...RENDERED,
    method: 'GET',
    path: `${INSTANCE_PATH}/thumbnail`,
    handler: 'imaging/handlers/retrieve-thumbnail-instance',
    pathParameters: { study: studyParameter, series: seriesParameter, instance: instanceParameter },
    auditedParameters: { study: 'study', series: 'series', instance: 'instance' },
    summary:
      'WADO-RS thumbnail (PS3.18 §9.6): A small image of the first frame of the instance. Query: window, viewport, quality.',
    responses: {
      ...RENDERED_ERRORS,
      200: {
        description: 'A small image of the first frame of the instance.',
        mediaTypes: RENDERED_MEDIA_TYPES,
      },
    },
  }),
  retrieveRenderedFrames: defineRoute('imaging', 'retrieveRenderedFrames', {
    ...RENDERED,
    method: 'GET',
    path: `${FRAMES_PATH}/rendered`,
    handler: 'imaging/handlers/retrieve-rendered-frames',
    pathParameters: {
      study: studyParameter,
      series: seriesParameter,
      instance: instanceParameter,
      frameList: frameListParameter,
    },
    auditedParameters: { study: 'study', series: 'series', instance: 'instance' },
    summary:
      'WADO-RS rendered (PS3.18 §9.5): The listed frames: one image bare, several one per part in the requested order. Query: window, viewport, quality.',
    responses: {
      ...RENDERED_ERRORS,
      200: {
        description: 'The listed frames: one image bare, several one per part in the requested order.',
        mediaTypes: RENDERED_MEDIA_TYPES,
      },
    },
  }),
  retrieveFramesThumbnail: defineRoute('imaging', 'retrieveFramesThumbnail', {
    ...RENDERED,
    method: 'GET',
    path: `${FRAMES_PATH}/thumbnail`,
    handler: 'imaging/handlers/retrieve-thumbnail-frames',
    pathParameters: {
      study: studyParameter,
      series: seriesParameter,
      instance: instanceParameter,
      frameList: frameListParameter,
    },
    auditedParameters: { study: 'study', series: 'series', instance: 'instance' },
    summary:
      'WADO-RS thumbnail (PS3.18 §9.6): A small image of the first listed frame. Query: window, viewport, quality.',
    responses: {
      ...RENDERED_ERRORS,
      200: { description: 'A small image of the first listed frame.', mediaTypes: RENDERED_MEDIA_TYPES },
    },
  }),
};
